/**
 * Kubeflow Pipelines per team, planned from the fixture stacks: one install per team that opted into `pipelines`,
 * in its own namespace, with its own credentials and setup Job; nothing shared but the CRDs and (locally) the MySQL.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { kfpDatabaseNames } from "../../domain/pipelines";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { fixtureStackConfig } from "../helpers/stack";
import { T, input, one, ofType, plan, type Res } from "../components/plan-query";

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; [k: string]: any };
const objs = (group: Res) => parseYamlStream(group.inputs.yaml as string) as Obj[];
const DIR = "kubernetes:kustomize/v2:Directory";
const K8S_SECRET = "kubernetes:core/v1:Secret";

/** The fixture stack's teams and which of them opted into pipelines. */
function fixtureTeams(stack: string): { all: string[]; pipelines: string[] } {
  const teams = JSON.parse(fixtureStackConfig(stack).values["mlops-platform:teams"]) as { name: string; services?: string[] }[];
  return { all: teams.map((t) => t.name), pipelines: teams.filter((t) => (t.services ?? []).includes("pipelines")).map((t) => t.name) };
}

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  for (const stack of ["local", "prod"]) plans[stack] = await plan(stack);
});

describe("Kubeflow Pipelines per team on EKS (prod fixture)", () => {
  const p = () => plans.prod;
  const teams = fixtureTeams("prod");

  it("one kustomize install per team that opted in, named after it, none for the others, after the team namespaces", () => {
    expect(teams.pipelines.length).toBeGreaterThan(0);
    expect(teams.all.length).toBeGreaterThan(teams.pipelines.length);
    const dirs = ofType(p(), DIR).map((d) => d.name);
    expect(dirs.sort()).toEqual(["services-pipelines-cluster-scoped", ...teams.pipelines.map((t) => `services-pipelines-${t}`)].sort());
    // Pulumi expands a component dependency to its children: the team's namespace objects and Pod Identity associations.
    for (const team of teams.pipelines) {
      const deps = one(p(), DIR, `services-pipelines-${team}`).dependsOn;
      expect(deps).toContain(one(p(), T.configGroup, `teams-${team}`).urn);
      expect(deps).toContain(one(p(), T.podIdentity, `teams-${team}`).urn);
    }
  });

  it("no Pod Identity role or association of its own: the team's role serves its install (components/teams)", () => {
    expect(ofType(p(), T.role).filter((r) => r.name.includes("pipelines"))).toEqual([]);
    expect(ofType(p(), T.podIdentity).filter((r) => r.name.startsWith("services-pipelines"))).toEqual([]);
  });

  it("each team's credential lands in its own namespace and the databases namespace only, never in kubeflow or another team's", () => {
    for (const team of teams.pipelines) {
      const sync = objs(one(p(), T.configGroup, `services-pipelines-${team}-database-sync`));
      expect(sync.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
        `ExternalSecret ${team}/mysql-secret`,
        `ExternalSecret ${team}/metadata-grpc-mysql`,
        `ExternalSecret databases/kfp-${team}-db`,
      ]);
      const text = JSON.stringify(sync);
      for (const other of teams.all.filter((t) => t !== team)) for (const name of Object.values(kfpDatabaseNames(other))) expect(text).not.toContain(name);
      expect(text).toContain(kfpDatabaseNames(team).metadata);
      for (const o of sync) expect(o.metadata.labels).toMatchObject({ "app.kubernetes.io/managed-by": "mlops-platform", team });
    }
  });

  it("each team gets its own setup Job as the master user in the databases namespace, and no ExternalName Service (the guardrail refuses them in team namespaces)", () => {
    for (const team of teams.pipelines) {
      const group = objs(one(p(), T.configGroup, `services-pipelines-${team}-database`));
      expect(group.filter((o) => o.kind === "Service")).toEqual([]);
      const job = group.find((o) => o.kind === "Job");
      expect(job?.metadata.namespace).toBe("databases");
      expect(job?.metadata.name).toMatch(new RegExp(`^kfp-setup-${team}-[0-9a-f]{8}$`));
      const volumes = job?.spec.template.spec.volumes.map((v: any) => v.secret?.secretName).filter(Boolean);
      expect(volumes).toEqual(["kfp-mysql-master", `kfp-${team}-db`]);
    }
  });

  it("the team overlay on disk carries the team's namespace, databases and prefixes", () => {
    for (const team of teams.pipelines) {
      const dir = input<string>(one(p(), DIR, `services-pipelines-${team}`), "directory");
      const k = parse(readFileSync(`${dir}/kustomization.yaml`, "utf8"));
      expect(k.namespace).toBe(team);
      const text = readFileSync(`${dir}/kustomization.yaml`, "utf8");
      expect(text).toContain(`teams/${team}/pipelines/v2/artifacts`);
      expect(text).toContain(kfpDatabaseNames(team).pipeline);
      for (const other of teams.all.filter((t) => t !== team)) expect(text).not.toContain(`teams/${other}/`);
    }
  });

  it("kubeflow gets default deny, DNS and no open MySQL port on EKS (no MySQL there)", () => {
    const net = objs(one(p(), T.configGroup, "services-pipelines-network"));
    expect(net.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(["default-deny", "allow-dns"]));
    for (const o of net) expect(o.metadata.namespace).toBe("kubeflow");
  });
});

