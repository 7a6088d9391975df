/**
 * Evidently per team in the offline plan: the dev fixture with both its teams on Evidently (EKS, RDS, Secrets
 * Manager) and the local fixture (CloudNativePG, Kubernetes Secrets). One instance, database role and write token
 * per team; each token reaches its own team's namespace and nothing of another team; no shared instance is left.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { fixtureStack, stackConfig } from "../helpers/stack";
import { T, input, ofType, one, plan, type Res } from "../components/plan-query";

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };
const objs = (group: Res) => parseYamlStream(group.inputs.yaml as string) as Obj[];
const TEAMS = ["recsys", "nlp"];

/** The dev fixture with its second team (nlp) on Evidently as well. */
function devWithTwoEvidentlyTeams() {
  const raw = fixtureStack("dev") as { teams: { services: string[] }[] };
  return stackConfig({ ...raw, teams: raw.teams.map((t) => ({ ...t, services: [...new Set([...t.services, "evidently"])] })) });
}

let dev: PlanResult;
let local: PlanResult;
beforeAll(async () => {
  dev = await plan("dev", devWithTwoEvidentlyTeams());
  local = await plan("local");
});

const everyObject = (p: PlanResult) => p.objects.map((o) => o.object as unknown as Obj);

describe("Evidently per team (dev, two teams)", () => {
  it("runs one instance per team that opted in (Deployment, Service, ServiceAccount evidently-<team>), and no shared one", () => {
    const evidently = everyObject(dev).filter((o) => o.metadata.namespace === "evidently");
    expect(evidently.length).toBeGreaterThan(0);
    for (const kind of ["Deployment", "Service", "ServiceAccount"])
      expect(
        evidently.filter((o) => o.kind === kind).map((o) => o.metadata.name),
        kind,
      ).toEqual(TEAMS.map((t) => `evidently-${t}`));
    expect(evidently.some((o) => o.metadata.name === "evidently")).toBe(false);
    for (const t of TEAMS) {
      const deployment = evidently.find((o) => o.kind === "Deployment" && o.metadata.name === `evidently-${t}`);
      expect(deployment?.spec.template.metadata.labels).toMatchObject({ "mlops.platform/team": t });
      const config = deployment?.spec.template.spec.volumes.find((v: { secret?: unknown }) => v.secret);
      expect(config.secret.secretName).toBe(`evidently-${t}-config`);
    }
  });

  it("keeps each team's credential apart: its own Secrets Manager secret, synced to its config, its database role and its own namespace only", () => {
    const secrets = ofType(dev, "aws:secretsmanager/secret:Secret").filter((s) => s.name.startsWith("services-evidently"));
    expect(secrets.map((s) => s.inputs.name).sort()).toEqual(TEAMS.map((t) => `mlops-dev/mlops/services-evidently-instance-${t}`).sort());
    const syncedTo: Record<string, string[]> = {};
    for (const t of TEAMS) {
      const sync = objs(one(dev, T.configGroup, `services-evidently-instance-${t}-sync`));
      expect(sync.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
        `evidently/evidently-${t}-config`,
        `databases/evidently-${t}-db`,
        `${t}/evidently-token`,
      ]);
      for (const o of sync)
        expect(
          o.spec.data.every((d: any) => d.remoteRef.key === `mlops-dev/mlops/services-evidently-instance-${t}`),
          o.metadata.name,
        ).toBe(true);
      syncedTo[t] = sync.map((o) => o.metadata.namespace ?? "");
    }
    // No team namespace receives another team's token.
    for (const t of TEAMS) for (const other of TEAMS.filter((o) => o !== t)) expect(syncedTo[t]).not.toContain(other);
    expect(ofType(dev, T.configGroup).some((g) => g.name === "services-evidently-sync")).toBe(false);
  });

  it("gives each team its own database role and database on RDS, and no shared evidently role", () => {
    const job = objs(one(dev, T.configGroup, "services-postgres-setup")).find((o) => o.kind === "Job");
    const grants = job?.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === "GRANTS").value.split(" ");
    expect(grants.filter((g: string) => g.startsWith("evidently"))).toEqual(TEAMS.map((t) => `evidently_${t}:evidently_${t}`));
  });

  it("points each team's drift jobs at its own instance", () => {
    const jobs = everyObject(dev).filter((o) => o.kind === "CronJob" && o.metadata.name.startsWith("drift-"));
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      const report = job.spec.jobTemplate.spec.template.spec.containers.find((c: { name: string }) => c.name === "report");
      const url = report.env.find((e: { name: string }) => e.name === "EVIDENTLY_URL").value;
      expect(url, job.metadata.namespace).toBe(`http://evidently-${job.metadata.namespace}.evidently.svc:8000`);
    }
  });

  it("serves each team's UI at evidently-<team>.<domain> through its own route, ReferenceGrant and gateway NetworkPolicy", () => {
    const objects = everyObject(dev);
    for (const t of TEAMS) {
      const route = objects.find((o) => o.kind === "HTTPRoute" && o.metadata.name === `ui-evidently-${t}`);
      expect(route?.spec.hostnames).toEqual([`evidently-${t}.mlops-dev.example.com`]);
      expect(route?.spec.rules[0].backendRefs[0]).toMatchObject({ name: `evidently-${t}`, namespace: "evidently", port: 8000 });
      const grant = objects.find((o) => o.kind === "ReferenceGrant" && o.metadata.name === `gateway-ui-evidently-${t}`);
      expect(grant?.spec.to).toEqual([{ group: "", kind: "Service", name: `evidently-${t}` }]);
      const policy = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === `allow-gateway-evidently-${t}`);
      expect(policy?.metadata.namespace).toBe("evidently");
      expect(policy?.spec.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "evidently", "mlops.platform/team": t } });
    }
    expect(objects.some((o) => o.kind === "HTTPRoute" && o.metadata.name === "ui-evidently")).toBe(false);
  });

  it("plans cleanly", () => {
    expect(dev.schemaProblems).toEqual([]);
    expect(dev.duplicateUrns).toEqual([]);
  });
});

describe("Evidently per team (local: CloudNativePG, Kubernetes Secrets)", () => {
  it("manages the team's role (password from its own basic-auth Secret) and a Database whose object name is a valid Kubernetes name", () => {
    const cluster = objs(one(local, T.configGroup, "services-postgres-cluster"));
    const roles = cluster.find((o) => o.kind === "Cluster")?.spec.managed.roles;
    expect(roles.filter((r: { name: string }) => r.name.startsWith("evidently"))).toEqual([
      { name: "evidently_sandbox", ensure: "present", login: true, passwordSecret: { name: "evidently-sandbox-db" } },
    ]);
    const database = cluster.find((o) => o.kind === "Database" && o.spec.name === "evidently_sandbox");
    expect(database?.metadata.name).toBe("evidently-sandbox");
    expect(database?.spec.owner).toBe("evidently_sandbox");
  });

  it("writes the team's token into its own namespace and its config into evidently, nothing into another namespace", () => {
    const secrets = ofType(local, "kubernetes:core/v1:Secret").filter((s) => s.name.startsWith("services-evidently-instance-sandbox"));
    expect(secrets.map((s) => `${input(s, "metadata.namespace")}/${input(s, "metadata.name")}`).sort()).toEqual([
      "databases/evidently-sandbox-db",
      "evidently/evidently-sandbox-config",
      "sandbox/evidently-token",
    ]);
  });
});
