/** A team namespace and the gateway: the models listener's label on teams that serve models, and predictors reached by the gateway's proxies only. */
import { describe, expect, it } from "vitest";
import { teamObjects } from "../../charts/team";
import { ENVOY_PROXY_POD_LABELS } from "../../charts/team/network";
import { resolveTeam, teamSchema, type TeamConfig } from "../../config/teams";
import { MODEL_ROUTES_LABEL } from "../../domain/access";
import { INGRESS_NAMESPACE, MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { allowed, type NetworkPolicy, type Pod, type World } from "../../scripts/netpol/evaluate";
import { teamEntry } from "./fixtures";
import type { Obj } from "./chart-fixtures";

const make = (name: string, extra: Record<string, unknown>): TeamConfig => resolveTeam(teamSchema.parse(teamEntry(name, extra)), ["experiments"]);
const serving = make("vision", { services: ["kserve"], modelEndpoints: {} });
const internal = make("nlp", { services: ["kserve"] });
const objectsOf = (team: TeamConfig) => teamObjects({ team, environment: "dev" }) as unknown as Obj[];
const namespaceOf = (team: TeamConfig) => objectsOf(team).find((o) => o.kind === "Namespace");

const PROXY: Pod = {
  namespace: INGRESS_NAMESPACE,
  name: "envoy-ingress-platform",
  labels: { ...ENVOY_PROXY_POD_LABELS, "gateway.envoyproxy.io/owning-gateway-name": "platform" },
};
const CONTROLLER: Pod = { namespace: INGRESS_NAMESPACE, name: "envoy-gateway", labels: { "app.kubernetes.io/name": "gateway-helm" } };
const PROMETHEUS: Pod = { namespace: MONITORING_NAMESPACE, name: "prometheus", labels: { "app.kubernetes.io/name": "prometheus" } };
const predictor = (team: string): Pod => ({ namespace: team, name: "churn-predictor", labels: { "serving.kserve.io/inferenceservice": "churn" } });
const LOOKALIKE: Pod = { namespace: "nlp", name: "fake-envoy", labels: { ...ENVOY_PROXY_POD_LABELS } };

function world(...teams: TeamConfig[]): World {
  const all = teams.flatMap(objectsOf);
  return {
    namespaces: { [INGRESS_NAMESPACE]: {}, [MONITORING_NAMESPACE]: {}, ...Object.fromEntries(teams.map((t) => [t.name, {}])) },
    policies: all.filter((o) => o.kind === "NetworkPolicy") as unknown as NetworkPolicy[],
  };
}

describe("team namespace and the gateway: the models listener's label", () => {
  it("is on the namespace of a team with modelEndpoints, and on no other", () => {
    expect(serving.modelEndpoints).toBeDefined();
    expect(namespaceOf(serving)?.metadata.labels).toMatchObject({ [MODEL_ROUTES_LABEL]: "true" });
    expect(namespaceOf(internal)?.metadata.labels).not.toHaveProperty(MODEL_ROUTES_LABEL);
  });
});

describe("team namespace and the gateway: allow-inference-ingress", () => {
  it("admits the gateway's proxy pods by their Envoy Gateway labels in the gateway namespace, and Prometheus, on the predictor port", () => {
    const policy = objectsOf(serving).find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "allow-inference-ingress");
    expect(policy?.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": INGRESS_NAMESPACE } },
            podSelector: {
              matchLabels: { "app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway" },
            },
          },
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": MONITORING_NAMESPACE } } },
        ],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
    ]);
  });

  it("lets the proxies call a serving team's predictors, never the controller, a look-alike pod elsewhere, or another port", () => {
    const w = world(serving, internal);
    expect(allowed(w, { from: PROXY, to: predictor("vision"), port: 8080 })).toBe(true);
    expect(allowed(w, { from: PROXY, to: predictor("vision"), port: 8081 })).toBe(false);
    expect(allowed(w, { from: CONTROLLER, to: predictor("vision"), port: 8080 })).toBe(false);
    expect(allowed(w, { from: LOOKALIKE, to: predictor("vision"), port: 8080 })).toBe(false);
    expect(allowed(w, { from: PROMETHEUS, to: predictor("vision"), port: 8080 })).toBe(true);
  });

  it("keeps the predictors of a team that does not serve models on the gateway closed to the proxies", () => {
    const w = world(serving, internal);
    expect(allowed(w, { from: PROXY, to: predictor("nlp"), port: 8080 })).toBe(false);
    expect(allowed(w, { from: PROMETHEUS, to: predictor("nlp"), port: 8080 })).toBe(true);
  });
});
