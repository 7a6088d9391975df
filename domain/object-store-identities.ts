/**
 * Who may do what on the in-cluster object store of an existing cluster (SeaweedFS's S3 gateway): one identity
 * per consumer, each limited to its buckets and prefixes, as EKS limits each service and team role (IAM-03).
 * Only the bucket Job's identity is an admin; it never leaves the object store's namespace.
 *
 * SeaweedFS's static identities (the `-config` file, weed/s3api/auth_credentials.go at tag 4.44) grant actions
 * as strings: `Read`, `Write`, `List`, ... unscoped, `<Action>:<bucket>` for a whole bucket, or a wildcard
 * pattern `<Action>:<bucket>/<prefix>*` matched against `<Action>:<bucket>/<object key>` (Identity.CanDo). A
 * List request is matched with its `prefix` parameter as the key, so `List:<bucket>/<prefix>*` lists only
 * below that prefix. `Write` covers put, copy, multipart and delete of objects; creating a bucket needs `Admin`.
 *
 * Pure data: this module imports only other domain facts.
 */
import { DATA_BUCKET_KINDS, teamPrefix, type DataBucketKind } from "./storage-naming";
import { MLFLOW_NAMESPACE, OBJECT_STORE_NAMESPACE } from "./platform-namespaces";

/** The admin identity: only the Job that creates the buckets uses it, in the object store's namespace. */
export const OBJECT_STORE_ADMIN = "platform-admin";
/**
 * The Secret (in each consuming namespace) with the identity's S3 keys: as an AWS shared credentials file (key
 * `credentials`) and as the raw keys beside it (charts/services/secret-files.ts objectStoreCredentialsTemplate).
 */
export const OBJECT_STORE_CREDENTIALS_SECRET = "object-store-credentials";
/** Where MLflow keeps proxied artifacts: its own prefix of the artifacts bucket (as its EKS role). */
export const MLFLOW_ARTIFACTS_PREFIX = "mlflow/";

/** SeaweedFS's object actions a non-admin identity gets on its prefixes: read, write and delete objects, list. */
export const OBJECT_STORE_PREFIX_ACTIONS = ["Read", "Write", "List"] as const;

/** One prefix of one data bucket; the prefix ends with "/". */
export interface ObjectStorePrefix {
  readonly bucket: DataBucketKind;
  readonly prefix: string;
}

export interface ObjectStoreIdentity {
  /** The identity's name in SeaweedFS, and the suffix of its generated keys' resource names. */
  readonly name: string;
  /** The one namespace its keys are delivered to. */
  readonly namespace: string;
  /** Unscoped Admin (bucket creation); only OBJECT_STORE_ADMIN. */
  readonly admin: boolean;
  /** What it reaches; empty for the admin, whose reach is everything. */
  readonly prefixes: readonly ObjectStorePrefix[];
}

/**
 * Who reads or writes the store: the enabled services and the teams. Feast has no identity of its own: each team's
 * Feast store reads and writes with the team's keys (a copy in the feast namespace, components/services/feast.ts).
 */
export interface ObjectStoreConsumers {
  readonly mlflow: boolean;
  /** Team names; each team's namespace is named after it. */
  readonly teams: readonly string[];
}

/** The identity name of a team (its namespace's name, prefixed so it never meets a service's). */
export const teamIdentityName = (team: string): string => `team-${team}`;

/** Every identity the store has for these consumers: the admin first, then the services, then the teams. */
export function objectStoreIdentities(consumers: ObjectStoreConsumers): ObjectStoreIdentity[] {
  const out: ObjectStoreIdentity[] = [{ name: OBJECT_STORE_ADMIN, namespace: OBJECT_STORE_NAMESPACE, admin: true, prefixes: [] }];
  if (consumers.mlflow)
    out.push({ name: "mlflow", namespace: MLFLOW_NAMESPACE, admin: false, prefixes: [{ bucket: "artifacts", prefix: MLFLOW_ARTIFACTS_PREFIX }] });
  for (const team of consumers.teams) {
    out.push({
      name: teamIdentityName(team),
      namespace: team,
      admin: false,
      prefixes: DATA_BUCKET_KINDS.map((bucket) => ({ bucket, prefix: teamPrefix(team) })),
    });
  }
  // Keys go to their identity's namespace as one Secret of a fixed name: two identities there would share it.
  const namespaces = out.map((identity) => identity.namespace);
  const shared = namespaces.filter((ns, i) => namespaces.indexOf(ns) !== i);
  if (shared.length > 0) throw new Error(`object store identities share namespaces ${[...new Set(shared)].join(", ")}`);
  return out;
}

/** The identity's SeaweedFS actions: `Admin` for the admin, otherwise each action scoped to each of its prefixes. */
export function identityActions(identity: ObjectStoreIdentity): string[] {
  if (identity.admin) return ["Admin", "Read", "Write", "List", "Tagging"];
  return identity.prefixes.flatMap(({ bucket, prefix }) => OBJECT_STORE_PREFIX_ACTIONS.map((action) => `${action}:${bucket}/${prefix}*`));
}

/** An identity's generated keys. */
export interface ObjectStoreKeys {
  readonly accessKey: string;
  readonly secretKey: string;
}

/** SeaweedFS's S3 identities file (`-config`) for these identities, each with its keys. */
export function s3IdentitiesConfig(identities: readonly ObjectStoreIdentity[], keys: Readonly<Record<string, ObjectStoreKeys>>): string {
  return JSON.stringify({
    identities: identities.map((identity) => {
      const own = keys[identity.name];
      if (!own) throw new Error(`object store identity ${identity.name} has no keys`);
      return { name: identity.name, credentials: [{ accessKey: own.accessKey, secretKey: own.secretKey }], actions: identityActions(identity) };
    }),
  });
}
