/**
 * Objects of ours around KServe: the KnativeServing resource for serverless mode (Kourier, no Istio), and
 * the PodMonitor that scrapes every predictor's /metrics in the team namespaces.
 */
import { MONITORING_NAMESPACE } from "../../domain/team-services";
import type { KserveMode } from "../../config/services";
import { KNATIVE_OPERATOR_NAMESPACE, KNATIVE_SERVING_NAMESPACE, KSERVE_NAMESPACE } from "../../domain/platform-namespaces";
import { type Manifest, singleManifest } from "../kube";
import { knativeServingResource } from "../crds/knative";
import { podMonitor } from "../crds/monitoring";

export { KNATIVE_QUEUE_PORTS } from "../team/network";
export { KNATIVE_OPERATOR_NAMESPACE, KNATIVE_SERVING_NAMESPACE, KSERVE_NAMESPACE };
/** Knative Serving release the operator installs (the operator chart bundles 1.20–1.23). */
export const KNATIVE_SERVING_VERSION = "1.23.0";
/** Port the model servers of KServe's runtimes listen and serve /metrics on. */
export const PREDICTOR_PORT = 8080;

/** KServe's deployment mode strings (v0.16+): Standard is plain Deployments, Knative is serverless. */
export function kserveDeploymentMode(mode: KserveMode): "Standard" | "Knative" {
  return mode === "serverless" ? "Knative" : "Standard";
}

export function knativeServing(labels: Readonly<Record<string, string>> = {}): Manifest {
  return singleManifest((scope) =>
    knativeServingResource(
      scope,
      "knative-serving",
      { name: "knative-serving", namespace: KNATIVE_SERVING_NAMESPACE, labels: { ...labels } },
      {
        version: KNATIVE_SERVING_VERSION,
        ingress: { kourier: { enabled: true, "service-type": "ClusterIP" } },
        config: {
          network: { "ingress-class": "kourier.ingress.networking.knative.dev" },
          // Cluster-local URLs: serverless predictors get no route on the gateway (model endpoints need Standard mode).
          domain: { "svc.cluster.local": "" },
        },
      },
    ),
  );
}

/**
 * Serving metrics of every InferenceService in any namespace: KServe's runtimes serve /metrics on the
 * model-server port (the predictor container declares no named port, hence the port number).
 */
export function predictorPodMonitor(labels: Readonly<Record<string, string>> = {}): Manifest {
  return singleManifest((scope) =>
    podMonitor(
      scope,
      "kserve-predictors",
      { name: "kserve-predictors", namespace: MONITORING_NAMESPACE, labels: { ...labels } },
      {
        namespaceSelector: { any: true },
        selector: { matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] },
        podMetricsEndpoints: [
          {
            portNumber: PREDICTOR_PORT,
            path: "/metrics",
            relabelings: [{ sourceLabels: ["__meta_kubernetes_pod_label_serving_kserve_io_inferenceservice"], targetLabel: "inferenceservice" }],
          },
        ],
      },
    ),
  );
}
