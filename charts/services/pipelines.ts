/**
 * Objects we author next to the upstream Kubeflow Pipelines manifests: the database alias
 * Service and the External Secrets that give KFP its MySQL credential on AWS. The names, labels and ports of
 * the upstream objects we rely on are checked against the 2.17.0 manifests (see test/services/pipelines.test.ts).
 */
import { createHash } from "node:crypto";
import { imageRef } from "../../domain/versions";
import { externalSecret, type SecretTemplate } from "./external-secrets";
import { k8s, manifests, oneShotJob, resources, type Manifest } from "../kube";
import { DATABASES_NAMESPACE } from "./database-setup";
import { KUBEFLOW_NAMESPACE } from "../../domain/platform-namespaces";

/** The namespace upstream's cluster-scoped-resources creates; single-user KFP runs pipelines only here. */
export { KUBEFLOW_NAMESPACE };

/**
 * The name KFP's `pipeline-install-config.mysqlHost` points at on AWS: an ExternalName Service of ours that
 * resolves to the RDS endpoint, so the overlay stays independent of the computed address.
 */
export const KFP_MYSQL_SERVICE = "kfp-mysql";

/** Secret KFP 2.17.0 reads the database user from (keys `username`, `password`): API server, cache, MLMD. */
export const KFP_MYSQL_SECRET = "mysql-secret";
/** KFP's own MySQL user: RDS rotates the master password, which KFP only reads when its pods start. */
export const KFP_MYSQL_USER = "kfp";
/**
 * The RDS master credential and the setup Job live in the databases namespace: in kubeflow every team's
 * pipeline steps run as pipeline-runner, which may read that namespace's Secrets.
 */
export const KFP_MYSQL_MASTER_SECRET = "kfp-mysql-master";
/** KFP's password where the setup Job reads it. */
export const KFP_SETUP_SECRET = "kfp-db";

/**
 * Secret holding ML Metadata's server config (text proto with the MySQL connection and TLS on), mounted by the
 * metadata-grpc Deployment: ml_metadata_store_server 1.14.0 has no `--mysql_config_*` flag for SSL, only the
 * config file's `ssl_options`.
 */
export const MLMD_CONFIG_SECRET = "metadata-grpc-mysql";
export const MLMD_CONFIG_FILE = "config.pbtxt";
export const MLMD_CONFIG_DIR = "/etc/mlmd";

/** KFP 2.17.0 database names (pipeline-install-config: pipelineDb, mlmdDb, cacheDb); KFP creates them. */
export const KFP_DATABASES = { pipeline: "mlpipeline", metadata: "metadb", cache: "cachedb" } as const;

/**
 * Service accounts of KFP 2.17.0 (and Argo v4.0.5 as KFP installs it) whose pods touch the artifact bucket:
 * the API server (pipeline specs), the UI (artifacts and archived logs), and `pipeline-runner`, which every
 * run's pods use (KFP v2 driver/launcher and Argo's executor, which uploads the archived logs). Argo's
 * controller (`argo`) never touches S3 in this install (no argo-server, no artifact GC), so it gets no role.
 */
export const KFP_S3_SERVICE_ACCOUNTS = ["ml-pipeline", "ml-pipeline-ui", "pipeline-runner"] as const;

/**
 * What team namespaces reach (KFP 2.17.0 manifests): the API server (Deployment `ml-pipeline`, pod label
 * `app: ml-pipeline`, HTTP 8888 and gRPC 8887) and ML Metadata (Deployment `metadata-grpc-deployment`, pod
 * label `component: metadata-grpc-server`, gRPC 8080). Every KFP object also carries
 * `application-crd-id: kubeflow-pipelines` (platform-agnostic's label, which our EKS overlay repeats).
 */
export const KFP_TEAM_TARGETS = [
  { podSelector: { app: "ml-pipeline" }, ports: [8888, 8887], description: "Kubeflow Pipelines API server (HTTP, gRPC)" },
  { podSelector: { component: "metadata-grpc-server" }, ports: [8080], description: "ML Metadata gRPC" },
] as const;

/** The ExternalName Service KFP's pods reach MySQL through. */
export function mysqlAliasService(address: string, labels: Readonly<Record<string, string>> = {}): Manifest {
  const [service] = manifests((scope) => {
    new k8s.KubeService(scope, KFP_MYSQL_SERVICE, {
      metadata: { name: KFP_MYSQL_SERVICE, namespace: KUBEFLOW_NAMESPACE, labels: { ...labels } },
      spec: { type: "ExternalName", externalName: address },
    });
  });
  return service;
}

