/**
 * Feast's own permission model on each team's project, generated from teams[] (nothing made by hand). Feast 0.66.0
 * keeps Permission objects in the registry, one set per project, and denies any resource no permission matches
 * (feast/permissions/enforcer.py); a project with none at all is open to every authenticated caller, so the
 * platform writes them before a team can. Each team's store authenticates with `oidc`: an IdP token is checked
 * against the IdP's keys and yields the `groups` claim, a service-account token is checked by TokenReview and
 * yields its namespace (feast/permissions/auth/oidc_token_parser.py). So:
 *   <team>-read   every type but Permission: DESCRIBE, READ_ONLINE, READ_OFFLINE — the team's namespace and its
 *                 view, edit and admin IdP groups;
 *   <team>-write  every type but Permission: CRUD and WRITE — the team's namespace and its edit and admin groups;
 *   platform-admins  every type, every action — the platform's admin groups;
 * and Permission objects only for the admins, with a name pattern so that a team listing permissions gets an
 * empty list instead of an error (enforce_policy's filter_only branch) and its `feast apply` leaves them alone.
 * A Job in the feast namespace applies them (feast-permissions.py in the feature server image) with
 * FeatureStore.apply(partial=True) straight against the team's registry; its name carries a hash of its input.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TeamConfig } from "../../config/teams";
import { feastProject, feastServiceAccount } from "../../domain/feast";
import { imageRef } from "../../domain/versions";
import { DEFAULT_UID, k8s, manifests, oneShotJob, resources, type Manifest } from "../kube";
import { sha256 } from "./mlflow-teams";
import { PG_SERVICE_KEY, pgServiceEnv, secretFiles } from "./secret-files";

export const FEAST_PERMISSIONS_SCRIPT_FILE = join(__dirname, "feast-permissions.py");
/** The tag marking the platform's permissions (for people reading them); the Job deletes every permission it does not list. */
export const FEAST_PERMISSION_TAGS = { "managed-by": "mlops-platform" } as const;
/** Every resource type of Feast 0.66.0 (feast/feast_object.py FeastObject) but Permission. */
export const FEAST_TEAM_TYPES = [
  "Project",
  "FeatureView",
  "OnDemandFeatureView",
  "BatchFeatureView",
  "StreamFeatureView",
  "LabelView",
  "Entity",
  "FeatureService",
  "DataSource",
  "ValidationReference",
  "SavedDataset",
] as const;
export const FEAST_ALL_TYPES = [...FEAST_TEAM_TYPES, "Permission"] as const;
/** The types a team writes freely: all of its own but the Project itself, which it may change but never delete. */
export const FEAST_TEAM_OBJECT_TYPES = FEAST_TEAM_TYPES.filter((t) => t !== "Project");
/**
 * What a team may do to its Project: never DELETE, which takes the project's permission rows with it (feast/infra/
 * registry/sql.py delete_project) and leaves it open to every authenticated caller.
 */
export const FEAST_PROJECT_WRITE_ACTIONS = ["CREATE", "DESCRIBE", "UPDATE"] as const;
/** feast/permissions/action.py: READ is READ_ONLINE and READ_OFFLINE, WRITE is WRITE_ONLINE and WRITE_OFFLINE. */
export const FEAST_READ_ACTIONS = ["DESCRIBE", "READ_ONLINE", "READ_OFFLINE"] as const;
export const FEAST_WRITE_ACTIONS = ["CREATE", "DESCRIBE", "UPDATE", "DELETE", "WRITE_ONLINE", "WRITE_OFFLINE"] as const;
const ALL_ACTIONS = ["CREATE", "DESCRIBE", "UPDATE", "DELETE", "READ_ONLINE", "READ_OFFLINE", "WRITE_ONLINE", "WRITE_OFFLINE"] as const;

export interface FeastPermissionSpec {
  readonly name: string;
  readonly types: readonly string[];
  /** Empty: every name. */
  readonly namePatterns: readonly string[];
  readonly actions: readonly string[];
  /** IdP groups as the IdP sends them in the `groups` claim (no API-server prefix). */
  readonly groups: readonly string[];
  /** Namespaces whose service-account tokens qualify (TokenReview); empty: groups only. */
  readonly namespaces: readonly string[];
}

/** The Job's input (the JSON feast-permissions.py reads). */
export interface FeastPermissionsInput {
  readonly project: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly permissions: readonly FeastPermissionSpec[];
}

const unique = (groups: readonly string[]): string[] => [...new Set(groups)];

