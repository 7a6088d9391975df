/**
 * The platform's Postgres on an existing cluster: a CloudNativePG Cluster in the databases namespace, one
 * managed role per service (password from the service's credential Secret) and one Database each. CNPG serves
 * TLS with its own CA, so clients connect with sslmode=require as they do to RDS.
 */
import { imageRef } from "../../domain/versions";
import { DATABASES_NAMESPACE, type DatabaseGrant } from "./database-setup";
import { CNPG_OPERATOR_NAMESPACE } from "../../domain/platform-namespaces";

export const CNPG_CLUSTER = "platform-postgres";
export { CNPG_OPERATOR_NAMESPACE };
/** The read-write Service CNPG creates for the cluster. */
export const CNPG_HOST = `${CNPG_CLUSTER}-rw.${DATABASES_NAMESPACE}.svc`;

export interface InClusterDatabaseArgs {
  readonly instances: number;
  readonly storageGiB: number;
  readonly grants: readonly DatabaseGrant[];
  readonly labels?: Readonly<Record<string, string>>;
}

export function cnpgObjects(args: InClusterDatabaseArgs): unknown[] {
  const labels = { ...args.labels };
  return [
    {
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      metadata: { name: CNPG_CLUSTER, namespace: DATABASES_NAMESPACE, labels },
      spec: {
        instances: args.instances,
        imageName: imageRef("cnpgPostgres"),
        storage: { size: `${args.storageGiB}Gi` },
        // No superuser secret: services get their own roles below.
        enableSuperuserAccess: false,
        managed: {
          // Roles need a password Secret of type basic-auth (username, password) in this namespace.
          roles: args.grants.map((g) => ({ name: g.role, ensure: "present", login: true, passwordSecret: { name: g.secretName } })),
        },
        postgresql: { parameters: { password_encryption: "scram-sha-256", log_min_duration_statement: "1000" } },
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
      },
    },
    ...args.grants.map((g) => ({
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Database",
      metadata: { name: g.database, namespace: DATABASES_NAMESPACE, labels },
      spec: { name: g.database, owner: g.role, cluster: { name: CNPG_CLUSTER }, ensure: "present" },
    })),
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: { name: CNPG_CLUSTER, namespace: DATABASES_NAMESPACE, labels },
      spec: { selector: { matchLabels: { "cnpg.io/cluster": CNPG_CLUSTER } }, podMetricsEndpoints: [{ port: "metrics" }] },
    },
  ];
}
