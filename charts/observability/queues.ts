/**
 * Kueue in Prometheus and Grafana: the scrape of Kueue's metrics endpoint (HTTPS behind Kubernetes authn/authz),
 * the "GPU queues" dashboard and the queue alerts. Metric names and labels are Kueue v0.19.2's
 * (pkg/metrics/metrics.go); the ClusterQueue resource metrics need `metrics.enableClusterQueueResources`.
 */
import { DATASOURCE_VARIABLE, labelVariable, layoutPanels, target as t, type Dashboard } from "./grafana";
import type { Construct } from "constructs";
import { serviceMonitor } from "../crds/monitoring";
import { k8s, manifests, type Manifest } from "../kube";
import { KUEUE_NAMESPACE, MONITORING_NAMESPACE } from "../../domain/platform-namespaces";

// The alert group is typed where it is registered (RuleGroup in alerts.ts, and queues.test.ts): importing that
// type here would make an import cycle.

/** The Kueue chart's metrics Service (release "kueue"): its name, the labels that tell it apart, its port. */
export const KUEUE_METRICS_SERVICE = "kueue-controller-manager-metrics-service";
export const KUEUE_METRICS_SERVICE_LABELS = {
  "app.kubernetes.io/name": "kueue",
  "app.kubernetes.io/instance": "kueue",
  "app.kubernetes.io/component": "metrics-service",
} as const;
export const KUEUE_METRICS_PORT = "https";
/** The operator names a ServiceMonitor's job after the Service. */
export const KUEUE_SCRAPE_JOB = KUEUE_METRICS_SERVICE;
/** kube-prometheus-stack's Prometheus identity: `<release>-kube-prometheus-prometheus`, release "monitoring" (platform.ts). */
export const PROMETHEUS_SERVICE_ACCOUNT = "monitoring-kube-prometheus-prometheus";
export const KUEUE_METRICS_READER = "platform-kueue-metrics-reader";

/**
 * The ClusterRole Kueue's authorization filter asks for (get on /metrics), bound to Prometheus, and the
 * ServiceMonitor. The chart's Prometheus ClusterRole grants /metrics today; our own binding keeps the scrape
 * working if that changes and says why Prometheus needs it.
 */
export function addKueueScrape(scope: Construct, labels: Readonly<Record<string, string>> = {}): void {
  new k8s.KubeClusterRole(scope, "kueue-metrics-reader", {
    metadata: { name: KUEUE_METRICS_READER, labels: { ...labels } },
    rules: [{ nonResourceUrLs: ["/metrics"], verbs: ["get"] }],
  });
  new k8s.KubeClusterRoleBinding(scope, "kueue-metrics-reader-prometheus", {
    metadata: { name: KUEUE_METRICS_READER, labels: { ...labels } },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: KUEUE_METRICS_READER },
    subjects: [{ kind: "ServiceAccount", name: PROMETHEUS_SERVICE_ACCOUNT, namespace: MONITORING_NAMESPACE }],
  });
  serviceMonitor(
    scope,
    "kueue",
    { name: "kueue", namespace: MONITORING_NAMESPACE, labels: { ...labels } },
    {
      namespaceSelector: { matchNames: [KUEUE_NAMESPACE] },
      selector: { matchLabels: { ...KUEUE_METRICS_SERVICE_LABELS } },
      endpoints: [
        {
          port: KUEUE_METRICS_PORT,
          path: "/metrics",
          scheme: "https",
          interval: "30s",
          // Prometheus's own service-account token: `authorization` would need the token copied into a Secret.
          bearerTokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token",
          // With internalCertManagement on, Kueue serves metrics with controller-runtime's in-memory certificate,
          // self-signed for "localhost" and new at every start: there is no CA to verify it against and the
          // Service name is not in it. The target is still only this Service's endpoints in kueue-system.
          tlsConfig: { insecureSkipVerify: true },
          // LocalQueue metrics carry the team's `namespace`; keep it rather than kueue-system.
          honorLabels: true,
        },
      ],
    },
  );
}

/** The scrape objects as plain manifests. */
export function kueueScrapeObjects(labels: Readonly<Record<string, string>> = {}): Manifest[] {
  return manifests((scope) => addKueueScrape(scope, labels));
}

/** Series of the Kueue leader (or a single replica): a follower reports the same gauges from its warm cache. */
const LEADER = 'replica_role!="follower"';
const GPU = 'resource=~"nvidia.com/.*"';
/** One value per queue and flavor even while two Kueue pods report it (a rollout). */
const perQueue = (metric: string, selector: string) => `max by (cohort, cluster_queue, flavor, resource) (${metric}{${selector}})`;

/**
 * GPU quota nobody in the cohort holds: the members' nominal quota minus what they reserve, per cohort, flavor
 * and resource. Reservation, not admitted usage, is what Kueue's scheduler counts against quota, and a borrower's
 * excess reservation correctly reduces what is left for the others.
 */
