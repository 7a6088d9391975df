/**
 * Each team's own Pushgateway: in every team namespace with model monitors, a platform-owned Deployment and
 * Service the team's drift jobs push to, and one ServiceMonitor in monitoring that scrapes them all. The `team`
 * label of what it collects comes from where it is collected: the scrape sets `team` from the target's namespace
 * and honours no pushed label, so a pushed `team` lands in `exported_team`, which nothing reads. A team can push
 * (or delete) only its own namespace's metrics: other teams' pods cannot reach the pod (the team NetworkPolicies
 * admit the namespace itself and Prometheus only), and a team cannot replace it or pose as it (the
 * platform-owned-objects and team-reserved-pod-labels guardrails; the scrape selects only platform-owned Services).
 */
import type { TeamConfig } from "../../../config/teams";
import { parseQuantity } from "../../../config/quantity";
import { PLATFORM_OWNED_LABELS } from "../../../domain/ownership";
import { MONITORING_NAMESPACE } from "../../../domain/platform-namespaces";
import { imageRef } from "../../../domain/versions";
import { serviceMonitor, type Relabeling } from "../../crds/monitoring";
import { k8s, manifests, port, resources, restrictedPodSpec, type Manifest } from "../../kube";
import { teamLabels } from "../../team";
import { MODEL_DRIFT_PUSHGATEWAY_POD_LABELS } from "../../team/network";

export { MODEL_DRIFT_PUSHGATEWAY_POD_LABELS };
/** Name of the Deployment and Service in the team namespace. */
export const DRIFT_PUSHGATEWAY = "model-drift-pushgateway";
export const DRIFT_PUSHGATEWAY_PORT = 9091;
/** The container port's name: the team NetworkPolicy allow-monitoring-scrape admits Prometheus on `metrics`. */
export const DRIFT_PUSHGATEWAY_PORT_NAME = "metrics";
/** The image's user (upstream Dockerfile: USER 65534). */
const NOBODY = 65534;

/** The team's own push endpoint, in its namespace. */
export const driftPushgatewayUrl = (team: string): string => `http://${DRIFT_PUSHGATEWAY}.${team}.svc:${DRIFT_PUSHGATEWAY_PORT}`;

/**
 * The `job` of every scraped series: a ServiceMonitor's job is otherwise its Service's name, which a team can
 * choose for a Service of its own scraped through the platform convention (charts/observability METRICS_LABEL);
 * a Service name holds no "/", so no other scrape yields this one. The drift alerts and dashboard select on it.
 */
export const DRIFT_SCRAPE_JOB = `${MONITORING_NAMESPACE}/${DRIFT_PUSHGATEWAY}`;
/** Labels the Service and pods carry, and the scrape and the Service select on: a team can set neither on its own. */
export const DRIFT_PUSHGATEWAY_SELECTOR = { ...MODEL_DRIFT_PUSHGATEWAY_POD_LABELS, ...PLATFORM_OWNED_LABELS } as const;

/**
 * Target relabelings, after the operator's own (namespace, service, pod, job, endpoint): `team` is the target's
 * namespace, `job` is DRIFT_SCRAPE_JOB, and `instance` is the namespace with no `pod`, so a series keeps its
 * identity when the pod is replaced (one pod per namespace, strategy Recreate) and alerts can look back over it.
 */
export const DRIFT_SCRAPE_RELABELINGS: readonly Relabeling[] = [
  { action: "replace", sourceLabels: ["__meta_kubernetes_namespace"], targetLabel: "team" },
  { action: "replace", replacement: DRIFT_SCRAPE_JOB, targetLabel: "job" },
  { action: "replace", sourceLabels: ["__meta_kubernetes_namespace"], targetLabel: "instance" },
  { action: "labeldrop", regex: "pod" },
];

/** The larger and the smaller of two quantities, as written. */
const larger = (first: string, second: string) => ((parseQuantity(first) ?? 0) >= (parseQuantity(second) ?? 0) ? first : second);
const smaller = (first: string, second: string) => ((parseQuantity(first) ?? 0) <= (parseQuantity(second) ?? 0) ? first : second);
/** `value`, raised to the LimitRange's min and capped at its max. */
const within = (value: string, min: string, max: string) => smaller(larger(value, min), max);

