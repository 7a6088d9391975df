/**
 * The pure builders of MLflow's per-team users: which teams get one, the Job's input and its hash, the Job and
 * ConfigMap, the team's credentials Secret, and the server flags and auth config they rely on.
 */
import { describe, expect, it } from "vitest";
import type { TeamConfig } from "../../config/teams";
import { imageRef } from "../../domain/versions";
import { basicAuthConfig, MLFLOW_SECRET, MLFLOW_SERVER_FLAGS } from "../../charts/services/mlflow";
import {
  MLFLOW_TEAM_ROLE,
  MLFLOW_URL,
  mlflowCredentialsTemplate,
  mlflowTeams,
  mlflowTeamsInput,
  mlflowTeamsJobName,
  mlflowTeamsObjects,
  mlflowTeamsScript,
  sha256,
  TEAM_PERMISSIONS,
} from "../../charts/services/mlflow-teams";
import { containersOf, find, mlflow, podSpecOf, type Obj } from "./chart-fixtures";

const team = (name: string, services: string[]) => ({ name, services }) as unknown as TeamConfig;
const TEAMS = [team("ranking", ["mlflow", "kserve"]), team("nlp", ["mlflow"]), team("infra", ["pipelines"])];
const DIGESTS = { ranking: sha256("pw-ranking"), nlp: sha256("pw-nlp") };
const INPUT = mlflowTeamsInput(TEAMS, DIGESTS);
const objects = (input = INPUT) => mlflowTeamsObjects(input, { "cost-center": "platform" }) as Obj[];

describe("mlflow teams: who gets a user", () => {
  it("only teams that opted into mlflow, in config order", () => {
    expect(mlflowTeams(TEAMS).map((t) => t.name)).toEqual(["ranking", "nlp"]);
  });

  it("each gets the user team-<name>, its own workspace and the platform role's permissions", () => {
    expect(INPUT.teams).toEqual([
      { team: "ranking", user: "team-ranking", workspace: "ranking", passwordSha256: DIGESTS.ranking, permissions: TEAM_PERMISSIONS },
      { team: "nlp", user: "team-nlp", workspace: "nlp", passwordSha256: DIGESTS.nlp, permissions: TEAM_PERMISSIONS },
    ]);
    expect(INPUT).toMatchObject({ userPrefix: "team-", role: MLFLOW_TEAM_ROLE });
  });

  it("the role is a workspace member that manages experiments, models and prompts, not the workspace itself", () => {
    const workspace = TEAM_PERMISSIONS.filter((p) => p.resource_type === "workspace");
    expect(workspace).toEqual([{ resource_type: "workspace", resource_pattern: "*", permission: "USE" }]);
    const resources = TEAM_PERMISSIONS.filter((p) => p.resource_type !== "workspace");
    expect(resources.map((p) => p.resource_type).sort()).toEqual(["experiment", "prompt", "registered_model"]);
    for (const p of resources) expect(p).toMatchObject({ resource_pattern: "*", permission: "MANAGE" });
  });

  it("refuses a team without a generated password", () => {
    expect(() => mlflowTeamsInput(TEAMS, { ranking: DIGESTS.ranking })).toThrow("no generated MLflow password for team nlp");
  });
});

describe("mlflow teams: the Job's name follows its input", () => {
  const name = mlflowTeamsJobName(INPUT);

  it("is a valid object name with a hash, stable for the same input", () => {
    expect(name).toMatch(/^mlflow-teams-[0-9a-f]{10}$/);
    expect(mlflowTeamsJobName(mlflowTeamsInput(TEAMS, { ...DIGESTS }))).toBe(name);
  });

  it("changes with the team list, a rotated password and the script", () => {
    expect(mlflowTeamsJobName(mlflowTeamsInput(TEAMS.slice(0, 1), DIGESTS))).not.toBe(name);
    expect(mlflowTeamsJobName(mlflowTeamsInput(TEAMS, { ...DIGESTS, nlp: sha256("rotated") }))).not.toBe(name);
    expect(mlflowTeamsJobName(INPUT, `${mlflowTeamsScript()}\n# changed`)).not.toBe(name);
  });
});