export const cohortUnusedGpuQuota = (selector = "") => {
  const sel = [GPU, 'cohort!=""', LEADER, selector].filter((s) => s !== "").join(", ");
  return (
    `sum by (cohort, flavor, resource) (${perQueue("kueue_cluster_queue_nominal_quota", sel)})` +
    ` - sum by (cohort, flavor, resource) (${perQueue("kueue_cluster_queue_resource_reservation", sel)})`
  );
};

const GPU_LEADER = `${GPU}, ${LEADER}`;

/**
 * The team a queue alert is about: ClusterQueues exist only for teams and are named after them (charts/queues),
 * so the label is the series' cluster_queue, and the expressions stay free of a namespace join.
 */
export const QUEUE_TEAM = "{{ $labels.cluster_queue }}";

export const KUEUE_ALERT_GROUP = {
  name: "gpu-queues",
  rules: [
    {
      alert: "KueueTeamStarving",
      // One series per (cohort, cluster_queue, flavor, resource) the queue may use (it lists the flavor), kept
      // when the cohort has that flavor unused and the queue's pending workloads request that resource: pending
      // requests per resource, not kueue_pending_workloads, so a queue short of CPU does not fire. Pending
      // workloads have no flavor yet, hence the join on resource alone. Lending limits are not subtracted.
      expr:
        `(${cohortUnusedGpuQuota()} > 0)` +
        ` * on (cohort, flavor, resource) group_right ()` +
        ` (group by (cohort, cluster_queue, flavor, resource) (kueue_cluster_queue_nominal_quota{${GPU}, cohort!="", ${LEADER}})` +
        ` and on (cluster_queue, resource) (max by (cluster_queue, resource) (kueue_cluster_queue_resource_pending{${GPU_LEADER}}) > 0))`,
      for: "30m",
      labels: { severity: "warning", team: QUEUE_TEAM },
      annotations: {
        summary:
          "Queue {{ $labels.cluster_queue }} waits for {{ $labels.resource }} while cohort {{ $labels.cohort }} has {{ $value }} unused in flavor {{ $labels.flavor }}",
        description:
          "ClusterQueue {{ $labels.cluster_queue }} has had pending {{ $labels.resource }} requests for 30 minutes although the cohort {{ $labels.cohort }} " +
          "reserves less than its nominal quota of flavor {{ $labels.flavor }}. Check the queue's borrowingLimit, the lenders' lendingLimit, " +
          "and whether the pending workloads fit on one node of the pool (kubectl describe workloads in the team namespace).",
      },
    },
    {
      alert: "KueueQuotaNeverUsed",
      // The quota must have existed 7 days ago too, so a new queue (or a Prometheus with less history) stays quiet.
      expr:
        `(max by (cohort, cluster_queue, flavor, resource) (kueue_cluster_queue_nominal_quota{${GPU_LEADER}}) > 0)` +
        ` and on (cluster_queue, flavor, resource) (max by (cluster_queue, flavor, resource) (kueue_cluster_queue_nominal_quota{${GPU_LEADER}} offset 7d) > 0)` +
        ` and on (cluster_queue, flavor, resource) (max by (cluster_queue, flavor, resource) (max_over_time(kueue_cluster_queue_resource_reservation{${GPU_LEADER}}[7d])) == 0)`,
      for: "1h",
      labels: { severity: "warning", team: QUEUE_TEAM },
      annotations: {
        summary: "Queue {{ $labels.cluster_queue }} has not used its {{ $value }} {{ $labels.resource }} of flavor {{ $labels.flavor }} in 7 days",
        description:
          "ClusterQueue {{ $labels.cluster_queue }} holds nominal {{ $labels.resource }} quota in flavor {{ $labels.flavor }} that no workload reserved for 7 days. " +
          "Others in cohort {{ $labels.cohort }} can borrow it, but it is promised capacity: consider moving it to a team that waits.",
      },
    },
    {
      alert: "KueueControllerDown",
      // Both branches carry job and namespace: no target up, or no target at all (absent keeps its equality matchers).
      expr:
        `(sum by (job, namespace) (up{job="${KUEUE_SCRAPE_JOB}", namespace="${KUEUE_NAMESPACE}"}) == 0)` +
        ` or absent(up{job="${KUEUE_SCRAPE_JOB}", namespace="${KUEUE_NAMESPACE}"})`,
      for: "10m",
      labels: { severity: "critical" },
      annotations: {
        summary: "Kueue ({{ $labels.job }} in {{ $labels.namespace }}) has not been scraped for 10 minutes",
        description:
          "No Kueue metrics endpoint in {{ $labels.namespace }} is up. Kueue's webhooks fail closed, so while the controller is down no Job or Pod " +
          "can be created in the team namespaces and queued work is not admitted. Check the kueue-controller-manager pods and their logs.",
      },
    },
  ],
} as const;

/** Dashboard filters: the picked queues and flavors (preemptions name the preempting queue). */
const CQ = 'cluster_queue=~"$cluster_queue"';
const FLAVOR = 'flavor=~"$flavor"';
const GPU_QUEUE = `${GPU}, ${CQ}, ${FLAVOR}, ${LEADER}`;
const byQueueFlavor = (metric: string) => `max by (cluster_queue, flavor, resource) (${metric}{${GPU_QUEUE}})`;
const waitQuantile = (quantile: number) =>
  `histogram_quantile(${quantile}, sum by (cluster_queue, le) (rate(kueue_admission_wait_time_seconds_bucket{${CQ}, ${LEADER}}[5m])))`;
