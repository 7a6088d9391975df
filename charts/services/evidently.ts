/**
 * Evidently's monitoring service (the `evidently ui` API and UI, with its workspace in the platform Postgres), in
 * the evidently namespace. The drift reports push their metrics to each team's own Pushgateway (./drift/pushgateway.ts).
 * Pure builders: Kubernetes objects (charts/kube.ts); credentials arrive as Secret names and keys.
 */
import { imageRef } from "../../domain/versions";
import type { SecretTemplate } from "./external-secrets";
import { addServiceNetworkPolicies, type EgressRule } from "./network";
import { secretFiles } from "./secret-files";
import { k8s, manifests, port, resources, restrictedPodSpec, type Manifest } from "../kube";
import { EVIDENTLY_NAMESPACE } from "../../domain/platform-namespaces";

export { EVIDENTLY_NAMESPACE };
export const EVIDENTLY_PORT = 8000;
/** In-cluster URL (a team's drift job reaches it). */
export const EVIDENTLY_URL = `http://evidently.${EVIDENTLY_NAMESPACE}.svc:${EVIDENTLY_PORT}`;

/** Selector labels of the Evidently pods. */
export const EVIDENTLY_POD_LABELS = { "app.kubernetes.io/name": "evidently" } as const;
/** The label on the Evidently pods that a team that opted into "evidently" may reach, on SERVED_PORTS. */
export const EVIDENTLY_SERVED_POD_LABELS = { "app.kubernetes.io/part-of": "evidently" } as const;
export const EVIDENTLY_SERVED_PORTS = [EVIDENTLY_PORT] as const;

/** Where the config Secret is mounted, and the paths the service writes to (emptyDirs; root FS is read-only). */
const EVIDENTLY_CONFIG_DIR = "/etc/evidently";
const EVIDENTLY_CONFIG_FILE = "config.yaml";
export const EVIDENTLY_CONFIG_PATH = `${EVIDENTLY_CONFIG_DIR}/${EVIDENTLY_CONFIG_FILE}`;
/** The image's WORKDIR is /app; `evidently ui` defaults its local workspace to ./workspace. */
const WORKSPACE_DIR = "/app/workspace";
const UID = 10001;

/**
 * config.yaml for `evidently ui --conf-path` (keys as loaded by evidently.ui.service.config.load_config at
 * v0.7.21; example: examples/service/postgres_config.yaml): projects, snapshots and datasets all in Postgres
 * (`dataset_storage: sql` instead of the example's fsspec path, so nothing lives on the pod's disk), telemetry
 * off. The password is the generated credential's `password`. The write secret (`secret`, sent by writers in
 * the evidently-secret header) is the `security` section's token: `security: {type: token}` parses to
 * TokenSecurityComponent (evidently/ui/service/components/security.py), the same component the EVIDENTLY_SECRET
 * variable would set (evidently/ui/service/app.py get_config), so the secret never enters the environment.
 * The URL and the token carry the values verbatim: generate them without URL- or YAML-special characters.
 */
export function evidentlyConfigTemplate(db: { host: string; port: number; database: string; user: string }): SecretTemplate {
  // The driver is explicit: SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3, which the image lacks
  // (its [sql] extra installs psycopg2-binary); the image pins no SQLAlchemy version.
  const url = `postgresql+psycopg2://${db.user}:{{ .password }}@${db.host}:${db.port}/${db.database}?sslmode=require`;
  const config = [
    "# Evidently UI service configuration (charts/services/evidently.ts).",
    "storage:",
    "  type: sql",
    "database:",
    `  url: "${url}"`,
    "dataset_storage:",
    "  type: sql",
    "telemetry:",
    "  enabled: false",
    "security:",
    "  type: token",
    '  token: "{{ .secret }}"',
    "",
  ].join("\n");
  return { [EVIDENTLY_CONFIG_FILE]: config };
}