/**
 * ML Metadata's server config as an External Secrets template over KFP's generated credential. `ssl_options`
 * (even without a CA) makes its MariaDB Connector/C 3.0.8 client enforce TLS; the certificate is not verified,
 * as with sslmode=require elsewhere on the platform. `quote` (sprig, Go %q) escapes `"` and `\` the way the
 * protobuf text format reads them. Schema upgrades stay on, as upstream's `--enable_database_upgrade=true`.
 */
export function mlmdServerConfigTemplate(host: string, port: number, database: string = KFP_DATABASES.metadata): string {
  return [
    "connection_config {",
    "  mysql {",
    `    host: "${host}"`,
    `    port: ${port}`,
    `    database: "${database}"`,
    `    user: "${KFP_MYSQL_USER}"`,
    "    password: {{ .password | quote }}",
    "    ssl_options { verify_server_cert: false }",
    "  }",
    "}",
    "migration_options { enable_upgrade_migration: true }",
    "",
  ].join("\n");
}

/** KFP's credential in its namespace: `mysql-secret` (username, password) and MLMD's config file. */
export function kfpCredentialTemplates(mysqlPort: number): { readonly mysql: SecretTemplate; readonly mlmd: SecretTemplate } {
  return {
    mysql: { username: KFP_MYSQL_USER, password: "{{ .password }}" },
    mlmd: { [MLMD_CONFIG_FILE]: mlmdServerConfigTemplate(KFP_MYSQL_SERVICE, mysqlPort) },
  };
}

/** The RDS-managed master credential, synced for the setup Job. */
export function mysqlMasterSecret(storeName: string, masterSecretArn: string, labels: Readonly<Record<string, string>> = {}) {
  return externalSecret({
    name: KFP_MYSQL_MASTER_SECRET,
    namespace: DATABASES_NAMESPACE,
    storeName,
    remoteKey: masterSecretArn,
    keys: ["username", "password"],
    labels,
  });
}

/**
 * Creates (or re-passwords) KFP's user and its three databases as the master user, over TLS. Passwords reach
 * the mysql client through a file in an emptyDir and stdin, never its command line. Safe to repeat.
 */
export const MYSQL_SETUP_SCRIPT = `set -eu
esc() { printf '%s' "$1" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g'; }
printf '[client]\nuser="%s"\npassword="%s"\nhost=%s\nport=%s\nssl-mode=REQUIRED\n' "$(esc "$MASTER_USER")" "$(esc "$MASTER_PASSWORD")" "$MYSQL_HOST" "$MYSQL_PORT" > /tmp/client.cnf
mysql --defaults-extra-file=/tmp/client.cnf <<SQL
CREATE USER IF NOT EXISTS '${KFP_MYSQL_USER}'@'%' IDENTIFIED WITH mysql_native_password BY '$KFP_PASSWORD' REQUIRE SSL;
ALTER USER '${KFP_MYSQL_USER}'@'%' IDENTIFIED WITH mysql_native_password BY '$KFP_PASSWORD' REQUIRE SSL;
${Object.values(KFP_DATABASES)
  .map((db) => `CREATE DATABASE IF NOT EXISTS \\\`${db}\\\`;\nGRANT ALL PRIVILEGES ON \\\`${db}\\\`.* TO '${KFP_MYSQL_USER}'@'%';`)
  .join("\n")}
SQL
`;

export function mysqlSetupObjects(args: {
  readonly host: string;
  readonly port: number;
  readonly credentialSecret: string;
  readonly labels?: Readonly<Record<string, string>>;
}): Manifest[] {
  const labels = { ...args.labels, "app.kubernetes.io/name": "kfp-database-setup" };
  const name = `kfp-database-setup-${createHash("sha256").update(MYSQL_SETUP_SCRIPT).digest("hex").slice(0, 8)}`;
  const fromSecret = (env: string, secret: string, key: string): k8s.EnvVar => ({ name: env, valueFrom: { secretKeyRef: { name: secret, key } } });
  return manifests((scope) => {
    oneShotJob(scope, {
      name,
      namespace: DATABASES_NAMESPACE,
      labels,
      memoryTmp: true,
      uid: 999,
      container: {
        name: "setup",
        image: imageRef("mysql"),
        command: ["/bin/sh", "-c", MYSQL_SETUP_SCRIPT],
        env: [
          { name: "MYSQL_HOST", value: args.host },
          { name: "MYSQL_PORT", value: String(args.port) },
          fromSecret("MASTER_USER", KFP_MYSQL_MASTER_SECRET, "username"),
          fromSecret("MASTER_PASSWORD", KFP_MYSQL_MASTER_SECRET, "password"),
          fromSecret("KFP_PASSWORD", args.credentialSecret, "password"),
        ],
        resources: resources({ cpu: "50m", memory: "64Mi" }, { memory: "256Mi" }),
      },
    });
  });
}
