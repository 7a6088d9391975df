/**
 * Alert rules of the platform (a PrometheusRule for the Prometheus operator). Each rule names the metrics
 * it needs, so tests can check them against what the exporters publish.
 */
import { DCGM_NODE, GPU_HEALTH_ALERT_GROUP, runbookUrl } from "./gpu-health";
import { KUEUE_ALERT_GROUP } from "./queues";

export type { AlertRule, RuleGroup } from "./rule-types";
import type { RuleGroup } from "./rule-types";

/**
 * Each team namespace's team, from its `team` label as kube-state-metrics exports it (label_team: the
 * metricLabelsAllowlist in charts/values/kube-prometheus-stack.yaml). The max keeps one series per namespace while
 * OpenCost exports kube_namespace_labels too; a namespace without the label (the platform's) has no series.
 */
// last_over_time bridges a kube-state-metrics restart: without it the alert would lose its team, resolve and fire anew.
export const NAMESPACE_TEAM =
  'max by (namespace, team) (label_replace(last_over_time(kube_namespace_labels{label_team!=""}[15m]), "team", "$1", "label_team", "(.+)"))';

/**
 * A per-namespace alert's series, each with its namespace's `team` where the namespace is a team's, and unchanged
 * (no team: the platform route) where it is not. The join multiplies by 1, so values and thresholds stay as they were.
 */
export const withNamespaceTeam = (expr: string): string =>
  `(${expr}) * on (namespace) group_left (team) ${NAMESPACE_TEAM} or ((${expr}) unless on (namespace) ${NAMESPACE_TEAM})`;

/**
 * Metric sources: DCGM exporter (GPU), kube-state-metrics (objects, and the node monitoring agent's node conditions
 * in gpu-health.ts), kubelet (volumes), Prometheus (up), Kueue (queues.ts). DCGM series name the node in `hostname`:
 * dcgm-exporter renamed `Hostname` in the release gpu-operator v26.7.0 runs (4.6.0-4.8.3, NVIDIA/dcgm-exporter#655).
 */
export const ALERT_GROUPS: readonly RuleGroup[] = [
  {
    name: "mlops-gpu",
    rules: [
      {
        alert: "GpuXidError",
        expr: "max by (hostname, gpu, UUID) (DCGM_FI_DEV_XID_ERRORS) > 0",
        for: "0m",
        labels: { severity: "critical", node: DCGM_NODE },
        annotations: {
          summary: "GPU {{ $labels.gpu }} on {{ $labels.hostname }} reported XID {{ $value }}",
          description: "An XID error is a driver-reported GPU fault; many need a node drain or reboot (NVIDIA XID catalogue).",
          runbook_url: runbookUrl("gpuxiderror"),
        },
      },
      {
        alert: "GpuThermalOrPowerThrottling",
        // Bits 0x20 (SW thermal), 0x40 (HW thermal), 0x80 (HW power brake) of the clock event reasons.
        expr: "max by (hostname, gpu) (DCGM_FI_DEV_CLOCKS_EVENT_REASONS) > 0 and on (hostname, gpu) ((max by (hostname, gpu) (DCGM_FI_DEV_CLOCKS_EVENT_REASONS) % 256) >= 32)",
        for: "10m",
        labels: { severity: "warning", node: DCGM_NODE },
        annotations: {
          summary: "GPU {{ $labels.gpu }} on {{ $labels.hostname }} is throttled",
          description: "Clocks held down for thermal or power reasons for 10 minutes: training runs slower than planned.",
        },
      },
      {
        alert: "GpuMemoryPressure",
        expr: "max by (hostname, gpu, namespace, pod) (DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)) > 0.95",
        for: "15m",
        labels: { severity: "warning", node: DCGM_NODE },
        annotations: {
          summary: "GPU {{ $labels.gpu }} memory above 95%",
          description: "Framebuffer nearly full for 15 minutes; the next allocation may fail with out-of-memory.",
        },
      },
    ],
  },
  {
    name: "mlops-nodes",
    rules: [
      {
        alert: "NodeNotReady",
        expr: 'kube_node_status_condition{condition="Ready",status="true"} == 0',
        for: "5m",
        labels: { severity: "critical" },
        annotations: { summary: "Node {{ $labels.node }} is not Ready", description: "The kubelet has not reported Ready for 5 minutes." },
      },
    ],
  },
  {
    name: "mlops-teams",
    rules: [
      {
        alert: "TeamQuotaNearlyExhausted",
        expr: withNamespaceTeam(
          'max by (namespace, resource) (kube_resourcequota{type="used"}) / on (namespace, resource) max by (namespace, resource) (kube_resourcequota{type="hard"} > 0) > 0.9',
        ),
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "Team {{ $labels.namespace }} uses over 90% of its {{ $labels.resource }} quota",
          description: "New pods or claims will be rejected soon; raise the quota by pull request or free resources.",
        },
      },
    ],
  },
  {
    name: "mlops-storage",
    rules: [
      {
        alert: "PersistentVolumeNearlyFull",
        // A claim in a team namespace goes to the team; one of the platform's (Prometheus, databases) to the platform.
        expr: withNamespaceTeam("kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.1"),
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "Volume {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} is over 90% full",
          description: "Expand the claim (the gp3 and io2 classes allow expansion) or clean up.",
        },
      },
    ],
  },
  {
    name: "mlops-scrape",
    rules: [
      {
        alert: "ScrapeTargetDown",
        expr: "up == 0",
        for: "10m",
        labels: { severity: "warning" },
        annotations: {
          summary: "{{ $labels.job }} target {{ $labels.instance }} is down",
          description: "Prometheus has not scraped this target for 10 minutes; its dashboards and alerts are blind.",
        },
      },
    ],
  },
  KUEUE_ALERT_GROUP,
  GPU_HEALTH_ALERT_GROUP,
];
