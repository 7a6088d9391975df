/**
 * Cases of the per-namespace team alerts (charts/observability/alerts.ts): each carries the `team` of its namespace,
 * read from kube-state-metrics' kube_namespace_labels{label_team}; a platform namespace's alert carries none.
 */
import type { AlertCase } from "./case";

const KSM = 'job="kube-state-metrics"';
/** The vision team's namespace as kube-state-metrics exports it, and the same from OpenCost (one team per namespace). */
const VISION_NAMESPACE = [
  { series: `kube_namespace_labels{${KSM},namespace="vision",label_team="vision",label_cost_center="cc-4711"}`, values: "1x30" },
  { series: 'kube_namespace_labels{job="opencost",namespace="vision",label_team="vision",label_cost_center="cc-4711",label_app="x"}', values: "1x30" },
];
/** A platform namespace: no team label. */
const MONITORING_NAMESPACE = [{ series: `kube_namespace_labels{${KSM},namespace="monitoring"}`, values: "1x30" }];

const quota = (namespace: string, resource: string, used: number, hard: number) => [
  { series: `kube_resourcequota{${KSM},namespace="${namespace}",resourcequota="team-quota",resource="${resource}",type="used"}`, values: `${used}x30` },
  { series: `kube_resourcequota{${KSM},namespace="${namespace}",resourcequota="team-quota",resource="${resource}",type="hard"}`, values: `${hard}x30` },
];
const volume = (namespace: string, claim: string, availableGiB: number, capacityGiB: number) => {
  const labels = `job="kubelet",namespace="${namespace}",persistentvolumeclaim="${claim}"`;
  return [
    { series: `kubelet_volume_stats_available_bytes{${labels}}`, values: `${availableGiB * 2 ** 30}x30` },
    { series: `kubelet_volume_stats_capacity_bytes{${labels}}`, values: `${capacityGiB * 2 ** 30}x30` },
  ];
};

export const cases: AlertCase[] = [
  {
    alert: "TeamQuotaNearlyExhausted",
    name: "fires after 15m over 90% of a team's CPU quota, with the team's label",
    series: [...VISION_NAMESPACE, ...quota("vision", "requests.cpu", 9.5, 10)],
    evalTime: "20m",
    expect: [
      {
        labels: { namespace: "vision", resource: "requests.cpu", team: "vision", severity: "warning" },
        annotations: {
          summary: "Team vision uses over 90% of its requests.cpu quota",
          description: "New pods or claims will be rejected soon; raise the quota by pull request or free resources.",
        },
      },
    ],
  },
  {
    alert: "TeamQuotaNearlyExhausted",
    name: "fires without a team label for a quota in a namespace with no team label",
    series: [...MONITORING_NAMESPACE, ...quota("monitoring", "requests.memory", 95, 100)],
    evalTime: "20m",
    expect: [{ labels: { namespace: "monitoring", resource: "requests.memory", severity: "warning" } }],
  },
  {
    alert: "TeamQuotaNearlyExhausted",
    name: "stays silent at half the quota, and for a resource with no hard limit",
    series: [...VISION_NAMESPACE, ...quota("vision", "requests.cpu", 5, 10), ...quota("vision", "count/pods", 3, 0)],
    evalTime: "20m",
    expect: [],
  },
  {
    alert: "PersistentVolumeNearlyFull",
    name: "fires after 15m under 10% free in a team namespace, with the team's label",
    series: [...VISION_NAMESPACE, ...volume("vision", "datasets", 5, 100)],
    evalTime: "20m",
    expect: [{ labels: { job: "kubelet", namespace: "vision", persistentvolumeclaim: "datasets", team: "vision", severity: "warning" } }],
  },
  {
    alert: "PersistentVolumeNearlyFull",
    name: "fires without a team label for the platform's own volume (Prometheus's)",
    series: [...MONITORING_NAMESPACE, ...volume("monitoring", "prometheus-db", 2, 50)],
    evalTime: "20m",
    expect: [{ labels: { job: "kubelet", namespace: "monitoring", persistentvolumeclaim: "prometheus-db", severity: "warning" } }],
  },
  {
    alert: "PersistentVolumeNearlyFull",
    name: "stays silent at half full",
    series: [...VISION_NAMESPACE, ...volume("vision", "datasets", 50, 100)],
    evalTime: "20m",
    expect: [],
  },
];
