/**
 * How a team watches a model in production: per teams[].modelMonitors entry a CronJob in the team namespace
 * copies the reference and current datasets from the team's prefix of the datasets bucket (AWS CLI, the team's
 * own credentials), runs an Evidently drift report (drift_report.py in the evidently image), pushes the result
 * to the team's own Pushgateway in its namespace (./pushgateway.ts) and uploads the snapshot to the Evidently
 * service. Plus the scrape that labels the metrics with the team, and the dashboard and alerts over them.
 */
import { QUEUE_NAME_LABEL } from "../../../domain/queues";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Construct } from "constructs";
import type { ModelMonitor, TeamConfig } from "../../../config/teams";
import { teamPrefix } from "../../../domain/storage-naming";
import { imageRef, type ImageName } from "../../../domain/versions";
import { DASHBOARD_LABEL, MONITORING_NAMESPACE } from "../../observability";
import { TEAM_WORKLOAD_SERVICE_ACCOUNT, teamLabels } from "../../team";
import { MODEL_DRIFT_POD_LABELS } from "../../team/network";
import { evidentlyUrl } from "../evidently";
import { k8s, manifests, resources, restrictedPodSpec, type Manifest } from "../../kube";
import { objectStoreCredentialsFile, secretFiles } from "../secret-files";
import { prometheusRule } from "../../crds/monitoring";
import { MODEL_DRIFT_RULES } from "./alerts";
import { MODEL_DRIFT_DASHBOARD } from "./dashboard";
import { driftPushgatewayObjects, driftPushgatewayUrl, driftScrapeObjects } from "./pushgateway";

/**
 * The images model monitoring runs in team namespaces: the drift jobs' steps and the team's Pushgateway. The
 * image-registry rule always admits their repositories.
 */
export const DRIFT_JOB_IMAGES = { fetch: "awsCli", report: "evidently", gateway: "pushgateway" } as const satisfies Record<string, ImageName>;

export { DRIFT_SERIES, MODEL_DRIFT_RULES, STALE_AFTER_HOURS } from "./alerts";
export {
  DRIFT_PUSHGATEWAY,
  DRIFT_PUSHGATEWAY_PORT,
  DRIFT_PUSHGATEWAY_SELECTOR,
  DRIFT_SCRAPE_JOB,
  DRIFT_SCRAPE_RELABELINGS,
  MODEL_DRIFT_PUSHGATEWAY_POD_LABELS,
  driftPushgatewayObjects,
  driftPushgatewayResources,
  driftPushgatewayUrl,
  driftScrapeObjects,
} from "./pushgateway";
export { MODEL_DRIFT_DASHBOARD, MODEL_DRIFT_DASHBOARD_UID } from "./dashboard";

export const DRIFT_SCRIPT_FILE = join(__dirname, "drift_report.py");
/** The key of the team's `evidently` Secret holding the write secret, and where the report step finds it. */
export const EVIDENTLY_SECRET_KEY = "secret";
const EVIDENTLY_SECRET_DIR = "/etc/evidently";
export const DRIFT_SCRIPT_CONFIGMAP = "model-drift-script";
export const DRIFT_APP_LABEL = MODEL_DRIFT_POD_LABELS;
/** Label with the monitor's name on each CronJob and its pods. */
export const MONITOR_LABEL = "mlops.platform/model-monitor";

export function driftScript(): string {
  return readFileSync(DRIFT_SCRIPT_FILE, "utf8");
}

