/**
 * Money as recording rules: what each namespace, team and cost center costs per hour, split by CPU, memory, GPU and
 * storage, the idle cost (nodes paid for that no pod was allocated) and who carries it. Inputs: OpenCost's price and
 * allocation gauges (pkg/costmodel/metrics.go: node_*_hourly_cost, node_gpu_count, container_*_allocation,
 * pv_hourly_cost; labels node / namespace, pod, container, node / persistentvolume), kube-state-metrics (node
 * capacity, quotas, claims, the namespaces' `team` and `cost-center` labels as label_team / label_cost_center) and
 * Kueue (GPU quota: teams have no ResourceQuota line for GPUs, charts/team resourceQuotaHard).
 */
import type { IdleCostOwner } from "../../config/costs";

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RecordingGroup {
  readonly name: string;
  readonly rules: readonly RecordingRule[];
}

/** The series these rules record (dollars per hour unless named otherwise). */
export const COST_SERIES = {
  /** {namespace, resource: cpu|memory|gpu|storage}: what the namespace's allocations cost. */
  namespace: "mlops:namespace_cost_usd_per_hour",
  /** {namespace, team, cost_center} = 1: who owns a namespace; unlabelled namespaces are the platform's. */
  owner: "mlops:namespace_owner",
  /** {team, cost_center, resource}: allocated cost per team. */
  team: "mlops:team_cost_usd_per_hour",
  /** {resource: cpu|memory|gpu}: what the nodes' capacity costs. */
  cluster: "mlops:cluster_cost_usd_per_hour",
  /** {resource}: node capacity paid for and allocated to no pod. */
  idle: "mlops:idle_cost_usd_per_hour",
  /** {team, cost_center, resource}: the idle cost booked to a team by `costs.allocation.idle`. */
  teamIdle: "mlops:team_idle_cost_usd_per_hour",
  /** {team, cost_center, resource: cpu|memory|gpu}: a team's quota (cores, bytes, GPUs); quota-share only. */
  teamQuota: "mlops:team_quota",
  /** {team, cost_center}: allocated plus idle share. */
  teamTotal: "mlops:team_total_cost_usd_per_hour",
  /** {cost_center}: the cost centers' teams' totals. */
  costCenter: "mlops:cost_center_cost_usd_per_hour",
  /** {team, cost_center}: GPUs allocated now (GPU-hours are its integral). */
  teamGpus: "mlops:team_gpus_allocated",
  /** {node, capacity: spot|on-demand}: a node's whole price. */
  node: "mlops:node_cost_usd_per_hour",
} as const;

export const GIB = 1073741824;
export const PLATFORM_TEAM = "platform";
/** Resources priced per node and shared out as idle cost (storage is per volume: nothing of it is idle). */
export const NODE_RESOURCES = ["cpu", "memory", "gpu"] as const;

const withLabel = (expr: string, label: string, value: string) => `label_replace(${expr}, "${label}", "${value}", "", "")`;
/** One value per container (OpenCost's own `instance` label and a rollout's second replica dropped). */
const perContainer = (metric: string) => `max by (namespace, pod, container, node) (${metric})`;
const perNode = (metric: string) => `max by (node) (${metric})`;

/** Allocation × the node's hourly price, joined on node, summed per namespace. */
const allocated = (allocation: string, price: string, scale = "") =>
  `sum by (namespace) (${perContainer(allocation)}${scale} * on (node) group_left () ${perNode(price)})`;

/** A claim's volume size × its volume's price per GiB-hour, per namespace of the claim. */
const storage =
  `sum by (namespace) (label_replace(max by (namespace, persistentvolumeclaim, volumename) (kube_persistentvolumeclaim_info{volumename!=""}), "persistentvolume", "$1", "volumename", "(.+)")` +
  ` * on (persistentvolume) group_left () (max by (persistentvolume) (pv_hourly_cost) * on (persistentvolume) max by (persistentvolume) (kube_persistentvolume_capacity_bytes) / ${GIB}))`;

/** Namespace → team and cost center from the namespace's labels; a namespace without them is the platform's. */
export const ownerExpr = (platformCostCenter: string) =>
  `label_replace(label_replace(max by (namespace, team, cost_center) (label_replace(label_replace(kube_namespace_labels, "team", "$1", "label_team", "(.+)"), "cost_center", "$1", "label_cost_center", "(.+)")), "team", "${PLATFORM_TEAM}", "team", ""), "cost_center", "${platformCostCenter}", "cost_center", "")`;

const byTeam = (expr: string, keep: string) =>
  `sum by (team, cost_center${keep}) (${expr} * on (namespace) group_left (team, cost_center) ${COST_SERIES.owner})`;