describe("Kubeflow Pipelines per team on an existing cluster (local fixture)", () => {
  const p = () => plans.local;
  const teams = fixtureTeams("local");

  it("the cluster-scoped overlay, the MySQL in kubeflow and one install per opted-in team", () => {
    expect(teams.pipelines.length).toBeGreaterThan(0);
    expect(
      ofType(p(), DIR)
        .map((d) => d.name)
        .sort(),
    ).toEqual(["services-pipelines-cluster-scoped", "services-pipelines-mysql", ...teams.pipelines.map((t) => `services-pipelines-${t}`)].sort());
  });

  it("the root credential stays in kubeflow; each team's user credential in its namespace and beside the setup Job in kubeflow", () => {
    const secrets = ofType(p(), K8S_SECRET).filter((s) => s.name.startsWith("services-pipelines-"));
    const where = secrets.map((s) => `${input(s, "metadata.namespace")}/${input(s, "metadata.name")}`).sort();
    expect(where).toEqual(
      [
        "kubeflow/kfp-mysql-root",
        "kubeflow/kfp-mysql-master",
        ...teams.pipelines.flatMap((t) => [`${t}/mysql-secret`, `${t}/metadata-grpc-mysql`, `kubeflow/kfp-${t}-db`]),
      ].sort(),
    );
    for (const s of secrets.filter((x) => input(x, "metadata.namespace") !== "kubeflow")) expect(JSON.stringify(s.inputs)).not.toContain("kfp-mysql-master");
  });

  it("the team's overlay reads the team's own object store key, never another Secret", () => {
    for (const team of teams.pipelines) {
      const text = readFileSync(`${input<string>(one(p(), DIR, `services-pipelines-${team}`), "directory")}/kustomization.yaml`, "utf8");
      expect(text).toContain("object-store-credentials");
      expect(text).toContain(`minio://artifacts/teams/${team}/pipelines/v2/artifacts`);
    }
  });

  it("kubeflow's MySQL admits 3306 only from namespaces opted into pipelines; setup Jobs reach it inside kubeflow", () => {
    const net = objs(one(p(), T.configGroup, "services-pipelines-network"));
    const clients = net.find((o) => o.metadata.name === "allow-clients");
    expect(clients?.spec.podSelector).toEqual({ matchLabels: { app: "mysql" } });
    expect(clients?.spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: 3306 }]);
    const job = objs(one(p(), T.configGroup, `services-pipelines-${teams.pipelines[0]}-database`)).find((o) => o.kind === "Job");
    expect(job?.metadata.namespace).toBe("kubeflow");
  });
});