describe("mlflow teams: the reconcile Job", () => {
  const objs = objects();
  const job = find(objs, "Job");
  const spec = podSpecOf(job);
  const [container] = containersOf(job);
  const env = Object.fromEntries((container.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
  const mountOf = (volume: string) => (container.volumeMounts as { name: string; mountPath: string }[]).find((m) => m.name === volume);

  it("runs in mlflow with its ConfigMap, both named after the input's hash", () => {
    const configMap = find(objs, "ConfigMap");
    expect(job.metadata).toMatchObject({ name: mlflowTeamsJobName(INPUT), namespace: "mlflow" });
    expect(configMap.metadata).toMatchObject({ name: job.metadata?.name, namespace: "mlflow" });
    expect(configMap.data?.["mlflow-teams.py"]).toBe(mlflowTeamsScript());
    expect(JSON.parse(configMap.data?.["input.json"] ?? "null")).toEqual(INPUT);
    expect(spec.volumes).toContainEqual({ name: "job", configMap: { name: job.metadata?.name } });
  });

  it("uses the platform's MLflow image and runs restricted, as MLflow's user, with resources and no API token", () => {
    expect(container.image).toBe(imageRef("mlflow"));
    expect(container.command).toEqual(["python", `${mountOf("job")?.mountPath}/mlflow-teams.py`]);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe("mlflow-teams");
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(container.resources.requests).toMatchObject({ cpu: "50m", memory: "64Mi" });
    expect(container.resources.limits).toMatchObject({ memory: "128Mi" });
  });

  it("signs in as the generated admin from the mlflow Secret, mounted as files", () => {
    const admin = spec.volumes.find((v: { name: string }) => v.name === "admin");
    expect(admin.secret.secretName).toBe(MLFLOW_SECRET);
    expect(admin.secret.items.map((i: { key: string }) => i.key)).toEqual(["admin-username", "admin-password"]);
    expect(env.MLFLOW_ADMIN_DIR).toBe(mountOf("admin")?.mountPath);
    expect(env.MLFLOW_URL).toBe("http://mlflow:5000");
  });

  it("reads one password file per team from that team's Secret in mlflow", () => {
    const passwords = spec.volumes.find((v: { name: string }) => v.name === "passwords");
    expect(passwords.projected.sources).toEqual([
      { secret: { name: "mlflow-team-ranking", items: [{ key: "password", path: "ranking" }] } },
      { secret: { name: "mlflow-team-nlp", items: [{ key: "password", path: "nlp" }] } },
    ]);
    expect(env.MLFLOW_TEAM_PASSWORDS_DIR).toBe(mountOf("passwords")?.mountPath);
    expect(env.MLFLOW_TEAMS_INPUT).toBe(`${mountOf("job")?.mountPath}/input.json`);
  });

  it("sets every variable the script reads, and no other secret reaches it by environment", () => {
    const read = [...mlflowTeamsScript().matchAll(/os\.environ(?:\.get)?[([]"([A-Z_]+)"/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(3);
    for (const name of read.filter((n) => n !== "MLFLOW_WAIT_SECONDS")) expect(env, name).toHaveProperty(name);
    expect((container.env as { valueFrom?: unknown }[]).filter((e) => e.valueFrom)).toEqual([]);
  });

  it("carries a label of its own, so MLflow's Service never selects its pod", () => {
    const server = find(mlflow(), "Service").spec.selector as Record<string, string>;
    const labels = job.spec.template.metadata.labels as Record<string, string>;
    expect(Object.entries(server).length).toBeGreaterThan(0);
    expect(Object.entries(server).every(([k, v]) => labels[k] === v)).toBe(false);
    expect(labels["cost-center"]).toBe("platform");
  });

  it("reaches the server: MLflow's namespace admits its own pods", () => {
    const same = mlflow().find((o) => o.kind === "NetworkPolicy" && o.metadata?.name === "allow-same-namespace");
    expect(same?.spec).toMatchObject({ podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });
  });

  it("still runs with no team listed (to remove users), without a passwords volume", () => {
    const empty = mlflowTeamsInput([], {});
    const none = find(objects(empty), "Job");
    expect(podSpecOf(none).volumes.map((v: { name: string }) => v.name)).not.toContain("passwords");
    expect(none.metadata?.name).not.toBe(job.metadata?.name);
  });
});

describe("mlflow teams: what the team and the server get", () => {
  it("the team's Secret holds what an MLflow client reads from its environment", () => {
    expect(mlflowCredentialsTemplate("nlp")).toEqual({
      MLFLOW_TRACKING_URI: MLFLOW_URL,
      MLFLOW_TRACKING_USERNAME: "team-nlp",
      MLFLOW_TRACKING_PASSWORD: "{{ .password }}",
      MLFLOW_WORKSPACE: "nlp",
    });
    expect(MLFLOW_URL).toBe("http://mlflow.mlflow.svc:5000");
  });

  it("the server runs the basic-auth app with workspaces on", () => {
    const args = containersOf(find(mlflow(), "Deployment"))[0].args as string[];
    for (const flag of MLFLOW_SERVER_FLAGS) expect(args).toContain(flag);
    expect(MLFLOW_SERVER_FLAGS).toEqual(expect.arrayContaining(["--app-name=basic-auth", "--enable-workspaces"]));
  });

  it("the auth config denies what no role grants and names the admin", () => {
    const ini = basicAuthConfig("sqlite:///x.db", "pw");
    expect(ini.split("\n")).toEqual(
      expect.arrayContaining(["default_permission = NO_PERMISSIONS", "database_uri = sqlite:///x.db", "admin_username = admin", "admin_password = pw"]),
    );
    expect(ini).not.toMatch(/grant_default_workspace_access\s*=\s*true/);
  });
});
