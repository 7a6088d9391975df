/**
 * MLflow's per-team users in the offline plan (the real program under mocks): each team that opted into mlflow
 * gets a generated password, delivered to its namespace and to the reconcile Job, and the Job's input lists
 * exactly those teams; on AWS the credentials go through Secrets Manager and the store serves those namespaces.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { serviceOptInLabel } from "../../domain/team-services";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { fixtureStackConfig } from "../helpers/stack";
import { MLFLOW_CREDENTIALS_SECRET, mlflowTeamsJobName, type MlflowTeamsInput } from "../../charts/services/mlflow-teams";
import { T, input, one, ofType, plan, type Res } from "../components/plan-query";

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };
const objs = (group: Res) => parseYamlStream(group.inputs.yaml as string) as Obj[];
const PASSWORD = "random:index/randomPassword:RandomPassword";
const K8S_SECRET = "kubernetes:core/v1:Secret";

/** The reconcile group's Job and its parsed input. */
function reconcile(p: PlanResult, component: string) {
  const group = one(p, T.configGroup, `${component}-teams`);
  const list = objs(group);
  const job = list.find((o) => o.kind === "Job");
  const configMap = list.find((o) => o.kind === "ConfigMap");
  if (!job || !configMap) throw new Error(`${group.name} holds ${list.map((o) => o.kind).join(", ")}`);
  return { group, job, input: JSON.parse(configMap.data["input.json"]) as MlflowTeamsInput };
}

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  plans.local = await plan("local");
  plans.prod = await plan("prod");
  // dev with team nlp no longer opted into mlflow: it drops out of the input, so the Job deletes its user.
  const cfg = fixtureStackConfig("dev");
  const teams = JSON.parse(cfg.values["mlops-platform:teams"]).map((t: { name: string; services?: string[] }) =>
    t.name === "nlp" ? { ...t, services: (t.services ?? []).filter((s) => s !== "mlflow") } : t,
  );
  plans.dev = await plan("dev");
  plans.devWithout = await plan("dev", { ...cfg, values: { ...cfg.values, "mlops-platform:teams": JSON.stringify(teams) } });
});

describe("mlflow team users on an existing cluster (local)", () => {
  const p = () => plans.local;

  it("generates one password per opted-in team, and the Job's input lists that team with its workspace", () => {
    const passwords = ofType(p(), PASSWORD).filter((r) => r.name.startsWith("services-mlflow-team-"));
    expect(passwords.map((r) => r.name)).toEqual(["services-mlflow-team-sandbox"]);
    expect(passwords[0].inputs).toMatchObject({ length: 32, special: false });
    const { input } = reconcile(p(), "services-mlflow");
    expect(input.teams.map((t) => [t.team, t.user, t.workspace])).toEqual([["sandbox", "team-sandbox", "sandbox"]]);
    expect(input.teams[0].passwordSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("delivers the credentials Secret to the team namespace, platform-owned, and the password to the Job's namespace", () => {
    const secrets = ofType(p(), K8S_SECRET).filter((r) => r.name.startsWith("services-mlflow-team-"));
    const where = secrets.map((s) => `${input<string>(s, "metadata.namespace")}/${input<string>(s, "metadata.name")}`).sort();
    expect(where).toEqual([`mlflow/mlflow-team-sandbox`, `sandbox/${MLFLOW_CREDENTIALS_SECRET}`]);
    const team = secrets.find((s) => input(s, "metadata.namespace") === "sandbox");
    expect(input<Record<string, string>>(team as Res, "metadata.labels")).toMatchObject(PLATFORM_OWNED_LABELS);
    expect(Object.keys(input<Record<string, string>>(team as Res, "stringData")).sort()).toEqual([
      "MLFLOW_TRACKING_PASSWORD",
      "MLFLOW_TRACKING_URI",
      "MLFLOW_TRACKING_USERNAME",
      "MLFLOW_WORKSPACE",
    ]);
  });

  it("runs the Job after the server and the Secrets, named after its input", () => {
    const { group, job, input: spec } = reconcile(p(), "services-mlflow");
    expect(job.metadata.name).toBe(mlflowTeamsJobName(spec));
    const secrets = ofType(p(), K8S_SECRET).filter((r) => r.name.startsWith("services-mlflow-team-"));
    expect(secrets.length).toBe(2);
    for (const s of secrets) expect(group.dependsOn).toContain(s.urn);
    expect(group.dependsOn).toContain(one(p(), T.configGroup, "services-mlflow-server").urn);
  });
});

describe("mlflow team users on AWS (prod)", () => {
  const p = () => plans.prod;

  it("keeps each team's password in Secrets Manager and syncs it to the team and to mlflow", () => {
    const teams = reconcile(p(), "services-mlflow").input.teams.map((t) => t.team);
    expect(teams).toEqual(["recsys", "nlp", "fraud"]);
    for (const team of teams) {
      const sync = objs(one(p(), T.configGroup, `services-mlflow-team-${team}-sync`));
      expect(sync.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
        `ExternalSecret ${team}/${MLFLOW_CREDENTIALS_SECRET}`,
        `ExternalSecret mlflow/mlflow-team-${team}`,
      ]);
    }
    expect(ofType(p(), K8S_SECRET).filter((r) => r.name.startsWith("services-mlflow-team-"))).toEqual([]);
  });

  it("lets the secret store serve the namespaces of teams that opted into mlflow", () => {
    const store = objs(one(p(), T.configGroup, "services-secrets-store"))[0];
    expect(store.spec.conditions).toContainEqual({ namespaceSelector: { matchLabels: { [serviceOptInLabel("mlflow")]: "true" } } });
  });
});

describe("mlflow team users follow teams[] (dev)", () => {
  it("a team that leaves mlflow loses its password and Secrets, and the Job's input (so its user is deleted) and name change", () => {
    const before = reconcile(plans.dev, "services-mlflow");
    const after = reconcile(plans.devWithout, "services-mlflow");
    expect(before.input.teams.map((t) => t.team)).toContain("nlp");
    expect(after.input.teams.map((t) => t.team)).not.toContain("nlp");
    expect(after.input.teams.length).toBe(before.input.teams.length - 1);
    expect(after.job.metadata.name).not.toBe(before.job.metadata.name);
    expect(ofType(plans.devWithout, PASSWORD).map((r) => r.name)).not.toContain("services-mlflow-team-nlp");
    expect(ofType(plans.dev, PASSWORD).map((r) => r.name)).toContain("services-mlflow-team-nlp");
  });
});
