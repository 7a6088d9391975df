/**
 * Objects we author next to the upstream Kubeflow Pipelines manifests, one set per team that opted into
 * `pipelines`: the database alias Service in the team namespace, the team's MySQL credential (mysql-secret, ML
 * Metadata's config file) and the setup Job that makes the team's own MySQL user and databases as the master user.
 * Locally also the MySQL root credential and the `kubeflow` namespace's NetworkPolicies. The names, labels and ports
 * of the upstream objects we rely on are checked against the 2.17.0 manifests (see test/services/pipelines.test.ts).
 */
import { createHash } from "node:crypto";
import { imageRef } from "../../domain/versions";
import { KFP_POD_LABELS, kfpDatabaseNames } from "../../domain/pipelines";
import { externalSecret, type SecretTemplate } from "./external-secrets";
import { manifests, oneShotJob, resources, type Manifest } from "../kube";
import { secretFiles } from "./secret-files";
import { DATABASES_NAMESPACE } from "./database-setup";
import { KUBEFLOW_NAMESPACE } from "../../domain/platform-namespaces";
import { serviceNetworkPolicies } from "./network";

/** The namespace upstream's cluster-scoped-resources creates: CRDs only, and locally the shared MySQL. */
export { KUBEFLOW_NAMESPACE };

/** Secret KFP 2.17.0 reads the database user from (keys `username`, `password`): API server, MLMD's wait container. */
export const KFP_MYSQL_SECRET = "mysql-secret";
/**
 * The MySQL master (RDS, databases namespace) or root (local, `kubeflow`) credential as the mysql client's option
 * file; only the setup Jobs mount it, never a team namespace.
 */
export const KFP_MYSQL_MASTER_SECRET = "kfp-mysql-master";
/** The team's setup statements (which carry its password), next to the master credential. */
export const kfpSetupSecret = (team: string): string => `kfp-${team}-db`;

/** Local MySQL (upstream third-party/mysql/base at 2.17.0): Service `mysql`, pod label `app: mysql`, port 3306. */
export const LOCAL_MYSQL = { service: "mysql", podLabels: { app: "mysql" }, port: 3306 } as const;
/** The generated root password of the local MySQL (key `password`), replacing upstream's empty one. */
export const LOCAL_MYSQL_ROOT_SECRET = "kfp-mysql-root";
/**
 * The local MySQL's address, as every team's install names it. Team installs name their database host directly (the
 * RDS endpoint or this): team namespaces may hold no ExternalName Service (guardrail team-external-name-services).
 */
export const LOCAL_MYSQL_HOST = `${LOCAL_MYSQL.service}.${KUBEFLOW_NAMESPACE}.svc.cluster.local`;

/**
 * Secret holding ML Metadata's server config (text proto with the MySQL connection and TLS on), mounted by the
 * metadata-grpc Deployment: ml_metadata_store_server 1.14.0 has no `--mysql_config_*` flag for SSL, only the
 * config file's `ssl_options`.
 */
export const MLMD_CONFIG_SECRET = "metadata-grpc-mysql";
export const MLMD_CONFIG_FILE = "config.pbtxt";
export const MLMD_CONFIG_DIR = "/etc/mlmd";

/** The label of the setup Jobs' pods (the local MySQL admits them). */
export const KFP_SETUP_POD_LABELS = { "app.kubernetes.io/name": "kfp-database-setup" } as const;

/**
 * How a template escapes the generated values: `sprig` for External Secrets (Secrets Manager, which renders sprig
 * pipes); `none` for Kubernetes Secrets rendered by the program (renderTemplate knows `{{ .key }}` only), where the
 * values are generated alphanumeric passwords that need no escaping.
 */
export type TemplateEscaping = "sprig" | "none";

/**
 * ML Metadata's server config of one team as an External Secrets template over the team's generated credential:
 * the team's metadata database and user. `ssl_options` (even without a CA) makes its MariaDB Connector/C 3.0.8
 * client enforce TLS; the certificate is not verified, as with sslmode=require elsewhere on the platform. `quote`
 * (sprig, Go %q) escapes `"` and `\` the way the protobuf text format reads them. Schema upgrades stay on, as
 * upstream's `--enable_database_upgrade=true`.
 */
export function mlmdServerConfigTemplate(team: string, host: string, port: number, escaping: TemplateEscaping = "sprig"): string {
  const names = kfpDatabaseNames(team);
  return [
    "connection_config {",
    "  mysql {",
    `    host: "${host}"`,
    `    port: ${port}`,
    `    database: "${names.metadata}"`,
    `    user: "${names.user}"`,
    escaping === "sprig" ? "    password: {{ .password | quote }}" : '    password: "{{ .password }}"',
    "    ssl_options { verify_server_cert: false }",
    "  }",
    "}",
    "migration_options { enable_upgrade_migration: true }",
    "",
  ].join("\n");
}

/** The team's credential in its namespace: `mysql-secret` (its own user, password) and MLMD's config file. */
export function kfpCredentialTemplates(
  team: string,
  mysqlHost: string,
  mysqlPort: number,
  escaping: TemplateEscaping = "sprig",
): { readonly mysql: SecretTemplate; readonly mlmd: SecretTemplate } {
  return {
    mysql: { username: kfpDatabaseNames(team).user, password: "{{ .password }}" },
    mlmd: { [MLMD_CONFIG_FILE]: mlmdServerConfigTemplate(team, mysqlHost, mysqlPort, escaping) },
  };
}

/**
 * A Go template (External Secrets, sprig) that escapes a value for a double-quoted MySQL option-file value:
 * backslash and double quote get a backslash (mysys reads `\\` and `\"` back inside quotes), and the quotes
 * keep a `#` from starting a comment.
 */
