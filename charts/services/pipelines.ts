/**
 * Objects we author next to the upstream Kubeflow Pipelines manifests: the database alias
 * Service and the External Secrets that give KFP its MySQL credential on AWS. The names, labels and ports of
 * the upstream objects we rely on are checked against the 2.17.0 manifests (see test/services/pipelines.test.ts).
 */
import { createHash } from "node:crypto";
import { imageRef } from "../../domain/versions";
import { externalSecret, type SecretTemplate } from "./external-secrets";
import { k8s, manifests, oneShotJob, resources, type Manifest } from "../kube";
import { secretFiles } from "./secret-files";
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
/** KFP's password where the setup Job reads it: inside the statements that set it (kfpSetupTemplate). */
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

/**
 * A Go template (External Secrets, sprig) that escapes a value for a double-quoted MySQL option-file value:
 * backslash and double quote get a backslash (mysys reads `\\` and `\"` back inside quotes), and the quotes
 * keep a `#` from starting a comment.
 */
const optionFileValue = (field: string) => `"{{ .${field} | replace "\\\\" "\\\\\\\\" | replace "\\"" "\\\\\\"" }}"`;

/** The key of the master Secret holding the mysql client's option file. */
export const MYSQL_CLIENT_CONFIG = "client.cnf";
/** The key of KFP's setup Secret holding the statements that make its user and databases. */
export const KFP_SETUP_SQL = "setup.sql";

/**
 * The master Secret's content, an External Secrets template over the RDS-managed secret's `username` and
 * `password`: the mysql client's option file (a [client] group with user and password), which the client reads
 * from `--defaults-extra-file`, so nothing secret is in the Job's environment or arguments.
 */
export function mysqlMasterTemplate(): SecretTemplate {
  return { [MYSQL_CLIENT_CONFIG]: ["[client]", `user=${optionFileValue("username")}`, `password=${optionFileValue("password")}`, ""].join("\n") };
}

/** The RDS-managed master credential, synced for the setup Job (mysqlMasterTemplate). */
export function mysqlMasterSecret(storeName: string, masterSecretArn: string, labels: Readonly<Record<string, string>> = {}) {
  return externalSecret({
    name: KFP_MYSQL_MASTER_SECRET,
    namespace: DATABASES_NAMESPACE,
    storeName,
    remoteKey: masterSecretArn,
    keys: ["username", "password"],
    template: mysqlMasterTemplate(),
    labels,
  });
}

/**
 * KFP's setup Secret (databases namespace), an External Secrets template over KFP's generated `password`: the
 * statements that create (or re-password) KFP's user and its three databases, so the password reaches the
 * mysql client inside a mounted file. Safe to repeat. The string literal escapes backslash and quote (the
 * generated password is alphanumeric anyway).
 */
export function kfpSetupTemplate(): SecretTemplate {
  const password = `'{{ .password | replace "\\\\" "\\\\\\\\" | replace "'" "\\\\'" }}'`;
  const user = `'${KFP_MYSQL_USER}'@'%'`;
  return {
    [KFP_SETUP_SQL]: [
      `CREATE USER IF NOT EXISTS ${user} IDENTIFIED WITH mysql_native_password BY ${password} REQUIRE SSL;`,
      `ALTER USER ${user} IDENTIFIED WITH mysql_native_password BY ${password} REQUIRE SSL;`,
      ...Object.values(KFP_DATABASES).flatMap((db) => [`CREATE DATABASE IF NOT EXISTS \`${db}\`;`, `GRANT ALL PRIVILEGES ON \`${db}\`.* TO ${user};`]),
      "",
    ].join("\n"),
  };
}

/**
 * The Job that runs KFP's setup statements as the master user, over TLS: the mysql client reads the master's
 * option file (`--defaults-extra-file`, which must come first) and `source`s the statements, both mounted from
 * their Secrets. Named by a hash of what it runs, so a change runs it again (Jobs are immutable).
 */
export function mysqlSetupObjects(args: {
  readonly host: string;
  readonly port: number;
  readonly credentialSecret: string;
  readonly labels?: Readonly<Record<string, string>>;
}): Manifest[] {
  const labels = { ...args.labels, "app.kubernetes.io/name": "kfp-database-setup" };
  const master = secretFiles("master", KFP_MYSQL_MASTER_SECRET, "/etc/kfp-setup/master", [MYSQL_CLIENT_CONFIG]);
  const sql = secretFiles("sql", args.credentialSecret, "/etc/kfp-setup/sql", [KFP_SETUP_SQL]);
  const command = [
    "mysql",
    `--defaults-extra-file=${master.path(MYSQL_CLIENT_CONFIG)}`,
    `--host=${args.host}`,
    `--port=${args.port}`,
    "--ssl-mode=REQUIRED",
    `--execute=source ${sql.path(KFP_SETUP_SQL)}`,
  ];
  const hash = createHash("sha256")
    .update(JSON.stringify([command, mysqlMasterTemplate(), kfpSetupTemplate()]))
    .digest("hex")
    .slice(0, 8);
  return manifests((scope) => {
    oneShotJob(scope, {
      name: `kfp-database-setup-${hash}`,
      namespace: DATABASES_NAMESPACE,
      labels,
      uid: 999,
      container: {
        name: "setup",
        image: imageRef("mysql"),
        command,
        resources: resources({ cpu: "50m", memory: "64Mi" }, { memory: "256Mi" }),
        volumeMounts: [master.mount, sql.mount],
      },
      volumes: [master.volume, sql.volume],
    });
  });
}