export interface EvidentlyArgs {
  /** Secret in the evidently namespace with the key `config.yaml` (evidentlyConfigTemplate): database and write secret. */
  readonly secretName: string;
  /** How the service reaches Postgres (RDS CIDR, or the in-cluster database namespace). */
  readonly databaseEgress: EgressRule;
  /** Labels for cost attribution, on every object. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default 1 */
  readonly replicas?: number;
}

/** ServiceAccount, Deployment, Service and the namespace's NetworkPolicies (the namespace itself is the caller's). */
export function evidentlyObjects(args: EvidentlyArgs): Manifest[] {
  const labels = { ...args.labels, ...EVIDENTLY_POD_LABELS };
  const podLabels = { ...labels, ...EVIDENTLY_SERVED_POD_LABELS };
  const meta = (name: string) => ({ name, namespace: EVIDENTLY_NAMESPACE, labels: { ...labels } });
  const probe = (initialDelaySeconds: number, periodSeconds: number): k8s.Probe => ({
    httpGet: { path: "/api/version", port: port("http") },
    initialDelaySeconds,
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold: 6,
  });
  const config = secretFiles("config", args.secretName, EVIDENTLY_CONFIG_DIR, [EVIDENTLY_CONFIG_FILE]);
  return manifests((scope) => {
    new k8s.KubeServiceAccount(scope, "service-account", { metadata: meta("evidently"), automountServiceAccountToken: false });
    new k8s.KubeDeployment(scope, "deployment", {
      metadata: meta("evidently"),
      spec: {
        replicas: args.replicas ?? 1,
        selector: { matchLabels: { ...EVIDENTLY_POD_LABELS } },
        template: {
          metadata: { labels: podLabels },
          spec: restrictedPodSpec(
            {
              serviceAccountName: "evidently",
              containers: [
                {
                  name: "evidently",
                  image: imageRef("evidently"),
                  // Appended to the image's ENTRYPOINT ["evidently", "ui", "--host", "0.0.0.0"].
                  args: ["--port", String(EVIDENTLY_PORT), "--conf-path", config.path(EVIDENTLY_CONFIG_FILE)],
                  ports: [{ name: "http", containerPort: EVIDENTLY_PORT, protocol: "TCP" }],
                  env: [
                    // No usage telemetry (iterative_telemetry honours DO_NOT_TRACK).
                    { name: "DO_NOT_TRACK", value: "1" },
                    // /api/version runs `git rev-parse` unless GIT_COMMIT is set.
                    { name: "GIT_COMMIT", value: "-" },
                    { name: "HOME", value: "/tmp" },
                    { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
                  ],
                  readinessProbe: probe(5, 10),
                  livenessProbe: probe(30, 20),
                  resources: resources({ cpu: "100m", memory: "512Mi" }, { memory: "1Gi" }),
                  volumeMounts: [
                    // A directory mount (no subPath), so a rotated Secret reaches the file.
                    config.mount,
                    { name: "tmp", mountPath: "/tmp" },
                    { name: "workspace", mountPath: WORKSPACE_DIR },
                  ],
                },
              ],
              volumes: [
                config.volume,
                { name: "tmp", emptyDir: { sizeLimit: k8s.Quantity.fromString("256Mi") } },
                { name: "workspace", emptyDir: { sizeLimit: k8s.Quantity.fromString("256Mi") } },
              ],
            },
            { uid: UID },
          ),
        },
      },
    });
    new k8s.KubeService(scope, "service", {
      metadata: meta("evidently"),
      spec: {
        type: "ClusterIP",
        selector: { ...EVIDENTLY_POD_LABELS },
        ports: [{ name: "http", port: EVIDENTLY_PORT, targetPort: port("http"), protocol: "TCP" }],
      },
    });
    addServiceNetworkPolicies(scope, {
      namespace: EVIDENTLY_NAMESPACE,
      service: "evidently",
      servedPods: EVIDENTLY_SERVED_POD_LABELS,
      servedPorts: EVIDENTLY_SERVED_PORTS,
      egress: [args.databaseEgress],
      // Evidently serves no /metrics: nothing to scrape here.
      metricsPort: false,
      labels: args.labels,
    });
  });
}
