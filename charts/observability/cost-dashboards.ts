/**
 * The money dashboards: "Team cost" (per team and cost center: spend, GPU-hours, GPU utilisation against what was
 * paid for, top workloads, the budget) and "Platform cost" (shared costs, the platform's own namespaces, idle cost,
 * spend by cost center, spot against on-demand). They read the recording rules of cost-rules.ts and cost-budgets.ts.
 */
import { BUDGET_SERIES } from "./cost-budgets";
import { COST_SERIES, GIB, PLATFORM_TEAM } from "./cost-rules";
import { DATASOURCE_VARIABLE, labelVariable, layoutPanels, target as t, type Dashboard, type PanelSpec } from "./grafana";

/** Hours in an average month (365 × 24 / 12), how hourly rates become monthly ones. */
export const HOURS_PER_MONTH = 730;
const USD = "currencyUSD";
const TEAM = 'team=~"$team", cost_center=~"$cost_center"';
const CC = 'cost_center=~"$cost_center"';
/** Keeps the series of the picked teams' namespaces (copying `keep` labels from the owner series). */
const owned = (keep = "") => `* on (namespace) group_left (${keep}) ${COST_SERIES.owner}{${TEAM}}`;

/** Trailing 24 hours of an hourly-cost series: dollars per day. */
const perDay = (series: string, by: string) => `sum by (${by}) (avg_over_time(${series}[1d])) * 24`;

/**
 * Each pod's workload: its owner, with a Deployment's ReplicaSet named after the Deployment (the pod-template hash cut
 * off), so a rollout does not split a workload into rows.
 */
const workloadOwner =
  'label_replace(label_replace(kube_pod_owner{owner_kind="ReplicaSet"}, "owner_name", "$1", "owner_name", "(.+)-[a-z0-9]{5,10}"), "owner_kind", "Deployment", "", "") or kube_pod_owner{owner_kind!="ReplicaSet"}';

/** What each pod's allocations cost per hour (CPU, memory and GPU at its node's prices). */
const podCost = () => {
  const part = (allocation: string, price: string, kind: string, scale = "") =>
    `label_replace(max by (namespace, pod, container, node) (${allocation})${scale} * on (node) group_left () max by (node) (${price}), "kind", "${kind}", "", "")`;
  return (
    `sum by (namespace, pod) (${part("container_cpu_allocation", "node_cpu_hourly_cost", "cpu")}` +
    ` or ${part("container_memory_allocation_bytes", "node_ram_hourly_cost", "memory", ` / ${GIB}`)}` +
    ` or ${part("container_gpu_allocation", "node_gpu_hourly_cost", "gpu")})`
  );
};

function costDashboard(uid: string, title: string, variables: readonly Record<string, unknown>[], rows: readonly (readonly PanelSpec[])[]): Dashboard {
  return {
    uid,
    title,
    tags: ["mlops-platform", "cost"],
    schemaVersion: 39,
    editable: false,
    // Prometheus keeps 15 days (kube-prometheus-stack.yaml retention): a longer range would be half empty.
    time: { from: "now-15d", to: "now" },
    refresh: "5m",
    templating: { list: [DATASOURCE_VARIABLE, ...variables] },
    panels: layoutPanels(rows),
  };
}

