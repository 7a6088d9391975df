/**
 * Who may talk to whom under the NetworkPolicies the plan writes, evaluated by scripts/netpol/evaluate.ts (no CNI
 * runs here to enforce them): team to team denied, team to a service it opted into allowed on that service's
 * ports, to a service it did not opt into denied, DNS allowed, the instance metadata address denied; Evidently: the
 * team's own instance only, never another team's. Planned for the real-server fixture (an existing cluster with an
 * in-cluster object store), the dev fixture (EKS), and the dev fixture with its second team on Evidently too.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL_DRIFT_POD_LABELS, MODEL_DRIFT_PUSHGATEWAY_POD_LABELS } from "../../charts/team/network";
import { evidentlyPodLabels } from "../../domain/evidently";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { EVIDENTLY_NAMESPACE, KUBE_SYSTEM_NAMESPACE, MONITORING_NAMESPACE, OBJECT_STORE_NAMESPACE } from "../../domain/platform-namespaces";
import { PLATFORM_SERVICES, PLATFORM_SERVICE_NAMES, teamServiceTargets } from "../../domain/team-services";
import { FEAST_SERVER_LABELS } from "../../domain/feast";
import { allowed, type Connection, type NetworkPolicy, type Pod, type World } from "../../scripts/netpol/evaluate";
import { runPlan, type PlanResult } from "../../scripts/plan/run";
import { readStackConfig } from "../../scripts/plan/stack-file";
import { fixtureStack, fixtureStackConfig, stackConfig, TODAY } from "../helpers/stack";

const METADATA = { ip: "169.254.169.254" };
const KUBE_DNS: Pod = { namespace: KUBE_SYSTEM_NAMESPACE, name: "coredns", labels: { "k8s-app": "kube-dns" } };
const PROMETHEUS: Pod = { namespace: MONITORING_NAMESPACE, name: "prometheus", labels: { "app.kubernetes.io/name": "prometheus" } };

function worldOf(result: PlanResult): World {
  const objects = result.objects.map((o) => o.object);
  const namespaces = Object.fromEntries(
    objects.filter((o) => o.kind === "Namespace").map((o) => [o.metadata?.name ?? "", (o.metadata as { labels?: Record<string, string> }).labels ?? {}]),
  );
  return { namespaces, policies: objects.filter((o) => o.kind === "NetworkPolicy") as unknown as NetworkPolicy[] };
}

const workload = (team: string): Pod => ({ namespace: team, name: "train", labels: {}, namedPorts: { metrics: 9090 } });
const driftJob = (team: string): Pod => ({ namespace: team, name: "drift", labels: { ...MODEL_DRIFT_POD_LABELS } });
/** The team's own Pushgateway pod (charts/services/drift/pushgateway.ts), its port 9091 named metrics. */
const pushgateway = (team: string): Pod => ({
  namespace: team,
  name: "model-drift-pushgateway",
  labels: { ...MODEL_DRIFT_PUSHGATEWAY_POD_LABELS, ...PLATFORM_OWNED_LABELS },
  namedPorts: { metrics: 9091 },
});
/** Where the one shared Pushgateway ran before each team had its own. */
const SHARED_PUSHGATEWAY: Pod = {
  namespace: EVIDENTLY_NAMESPACE,
  name: "pushgateway",
  labels: { "app.kubernetes.io/name": "prometheus-pushgateway", "app.kubernetes.io/part-of": "evidently" },
};
/** A team's own Evidently instance's pod (charts/services/evidently.ts; test/services/evidently.test.ts proves its labels). */
const evidentlyPod = (team: string): Pod => ({
  namespace: EVIDENTLY_NAMESPACE,
  name: `evidently-${team}`,
  labels: { ...evidentlyPodLabels(team), "pod-template-hash": "x" },
});
/**
 * The pods a team would reach of a service, as they are labelled: the team's own targets (its own instance, for
 * Evidently and Feast; a Feast store's pods also carry the operator's managed-by label).
 */
