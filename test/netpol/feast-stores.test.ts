/**
 * The Feast stores under the NetworkPolicies the plan writes (scripts/netpol/evaluate.ts): the dev fixture (EKS) with
 * every team opted into feast, so that each team has its own store. A team's pods reach its own store's servers and
 * no other team's; the servers reach the API server (TokenReview) and the IdP over HTTPS, and no team namespace.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { FEAST_PORTS, FEAST_SERVER_LABELS, feastPodLabels } from "../../domain/feast";
import { FEAST_NAMESPACE } from "../../domain/platform-namespaces";
import { allowed, type Connection, type NetworkPolicy, type Pod, type World } from "../../scripts/netpol/evaluate";
import { runPlan } from "../../scripts/plan/run";
import { fixtureStackConfig, TODAY } from "../helpers/stack";

const workload = (team: string): Pod => ({ namespace: team, name: "train", labels: {} });
/** A team's store's pod, labelled as the operator labels it (getLabels in its services.go). */
const store = (team: string): Pod => ({ namespace: FEAST_NAMESPACE, name: `feast-${team}`, labels: { ...feastPodLabels(team), ...FEAST_SERVER_LABELS } });

describe("the Feast stores of the dev fixture, every team opted into feast", () => {
  let world: World;
  let teams: string[] = [];
  const can = (connection: Connection) => allowed(world, connection);

  beforeAll(async () => {
    const cfg = fixtureStackConfig("dev");
    const raw = JSON.parse(cfg.values["mlops-platform:teams"]).map((t: { services?: string[] }) => ({
      ...t,
      services: [...new Set([...(t.services ?? []), "feast"])],
    }));
    const result = await runPlan("dev", { stackConfig: { ...cfg, values: { ...cfg.values, "mlops-platform:teams": JSON.stringify(raw) } }, today: TODAY });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const objects = result.objects.map((o) => o.object);
    const namespaces = Object.fromEntries(
      objects.filter((o) => o.kind === "Namespace").map((o) => [o.metadata?.name ?? "", (o.metadata as { labels?: Record<string, string> }).labels ?? {}]),
    );
    world = { namespaces, policies: objects.filter((o) => o.kind === "NetworkPolicy") as unknown as NetworkPolicy[] };
    teams = (result.config?.teams ?? []).map((t) => t.name);
    const stores = objects.filter((o) => o.kind === "FeatureStore").map((o) => o.metadata?.name);
    expect(stores.sort()).toEqual([...teams].sort());
  });

  it("plans at least two teams, each with its own store", () => {
    expect(teams.length).toBeGreaterThanOrEqual(2);
  });

  it("a team reaches every server port of its own store and none of another team's", () => {
    let checked = 0;
    for (const from of teams)
      for (const owner of teams)
        for (const port of Object.values(FEAST_PORTS)) {
          expect(can({ from: workload(from), to: store(owner), port }), `${from} -> feast-${owner}:${port}`).toBe(from === owner);
          checked++;
        }
    expect(checked).toBeGreaterThan(Object.values(FEAST_PORTS).length);
  });

  it("a port the store does not serve stays closed to its own team", () => {
    for (const team of teams) expect(can({ from: workload(team), to: store(team), port: 22 })).toBe(false);
  });

  it("the servers reach the API server for TokenReview and the IdP over HTTPS, and no team namespace", () => {
    for (const team of teams) {
      // eksApiServer: the kubernetes Service's address (first of the service range) and the VPC, port 443.
      expect(can({ from: store(team), to: { ip: "172.20.0.1" }, port: 443 })).toBe(true);
      // The IdP's discovery document and keys: a public HTTPS address.
      expect(can({ from: store(team), to: { ip: "203.0.113.10" }, port: 443 })).toBe(true);
      for (const other of teams) expect(can({ from: store(team), to: workload(other), port: 8080 })).toBe(false);
    }
  });

  it("inside feast, a store's servers reach their own store and never another team's (team code runs in them)", () => {
    let checked = 0;
    for (const from of teams)
      for (const owner of teams)
        for (const port of Object.values(FEAST_PORTS)) {
          expect(can({ from: store(from), to: store(owner), port }), `feast-${from} -> feast-${owner}:${port}`).toBe(from === owner);
          checked++;
        }
    expect(checked).toBeGreaterThan(Object.values(FEAST_PORTS).length);
  });
});
