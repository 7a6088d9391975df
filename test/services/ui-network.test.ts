/** allow-gateway: the gateway's proxies reach exactly the UI pods behind each route, on the pods' own port. */
import { describe, expect, it } from "vitest";
import { evidentlyObjects } from "../../charts/services/evidently";
import { ALLOW_GATEWAY_POLICY, gatewayUiNetworkPolicies, UI_PODS } from "../../charts/services/ui-network";
import { ENVOY_PROXY_POD_LABELS } from "../../charts/team/network";
import { UI_APPS, uiRoutes } from "../../domain/access";
import { EVIDENTLY_NAMESPACE, INGRESS_NAMESPACE, KUBEFLOW_NAMESPACE, MLFLOW_NAMESPACE, MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { allowed, selects, type NetworkPolicy, type Pod, type World } from "../../scripts/netpol/evaluate";
import { mlflow, type Obj } from "./chart-fixtures";

const ACCESS = { domain: "mlops.example.com", adminGroups: ["platform-admins"] };
const routes = uiRoutes(ACCESS, new Set(UI_APPS), []);
const policies = gatewayUiNetworkPolicies(routes, { "cost-center": "platform" }) as Obj[];
const mlflowObjs = mlflow();
const evidentlyObjs = evidentlyObjects({ secretName: "evidently-config", databaseEgress: { kind: "cidr", cidr: "10.20.0.0/16", ports: [5432] } }) as Obj[];

const PROXY: Pod = { namespace: INGRESS_NAMESPACE, name: "envoy", labels: { ...ENVOY_PROXY_POD_LABELS } };
const CONTROLLER: Pod = { namespace: INGRESS_NAMESPACE, name: "envoy-gateway", labels: { "app.kubernetes.io/name": "gateway-helm" } };
const TEAM_POD: Pod = { namespace: "vision", name: "train", labels: { ...ENVOY_PROXY_POD_LABELS } };
const ui = (namespace: string, labels: Record<string, string>): Pod => ({ namespace, name: "ui", labels });
const MLFLOW = ui(MLFLOW_NAMESPACE, { ...UI_PODS.mlflow.podLabels });
const PIPELINES_UI = ui(KUBEFLOW_NAMESPACE, { app: "ml-pipeline-ui", "application-crd-id": "kubeflow-pipelines" });
const KFP_API = ui(KUBEFLOW_NAMESPACE, { app: "ml-pipeline" });
const GRAFANA = ui(MONITORING_NAMESPACE, { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "monitoring" });
const PROMETHEUS: Pod = { namespace: MONITORING_NAMESPACE, name: "prometheus", labels: { "app.kubernetes.io/name": "prometheus" } };
const EVIDENTLY = ui(EVIDENTLY_NAMESPACE, { ...UI_PODS.evidently.podLabels, "app.kubernetes.io/part-of": "evidently" });

const world: World = {
  namespaces: Object.fromEntries(
    [INGRESS_NAMESPACE, MLFLOW_NAMESPACE, KUBEFLOW_NAMESPACE, MONITORING_NAMESPACE, EVIDENTLY_NAMESPACE, "vision"].map((n) => [n, {}]),
  ),
  policies: [...policies, ...mlflowObjs, ...evidentlyObjs].filter((o) => o.kind === "NetworkPolicy") as unknown as NetworkPolicy[],
};

describe("allow-gateway NetworkPolicies", () => {
  it("are one per UI route, in the route's backend namespace, labelled", () => {
    expect(policies.length).toBeGreaterThan(0);
    expect(policies.map((p) => [p.kind, p.metadata?.name, p.metadata?.namespace])).toEqual(
      routes.map((r) => ["NetworkPolicy", ALLOW_GATEWAY_POLICY, r.backend.namespace]),
    );
    for (const p of policies) expect(p.metadata?.labels).toMatchObject({ "cost-center": "platform" });
  });

  it("admit only the gateway's proxy pods (and, where nothing else isolates the UI, its own namespace) on the pods' port", () => {
    for (const route of routes) {
      const spec = policies.find((p) => p.metadata?.namespace === route.backend.namespace)?.spec;
      const pods = UI_PODS[route.app];
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
    for (const [app, objs] of [
      ["mlflow", mlflowObjs],
      ["evidently", evidentlyObjs],
    ] as const) {
      const deployment = objs.find((o) => o.kind === "Deployment" && selects({ matchLabels: { ...UI_PODS[app].podLabels } }, o.spec.template.metadata.labels));
      expect(deployment, app).toBeDefined();
      const ports = deployment?.spec.template.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => p.containerPort));
      expect(ports, app).toContain(UI_PODS[app].port);
    }
  });

  it("let the proxies reach every UI, and not the controller or a look-alike in a team namespace", () => {
    for (const [target, port] of [
      [MLFLOW, 5000],
      [PIPELINES_UI, 3000],
      [GRAFANA, 3000],
      [EVIDENTLY, 8000],
    ] as const) {
      expect(allowed(world, { from: PROXY, to: target, port }), target.namespace).toBe(true);
      expect(allowed(world, { from: CONTROLLER, to: target, port }), target.namespace).toBe(false);
      expect(allowed(world, { from: TEAM_POD, to: target, port }), target.namespace).toBe(false);
    }
  });

  it("keep what worked in namespaces we do not isolate otherwise: Prometheus scrapes Grafana, other KFP pods untouched", () => {
    expect(allowed(world, { from: PROMETHEUS, to: GRAFANA, port: 3000 })).toBe(true);
    expect(allowed(world, { from: TEAM_POD, to: KFP_API, port: 8888 })).toBe(true);
    expect(allowed(world, { from: PROXY, to: GRAFANA, port: 9094 })).toBe(false);
  });
});