/**
 * Tiny requests and a memory limit (a few gauges per monitor), raised to the team's LimitRange min and capped at
 * its max, so the LimitRange admits the pod; they count against the team's ResourceQuota like any pod (one pod,
 * its cpu and memory requests, its memory limit; no PersistentVolumeClaim). The cpu limit is the LimitRange default.
 */
export function driftPushgatewayResources(limits: TeamConfig["limits"]): k8s.ResourceRequirements {
  const cpu = within("10m", limits.min.cpu, limits.max.cpu);
  const memory = within("32Mi", limits.min.memory, limits.max.memory);
  return resources({ cpu, memory }, { memory: within(larger("64Mi", memory), limits.min.memory, limits.max.memory) });
}

/** Deployment and Service of the team's Pushgateway, in its namespace; nothing for a team without monitors. */
export function driftPushgatewayObjects(team: TeamConfig, extraLabels: Readonly<Record<string, string>> = {}): Manifest[] {
  if (team.modelMonitors.length === 0) return [];
  const labels = { ...extraLabels, ...teamLabels(team), ...DRIFT_PUSHGATEWAY_SELECTOR };
  const metadata = { name: DRIFT_PUSHGATEWAY, namespace: team.name, labels };
  const probe = (path: string, periodSeconds: number): k8s.Probe => ({
    httpGet: { path, port: port(DRIFT_PUSHGATEWAY_PORT_NAME) },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold: 3,
  });
  return manifests((scope) => {
    new k8s.KubeDeployment(scope, "pushgateway", {
      metadata,
      spec: {
        replicas: 1,
        // One writer of the persistence file, and never two pods for the same series (see DRIFT_SCRAPE_RELABELINGS).
        strategy: { type: "Recreate" },
        selector: { matchLabels: { ...DRIFT_PUSHGATEWAY_SELECTOR } },
        template: {
          metadata: { labels },
          spec: restrictedPodSpec(
            {
              containers: [
                {
                  name: "pushgateway",
                  image: imageRef("pushgateway"),
                  // Pushed groups survive a container restart (not a new pod: the next report pushes them again, and
                  // the alerts look back over Prometheus's copy); the admin API (wipe) stays off, its default.
                  args: ["--persistence.file=/data/pushgateway.data", "--persistence.interval=5m"],
                  ports: [{ name: DRIFT_PUSHGATEWAY_PORT_NAME, containerPort: DRIFT_PUSHGATEWAY_PORT, protocol: "TCP" }],
                  readinessProbe: probe("/-/ready", 10),
                  livenessProbe: probe("/-/healthy", 20),
                  resources: driftPushgatewayResources(team.limits),
                  volumeMounts: [{ name: "data", mountPath: "/data" }],
                },
              ],
              volumes: [{ name: "data", emptyDir: { sizeLimit: k8s.Quantity.fromString("64Mi") } }],
            },
            { uid: NOBODY },
          ),
        },
      },
    });
    new k8s.KubeService(scope, "service", {
      metadata,
      spec: {
        type: "ClusterIP",
        selector: { ...DRIFT_PUSHGATEWAY_SELECTOR },
        ports: [{ name: DRIFT_PUSHGATEWAY_PORT_NAME, port: DRIFT_PUSHGATEWAY_PORT, targetPort: port(DRIFT_PUSHGATEWAY_PORT_NAME), protocol: "TCP" }],
      },
    });
  });
}

/** The ServiceMonitor, in monitoring, over the Pushgateways of these team namespaces; nothing without any. */
export function driftScrapeObjects(namespaces: readonly string[], labels: Readonly<Record<string, string>> = {}): Manifest[] {
  if (namespaces.length === 0) return [];
  return manifests((scope) => {
    serviceMonitor(
      scope,
      "pushgateways",
      { name: DRIFT_PUSHGATEWAY, namespace: MONITORING_NAMESPACE, labels: { ...labels } },
      {
        namespaceSelector: { matchNames: [...namespaces].sort() },
        selector: { matchLabels: { ...DRIFT_PUSHGATEWAY_SELECTOR } },
        endpoints: [{ port: DRIFT_PUSHGATEWAY_PORT_NAME, interval: "30s", honorLabels: false, relabelings: DRIFT_SCRAPE_RELABELINGS }],
      },
    );
  });
}