/** A team's project's permissions; `adminGroups` are the platform admins' IdP groups (access.adminGroups). */
export function feastPermissionsInput(team: Pick<TeamConfig, "name" | "owners">, adminGroups: readonly string[]): FeastPermissionsInput {
  const groups = (...roles: ("admin" | "edit" | "view")[]) => unique(roles.flatMap((role) => team.owners[role].groups));
  const ns = [team.name];
  return {
    project: feastProject(team.name),
    tags: FEAST_PERMISSION_TAGS,
    permissions: [
      {
        name: `${team.name}-read`,
        types: FEAST_TEAM_TYPES,
        namePatterns: [],
        actions: FEAST_READ_ACTIONS,
        groups: groups("view", "edit", "admin"),
        namespaces: ns,
      },
      {
        name: `${team.name}-write`,
        types: FEAST_TEAM_OBJECT_TYPES,
        namePatterns: [],
        actions: FEAST_WRITE_ACTIONS,
        groups: groups("edit", "admin"),
        namespaces: ns,
      },
      {
        name: `${team.name}-project`,
        types: ["Project"],
        namePatterns: [],
        actions: FEAST_PROJECT_WRITE_ACTIONS,
        groups: groups("edit", "admin"),
        namespaces: ns,
      },
      { name: "platform-admins", types: FEAST_TEAM_TYPES, namePatterns: [], actions: ALL_ACTIONS, groups: unique(adminGroups), namespaces: [] },
      { name: "platform-admins-permissions", types: ["Permission"], namePatterns: [".*"], actions: ALL_ACTIONS, groups: unique(adminGroups), namespaces: [] },
    ],
  };
}

export function feastPermissionsScript(): string {
  return readFileSync(FEAST_PERMISSIONS_SCRIPT_FILE, "utf8");
}

/** A content hash in the Job's (and its ConfigMap's) name: a changed team, admin list or script runs it again. */
export function feastPermissionsJobName(team: string, input: FeastPermissionsInput, script = feastPermissionsScript()): string {
  // Short enough for a 40-character team: the Job's name becomes a pod label value (63 characters at most).
  return `feast-perm-${sha256(JSON.stringify([team, input, script])).slice(0, 12)}`;
}

export interface FeastPermissionsJobArgs {
  readonly team: string;
  readonly input: FeastPermissionsInput;
  readonly namespace: string;
  /** The feature server image (the operator's RELATED_IMAGE_FEATURE_SERVER). */
  readonly image: string;
  /** The team's data-store Secret (its `sql` key: the registry's parameters; its service file: the password). */
  readonly registry: { readonly secretName: string; readonly sqlKey: string; readonly pgService: string };
  readonly labels?: Readonly<Record<string, string>>;
}

const SCRIPT_DIR = "/etc/feast-permissions/job";
const SECRET_DIR = "/etc/feast-permissions/secrets";

/** The ConfigMap with the script and input and the Job, named after the input's hash; it runs as the store's own ServiceAccount. */
export function feastPermissionsObjects(args: FeastPermissionsJobArgs): Manifest[] {
  const name = feastPermissionsJobName(args.team, args.input);
  const labels = { ...args.labels, "app.kubernetes.io/name": "feast-permissions", "app.kubernetes.io/instance": args.team };
  const secrets = secretFiles("registry", args.registry.secretName, SECRET_DIR, [args.registry.sqlKey, PG_SERVICE_KEY]);
  return manifests((scope) => {
    new k8s.KubeConfigMap(scope, "config", {
      metadata: { name, namespace: args.namespace, labels },
      data: { "feast-permissions.py": feastPermissionsScript(), "input.json": JSON.stringify(args.input, null, 2) },
    });
    oneShotJob(scope, {
      name,
      namespace: args.namespace,
      labels,
      // The store's own account (made by the operator): its Pod Identity is the team's, no other rights are needed.
      serviceAccountName: feastServiceAccount(args.team),
      uid: DEFAULT_UID,
      container: {
        name: "apply",
        image: args.image,
        command: ["python", `${SCRIPT_DIR}/feast-permissions.py`],
        env: [
          { name: "FEAST_PERMISSIONS_INPUT", value: `${SCRIPT_DIR}/input.json` },
          { name: "FEAST_REGISTRY_CONFIG", value: secrets.path(args.registry.sqlKey) },
          ...pgServiceEnv(secrets, args.registry.pgService),
          { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
        ],
        resources: resources({ cpu: "50m", memory: "256Mi" }, { memory: "512Mi" }),
        volumeMounts: [{ name: "job", mountPath: SCRIPT_DIR, readOnly: true }, secrets.mount],
      },
      volumes: [{ name: "job", configMap: { name } }, secrets.volume],
    });
  });
}

/** The feature server image the operator deploys, as the catalogue pins it. */
export const feastFeatureServerImage = (): string => imageRef("feastFeatureServer");