const optionFileValue = (field: string, escaping: TemplateEscaping) =>
  escaping === "sprig" ? `"{{ .${field} | replace "\\\\" "\\\\\\\\" | replace "\\"" "\\\\\\"" }}"` : `"{{ .${field} }}"`;

/** The key of the master Secret holding the mysql client's option file. */
export const MYSQL_CLIENT_CONFIG = "client.cnf";
/** The key of a team's setup Secret holding the statements that make its user and databases. */
export const KFP_SETUP_SQL = "setup.sql";

/**
 * The master Secret's content, a template over `username` and `password` (the RDS-managed secret's, or the local
 * root credential's): the mysql client's option file (a [client] group with user and password), which the client
 * reads from `--defaults-extra-file`, so nothing secret is in the Job's environment or arguments.
 */
export function mysqlMasterTemplate(escaping: TemplateEscaping = "sprig"): SecretTemplate {
  return {
    [MYSQL_CLIENT_CONFIG]: ["[client]", `user=${optionFileValue("username", escaping)}`, `password=${optionFileValue("password", escaping)}`, ""].join("\n"),
  };
}

/** The RDS-managed master credential, synced for the setup Jobs (mysqlMasterTemplate). */
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
 * A team's setup Secret, a template over the team's generated `password`: the statements that create (or
 * re-password) the team's MySQL user with TLS required, create its three databases and grant it those and nothing
 * else, so the password reaches the mysql client inside a mounted file. Safe to repeat. The string literal escapes
 * backslash and quote (the generated password is alphanumeric anyway).
 */
export function kfpSetupTemplate(team: string, escaping: TemplateEscaping = "sprig"): SecretTemplate {
  const names = kfpDatabaseNames(team);
  const password = escaping === "sprig" ? `'{{ .password | replace "\\\\" "\\\\\\\\" | replace "'" "\\\\'" }}'` : "'{{ .password }}'";
  const user = `'${names.user}'@'%'`;
  return {
    [KFP_SETUP_SQL]: [
      `CREATE USER IF NOT EXISTS ${user} IDENTIFIED WITH mysql_native_password BY ${password} REQUIRE SSL;`,
      `ALTER USER ${user} IDENTIFIED WITH mysql_native_password BY ${password} REQUIRE SSL;`,
      ...[names.pipeline, names.metadata, names.cache].flatMap((db) => [
        `CREATE DATABASE IF NOT EXISTS \`${db}\`;`,
        `GRANT ALL PRIVILEGES ON \`${db}\`.* TO ${user};`,
      ]),
      "",
    ].join("\n"),
  };
}

/**
 * The Job that runs a team's setup statements as the master user, over TLS: the mysql client reads the master's
 * option file (`--defaults-extra-file`, which must come first) and `source`s the statements, both mounted from
 * their Secrets. Named by the team and a hash of what it runs, so a change runs it again (Jobs are immutable).
 */
export function mysqlSetupObjects(args: {
  readonly team: string;
  readonly host: string;
  readonly port: number;
  /** Where the Job and both Secrets are: the databases namespace (RDS), `kubeflow` (local MySQL). */
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
}): Manifest[] {
  const labels = { ...args.labels, ...KFP_SETUP_POD_LABELS };
  const credentialSecret = kfpSetupSecret(args.team);
  const master = secretFiles("master", KFP_MYSQL_MASTER_SECRET, "/etc/kfp-setup/master", [MYSQL_CLIENT_CONFIG]);
  const sql = secretFiles("sql", credentialSecret, "/etc/kfp-setup/sql", [KFP_SETUP_SQL]);
  const command = [
    "mysql",
    `--defaults-extra-file=${master.path(MYSQL_CLIENT_CONFIG)}`,
    `--host=${args.host}`,
    `--port=${args.port}`,
    "--ssl-mode=REQUIRED",
    `--execute=source ${sql.path(KFP_SETUP_SQL)}`,
  ];
  const hash = createHash("sha256")
    .update(JSON.stringify([args.team, command, mysqlMasterTemplate(), kfpSetupTemplate(args.team)]))
    .digest("hex")
    .slice(0, 8);
  return manifests((scope) => {
    oneShotJob(scope, {
      name: kfpSetupJobName(args.team, hash),
      namespace: args.namespace,
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

/** `kfp-setup-<team>-<hash>`, shortened with a hash of the team when it would pass 63 characters. */
function kfpSetupJobName(team: string, hash: string): string {
  const plain = `kfp-setup-${team}-${hash}`;
  if (plain.length <= 52) return plain;
  const teamHash = createHash("sha256").update(team).digest("hex").slice(0, 6);
  return `kfp-setup-${team.slice(0, 26).replace(/-+$/, "")}-${teamHash}-${hash}`;
}

/**
 * The `kubeflow` namespace's NetworkPolicies: default deny and DNS like every service namespace; no KFP pod runs
 * there any more (each team's runs in its own namespace), so only the local MySQL is served: port 3306 to the
 * namespaces that opted into pipelines (their KFP API server and ML Metadata) and to the setup Jobs beside it.
 */
export function kubeflowNetworkPolicies(labels: Readonly<Record<string, string>> = {}): Manifest[] {
  return serviceNetworkPolicies({
    namespace: KUBEFLOW_NAMESPACE,
    service: "pipelines",
    servedPods: { ...LOCAL_MYSQL.podLabels },
    servedPorts: [LOCAL_MYSQL.port],
    // The teams' API servers and ML Metadata servers only, not every pod of their namespaces.
    clientPods: [KFP_POD_LABELS.apiServer, KFP_POD_LABELS.metadataGrpc],
    egress: [],
    metricsPort: false,
    labels,
  });
}
