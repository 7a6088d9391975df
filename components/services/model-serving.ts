import * as pulumi from "@pulumi/pulumi";
import type { KserveMode } from "../../config/services";
import { loadValuesFile, mergeValues } from "../../charts/values";
import { KNATIVE_OPERATOR_NAMESPACE, KSERVE_NAMESPACE, kserveDeploymentMode, knativeServing, predictorPodMonitor } from "../../charts/services/kserve";
import { createObjectGroup } from "../kubernetes/object-group";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { CHARTS } from "../../domain/versions";
import { GATEWAY_NAME, GATEWAY_NAMESPACE, modelsDomain } from "../../domain/access";

export interface ModelServingArgs {
  /** `standard`: plain Deployments; `serverless`: Knative Serving with Kourier. */
  readonly mode: KserveMode;
  /** The namespaces (kserve, knative-*) and the Prometheus operator's CRDs, created before. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
  /** The platform's cert-manager (components/cert-manager), which signs the controller's webhook certificate. */
  readonly certManager: pulumi.Input<pulumi.Resource>[];
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * With `access` and a team serving models: KServe makes an HTTPRoute per InferenceService on the platform's
   * Gateway. Its controller refuses to start without the HTTPRoute CRD, so it waits for `crds` (the gateway chart).
   */
  readonly gateway?: { readonly domain: string; readonly crds: pulumi.Input<pulumi.Resource>[] };
}

/**
 * KServe's Gateway API settings (kserve-resources v0.20.0 values kserve.controller.gateway, rendered into the
 * inferenceservice-config `ingress` entry): routes on ingress/platform for <isvc>-<namespace>.models.<domain>, URLs
 * https (TLS ends at the gateway or its load balancer), no Gateway of KServe's own.
 */
export function kserveGatewayValues(domain: string) {
  return {
    kserve: {
      controller: {
        gateway: {
          domain: modelsDomain(domain),
          urlScheme: "https",
          disableIngressCreation: false,
          ingressGateway: { enableGatewayApi: true, kserveGateway: `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`, createGateway: false },
        },
      },
    },
  };
}

/** kserve-resources values: our overrides file plus the deployment mode and, with a gateway domain, the Gateway API settings. */
export function kserveValues(mode: KserveMode, gatewayDomain?: string) {
  return mergeValues(
    loadValuesFile("kserve-resources"),
    { kserve: { version: CHARTS.kserveResources.version, controller: { deploymentMode: kserveDeploymentMode(mode) } } },
    ...(gatewayDomain ? [kserveGatewayValues(gatewayDomain)] : []),
  );
}

/**
 * KServe from its upstream charts, in the order they need: the CRDs, the controller (after the platform's
 * cert-manager, which signs its webhook certificate), then the serving runtimes its webhook validates. Serverless mode adds the Knative operator
 * and a KnativeServing with Kourier (no Istio). A PodMonitor scrapes every predictor.
 */
export class ModelServing extends pulumi.ComponentResource {
  constructor(name: string, args: ModelServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:ModelServing", name, {}, opts);
    const child = { parent: this };
    const crds = createUpstreamChart(`${name}-crds`, CHARTS.kserveCrd, KSERVE_NAMESPACE, {}, { ...child, dependsOn: args.dependsOn });
    const knative: pulumi.Resource[] = [];
    if (args.mode === "serverless") {
      const operator = createUpstreamChart(`${name}-knative-operator`, CHARTS.knativeOperator, KNATIVE_OPERATOR_NAMESPACE, loadValuesFile("knative-operator"), {
        ...child,
        dependsOn: args.dependsOn,
      });
      knative.push(createObjectGroup(`${name}-knative-serving`, [knativeServing(args.labels)], { ...child, dependsOn: [operator] }));
    }
    // The controller's Certificate and Issuer need cert-manager's CRDs and a running cert-manager.
    const controller = createUpstreamChart(`${name}-controller`, CHARTS.kserveResources, KSERVE_NAMESPACE, kserveValues(args.mode, args.gateway?.domain), {
      ...child,
      dependsOn: [...args.certManager, crds, ...knative, ...(args.gateway?.crds ?? [])],
    });
    createUpstreamChart(
      `${name}-runtimes`,
      CHARTS.kserveRuntimes,
      KSERVE_NAMESPACE,
      mergeValues(loadValuesFile("kserve-runtime-configs"), { kserve: { version: CHARTS.kserveRuntimes.version } }),
      { ...child, dependsOn: [controller] },
    );
    createObjectGroup(`${name}-monitoring`, [predictorPodMonitor(args.labels)], { ...child, dependsOn: args.dependsOn });
    this.registerOutputs({});
  }
}
