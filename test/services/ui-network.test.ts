/**
 * allow-gateway: the gateway's proxies reach exactly the UI pods behind each route, on the pods' own port; a team's Evidently route, its own instance alone;
 * a team's Pipelines UI, in the team's namespace, gets none here (the team chart admits the proxies there).
 */
import { describe, expect, it } from "vitest";
import { evidentlyObjects } from "../../charts/services/evidently";
import { ALLOW_GATEWAY_POLICY, allowGatewayPolicyName, gatewayUiNetworkPolicies, UI_PODS, uiRoutePods } from "../../charts/services/ui-network";
import { ENVOY_PROXY_POD_LABELS } from "../../charts/team/network";
import { UI_APPS, uiRoutes } from "../../domain/access";
import { evidentlyPodLabels } from "../../domain/evidently";
import { EVIDENTLY_NAMESPACE, INGRESS_NAMESPACE, KUBEFLOW_NAMESPACE, MLFLOW_NAMESPACE, MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { allowed, selects, type NetworkPolicy, type Pod, type World } from "../../scripts/netpol/evaluate";
import { mlflow, type Obj } from "./chart-fixtures";

const ACCESS = { domain: "mlops.example.com", adminGroups: ["platform-admins"] };
const owners = { admin: { groups: [] }, edit: { groups: [] }, view: { groups: [] } };
const routes = uiRoutes(ACCESS, new Set(UI_APPS), [
  { name: "vision", services: ["evidently"], owners },
  { name: "nlp", services: ["evidently", "pipelines"], owners },
]);
const outsideTeams = routes.filter((r) => r.app !== "pipelines");
const policies = gatewayUiNetworkPolicies(routes, { "cost-center": "platform" }) as Obj[];
const mlflowObjs = mlflow();
const evidentlyObjs = evidentlyObjects({ teams: ["vision", "nlp"], databaseEgress: { kind: "cidr", cidr: "10.20.0.0/16", ports: [5432] } }) as Obj[];

const PROXY: Pod = { namespace: INGRESS_NAMESPACE, name: "envoy", labels: { ...ENVOY_PROXY_POD_LABELS } };
const CONTROLLER: Pod = { namespace: INGRESS_NAMESPACE, name: "envoy-gateway", labels: { "app.kubernetes.io/name": "gateway-helm" } };
const TEAM_POD: Pod = { namespace: "vision", name: "train", labels: { ...ENVOY_PROXY_POD_LABELS } };
const ui = (namespace: string, labels: Record<string, string>): Pod => ({ namespace, name: "ui", labels });
const MLFLOW = ui(MLFLOW_NAMESPACE, { ...UI_PODS.mlflow.podLabels });
const GRAFANA = ui(MONITORING_NAMESPACE, { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "monitoring" });
const PROMETHEUS: Pod = { namespace: MONITORING_NAMESPACE, name: "prometheus", labels: { "app.kubernetes.io/name": "prometheus" } };
const EVIDENTLY = ui(EVIDENTLY_NAMESPACE, { ...evidentlyPodLabels("vision"), "pod-template-hash": "x" });
const EVIDENTLY_NLP = ui(EVIDENTLY_NAMESPACE, { ...evidentlyPodLabels("nlp"), "pod-template-hash": "y" });

const world: World = {
  namespaces: Object.fromEntries(
    [INGRESS_NAMESPACE, MLFLOW_NAMESPACE, KUBEFLOW_NAMESPACE, MONITORING_NAMESPACE, EVIDENTLY_NAMESPACE, "vision", "nlp"].map((n) => [n, {}]),
  ),
  policies: [...policies, ...mlflowObjs, ...evidentlyObjs].filter((o) => o.kind === "NetworkPolicy") as unknown as NetworkPolicy[],
};

describe("allow-gateway NetworkPolicies", () => {
  it("are one per UI route outside team namespaces, in the route's backend namespace, labelled; a team instance's named after its route", () => {
    expect(policies.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.app === "pipelines").map((r) => r.name)).toEqual(["pipelines-nlp"]);
    expect(policies.filter((p) => p.metadata?.namespace === "nlp" || p.metadata?.name?.includes("pipelines"))).toEqual([]);
    expect(policies.map((p) => [p.kind, p.metadata?.name, p.metadata?.namespace])).toEqual(
      outsideTeams.map((r) => ["NetworkPolicy", r.team ? `${ALLOW_GATEWAY_POLICY}-evidently-${r.team}` : ALLOW_GATEWAY_POLICY, r.backend.namespace]),
    );
    expect(outsideTeams.filter((r) => r.team).map(allowGatewayPolicyName)).toEqual(["allow-gateway-evidently-vision", "allow-gateway-evidently-nlp"]);
    for (const p of policies) expect(p.metadata?.labels).toMatchObject({ "cost-center": "platform" });
  });

  it("admit only the gateway's proxy pods (and, where nothing else isolates the UI, its own namespace) on the pods' port", () => {
    for (const route of outsideTeams) {
      const spec = policies.find((p) => p.metadata?.namespace === route.backend.namespace && p.metadata?.name === allowGatewayPolicyName(route))?.spec;
      const pods = uiRoutePods(route);
      expect(spec.podSelector).toEqual({ matchLabels: pods.podLabels });
      expect(spec.ingress[0].from[0]).toEqual({
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": INGRESS_NAMESPACE } },
        podSelector: { matchLabels: { ...ENVOY_PROXY_POD_LABELS } },
      });
      expect(spec.ingress[0].from.slice(1)).toEqual(pods.defaultDeny ? [] : [{ podSelector: {} }]);
      expect(spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: pods.port }]);
    }
  });

  it("select the pods our MLflow and Evidently charts run, on their container ports", () => {
    for (const [route, objs] of [
      [routes.find((r) => r.app === "mlflow"), mlflowObjs],
      ...routes.filter((r) => r.app === "evidently").map((r) => [r, evidentlyObjs] as const),
    ] as const) {
      if (!route) throw new Error("no route");
      const pods = uiRoutePods(route);
      const deployments = objs.filter((o) => o.kind === "Deployment" && selects({ matchLabels: { ...pods.podLabels } }, o.spec.template.metadata.labels));
      expect(
        deployments.map((d) => d.metadata?.name),
        route.name,
      ).toEqual([route.backend.service]);
      const ports = deployments[0].spec.template.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => p.containerPort));
      expect(ports, route.name).toContain(pods.port);
    }
  });

  it("let the proxies reach every UI, and not the controller or a look-alike in a team namespace", () => {
    for (const [target, port] of [
      [MLFLOW, 5000],
      [GRAFANA, 3000],
      [EVIDENTLY, 8000],
    ] as const) {
      expect(allowed(world, { from: PROXY, to: target, port }), target.namespace).toBe(true);
      expect(allowed(world, { from: CONTROLLER, to: target, port }), target.namespace).toBe(false);
      expect(allowed(world, { from: TEAM_POD, to: target, port }), target.namespace).toBe(false);
    }
  });

  it("let the proxies reach each team's own Evidently instance and nobody else's pods there, not even another team's", () => {
    expect(allowed(world, { from: PROXY, to: EVIDENTLY_NLP, port: 8000 })).toBe(true);
    const nlp: Pod = { namespace: "nlp", name: "train", labels: {} };
    expect(allowed(world, { from: nlp, to: EVIDENTLY, port: 8000 })).toBe(false);
    expect(allowed(world, { from: PROXY, to: EVIDENTLY, port: 9000 })).toBe(false);
  });

  it("keep what worked in namespaces we do not isolate otherwise: Prometheus scrapes Grafana; nothing of ours in kubeflow", () => {
    expect(allowed(world, { from: PROMETHEUS, to: GRAFANA, port: 3000 })).toBe(true);
    expect(allowed(world, { from: PROXY, to: GRAFANA, port: 9094 })).toBe(false);
    expect(policies.filter((p) => p.metadata?.namespace === KUBEFLOW_NAMESPACE)).toEqual([]);
  });
});
