/**
 * Objects we author next to the upstream Kubeflow Pipelines manifests (as plain data): the database alias
 * Service and the External Secrets that give KFP its MySQL credential on AWS. The names, labels and ports of
 * the upstream objects we rely on are checked against the 2.17.0 manifests (see test/services/pipelines.test.ts).
 */
import { externalSecret } from "./external-secrets";

/** The namespace upstream's cluster-scoped-resources creates; single-user KFP runs pipelines only here. */
export const KUBEFLOW_NAMESPACE = "kubeflow";

/**
 * The name KFP's `pipeline-install-config.mysqlHost` points at on AWS: an ExternalName Service of ours that
 * resolves to the RDS endpoint, so the overlay stays independent of the computed address.
 */
export const KFP_MYSQL_SERVICE = "kfp-mysql";

/** Secret KFP 2.17.0 reads the database user from (keys `username`, `password`): API server, cache, MLMD. */
export const KFP_MYSQL_SECRET = "mysql-secret";

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
export function mysqlAliasService(address: string, labels: Readonly<Record<string, string>> = {}) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: KFP_MYSQL_SERVICE, namespace: KUBEFLOW_NAMESPACE, labels: { ...labels } },
    spec: { type: "ExternalName", externalName: address },
  };
}

/**
 * ML Metadata's server config as an External Secrets template over the RDS master secret's JSON. `ssl_options`
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
    "    user: {{ .username | quote }}",
    "    password: {{ .password | quote }}",
    "    ssl_options { verify_server_cert: false }",
    "  }",
    "}",
    "migration_options { enable_upgrade_migration: true }",
    "",
  ].join("\n");
}

export interface KfpDatabaseSecretsArgs {
  readonly storeName: string;
  /** ARN of the RDS-managed master secret (JSON with `username` and `password`). */
  readonly masterSecretArn: string;
  readonly mysqlPort: number;
  readonly labels?: Readonly<Record<string, string>>;
}

/** `mysql-secret` (username, password) and MLMD's config file, both from the RDS master secret. */
export function kfpDatabaseSecrets(a: KfpDatabaseSecretsArgs) {
  const common = { namespace: KUBEFLOW_NAMESPACE, storeName: a.storeName, remoteKey: a.masterSecretArn, keys: ["username", "password"], labels: a.labels };
  return [
    externalSecret({ name: KFP_MYSQL_SECRET, ...common }),
    externalSecret({ name: MLMD_CONFIG_SECRET, ...common, template: { [MLMD_CONFIG_FILE]: mlmdServerConfigTemplate(KFP_MYSQL_SERVICE, a.mysqlPort) } }),
  ];
}