const QUEUE_FLAVOR_LEGEND = "{{cluster_queue}} {{flavor}} {{resource}}";

export const GPU_QUEUES_DASHBOARD: Dashboard = {
  uid: "mlops-gpu-queues",
  title: "MLOps / GPU queues",
  tags: ["mlops-platform", "kueue"],
  schemaVersion: 39,
  editable: false,
  time: { from: "now-24h", to: "now" },
  refresh: "1m",
  templating: {
    list: [
      DATASOURCE_VARIABLE,
      labelVariable("cluster_queue", "Cluster queue", "label_values(kueue_pending_workloads, cluster_queue)"),
      labelVariable("flavor", "Flavor", `label_values(kueue_cluster_queue_nominal_quota{${GPU}, ${CQ}}, flavor)`),
    ],
  },
  panels: layoutPanels([
    [
      {
        type: "timeseries",
        title: "Pending workloads: active and inadmissible",
        targets: [
          t(`max by (cluster_queue) (kueue_pending_workloads{status="active", ${CQ}, ${LEADER}})`, "{{cluster_queue}} active"),
          t(`max by (cluster_queue) (kueue_pending_workloads{status="inadmissible", ${CQ}, ${LEADER}})`, "{{cluster_queue}} inadmissible", "B"),
        ],
        unit: "none",
      },
      {
        type: "timeseries",
        title: "Time to admission (p50, p90, p99)",
        targets: [
          t(waitQuantile(0.5), "{{cluster_queue}} p50"),
          t(waitQuantile(0.9), "{{cluster_queue}} p90", "B"),
          t(waitQuantile(0.99), "{{cluster_queue}} p99", "C"),
        ],
        unit: "s",
      },
    ],
    [
      {
        type: "bargauge",
        title: "GPU usage / nominal quota, by team and flavor (over 100% borrows)",
        targets: [
          t(`${byQueueFlavor("kueue_cluster_queue_resource_usage")} / (${byQueueFlavor("kueue_cluster_queue_nominal_quota")} > 0)`, QUEUE_FLAVOR_LEGEND),
        ],
        unit: "percentunit",
      },
      {
        type: "timeseries",
        title: "GPUs in use, reserved and nominal quota",
        targets: [
          t(byQueueFlavor("kueue_cluster_queue_resource_usage"), `${QUEUE_FLAVOR_LEGEND} in use`),
          t(byQueueFlavor("kueue_cluster_queue_resource_reservation"), `${QUEUE_FLAVOR_LEGEND} reserved`, "B"),
          t(byQueueFlavor("kueue_cluster_queue_nominal_quota"), `${QUEUE_FLAVOR_LEGEND} nominal`, "C"),
        ],
        unit: "none",
      },
    ],
    [
      {
        type: "timeseries",
        // Kueue exports no borrowed amount: usage above the queue's own nominal quota is what it borrows.
        title: "Borrowed GPUs (in use above nominal quota)",
        targets: [t(`${byQueueFlavor("kueue_cluster_queue_resource_usage")} - ${byQueueFlavor("kueue_cluster_queue_nominal_quota")} > 0`, QUEUE_FLAVOR_LEGEND)],
        unit: "none",
      },
      {
        type: "timeseries",
        title: "Unused GPU quota per cohort and flavor (KueueTeamStarving)",
        targets: [t(cohortUnusedGpuQuota(FLAVOR), "{{cohort}} {{flavor}} {{resource}}")],
        unit: "none",
      },
    ],
    [
      {
        type: "timeseries",
        title: "Preemptions per hour, by preempting queue and reason",
        targets: [
          t(
            `sum by (preempting_cluster_queue, reason) (increase(kueue_preempted_workloads_total{preempting_cluster_queue=~"$cluster_queue", ${LEADER}}[1h]))`,
            "{{preempting_cluster_queue}} {{reason}}",
          ),
        ],
        unit: "none",
      },
      {
        type: "timeseries",
        title: "Evictions per hour, by queue and reason",
        targets: [t(`sum by (cluster_queue, reason) (increase(kueue_evicted_workloads_total{${CQ}, ${LEADER}}[1h]))`, "{{cluster_queue}} {{reason}}")],
        unit: "none",
      },
    ],
    [
      {
        type: "timeseries",
        title: "Admitted workloads per hour",
        targets: [t(`sum by (cluster_queue) (increase(kueue_admitted_workloads_total{${CQ}, ${LEADER}}[1h]))`, "{{cluster_queue}}")],
        unit: "none",
      },
      {
        type: "timeseries",
        title: "Admitted workloads running",
        targets: [t(`max by (cluster_queue) (kueue_admitted_active_workloads{${CQ}, ${LEADER}})`, "{{cluster_queue}}")],
        unit: "none",
      },
    ],
  ]),
};
