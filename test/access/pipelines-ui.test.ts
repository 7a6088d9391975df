/**
 * Each team's own Kubeflow Pipelines UI behind the gateway: the proxies' egress reaches the UI pods of the teams that
 * opted in, in their own namespaces, and nothing else there or anywhere else.
 */
import { describe, expect, it } from "vitest";
import { PIPELINES_UI_PODS, uiRouteInTeamNamespace, uiRoutePods } from "../../charts/services/ui-network";
import { ingressNamespaceObjects } from "../../components/access";
import { ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE, uiRoutes } from "../../domain/access";
import { KFP_POD_LABELS, KFP_PORTS } from "../../domain/pipelines";
import { KUBEFLOW_NAMESPACE } from "../../domain/platform-namespaces";
import { serviceOptInLabel } from "../../domain/team-services";
import { allowed, type NetworkPolicy, type Pod, type World } from "../../scripts/netpol/evaluate";
import { ALL_UIS, body, oidcAccess, ofKind, team } from "./fixtures";

const access = oidcAccess();
const teams = [team("nlp", ["pipelines"]), team("fraud", ["pipelines", "mlflow"]), team("vision", ["mlflow"])];
const routes = uiRoutes(access, ALL_UIS, teams);
const egressPolicy = ofKind(ingressNamespaceObjects({ access, uiRoutes: routes }), "NetworkPolicy")
  .map(body)
  .find((p) => p.metadata.name === "allow-proxy-egress");
const OPTED_IN = { [serviceOptInLabel("pipelines")]: "true" };

const PROXY: Pod = { namespace: GATEWAY_NAMESPACE, name: "envoy", labels: { ...ENVOY_PROXY_POD_LABELS } };
const pod = (namespace: string, labels: Record<string, string>): Pod => ({ namespace, name: "target", labels: { ...labels, "pod-template-hash": "x" } });
const world = (namespaces: World["namespaces"]): World => ({ namespaces, policies: [egressPolicy] as unknown as NetworkPolicy[] });
const labelled: World["namespaces"] = { [GATEWAY_NAMESPACE]: {}, [KUBEFLOW_NAMESPACE]: {}, nlp: OPTED_IN, fraud: OPTED_IN, vision: {} };

describe("gateway egress to each team's own Pipelines UI", () => {
  it("has one rule per opted-in team: that namespace by name and opt-in label, its ml-pipeline-ui pods, port 3000", () => {
    const pipelines = routes.filter((r) => r.app === "pipelines");
    expect(pipelines.map((r) => r.team)).toEqual(["nlp", "fraud"]);
    for (const route of pipelines) {
      expect(uiRouteInTeamNamespace(route)).toBe(true);
      expect(uiRoutePods(route)).toBe(PIPELINES_UI_PODS);
      const rule = {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": route.team, ...OPTED_IN } },
            podSelector: { matchLabels: { ...KFP_POD_LABELS.ui } },
          },
        ],
        ports: [{ protocol: "TCP", port: KFP_PORTS.ui }],
      };
      expect(egressPolicy?.spec.egress).toContainEqual(rule);
    }
    const teamRules = egressPolicy?.spec.egress.filter((r: any) => JSON.stringify(r).includes(KFP_POD_LABELS.ui.app));
    expect(teamRules).toHaveLength(2);
    expect(JSON.stringify(egressPolicy?.spec.egress)).not.toContain('"vision"');
  });

  it("a team's instance names its team", () => {
    expect(() => uiRoutePods({ app: "pipelines" })).toThrow(/names its team/);
  });

  it("evaluated: the proxies reach opted-in teams' UI pods on 3000, and not another team's, the KFP API, other ports or kubeflow", () => {
    const w = world(labelled);
    for (const name of ["nlp", "fraud"]) expect(allowed(w, { from: PROXY, to: pod(name, KFP_POD_LABELS.ui), port: 3000 }), name).toBe(true);
    for (const [target, port] of [
      [pod("vision", KFP_POD_LABELS.ui), 3000],
      [pod("nlp", KFP_POD_LABELS.apiServer), 8888],
      [pod("nlp", KFP_POD_LABELS.metadataEnvoy), 9090],
      [pod("nlp", KFP_POD_LABELS.ui), 8888],
      [pod("nlp", { app: "train" }), 3000],
      [pod(KUBEFLOW_NAMESPACE, KFP_POD_LABELS.ui), 3000],
    ] as const) {
      expect(allowed(w, { from: PROXY, to: target, port }), `${target.namespace}/${JSON.stringify(target.labels)}:${port}`).toBe(false);
    }
  });

  it("evaluated: a team namespace that loses its opt-in label is no longer reached", () => {
    const w = world({ ...labelled, nlp: {} });
    expect(allowed(w, { from: PROXY, to: pod("nlp", KFP_POD_LABELS.ui), port: 3000 })).toBe(false);
    expect(allowed(w, { from: PROXY, to: pod("fraud", KFP_POD_LABELS.ui), port: 3000 })).toBe(true);
  });
});
