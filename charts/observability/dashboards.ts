/**
 * Grafana dashboards as code, provisioned through the kube-prometheus-stack sidecar (ConfigMaps labelled
 * grafana_dashboard=1). Built from a small panel helper so every query is visible and testable.
 */
import { GPU_QUEUES_DASHBOARD } from "./queues";
import { DATASOURCE_VARIABLE, layoutPanels, target as t, type Dashboard, type PanelSpec } from "./grafana";

export type { Dashboard, Panel } from "./grafana";

function dashboard(uid: string, title: string, rows: readonly (readonly PanelSpec[])[]): Dashboard {
  const panels = layoutPanels(rows);
  return {
    uid,
    title,
    tags: ["mlops-platform"],
    schemaVersion: 39,
    editable: false,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    templating: { list: [DATASOURCE_VARIABLE] },
    panels,
  };
}

export const DASHBOARDS: readonly Dashboard[] = [
  dashboard("mlops-gpus", "MLOps / GPUs", [
    [
      {
        type: "timeseries",
        title: "GPU utilization",
        targets: [t("avg by (hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)", "{{hostname}} gpu{{gpu}}")],
        unit: "percent",
        max: 100,
      },
      {
        type: "timeseries",
        title: "GPU memory used",
        targets: [
          t("sum by (hostname, gpu) (DCGM_FI_DEV_FB_USED) / sum by (hostname, gpu) (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)", "{{hostname}} gpu{{gpu}}"),
        ],
        unit: "percentunit",
        max: 1,
      },
    ],
    [
      { type: "timeseries", title: "GPU power", targets: [t("sum by (hostname, gpu) (DCGM_FI_DEV_POWER_USAGE)", "{{hostname}} gpu{{gpu}}")], unit: "watt" },
      {
        type: "table",
        title: "XID errors (last value per GPU)",
        targets: [t("max by (hostname, gpu, UUID) (DCGM_FI_DEV_XID_ERRORS) > 0", "{{hostname}} gpu{{gpu}}")],
        unit: "none",
      },
    ],
    [
      {
        type: "timeseries",
        title: "GPU utilization by team",
        targets: [t('avg by (namespace) (DCGM_FI_DEV_GPU_UTIL{namespace!=""})', "{{namespace}}")],
        unit: "percent",
        max: 100,
      },
      {
        type: "timeseries",
        title: "GPU temperature",
        targets: [t("max by (hostname, gpu) (DCGM_FI_DEV_GPU_TEMP)", "{{hostname}} gpu{{gpu}}")],
        unit: "celsius",
      },
    ],
  ]),
  dashboard("mlops-capacity", "MLOps / Cluster capacity", [
    [
      { type: "stat", title: "Nodes ready", targets: [t('sum(kube_node_status_condition{condition="Ready",status="true"})', "ready")], unit: "none" },
      { type: "stat", title: "Allocatable GPUs", targets: [t('sum(kube_node_status_allocatable{resource="nvidia_com_gpu"})', "GPUs")], unit: "none" },
    ],
    [
      {
        type: "timeseries",
        title: "CPU requested / allocatable",
        targets: [t('sum(kube_pod_container_resource_requests{resource="cpu"}) / sum(kube_node_status_allocatable{resource="cpu"})', "cpu")],
        unit: "percentunit",
        max: 1,
      },
      {
        type: "timeseries",
        title: "Memory requested / allocatable",
        targets: [t('sum(kube_pod_container_resource_requests{resource="memory"}) / sum(kube_node_status_allocatable{resource="memory"})', "memory")],
        unit: "percentunit",
        max: 1,
      },
      {
        type: "timeseries",
        title: "GPUs requested / allocatable",
        targets: [
          t('sum(kube_pod_container_resource_requests{resource="nvidia_com_gpu"}) / sum(kube_node_status_allocatable{resource="nvidia_com_gpu"})', "gpu"),
        ],
        unit: "percentunit",
        max: 1,
      },
    ],
    [
      {
        type: "timeseries",
        title: "Nodes per pool",
        targets: [t("count by (label_mlops_platform_pool) (kube_node_labels)", "{{label_mlops_platform_pool}}")],
        unit: "none",
      },
    ],
  ]),
  dashboard("mlops-teams", "MLOps / Team usage against quota", [
    [
      {
        type: "bargauge",
        title: "CPU requests / quota",
        targets: [
          t(
            'max by (namespace) (kube_resourcequota{resource="requests.cpu",type="used"}) / max by (namespace) (kube_resourcequota{resource="requests.cpu",type="hard"} > 0)',
            "{{namespace}}",
          ),
        ],
        unit: "percentunit",
        max: 1,
      },
      {
        type: "bargauge",
        title: "Memory requests / quota",
        targets: [
          t(
            'max by (namespace) (kube_resourcequota{resource="requests.memory",type="used"}) / max by (namespace) (kube_resourcequota{resource="requests.memory",type="hard"} > 0)',
            "{{namespace}}",
          ),
        ],
        unit: "percentunit",
        max: 1,
      },
      {
        type: "bargauge",
        title: "GPU requests / quota",
        targets: [
          t(
            'max by (namespace) (kube_resourcequota{resource="requests.nvidia.com/gpu",type="used"}) / max by (namespace) (kube_resourcequota{resource="requests.nvidia.com/gpu",type="hard"} > 0)',
            "{{namespace}}",
          ),
        ],
        unit: "percentunit",
        max: 1,
      },
    ],
    [
      {
        type: "table",
        title: "Quota used and hard, by team and resource",
        targets: [t("max by (namespace, resource, type) (kube_resourcequota)", "{{namespace}} {{resource}} {{type}}")],
        unit: "none",
      },
    ],
  ]),
  dashboard("mlops-storage", "MLOps / Storage tiers", [
    [
      {
        type: "bargauge",
        title: "Claims used, by storage class",
        targets: [
          t(
            "sum by (storageclass) ((kubelet_volume_stats_used_bytes) * on (namespace, persistentvolumeclaim) group_left (storageclass) kube_persistentvolumeclaim_info)",
            "{{storageclass}}",
          ),
        ],
        unit: "bytes",
      },
      {
        type: "timeseries",
        title: "Fullest claims",
        targets: [t("topk(10, kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes)", "{{namespace}}/{{persistentvolumeclaim}}")],
        unit: "percentunit",
        max: 1,
      },
    ],
    [
      {
        type: "table",
        title: "Claims per team and class",
        targets: [t("count by (namespace, storageclass) (kube_persistentvolumeclaim_info)", "{{namespace}} {{storageclass}}")],
        unit: "none",
      },
    ],
  ]),
  // Kueue's queues per team and flavor (charts/observability/queues.ts).
  GPU_QUEUES_DASHBOARD,
];