/** Each team's quota per node resource: CPU and memory from its ResourceQuota, GPUs from its Kueue ClusterQueue (named after the team). */
const teamQuota = () => {
  const owner = `${COST_SERIES.owner}{team!="${PLATFORM_TEAM}"}`;
  const cpuMemory = `label_replace(max by (namespace, resource) (kube_resourcequota{type="hard", resource=~"requests.cpu|requests.memory"}), "resource", "$1", "resource", "requests.(.+)")`;
  const gpu = withLabel(
    `label_replace(sum by (cluster_queue) (max by (cluster_queue, flavor) (kueue_cluster_queue_nominal_quota{resource="nvidia.com/gpu", replica_role!="follower"})), "namespace", "$1", "cluster_queue", "(.+)")`,
    "resource",
    "gpu",
  );
  return `sum by (team, cost_center, resource) ((${cpuMemory} or ${gpu}) * on (namespace) group_left (team, cost_center) ${owner})`;
};

/** Idle cost to the platform: its team and the stack's cost center. */
const idleToPlatform = (platformCostCenter: string) => withLabel(withLabel(COST_SERIES.idle, "team", PLATFORM_TEAM), "cost_center", platformCostCenter);

/**
 * Who carries idle cost. `platform`: the platform team. `quota-share`: each team in proportion to its quota of that
 * resource (CPU idle by CPU quota, memory by memory, GPU by Kueue GPU quota); a resource no team has quota for
 * stays with the platform, so the idle cost always adds up.
 */
export function idleAttributionRules(idle: IdleCostOwner, platformCostCenter: string): RecordingRule[] {
  if (idle === "platform") return [{ record: COST_SERIES.teamIdle, expr: idleToPlatform(platformCostCenter) }];
  const total = `(sum by (resource) (${COST_SERIES.teamQuota}) > 0)`;
  return [
    { record: COST_SERIES.teamQuota, expr: teamQuota() },
    {
      record: COST_SERIES.teamIdle,
      expr:
        `${COST_SERIES.teamQuota} / on (resource) group_left () ${total} * on (resource) group_left () ${COST_SERIES.idle}` +
        ` or (${idleToPlatform(platformCostCenter)} unless on (resource) ${total})`,
    },
  ];
}

/** The allocation rules, in evaluation order (later rules read earlier ones). */
export function allocationRules(idle: IdleCostOwner, platformCostCenter: string): RecordingRule[] {
  const ns = (expr: string, resource: string): RecordingRule => ({ record: COST_SERIES.namespace, expr, labels: { resource } });
  const node = (expr: string, resource: string): RecordingRule => ({ record: COST_SERIES.cluster, expr: `sum (${expr})`, labels: { resource } });
  const capacity = (resource: string) => perNode(`kube_node_status_capacity{resource="${resource}"}`);
  const spot = `(${perNode("kubecost_node_is_spot")} == 1)`;
  return [
    ns(allocated("container_cpu_allocation", "node_cpu_hourly_cost"), "cpu"),
    ns(allocated("container_memory_allocation_bytes", "node_ram_hourly_cost", ` / ${GIB}`), "memory"),
    ns(allocated("container_gpu_allocation", "node_gpu_hourly_cost"), "gpu"),
    ns(storage, "storage"),
    { record: COST_SERIES.owner, expr: ownerExpr(platformCostCenter) },
    { record: COST_SERIES.team, expr: byTeam(COST_SERIES.namespace, ", resource") },
    { record: COST_SERIES.teamGpus, expr: byTeam(`sum by (namespace) (${perContainer("container_gpu_allocation")})`, "") },
    node(`${perNode("node_cpu_hourly_cost")} * on (node) ${capacity("cpu")}`, "cpu"),
    node(`${perNode("node_ram_hourly_cost")} * on (node) ${capacity("memory")} / ${GIB}`, "memory"),
    node(`${perNode("node_gpu_hourly_cost")} * on (node) ${perNode("node_gpu_count")}`, "gpu"),
    {
      record: COST_SERIES.idle,
      // A resource nobody was allocated (no series in the team sums) is idle in full.
      expr: `clamp_min(${COST_SERIES.cluster} - on (resource) (sum by (resource) (${COST_SERIES.team}{resource!="storage"}) or ${COST_SERIES.cluster} * 0), 0)`,
    },
    ...idleAttributionRules(idle, platformCostCenter),
    {
      record: COST_SERIES.teamTotal,
      expr: `sum by (team, cost_center) (${withLabel(COST_SERIES.team, "kind", "allocated")} or ${withLabel(COST_SERIES.teamIdle, "kind", "idle")})`,
    },
    { record: COST_SERIES.costCenter, expr: `sum by (cost_center) (${COST_SERIES.teamTotal})` },
    {
      record: COST_SERIES.node,
      expr:
        `${withLabel(`${perNode("node_total_hourly_cost")} and on (node) ${spot}`, "capacity", "spot")}` +
        ` or ${withLabel(`${perNode("node_total_hourly_cost")} unless on (node) ${spot}`, "capacity", "on-demand")}`,
    },
  ];
}
