/**
 * MLflow tracking server and model registry, run from the upstream image (MLflow ships no chart of its own
 * on a Helm repository we can pin): Postgres backend, artifacts proxied to object storage, basic auth with a
 * generated admin password and one workspace per team (mlflow-teams.ts), internal Service only, metrics scraped
 * with the admin's credentials.
 */
import { imageRef } from "../../domain/versions";
import type { SecretTemplate } from "./external-secrets";
import { objectStoreCredentialsFile, PG_SERVICE_KEY, pgServiceEnv, pgServiceFile, secretFiles } from "./secret-files";
import { addServiceNetworkPolicies, type EgressRule } from "./network";
import { k8s, manifests, port, resources, restrictedPodSpec, type Manifest } from "../kube";
import { serviceMonitor } from "../crds/monitoring";
import { MLFLOW_NAMESPACE } from "../../domain/platform-namespaces";

export { MLFLOW_NAMESPACE };
export const MLFLOW_PORT = 5000;
export const MLFLOW_SECRET = "mlflow";
export const MLFLOW_SERVICE_ACCOUNT = "mlflow";
/** Upstream's own chart runs the image as this user. */
export const MLFLOW_UID = 1000;
const SELECTOR = { "app.kubernetes.io/name": "mlflow" };

export interface DatabaseLocation {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

/**
 * A SQLAlchemy URL without a password (libpq takes it from the service file that PGSERVICEFILE and PGSERVICE
 * name, see secret-files.ts); TLS required (RDS forces it, CNPG serves it). Nothing secret: a plain value.
 */
export function postgresUrl(db: DatabaseLocation, driver = "postgresql+psycopg2"): string {
  return `${driver}://${db.user}@${db.host}:${db.port}/${db.database}?sslmode=require`;
}

/** The libpq service the MLflow server connects to Postgres as: its password comes from the mlflow Secret. */
export const MLFLOW_PG_SERVICE = "mlflow";
/** Where the mlflow Secret's files are mounted. */
const MLFLOW_CONFIG_DIR = "/etc/mlflow";
const AUTH_CONFIG = "basic_auth.ini";

/**
 * The mlflow Secret, built from the generated values password, adminPassword and secretKey: basic auth's
 * config file (MLFLOW_AUTH_CONFIG_PATH; MLflow 3.17 reads admin_password from it when MLFLOW_AUTH_ADMIN_PASSWORD
 * is unset, mlflow/server/auth/config.py), libpq's service file with the database password, the admin's
 * credentials for Prometheus' scrape, and the Flask session key. Auth tables share the tracking database
 * (MLflow keeps them apart with their own migration table). configparser reads `%` as interpolation: the
 * generated values are alphanumeric.
 */
export function mlflowSecretTemplate(db: DatabaseLocation): SecretTemplate {
  return {
    [AUTH_CONFIG]: basicAuthConfig(postgresUrl(db), "{{ .adminPassword }}"),
    [PG_SERVICE_KEY]: pgServiceFile(MLFLOW_PG_SERVICE, { password: "{{ .password }}" }),
    "admin-username": "admin",
    "admin-password": "{{ .adminPassword }}",
    "flask-secret-key": "{{ .secretKey }}",
  };
}

/**
 * basic_auth.ini: the auth database, the admin, and no access without a grant. With workspaces on, a user sees
 * only the workspaces a role grants it (grant_default_workspace_access stays at its default, false), which is
 * how teams share one server without sharing experiments (mlflow-teams.ts). The real-server test starts MLflow
 * with this same text.
 */
export function basicAuthConfig(databaseUri: string, adminPassword: string): string {
  return [
    "[mlflow]",
    "default_permission = NO_PERMISSIONS",
    `database_uri = ${databaseUri}`,
    "admin_username = admin",
    `admin_password = ${adminPassword}`,
    "authorization_function = mlflow.server.auth:authenticate_request_basic_auth",
    "",
  ].join("\n");
}

/**
 * How the server runs, besides where it listens: the basic-auth app, proxied artifacts, and workspaces (MLflow
 * 3.17's unit of isolation: experiments, models and prompts live in one, roles grant per workspace).
 */
export const MLFLOW_SERVER_FLAGS = ["--serve-artifacts", "--app-name=basic-auth", "--enable-workspaces"] as const;

/**
 * Host headers MLflow accepts (its DNS-rebinding guard replaces, not extends, its defaults): the Service
 * names at every depth, with and without a port, and pod addresses in the private ranges for scrapes.
 */
export function allowedHosts(namespace = MLFLOW_NAMESPACE): string[] {
  const names = ["mlflow", `mlflow.${namespace}`, `mlflow.${namespace}.svc`, `mlflow.${namespace}.svc.cluster.local`];
  // 100.* covers pod ranges in 100.64.0.0/10 (custom-networking CNIs), which the patterns cannot spell exactly.
  const ranges = ["10.*", "192.168.*", "100.*", ...Array.from({ length: 16 }, (_, i) => `172.${16 + i}.*`)];
  return [...names.flatMap((n) => [n, `${n}:*`]), ...ranges];
}

export interface MlflowArgs {
  readonly replicas: number;
  /** The tracking database (its password reaches the server in the mlflow Secret's service file). */
  readonly database: DatabaseLocation;
  /** Where proxied artifacts go, e.g. s3://<artifacts bucket>/mlflow/. */
  readonly artifactsDestination: string;
  /** AWS region (EKS) for the S3 client. */
  readonly region?: string;
  /** An S3-compatible endpoint (the local stack's SeaweedFS) and the Secret with its credentials file. */
  readonly s3?: { readonly endpoint: string; readonly credentialsSecret: string };
  /** How pods reach Postgres (the VPC on EKS, the databases namespace in-cluster). */
  readonly databaseEgress: EgressRule;
  /** How pods reach object storage. */
  readonly storageEgress: readonly EgressRule[];
  readonly labels?: Readonly<Record<string, string>>;
}

export function mlflowObjects(args: MlflowArgs): Manifest[] {
  const labels = { ...args.labels, ...SELECTOR };
  const meta = (name: string) => ({ name, namespace: MLFLOW_NAMESPACE, labels });
  const config = secretFiles("config", MLFLOW_SECRET, MLFLOW_CONFIG_DIR, [AUTH_CONFIG, PG_SERVICE_KEY]);
  const s3 = args.s3 && { endpoint: args.s3.endpoint, ...objectStoreCredentialsFile(args.s3.credentialsSecret) };
  const env: k8s.EnvVar[] = [
    { name: "MLFLOW_BACKEND_STORE_URI", value: postgresUrl(args.database) },
    ...pgServiceEnv(config, MLFLOW_PG_SERVICE),
    // MLflow 3.17.2 reads the Flask key from this variable only (mlflow/server/auth/__init__.py,
    // get_flask_server_secret_key): registered exception mlflow-flask-secret-key (policies/exceptions/own-workloads.ts).
    { name: "MLFLOW_FLASK_SERVER_SECRET_KEY", valueFrom: { secretKeyRef: { name: MLFLOW_SECRET, key: "flask-secret-key" } } },
    { name: "MLFLOW_AUTH_CONFIG_PATH", value: config.path(AUTH_CONFIG) },
    { name: "MLFLOW_ARTIFACTS_DESTINATION", value: args.artifactsDestination },
    { name: "MLFLOW_SERVER_ALLOWED_HOSTS", value: allowedHosts().join(",") },
    { name: "MLFLOW_DISABLE_TELEMETRY", value: "true" },
    { name: "HOME", value: "/tmp" },
    ...(args.region ? [{ name: "AWS_REGION", value: args.region }] : []),
    ...(s3 ? [{ name: "MLFLOW_S3_ENDPOINT_URL", value: s3.endpoint }, s3.env] : []),
  ];
  const probe = (initialDelaySeconds: number): k8s.Probe => ({
    httpGet: { path: "/health", port: port("http") },
    initialDelaySeconds,
    periodSeconds: 10,
    timeoutSeconds: 5,
  });
  return manifests((scope) => {
    new k8s.KubeServiceAccount(scope, "service-account", { metadata: meta(MLFLOW_SERVICE_ACCOUNT), automountServiceAccountToken: false });
    new k8s.KubeDeployment(scope, "deployment", {
      metadata: meta("mlflow"),
      spec: {
        replicas: args.replicas,
        selector: { matchLabels: SELECTOR },
        template: {
          metadata: { labels },
          spec: restrictedPodSpec(
            {
              serviceAccountName: MLFLOW_SERVICE_ACCOUNT,
              // Spread replicas over zones; a lost AZ leaves the server up.
              topologySpreadConstraints: [
                { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: SELECTOR } },
              ],
              containers: [
                {
                  name: "mlflow",
                  image: imageRef("mlflow"),
                  command: ["mlflow", "server"],
                  args: ["--host=0.0.0.0", `--port=${MLFLOW_PORT}`, "--workers=2", ...MLFLOW_SERVER_FLAGS, "--expose-prometheus=/tmp/metrics"],
                  ports: [{ name: "http", containerPort: MLFLOW_PORT }],
                  env,
                  readinessProbe: probe(5),
                  livenessProbe: { ...probe(30), failureThreshold: 6 },
                  resources: resources({ cpu: "250m", memory: "1Gi" }, { memory: "2Gi" }),
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, config.mount, ...(s3 ? [s3.files.mount] : [])],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: { sizeLimit: k8s.Quantity.fromString("2Gi") } }, config.volume, ...(s3 ? [s3.files.volume] : [])],
            },
            { uid: MLFLOW_UID },
          ),
        },
      },
    });
    new k8s.KubeService(scope, "service", {
      metadata: meta("mlflow"),
      spec: { type: "ClusterIP", selector: SELECTOR, ports: [{ name: "http", port: MLFLOW_PORT, targetPort: port("http") }] },
    });
    // /metrics sits behind basic auth: Prometheus scrapes as the admin, from the same Secret.
    serviceMonitor(scope, "service-monitor", meta("mlflow"), {
      selector: { matchLabels: SELECTOR },
      endpoints: [
        {
          port: "http",
          path: "/metrics",
          interval: "30s",
          basicAuth: { username: { name: MLFLOW_SECRET, key: "admin-username" }, password: { name: MLFLOW_SECRET, key: "admin-password" } },
        },
      ],
    });
    if (args.replicas > 1) {
      new k8s.KubePodDisruptionBudget(scope, "disruption-budget", {
        metadata: meta("mlflow"),
        spec: { minAvailable: port(1), selector: { matchLabels: SELECTOR } },
      });
    }
    addServiceNetworkPolicies(scope, {
      namespace: MLFLOW_NAMESPACE,
      service: "mlflow",
      servedPods: SELECTOR,
      servedPorts: [MLFLOW_PORT],
      metricsPort: MLFLOW_PORT,
      egress: [args.databaseEgress, ...args.storageEgress],
      labels: args.labels,
    });
  });
}