const servicePods = (service: (typeof PLATFORM_SERVICE_NAMES)[number], team: string): Pod[] =>
  teamServiceTargets(service, team).map((t, i) => ({
    namespace: PLATFORM_SERVICES[service].namespace,
    name: `${service}-${i}`,
    labels: { ...t.podSelector, ...(service === "feast" ? FEAST_SERVER_LABELS : {}) },
  }));

/** The dev fixture with its second team (nlp) on Evidently as well: two instances side by side. */
function devWithTwoEvidentlyTeams() {
  const raw = fixtureStack("dev") as { teams: { services: string[] }[] };
  return stackConfig({ ...raw, teams: raw.teams.map((t) => ({ ...t, services: [...new Set([...t.services, "evidently"])] })) });
}

describe.each([
  ["isolation", () => readStackConfig("isolation", join(__dirname, "..", "cluster", "stacks"))],
  ["dev", () => fixtureStackConfig("dev")],
  ["dev-evidently", devWithTwoEvidentlyTeams],
])("the planned NetworkPolicies of the %s fixture", (stack, config) => {
  let world: World;
  let teams: { name: string; services: readonly string[]; monitors: number }[] = [];
  const can = (connection: Connection) => allowed(world, connection);

  beforeAll(async () => {
    const result = await runPlan(stack === "dev-evidently" ? "dev" : stack, { stackConfig: config(), today: TODAY });
    world = worldOf(result);
    teams = (result.config?.teams ?? []).map((t) => ({ name: t.name, services: t.services, monitors: t.modelMonitors.length }));
  });

  it("plans at least two teams and their policies", () => {
    expect(teams.length).toBeGreaterThanOrEqual(2);
    expect(world.policies.length).toBeGreaterThan(10);
  });

  it("keeps every team's pods from every other team's, both ways, on any port", () => {
    for (const from of teams)
      for (const to of teams.filter((t) => t !== from))
        for (const port of [53, 80, 443, 5000, 8080])
          expect(can({ from: workload(from.name), to: workload(to.name), port }), `${from.name} -> ${to.name}:${port}`).toBe(false);
  });

  it("lets a team's pods talk among themselves", () => {
    for (const t of teams) expect(can({ from: workload(t.name), to: driftJob(t.name), port: 8080 })).toBe(true);
  });

  it("allows DNS to kube-dns over UDP and TCP 53, and nothing else there", () => {
    for (const t of teams) {
      expect(can({ from: workload(t.name), to: KUBE_DNS, port: 53, protocol: "UDP" })).toBe(true);
      expect(can({ from: workload(t.name), to: KUBE_DNS, port: 53, protocol: "TCP" })).toBe(true);
      expect(can({ from: workload(t.name), to: KUBE_DNS, port: 80 })).toBe(false);
    }
  });

  it("never reaches the instance metadata address, from any team pod, on any port", () => {
    for (const t of teams)
      for (const pod of [workload(t.name), driftJob(t.name)]) for (const port of [80, 443, 8080]) expect(can({ from: pod, to: METADATA, port })).toBe(false);
  });

  it("reaches a platform service on its ports exactly when the team opted into it", () => {
    let opted = 0;
    for (const t of teams) {
      for (const service of PLATFORM_SERVICE_NAMES) {
        const targets = teamServiceTargets(service, t.name);
        for (const [i, pod] of servicePods(service, t.name).entries()) {
          for (const port of targets[i].ports) {
            const reach = can({ from: workload(t.name), to: pod, port });
            expect(reach, `${t.name} -> ${service} ${pod.name}:${port} (opted in: ${t.services.includes(service)})`).toBe(t.services.includes(service));
            if (reach) opted++;
          }
          // A port the service does not publish to teams stays closed even to a team that opted in.
          expect(can({ from: workload(t.name), to: pod, port: 22 })).toBe(false);
        }
      }
    }
    expect(opted).toBeGreaterThan(0);
  });

  it("lets Prometheus scrape a team pod's port named metrics, and only that", () => {
    for (const t of teams) {
      expect(can({ from: PROMETHEUS, to: workload(t.name), port: 9090 })).toBe(true);
      expect(can({ from: PROMETHEUS, to: workload(t.name), port: 8080 })).toBe(false);
    }
  });

  it("lets a team's drift jobs push to its own Pushgateway, Prometheus scrape it, and no other team reach it", () => {
    const withMonitors = teams.filter((t) => t.monitors > 0);
    expect(withMonitors.length).toBeGreaterThan(0);
    for (const t of withMonitors) {
      expect(can({ from: driftJob(t.name), to: pushgateway(t.name), port: 9091 }), t.name).toBe(true);
      expect(can({ from: PROMETHEUS, to: pushgateway(t.name), port: 9091 }), t.name).toBe(true);
      for (const other of teams.filter((o) => o !== t)) {
        for (const from of [workload(other.name), driftJob(other.name), pushgateway(other.name)])
          expect(can({ from, to: pushgateway(t.name), port: 9091 }), `${other.name}/${from.name} -> ${t.name}`).toBe(false);
      }
    }
  });

  it("lets a team that opted into Evidently reach its own instance on 8000, and no team any other team's instance", () => {
    const users = teams.filter((t) => t.services.includes("evidently"));
    expect(users.length).toBeGreaterThan(stack === "dev-evidently" ? 1 : 0);
    for (const t of users) {
      expect(can({ from: workload(t.name), to: evidentlyPod(t.name), port: 8000 }), t.name).toBe(true);
      expect(can({ from: driftJob(t.name), to: evidentlyPod(t.name), port: 8000 }), t.name).toBe(true);
      for (const other of teams.filter((o) => o !== t))
        for (const from of [workload(other.name), driftJob(other.name)])
          expect(can({ from, to: evidentlyPod(t.name), port: 8000 }), `${other.name}/${from.name} -> evidently-${t.name}`).toBe(false);
    }
  });

  it("keeps a team from another team's Evidently instance by its own egress too, without the evidently namespace's policies", () => {
    const egressSide = { ...world, policies: world.policies.filter((p) => p.metadata.namespace !== EVIDENTLY_NAMESPACE) };
    const users = teams.filter((t) => t.services.includes("evidently"));
    for (const t of users) {
      expect(allowed(egressSide, { from: workload(t.name), to: evidentlyPod(t.name), port: 8000 }), t.name).toBe(true);
      for (const other of teams.filter((o) => o !== t))
        expect(allowed(egressSide, { from: workload(other.name), to: evidentlyPod(t.name), port: 8000 }), `${other.name} -> ${t.name}`).toBe(false);
    }
  });

  it("no team reaches a Pushgateway in the evidently namespace any more", () => {
    for (const t of teams) {
      expect(can({ from: driftJob(t.name), to: SHARED_PUSHGATEWAY, port: 9091 }), t.name).toBe(false);
      expect(can({ from: workload(t.name), to: SHARED_PUSHGATEWAY, port: 9091 }), t.name).toBe(false);
    }
  });

  if (stack === "isolation") {
    it("lets only the drift jobs, not other team pods, fetch datasets from the in-cluster object store", () => {
      const store: Pod = { namespace: OBJECT_STORE_NAMESPACE, name: "s3", labels: {} };
      const withMonitors = teams.filter((t) => t.monitors > 0);
      expect(withMonitors.length).toBeGreaterThan(0);
      for (const t of withMonitors) {
        const port = 8333;
        expect(can({ from: workload(t.name), to: store, port })).toBe(false);
        expect(egressOnly(world, { from: driftJob(t.name), to: store, port })).toBe(true);
      }
    });
  }
});

/** The source side alone: the object store's own ingress policies are upstream's chart's, not in the plan. */
function egressOnly(world: World, connection: Connection): boolean {
  return allowed({ ...world, policies: world.policies.filter((p) => p.metadata.namespace !== OBJECT_STORE_NAMESPACE) }, connection);
}
