/**
 * NetworkPolicies `allow-gateway` in the namespaces of the UIs the gateway serves: the gateway's proxy pods reach
 * the UI's pods on the port those pods listen on (a NetworkPolicy names the pod's port, not the Service's).
 * Namespaces without a default deny of ours (monitoring: upstream chart) become isolated for those pods by this
 * policy, so it also admits the namespace's own pods (Prometheus scrapes Grafana there). A team's own Kubeflow
 * Pipelines UI runs in the team's namespace, whose NetworkPolicies the team chart writes (charts/team): it admits
 * the proxies there, not this file. The proxies' egress to each route's pods is uiRouteEgress.
 */
import type { SharedUiApp, UiRoute } from "../../domain/access";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { KFP_POD_LABELS, KFP_PORTS } from "../../domain/pipelines";
import { k8s, manifests, port, type Manifest } from "../kube";
import { gatewayProxyPeer } from "../team/network";
import { EVIDENTLY_APP_LABELS, EVIDENTLY_PORT, evidentlyPodLabels } from "./evidently";
import { MLFLOW_PORT } from "./mlflow";
import { optedInTeamNamespace } from "./network";

export const ALLOW_GATEWAY_POLICY = "allow-gateway";

export interface UiPods {
  /** Labels every pod behind the UI's Service carries (matchLabels). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The container port behind the Service's port. */
  readonly port: number;
  /** Whether the namespace has our default deny already (else this policy is the first to isolate these pods). */
  readonly defaultDeny: boolean;
}

export const UI_PODS: Readonly<Record<SharedUiApp, UiPods>> = {
  mlflow: { podLabels: { "app.kubernetes.io/name": "mlflow" }, port: MLFLOW_PORT, defaultDeny: true },
  // grafana chart (kube-prometheus-stack 88.5.3): selector app.kubernetes.io/name=grafana, Service 80 → service.targetPort 3000.
  grafana: { podLabels: { "app.kubernetes.io/name": "grafana" }, port: 3000, defaultDeny: false },
};

/** The pods of every team's Evidently instance (the proxies' egress); each route's policy admits the proxies to its own team's pods only. */
export const EVIDENTLY_UI_PODS: UiPods = { podLabels: EVIDENTLY_APP_LABELS, port: EVIDENTLY_PORT, defaultDeny: true };

/**
 * The UI pods of a team's own Kubeflow Pipelines (KFP 2.17.0 manifests/kustomize/base/pipeline/ml-pipeline-ui-
 * {deployment,service}.yaml: Service 80 → container 3000), in the team's namespace (default deny of ours).
 */
export const PIPELINES_UI_PODS: UiPods = { podLabels: KFP_POD_LABELS.ui, port: KFP_PORTS.ui, defaultDeny: true };

/** The pods behind one UI route: a shared UI's, or the one team's own instance. */
export function uiRoutePods(route: Pick<UiRoute, "app" | "team">): UiPods {
  if (route.app === "mlflow" || route.app === "grafana") return UI_PODS[route.app];
  if (!route.team) throw new Error(`a ${route.app} UI route is a team's own instance: it names its team`);
  if (route.app === "pipelines") return PIPELINES_UI_PODS;
  return { ...EVIDENTLY_UI_PODS, podLabels: evidentlyPodLabels(route.team) };
}

/**
 * Whether the route's backend runs in its team's own namespace (a team's Kubeflow Pipelines UI): there the team
 * chart's NetworkPolicies admit the proxies, so gatewayUiNetworkPolicies writes nothing for it.
 */
export const uiRouteInTeamNamespace = (route: Pick<UiRoute, "app" | "team">): boolean => route.app === "pipelines";

/**
 * The proxies' egress to one UI route: its pods (the labels and container port its allow-gateway policy admits) in
 * its backend's namespace, never the rest of that namespace (monitoring has no default deny of ours, so a
 * namespace-wide rule would open Prometheus there). A team's Pipelines UI: in that team's namespace only while it
 * keeps the opt-in label (by name AND label, charts/services/network.ts optedInTeamNamespace).
 */
export function uiRouteEgress(route: Pick<UiRoute, "app" | "team" | "backend">): k8s.NetworkPolicyEgressRule {
  const pods = uiRoutePods(route);
  const namespace: k8s.NetworkPolicyPeer =
    uiRouteInTeamNamespace(route) && route.team
      ? optedInTeamNamespace(route.team, route.app)
      : { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": route.backend.namespace } } };
  return { to: [{ ...namespace, podSelector: { matchLabels: { ...pods.podLabels } } }], ports: [{ protocol: "TCP", port: port(pods.port) }] };
}

/** The name of a route's gateway policy: allow-gateway for a shared UI, allow-gateway-<route> for a team's instance (several share a namespace). */
export const allowGatewayPolicyName = (route: Pick<UiRoute, "name" | "team">): string =>
  route.team ? `${ALLOW_GATEWAY_POLICY}-${route.name}` : ALLOW_GATEWAY_POLICY;

/** The `allow-gateway` policy of one UI route, in its backend's namespace. */
export function allowGatewaySpec(route: Pick<UiRoute, "app" | "team">): k8s.NetworkPolicySpec {
  const pods = uiRoutePods(route);
  const from: k8s.NetworkPolicyPeer[] = [gatewayProxyPeer(), ...(pods.defaultDeny ? [] : [{ podSelector: {} }])];
  return {
    podSelector: { matchLabels: { ...pods.podLabels } },
    policyTypes: ["Ingress"],
    ingress: [{ from, ports: [{ protocol: "TCP", port: port(pods.port) }] }],
  };
}

/** One `allow-gateway` NetworkPolicy per UI route the stack serves (domain/access.ts uiRoutes) outside team namespaces. */
export function gatewayUiNetworkPolicies(routes: readonly UiRoute[], labels: Readonly<Record<string, string>> = {}): Manifest[] {
  return manifests((scope) => {
    for (const route of routes.filter((r) => !uiRouteInTeamNamespace(r))) {
      new k8s.KubeNetworkPolicy(scope, `allow-gateway-${route.name}`, {
        metadata: { name: allowGatewayPolicyName(route), namespace: route.backend.namespace, labels: { ...labels, ...PLATFORM_OWNED_LABELS } },
        spec: allowGatewaySpec(route),
      });
    }
  });
}
