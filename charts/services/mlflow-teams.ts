/**
 * MLflow users and permissions per team, generated from teams[] (nothing made by hand). MLflow 3.17.2's basic-auth
 * app has no per-experiment permission API any more: access is RBAC roles scoped to workspaces
 * (mlflow/server/auth/permissions.py, routes.py). So each team that opts into mlflow gets its own workspace (named
 * after the team), a user `team-<name>` with a generated password, and the platform's role in that workspace.
 * A Job in the mlflow namespace (mlflow-teams.py in the upstream image, as the generated admin) makes the server
 * match: it creates workspaces, roles and users, resets passwords to the generated ones, and deletes the users of
 * teams no longer listed. Its name carries a hash of its input, so a changed team list runs it again.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TeamConfig } from "../../config/teams";
import { imageRef } from "../../domain/versions";
import { k8s, manifests, oneShotJob, resources, type Manifest } from "../kube";
import type { SecretTemplate } from "./external-secrets";
import { SECRET_FILE_MODE, secretFiles } from "./secret-files";
import { MLFLOW_NAMESPACE, MLFLOW_PORT, MLFLOW_SECRET, MLFLOW_UID } from "./mlflow";

export const MLFLOW_TEAMS_SCRIPT_FILE = join(__dirname, "mlflow-teams.py");
/** The Secret a team's namespace gets: what an MLflow client reads from its environment (envFrom). */
export const MLFLOW_CREDENTIALS_SECRET = "mlflow-credentials";
/** Users the reconcile Job owns: it deletes any user with this prefix that no listed team has. */
export const MLFLOW_TEAM_USER_PREFIX = "team-";
/** The platform's role in each team's workspace. */
export const MLFLOW_TEAM_ROLE = "platform-team";
/** The in-cluster URL teams reach MLflow at. */
export const MLFLOW_URL = `http://mlflow.${MLFLOW_NAMESPACE}.svc:${MLFLOW_PORT}`;
const NAME = "mlflow-teams";
const POD_LABELS = { "app.kubernetes.io/name": NAME };
const PASSWORDS_DIR = "/etc/mlflow-teams/passwords";
const ADMIN_DIR = "/etc/mlflow-teams/admin";
const SCRIPT_DIR = "/etc/mlflow-teams/job";

export function mlflowTeamsScript(): string {
  return readFileSync(MLFLOW_TEAMS_SCRIPT_FILE, "utf8");
}

/** Teams that opted into mlflow, in config order. */
export const mlflowTeams = (teams: readonly TeamConfig[]): TeamConfig[] => teams.filter((t) => t.services.includes("mlflow"));
export const mlflowTeamUser = (team: string): string => `${MLFLOW_TEAM_USER_PREFIX}${team}`;
/** The Secret in the mlflow namespace with one team's password, which the Job mounts. */
export const mlflowTeamPasswordSecret = (team: string): string => `mlflow-team-${team}`;

export interface RolePermission {
  readonly resource_type: string;
  readonly resource_pattern: string;
  readonly permission: "READ" | "USE" | "EDIT" | "MANAGE";
}

/**
 * What a team's user may do in its workspace: be a member (USE: enter, create), and manage (read, write, delete,
 * share) every experiment, registered model and prompt there. Not workspace MANAGE: role and user administration
 * stays with the platform. Runs, traces, logged models and versions follow their experiment or model.
 */
export const TEAM_PERMISSIONS: readonly RolePermission[] = [
  { resource_type: "workspace", resource_pattern: "*", permission: "USE" },
  { resource_type: "experiment", resource_pattern: "*", permission: "MANAGE" },
  { resource_type: "registered_model", resource_pattern: "*", permission: "MANAGE" },
  { resource_type: "prompt", resource_pattern: "*", permission: "MANAGE" },
];

