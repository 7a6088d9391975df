/**
 * The platform's Postgres on an existing cluster: a CloudNativePG Cluster in the databases namespace, one
 * managed role per service (password from the service's credential Secret) and one Database each. CNPG serves
 * TLS with its own CA, so clients connect with sslmode=require as they do to RDS.
 */
import { imageRef } from "../../domain/versions";
import { cnpgCluster, cnpgDatabase } from "../crds/cloudnative-pg";
import { podMonitor } from "../crds/monitoring";
import { manifests, type Manifest } from "../kube";
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

export function cnpgObjects(args: InClusterDatabaseArgs): Manifest[] {
  const labels = { ...args.labels };
  const meta = (name: string) => ({ name, namespace: DATABASES_NAMESPACE, labels });
  return manifests((scope) => {
    cnpgCluster(scope, "cluster", meta(CNPG_CLUSTER), {
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
    });
    for (const g of args.grants) {
      // The object's name must be a DNS subdomain; a database name may hold `_` (evidently_<team>).
      cnpgDatabase(scope, `database-${g.database}`, meta(g.database.replace(/_/g, "-")), {
        name: g.database,
        owner: g.role,
        cluster: { name: CNPG_CLUSTER },
        ensure: "present",
      });
    }
    podMonitor(scope, "monitor", meta(CNPG_CLUSTER), {
      selector: { matchLabels: { "cnpg.io/cluster": CNPG_CLUSTER } },
      podMetricsEndpoints: [{ port: "metrics" }],
    });
  });
}