export const TEAM_COST_DASHBOARD = costDashboard(
  "mlops-cost-team",
  "Team cost",
  [
    labelVariable("cost_center", "Cost center", `label_values(${COST_SERIES.teamTotal}, cost_center)`),
    labelVariable("team", "Team", `label_values(${COST_SERIES.teamTotal}{${CC}}, team)`),
  ],
  [
    [
      {
        type: "timeseries",
        title: "Spend per day (trailing 24 h, idle share included)",
        targets: [t(perDay(`${COST_SERIES.teamTotal}{${TEAM}}`, "team"), "{{team}}")],
        unit: USD,
      },
      {
        type: "timeseries",
        title: "Cost center: this month's forecast against its budget",
        targets: [t(`${BUDGET_SERIES.forecast}{${CC}}`, "{{cost_center}} forecast"), t(`${BUDGET_SERIES.budget}{${CC}}`, "{{cost_center}} budget", "B")],
        unit: USD,
      },
    ],
    [
      {
        type: "timeseries",
        title: "Cost per hour by resource: allocated and idle share",
        targets: [
          t(`sum by (team, resource) (${COST_SERIES.team}{${TEAM}})`, "{{team}} {{resource}}"),
          t(`sum by (team, resource) (${COST_SERIES.teamIdle}{${TEAM}})`, "{{team}} {{resource}} idle share", "B"),
        ],
        unit: USD,
      },
      {
        type: "timeseries",
        title: "GPU-hours per day (trailing 24 h)",
        targets: [t(perDay(`${COST_SERIES.teamGpus}{${TEAM}}`, "team"), "{{team}}")],
        unit: "none",
      },
    ],
    [
      {
        type: "timeseries",
        title: "GPUs busy (DCGM utilisation) against GPUs allocated",
        targets: [
          t(`sum by (team) (sum by (namespace) (DCGM_FI_DEV_GPU_UTIL{namespace!=""}) / 100 ${owned("team")})`, "{{team}} busy"),
          t(`sum by (team) (${COST_SERIES.teamGpus}{${TEAM}})`, "{{team}} allocated", "B"),
        ],
        unit: "none",
      },
      {
        type: "timeseries",
        title: "GPU cost paid for: allocated and idle share, per hour",
        targets: [
          t(`sum by (team) (${COST_SERIES.team}{resource="gpu", ${TEAM}})`, "{{team}} allocated"),
          t(`sum by (team) (${COST_SERIES.teamIdle}{resource="gpu", ${TEAM}})`, "{{team}} idle share", "B"),
        ],
        unit: USD,
      },
    ],
    [
      {
        type: "table",
        title: "Top workloads by owner, cost per hour (CPU, memory, GPU)",
        targets: [
          t(
            `topk(10, sum by (namespace, owner_kind, owner_name) (${podCost()} * on (namespace, pod) group_left (owner_kind, owner_name) max by (namespace, pod, owner_kind, owner_name) (${workloadOwner}) ${owned()}))`,
            "{{namespace}} {{owner_kind}}/{{owner_name}}",
          ),
        ],
        unit: USD,
      },
      {
        type: "table",
        title: "Cost per hour by namespace and resource",
        targets: [t(`sum by (namespace, resource) (${COST_SERIES.namespace} ${owned()})`, "{{namespace}} {{resource}}")],
        unit: USD,
      },
    ],
  ],
);

export const PLATFORM_COST_DASHBOARD = costDashboard(
  "mlops-cost-platform",
  "Platform cost",
  [],
  [
    [
      {
        type: "table",
        title: "Shared costs per month: ESTIMATES from the price catalogue (price_date), not metered",
        targets: [t(`sum by (item, price_date) (${BUDGET_SERIES.shared})`, "{{item}} (prices of {{price_date}})")],
        unit: USD,
      },
      { type: "stat", title: "Shared costs per month (estimate)", targets: [t(`sum (${BUDGET_SERIES.shared})`, "shared")], unit: USD },
      { type: "stat", title: "Nodes per month at the current rate", targets: [t(`sum (${COST_SERIES.node}) * ${HOURS_PER_MONTH}`, "nodes")], unit: USD },
    ],
    [
      {
        type: "timeseries",
        title: "Platform namespaces' cost per hour",
        targets: [
          t(`sum by (namespace) (${COST_SERIES.namespace} * on (namespace) group_left () ${COST_SERIES.owner}{team="${PLATFORM_TEAM}"})`, "{{namespace}}"),
        ],
        unit: USD,
      },
      { type: "timeseries", title: "Idle cost per hour, by resource", targets: [t(`sum by (resource) (${COST_SERIES.idle})`, "{{resource}}")], unit: USD },
      { type: "bargauge", title: "Idle cost booked per team, per hour", targets: [t(`sum by (team) (${COST_SERIES.teamIdle})`, "{{team}}")], unit: USD },
    ],
    [
      {
        type: "timeseries",
        title: "Spend per day by cost center (trailing 24 h)",
        targets: [t(perDay(COST_SERIES.costCenter, "cost_center"), "{{cost_center}}")],
        unit: USD,
      },
      {
        type: "bargauge",
        title: "This month's forecast / budget, by cost center",
        targets: [t(`${BUDGET_SERIES.forecast} / on (cost_center) ${BUDGET_SERIES.budget}`, "{{cost_center}}")],
        unit: "percentunit",
      },
    ],
    [
      {
        type: "timeseries",
        title: "Node cost per hour: spot against on-demand",
        targets: [t(`sum by (capacity) (${COST_SERIES.node})`, "{{capacity}}")],
        unit: USD,
      },
      {
        type: "table",
        title: "Load balancers per hour (OpenCost)",
        targets: [t("sum by (namespace, service_name) (kubecost_load_balancer_cost)", "{{namespace}}/{{service_name}}")],
        unit: USD,
      },
    ],
  ],
);

export const COST_DASHBOARDS: readonly Dashboard[] = [TEAM_COST_DASHBOARD, PLATFORM_COST_DASHBOARD];
