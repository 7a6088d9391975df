/**
 * Evidently's monitoring service (the `evidently ui` API and UI, with its workspace in the platform Postgres): one
 * instance per team that opted into "evidently", all in the evidently namespace (domain/evidently.ts). Each instance
 * has its own database, write token and config Secret, and admits only its own team's namespace. The drift reports
 * push their metrics to each team's own Pushgateway (./drift/pushgateway.ts).
 * Pure builders: Kubernetes objects (charts/kube.ts); credentials arrive as Secret names and keys.
 */
import { imageRef } from "../../domain/versions";
import { EVIDENTLY_APP_LABELS, EVIDENTLY_NAMESPACE, EVIDENTLY_PORT, evidentlyInstance, evidentlyPodLabels, evidentlyUrl } from "../../domain/evidently";
import type { SecretTemplate } from "./external-secrets";
import { addServiceNetworkPolicies, optedInTeamNamespace, type EgressRule } from "./network";
import { secretFiles } from "./secret-files";
import { k8s, manifests, port, resources, restrictedPodSpec, type Manifest } from "../kube";

export { EVIDENTLY_APP_LABELS, EVIDENTLY_NAMESPACE, EVIDENTLY_PORT, evidentlyInstance, evidentlyPodLabels, evidentlyUrl };

/** The config Secret of a team's instance in the evidently namespace (key config.yaml, evidentlyConfigTemplate). */
export const evidentlyConfigSecret = (team: string): string => `${evidentlyInstance(team)}-config`;
/** The NetworkPolicy that admits a team's namespace to its own instance. */
export const evidentlyClientPolicy = (team: string): string => `allow-team-${team}`;

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

/** What each instance requests (and its memory limit): the cost of one team's Evidently. */
export const EVIDENTLY_REQUESTS = { cpu: "100m", memory: "512Mi" } as const;
export const EVIDENTLY_LIMITS = { memory: "1Gi" } as const;

export interface EvidentlyInstanceArgs {
  /** The team whose instance this is: names, pod labels, and the one namespace admitted. */
  readonly team: string;
  /** Secret in the evidently namespace with the key `config.yaml` (evidentlyConfigTemplate): database and write secret. @default evidentlyConfigSecret(team) */
  readonly secretName?: string;
  /** Labels for cost attribution, on every object. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default 1 */
  readonly replicas?: number;
}

/**
 * A team's instance: ServiceAccount, Deployment and Service `evidently-<team>`, and the NetworkPolicy that admits
 * the team's namespace (only while it carries the evidently opt-in label) to these pods on EVIDENTLY_PORT alone.
 */
export function evidentlyInstanceObjects(args: EvidentlyInstanceArgs): Manifest[] {
  const name = evidentlyInstance(args.team);
  const podLabels = evidentlyPodLabels(args.team);
  const labels = { ...args.labels, ...podLabels };
  const meta = (objectName: string) => ({ name: objectName, namespace: EVIDENTLY_NAMESPACE, labels: { ...labels } });
  const probe = (initialDelaySeconds: number, periodSeconds: number): k8s.Probe => ({
    httpGet: { path: "/api/version", port: port("http") },
    initialDelaySeconds,
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold: 6,
  });
  const config = secretFiles("config", args.secretName ?? evidentlyConfigSecret(args.team), EVIDENTLY_CONFIG_DIR, [EVIDENTLY_CONFIG_FILE]);
  return manifests((scope) => {
    new k8s.KubeServiceAccount(scope, "service-account", { metadata: meta(name), automountServiceAccountToken: false });
    new k8s.KubeDeployment(scope, "deployment", {
      metadata: meta(name),
      spec: {
        replicas: args.replicas ?? 1,
        selector: { matchLabels: { ...podLabels } },
        template: {
          metadata: { labels: { ...labels } },
          spec: restrictedPodSpec(
            {
              serviceAccountName: name,
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
                  resources: resources(EVIDENTLY_REQUESTS, EVIDENTLY_LIMITS),
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
      metadata: meta(name),
      spec: {
        type: "ClusterIP",
        selector: { ...podLabels },
        ports: [{ name: "http", port: EVIDENTLY_PORT, targetPort: port("http"), protocol: "TCP" }],
      },
    });
    // The team's namespace by name AND its opt-in label: another team's namespace matches neither.
    new k8s.KubeNetworkPolicy(scope, "network-policy-team", {
      metadata: meta(evidentlyClientPolicy(args.team)),
      spec: {
        podSelector: { matchLabels: { ...podLabels } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [optedInTeamNamespace(args.team, "evidently")],
            ports: [{ protocol: "TCP", port: port(EVIDENTLY_PORT) }],
          },
        ],
      },
    });
  });
}

export interface EvidentlyArgs {
  /** The teams that opted into "evidently": one instance each. */
  readonly teams: readonly string[];
  /** How the instances reach Postgres (RDS CIDR, or the in-cluster database namespace). */
  readonly databaseEgress: EgressRule;
  /** Labels for cost attribution, on every object. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The namespace's NetworkPolicies (default deny, DNS, the namespace itself, egress to the database; no shared
 * client policy: each instance admits its own team) and one instance per team. The namespace itself is the caller's.
 */
export function evidentlyObjects(args: EvidentlyArgs): Manifest[] {
  const namespace = manifests((scope) =>
    addServiceNetworkPolicies(scope, {
      namespace: EVIDENTLY_NAMESPACE,
      egress: [args.databaseEgress],
      // Evidently serves no /metrics: nothing to scrape here.
      metricsPort: false,
      labels: args.labels,
    }),
  );
  return [...namespace, ...args.teams.flatMap((team) => evidentlyInstanceObjects({ team, labels: args.labels }))];
}