/** The Job's input (the JSON mlflow-teams.py reads). */
export interface MlflowTeamsInput {
  readonly userPrefix: string;
  readonly role: string;
  readonly roleDescription: string;
  readonly teams: readonly {
    readonly team: string;
    readonly user: string;
    readonly workspace: string;
    /** sha256 of the generated password: the Job waits until the mounted Secret holds it, and a new one reruns the Job. */
    readonly passwordSha256: string;
    readonly permissions: readonly RolePermission[];
  }[];
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** `passwordSha256` by team name; every opted-in team must have one. */
export function mlflowTeamsInput(teams: readonly TeamConfig[], passwordSha256: Readonly<Record<string, string>>): MlflowTeamsInput {
  return {
    userPrefix: MLFLOW_TEAM_USER_PREFIX,
    role: MLFLOW_TEAM_ROLE,
    roleDescription: "Made by the platform from teams[]: the team's user manages the experiments, models and prompts of its workspace",
    teams: mlflowTeams(teams).map((t) => {
      const digest = passwordSha256[t.name];
      if (!digest) throw new Error(`no generated MLflow password for team ${t.name}`);
      return { team: t.name, user: mlflowTeamUser(t.name), workspace: t.name, passwordSha256: digest, permissions: TEAM_PERMISSIONS };
    }),
  };
}

/** A content hash in the Job's (and its ConfigMap's) name: changed teams, passwords or script run it again. */
export function mlflowTeamsJobName(input: MlflowTeamsInput, script = mlflowTeamsScript()): string {
  return `${NAME}-${sha256(JSON.stringify([input, script])).slice(0, 10)}`;
}

/** The team namespace's Secret: the user, password, workspace and URL an MLflow client takes from its environment. */
export function mlflowCredentialsTemplate(team: string): SecretTemplate {
  return {
    MLFLOW_TRACKING_URI: MLFLOW_URL,
    MLFLOW_TRACKING_USERNAME: mlflowTeamUser(team),
    MLFLOW_TRACKING_PASSWORD: "{{ .password }}",
    MLFLOW_WORKSPACE: team,
  };
}

/** The ConfigMap with the script and input, and the Job, both named after the input's hash; plus its ServiceAccount. */
export function mlflowTeamsObjects(input: MlflowTeamsInput, labels: Readonly<Record<string, string>> = {}): Manifest[] {
  const name = mlflowTeamsJobName(input);
  const all = { ...labels, ...POD_LABELS };
  const admin = secretFiles("admin", MLFLOW_SECRET, ADMIN_DIR, ["admin-username", "admin-password"]);
  // One file per team, named after it; no volume when no team is listed (the Job then only removes users).
  const passwords: k8s.Volume | undefined =
    input.teams.length > 0
      ? {
          name: "passwords",
          projected: {
            defaultMode: SECRET_FILE_MODE,
            sources: input.teams.map((t) => ({ secret: { name: mlflowTeamPasswordSecret(t.team), items: [{ key: "password", path: t.team }] } })),
          },
        }
      : undefined;
  return manifests((scope) => {
    new k8s.KubeConfigMap(scope, "config", {
      metadata: { name, namespace: MLFLOW_NAMESPACE, labels: all },
      data: { "mlflow-teams.py": mlflowTeamsScript(), "input.json": JSON.stringify(input, null, 2) },
    });
    new k8s.KubeServiceAccount(scope, "account", { metadata: { name: NAME, namespace: MLFLOW_NAMESPACE, labels: all }, automountServiceAccountToken: false });
    oneShotJob(scope, {
      name,
      namespace: MLFLOW_NAMESPACE,
      labels: all,
      serviceAccountName: NAME,
      uid: MLFLOW_UID,
      container: {
        name: "reconcile",
        image: imageRef("mlflow"),
        command: ["python", `${SCRIPT_DIR}/mlflow-teams.py`],
        env: [
          // The Service in the Job's own namespace (allow-same-namespace admits it).
          { name: "MLFLOW_URL", value: `http://mlflow:${MLFLOW_PORT}` },
          { name: "MLFLOW_ADMIN_DIR", value: ADMIN_DIR },
          { name: "MLFLOW_TEAMS_INPUT", value: `${SCRIPT_DIR}/input.json` },
          { name: "MLFLOW_TEAM_PASSWORDS_DIR", value: PASSWORDS_DIR },
          { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
        ],
        resources: resources({ cpu: "50m", memory: "64Mi" }, { memory: "128Mi" }),
        volumeMounts: [
          { name: "job", mountPath: SCRIPT_DIR, readOnly: true },
          admin.mount,
          ...(passwords ? [{ name: passwords.name, mountPath: PASSWORDS_DIR, readOnly: true }] : []),
        ],
      },
      volumes: [{ name: "job", configMap: { name } }, admin.volume, ...(passwords ? [passwords] : [])],
    });
  });
}
