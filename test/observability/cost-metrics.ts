/**
 * The exporters' series the cost rules and dashboards may read. OpenCost: opencost/opencost pkg/costmodel/metrics.go
 * (initCostModelMetrics; names unchanged in modules/collector-source/pkg/metric/metrics.go of later releases).
 */
/** OpenCost's gauges, opencost/opencost pkg/costmodel/metrics.go (initCostModelMetrics). */
export const OPENCOST_METRICS = [
  "node_cpu_hourly_cost",
  "node_ram_hourly_cost",
  "node_gpu_hourly_cost",
  "node_gpu_count",
  "node_total_hourly_cost",
  "kubecost_node_is_spot",
  "container_cpu_allocation",
  "container_memory_allocation_bytes",
  "container_gpu_allocation",
  "pv_hourly_cost",
  "kubecost_load_balancer_cost",
];
/** kube-state-metrics series the rules join (namespace labels need the allowlist below). */
export const KSM_METRICS = [
  "kube_namespace_labels",
  "kube_node_status_capacity",
  "kube_resourcequota",
  "kube_persistentvolumeclaim_info",
  "kube_persistentvolume_capacity_bytes",
  "kube_pod_owner",
];
