/**
 * Feast per team: every team that opts into feast gets its own FeatureStore in the feast namespace, named after
 * the team, serving one project named after the team (the Feast operator's FeatureStore at v0.66.0 serves one
 * project, and its online server serves only that one: feast/feature_server.py reads features of store.project).
 * The names here are the operator's (infra/feast-operator/internal/controller/services: every object of a
 * FeatureStore <name> is feast-<name>, its Services feast-<name>-<online|registry|offline>, its pods labelled
 * feast.dev/name=<name>) and ours (the team's Postgres role and database, its data prefix).
 *
 * Pure data: this module imports only other domain facts.
 */
import { FEAST_NAMESPACE } from "./platform-namespaces";
import { teamPrefix } from "./storage-naming";

/** Container ports of the operator's servers (online, registry gRPC and REST, offline); each Service listens on 80. */
export const FEAST_PORTS = { online: 6566, registryGrpc: 6570, registryRest: 6572, offline: 8815 } as const;
/** The online server's metrics port. */
export const FEAST_METRICS_PORT = 8000;
/** The operator's label naming a pod's FeatureStore. */
export const FEAST_NAME_LABEL = "feast.dev/name";
/** The label the operator puts on every store's pods (getLabels in services.go): any team's store. */
export const FEAST_SERVER_LABELS = { "app.kubernetes.io/managed-by": "feast-operator" } as const;

/**
 * The team's Feast project: its name with `-` as `_`. The CRD's feastProject pattern ^[A-Za-z0-9][A-Za-z0-9_-]*$
 * admits `-`, and the SDK means to refuse it only for a sqlite online store, but Feast 0.66.0's RepoConfig refuses
 * it whatever the online store ("Project names for SQLite online stores cannot contain hyphens": its validator
 * looks the store up by the field's alias, online_store, which pydantic's info.data never holds; feast/repo_config.py
 * _validate_project_name), so every server of such a project would fail to load its config. Unique per team:
 * team names hold no `_`.
 */
export const feastProject = (team: string): string => team.replace(/-/g, "_");
/** The team's FeatureStore (and so feast-<team>: Deployment, ServiceAccount, Services). */
export const feastStoreName = (team: string): string => team;
/** The operator's name for everything of the store, its ServiceAccount (and Pod Identity subject) included. */
export const feastServiceAccount = (team: string): string => `feast-${feastStoreName(team)}`;
/** The labels on the team's store's pods. */
export const feastPodLabels = (team: string): Record<string, string> => ({ [FEAST_NAME_LABEL]: feastStoreName(team) });

/**
 * The team's registry database and role on the platform Postgres: feast_<team> with `-` as `_`, a Postgres
 * identifier that needs no quoting (team names are DNS labels of at most 40: at most 46 characters of 63), and
 * unique per team because team names with `_` do not exist.
 */
export const feastDatabase = (team: string): string => `feast_${team.replace(/-/g, "_")}`;

/** Where the team's offline store data lives: under the team's own prefix of the datasets bucket. */
export const feastDataPrefix = (team: string): string => `${teamPrefix(team)}feast/`;

/** In-cluster hosts (port 80) of the team's store, as the operator names its Services. */
export function feastEndpoints(team: string): { readonly registry: string; readonly online: string; readonly offline: string } {
  const host = (kind: string) => `feast-${feastStoreName(team)}-${kind}.${FEAST_NAMESPACE}.svc.cluster.local`;
  return { registry: `${host("registry")}:80`, online: `http://${host("online")}:80`, offline: host("offline") };
}