export interface ModelMonitorArgs {
  /** The datasets bucket; a monitor's paths are relative to the team's prefix in it (teams/<team>/). */
  readonly datasetsBucket: string;
  /** S3 endpoint other than AWS (the local stack's SeaweedFS); passed as --endpoint-url. @default AWS S3 */
  readonly s3Endpoint?: string;
  /** Region for the AWS CLI. @default the CLI's own resolution (on EKS, the Pod Identity agent's region env) */
  readonly region?: string;
  /**
   * Secret in the team namespace with the AWS shared credentials file (key `credentials`, see
   * objectStoreCredentialsTemplate), for an S3 endpoint without Pod Identity; mounted for the fetch steps.
   * @default none: the team-workload ServiceAccount's Pod Identity role
   */
  readonly s3CredentialsSecret?: string;
  /** Secret in the team namespace whose key `secret` is Evidently's write secret; mounted as a file for the report step. */
  readonly evidentlySecretName: string;
  /** Size limit of the emptyDir that holds both datasets. @default "2Gi" */
  readonly dataSizeLimit?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

const extension = (path: string) => (path.endsWith(".parquet") ? "parquet" : "csv");
/** Local file of a dataset in the job pod: /data/reference.<ext> or /data/current.<ext>. */
export const localDataPath = (kind: "reference" | "current", path: string) => `/data/${kind}.${extension(path)}`;
export const datasetUri = (bucket: string, team: string, path: string) => `s3://${bucket}/${teamPrefix(team)}${path}`;

/**
 * The ConfigMap with the script, one CronJob per monitor, and the team's Pushgateway they push to; nothing for a
 * team without monitors.
 */
export function modelMonitorObjects(team: TeamConfig, args: ModelMonitorArgs): Manifest[] {
  if (team.modelMonitors.length === 0) return [];
  const labels = { ...args.labels, ...teamLabels(team), ...DRIFT_APP_LABEL };
  const jobs = manifests((scope) => {
    new k8s.KubeConfigMap(scope, "script", {
      metadata: { name: DRIFT_SCRIPT_CONFIGMAP, namespace: team.name, labels },
      data: { "drift_report.py": driftScript() },
    });
    for (const monitor of team.modelMonitors) driftCronJob(scope, team, monitor, args, labels);
  });
  return [...jobs, ...driftPushgatewayObjects(team, args.labels)];
}

function driftCronJob(scope: Construct, team: TeamConfig, monitor: ModelMonitor, args: ModelMonitorArgs, baseLabels: Record<string, string>): k8s.KubeCronJob {
  const labels = { ...baseLabels, [MONITOR_LABEL]: monitor.name };
  // Fits the team's LimitRange by construction: its own default request and limit.
  const teamDefaults = resources(
    { cpu: team.limits.defaultRequest.cpu, memory: team.limits.defaultRequest.memory },
    { cpu: team.limits.default.cpu, memory: team.limits.default.memory },
  );
  const tmp: k8s.VolumeMount = { name: "tmp", mountPath: "/tmp" };
  const data: k8s.VolumeMount = { name: "data", mountPath: "/data" };
  const s3Credentials = args.s3CredentialsSecret ? objectStoreCredentialsFile(args.s3CredentialsSecret) : undefined;
  const s3Env: k8s.EnvVar[] = [
    { name: "HOME", value: "/tmp" },
    ...(args.region ? [{ name: "AWS_REGION", value: args.region }] : []),
    ...(s3Credentials ? [s3Credentials.env] : []),
  ];
  const writeSecret = secretFiles("evidently", args.evidentlySecretName, EVIDENTLY_SECRET_DIR, [EVIDENTLY_SECRET_KEY]);
  const fetch = (kind: "reference" | "current", path: string): k8s.Container => ({
    name: `fetch-${kind}`,
    image: imageRef(DRIFT_JOB_IMAGES.fetch),
    // The image's entrypoint is `aws`.
    args: [
      "s3",
      "cp",
      datasetUri(args.datasetsBucket, team.name, path),
      localDataPath(kind, path),
      "--only-show-errors",
      ...(args.s3Endpoint ? ["--endpoint-url", args.s3Endpoint] : []),
    ],
    env: s3Env,
    resources: teamDefaults,
    volumeMounts: [data, tmp, ...(s3Credentials ? [s3Credentials.files.mount] : [])],
  });
  return new k8s.KubeCronJob(scope, `drift-${monitor.name}`, {
    metadata: { name: `drift-${monitor.name}`, namespace: team.name, labels },
    spec: {
      schedule: monitor.schedule,
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        // Through the team's queue like any batch work: the report's CPU counts against the team's queue quota.
        metadata: { labels: { ...labels, [QUEUE_NAME_LABEL]: team.name } },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 3600,
          template: {
            metadata: { labels },
            spec: restrictedPodSpec({
              serviceAccountName: TEAM_WORKLOAD_SERVICE_ACCOUNT,
              restartPolicy: "Never",
              initContainers: [fetch("reference", monitor.reference), fetch("current", monitor.current)],
              containers: [
                {
                  name: "report",
                  image: imageRef(DRIFT_JOB_IMAGES.report),
                  command: ["python", "/scripts/drift_report.py"],
                  env: [
                    { name: "TEAM", value: team.name },
                    { name: "MODEL", value: monitor.name },
                    { name: "REFERENCE_PATH", value: localDataPath("reference", monitor.reference) },
                    { name: "CURRENT_PATH", value: localDataPath("current", monitor.current) },
                    { name: "DRIFT_SHARE_THRESHOLD", value: String(monitor.driftShareThreshold) },
                    { name: "PUSHGATEWAY_URL", value: driftPushgatewayUrl(team.name) },
                    { name: "EVIDENTLY_URL", value: evidentlyUrl(team.name) },
                    { name: "EVIDENTLY_SECRET_FILE", value: writeSecret.path(EVIDENTLY_SECRET_KEY) },
                    { name: "HOME", value: "/tmp" },
                    { name: "DO_NOT_TRACK", value: "1" },
                    { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
                  ],
                  resources: teamDefaults,
                  volumeMounts: [{ name: "script", mountPath: "/scripts", readOnly: true }, { ...data, readOnly: true }, tmp, writeSecret.mount],
                },
              ],
              volumes: [
                { name: "script", configMap: { name: DRIFT_SCRIPT_CONFIGMAP } },
                { name: "data", emptyDir: { sizeLimit: k8s.Quantity.fromString(args.dataSizeLimit ?? "2Gi") } },
                { name: "tmp", emptyDir: { sizeLimit: k8s.Quantity.fromString("256Mi") } },
                writeSecret.volume,
                ...(s3Credentials ? [s3Credentials.files.volume] : []),
              ],
            }),
          },
        },
      },
    },
  });
}

/**
 * The dashboard (a Grafana sidecar ConfigMap), the PrometheusRule and the scrape of the Pushgateways in these team
 * namespaces (those with monitors), all in the monitoring namespace.
 */
export function modelDriftObservabilityObjects(labels: Readonly<Record<string, string>> = {}, teamNamespaces: readonly string[] = []): Manifest[] {
  const objects = manifests((scope) => {
    new k8s.KubeConfigMap(scope, "dashboard", {
      metadata: { name: `dashboard-${MODEL_DRIFT_DASHBOARD.uid}`, namespace: MONITORING_NAMESPACE, labels: { ...labels, ...DASHBOARD_LABEL } },
      data: { [`${MODEL_DRIFT_DASHBOARD.uid}.json`]: JSON.stringify(MODEL_DRIFT_DASHBOARD) },
    });
    prometheusRule(scope, "rules", { name: "model-drift", namespace: MONITORING_NAMESPACE, labels: { ...labels } }, { groups: [MODEL_DRIFT_RULES] });
  });
  return [...objects, ...driftScrapeObjects(teamNamespaces, labels)];
}
