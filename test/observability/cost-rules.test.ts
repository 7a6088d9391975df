/**
 * Cost recording rules (charts/observability/cost-*.ts): PromQL that parses, only metrics the exporters publish
 * (OpenCost, kube-state-metrics, Kueue) or rules recorded before them, idle cost booked by the typed rule, budgets and
 * shared costs as constant series, and a PrometheusRule the operator's schema accepts.
 */
import { describe, it, expect } from "vitest";
import { costRuleGroups, observabilityObjects, type CostObservabilityProps } from "../../charts/observability";
import { BUDGET_ALERT, BUDGET_SERIES, budgetGroup, sharedCostGroup, sharedCostRules } from "../../charts/observability/cost-budgets";
import { COST_ALLOCATION_GROUP, COST_RULE_NAME } from "../../charts/observability/cost-objects";
import { COST_SERIES, PLATFORM_TEAM, allocationRules, idleAttributionRules } from "../../charts/observability/cost-rules";
import type { KubeObject } from "../../scripts/plan/extract";
import { validateObjects } from "../../scripts/plan/validate";
import { KSM_METRICS, OPENCOST_METRICS } from "./cost-metrics";
import { equalityMatchers, parsePromQL } from "./promql";

const KUEUE_METRICS = ["kueue_cluster_queue_nominal_quota"];

const FIXTURE: CostObservabilityProps = {
  idle: "quota-share",
  platformCostCenter: "ml-platform",
  budgets: [
    { costCenter: "ml-platform", monthlyUsd: 20000 },
    { costCenter: "research", monthlyUsd: 5000.5 },
  ],
  sharedCosts: [{ item: "EKS control plane", monthlyUsd: 73 }],
  priceDate: "2026-01-15",
};

type Rule = { record?: string; alert?: string; expr: string; labels?: Record<string, string> };
const rulesOf = (props: CostObservabilityProps): Rule[] => costRuleGroups(props).flatMap((g) => g.rules as readonly Rule[]);

describe.each(["platform", "quota-share"] as const)("cost rules (idle: %s)", (idle) => {
  const rules = rulesOf({ ...FIXTURE, idle });

  it("every expression parses and reads only exporter metrics or series recorded before it", () => {
    expect(rules.length).toBeGreaterThan(10);
    const known = new Set([...OPENCOST_METRICS, ...KSM_METRICS, ...KUEUE_METRICS]);
    const recorded = new Set<string>();
    for (const r of rules) {
      const parsed = parsePromQL(r.expr);
      expect(parsed.errors, r.expr).toEqual([]);
      // Constants (budgets, shared costs) read nothing; every other rule reads something.
      if (!/^vector\([\d.]+\)$/.test(r.expr)) expect(parsed.metrics.length, r.expr).toBeGreaterThan(0);
      for (const m of parsed.metrics) expect(known.has(m) || recorded.has(m), `${r.record ?? r.alert} reads ${m}`).toBe(true);
      if (r.record) recorded.add(r.record);
    }
  });

  it("records names of the level:metric form under mlops:", () => {
    for (const r of rules.filter((x) => x.record)) expect(r.record).toMatch(/^mlops:[a-z_]+$/);
  });

  it("prices each namespace's CPU, memory, GPU and storage, joining allocations to node prices on node", () => {
    const ns = rules.filter((r) => r.record === COST_SERIES.namespace);
    expect(ns.map((r) => r.labels?.resource)).toEqual(["cpu", "memory", "gpu", "storage"]);
    const pairs = [
      ["container_cpu_allocation", "node_cpu_hourly_cost"],
      ["container_memory_allocation_bytes", "node_ram_hourly_cost"],
      ["container_gpu_allocation", "node_gpu_hourly_cost"],
    ];
    pairs.forEach(([allocation, price], i) => {
      expect(parsePromQL(ns[i].expr).metrics).toEqual([allocation, price]);
      expect(ns[i].expr).toContain("* on (node) group_left ()");
    });
    expect(new Set(parsePromQL(ns[3].expr).metrics)).toEqual(
      new Set(["kube_persistentvolumeclaim_info", "pv_hourly_cost", "kube_persistentvolume_capacity_bytes"]),
    );
  });

  it("takes team and cost center from the namespaces' labels, as kube-state-metrics names them", () => {
    const owner = rules.find((r) => r.record === COST_SERIES.owner);
    expect(owner).toBeDefined();
    // label_replace names its source label as a string: the label kube-state-metrics makes of `cost-center`.
    expect(owner?.expr).toContain('"team", "$1", "label_team", "(.+)"');
    expect(owner?.expr).toContain('"cost_center", "$1", "label_cost_center", "(.+)"');
    // Namespaces without the labels (kube-system and the like) are the platform's, under the stack's cost center.
    expect(owner?.expr).toContain(`"team", "${PLATFORM_TEAM}", "team", ""`);
    expect(owner?.expr).toContain(`"cost_center", "ml-platform", "cost_center", ""`);
    // kube-state-metrics exports these only with `namespaces=[team,cost-center]` in its metricLabelsAllowlist
    // (label_ + the key with every character outside [a-zA-Z0-9_] made "_"). That values line changes the
    // kube-prometheus-stack inventory (npm run charts:inventory, which needs the chart from its repository): it is
    // left to the merge, see the branch report.
  });

  it("idle cost is node capacity priced minus what teams were allocated, never below zero", () => {
    const idleRule = rules.find((r) => r.record === COST_SERIES.idle);
    expect(idleRule?.expr).toMatch(/^clamp_min\(/);
    expect(parsePromQL(idleRule?.expr ?? "").metrics.sort()).toEqual([COST_SERIES.cluster, COST_SERIES.team].sort());
    const cluster = rules.filter((r) => r.record === COST_SERIES.cluster);
    expect(cluster.map((r) => r.labels?.resource)).toEqual(["cpu", "memory", "gpu"]);
  });

  it("adds a team's allocated cost and its idle share into its total, and totals per cost center", () => {
    const total = rules.find((r) => r.record === COST_SERIES.teamTotal);
    expect(parsePromQL(total?.expr ?? "").metrics.sort()).toEqual([COST_SERIES.team, COST_SERIES.teamIdle].sort());
    expect(rules.find((r) => r.record === COST_SERIES.costCenter)?.expr).toBe(`sum by (cost_center) (${COST_SERIES.teamTotal})`);
  });
});

describe("idle attribution", () => {
  it("platform: books all idle cost to the platform team under the stack's cost center", () => {
    const [rule] = idleAttributionRules("platform", "ml-platform");
    expect(rule.record).toBe(COST_SERIES.teamIdle);
    expect(rule.expr).toBe(`label_replace(label_replace(${COST_SERIES.idle}, "team", "platform", "", ""), "cost_center", "ml-platform", "", "")`);
  });

  it("quota-share: shares each resource's idle cost by that resource's quota (CPU and memory from ResourceQuota, GPUs from Kueue)", () => {
    const rules = idleAttributionRules("quota-share", "ml-platform");
    const quota = rules.find((r) => r.record === COST_SERIES.teamQuota);
    expect(parsePromQL(quota?.expr ?? "").metrics.sort()).toEqual(["kube_resourcequota", "kueue_cluster_queue_nominal_quota", COST_SERIES.owner].sort());
    expect(equalityMatchers(quota?.expr ?? "")).toEqual(
      expect.arrayContaining([
        { metric: "kube_resourcequota", label: "type", value: "hard" },
        { metric: "kueue_cluster_queue_nominal_quota", label: "resource", value: "nvidia.com/gpu" },
      ]),
    );
    // The platform's own namespaces hold no share.
    expect(quota?.expr).toContain(`${COST_SERIES.owner}{team!="platform"}`);
    const share = rules.find((r) => r.record === COST_SERIES.teamIdle);
    expect(share?.expr).toContain(`${COST_SERIES.teamQuota} / on (resource) group_left () (sum by (resource) (${COST_SERIES.teamQuota}) > 0)`);
    // A resource no team has quota for stays with the platform.
    expect(share?.expr).toMatch(/ or \(label_replace\(.*"team", "platform".*\) unless on \(resource\) \(sum by \(resource\)/);
  });

  it("is the only difference between the two modes", () => {
    const strip = (rules: { record: string }[]) => rules.filter((r) => r.record !== COST_SERIES.teamIdle && r.record !== COST_SERIES.teamQuota);
    expect(strip(allocationRules("platform", "x"))).toEqual(strip(allocationRules("quota-share", "x")));
  });
});

describe("budgets and shared costs", () => {
  it("records each cost center's budget as a constant with its cost_center label", () => {
    const rules = budgetGroup(FIXTURE.budgets ?? []).rules.filter((r) => "record" in r && r.record === BUDGET_SERIES.budget);
    expect(rules).toEqual([
      { record: BUDGET_SERIES.budget, expr: "vector(20000)", labels: { cost_center: "ml-platform" } },
      { record: BUDGET_SERIES.budget, expr: "vector(5000.5)", labels: { cost_center: "research" } },
    ]);
  });

  it("forecasts the month from the cost center's hourly cost and alerts when the forecast passes the budget", () => {
    const forecast = budgetGroup([]).rules.find((r) => "record" in r && r.record === BUDGET_SERIES.forecast);
    expect(forecast?.expr).toContain(`avg_over_time(${COST_SERIES.costCenter}[3d]) * 24 * on () group_left () days_in_month()`);
    expect(parsePromQL(BUDGET_ALERT.expr).metrics).toEqual([BUDGET_SERIES.forecast, BUDGET_SERIES.budget]);
    expect(BUDGET_ALERT.expr).toContain("on (cost_center)");
    expect(BUDGET_ALERT.annotations.summary).toContain("{{ $labels.cost_center }}");
    expect(budgetGroup(FIXTURE.budgets ?? []).rules).toContain(BUDGET_ALERT);
    // No budget, no alert that could never fire.
    expect(budgetGroup([]).rules).not.toContain(BUDGET_ALERT);
  });

  it("records one shared-cost series per item, with the price date when known", () => {
    expect(sharedCostRules([{ item: "NAT gateways (3)", monthlyUsd: 98.55 }], "2026-01-15")).toEqual([
      { record: BUDGET_SERIES.shared, expr: "vector(98.55)", labels: { item: "NAT gateways (3)", price_date: "2026-01-15" } },
    ]);
    expect(sharedCostRules([{ item: "x", monthlyUsd: 1 }])[0].labels).toEqual({ item: "x" });
    expect(sharedCostGroup([])).toBeUndefined();
  });
});

describe("the cost PrometheusRule", () => {
  const objects = observabilityObjects({ costs: FIXTURE });
  const all = [...objects.namespaces, ...objects.resources] as KubeObject[];
  const rule = () =>
    all.find((o) => o.kind === "PrometheusRule" && o.metadata?.name === COST_RULE_NAME) as KubeObject & { spec: { groups: { name: string }[] } };

  it("carries the allocation, budget and shared-cost groups beside the platform's alert rules", () => {
    expect(all.filter((o) => o.kind === "PrometheusRule").map((o) => o.metadata?.name)).toEqual(["mlops-platform", COST_RULE_NAME]);
    expect(rule().spec.groups.map((g) => g.name)).toEqual([COST_ALLOCATION_GROUP, "mlops-cost-budgets", "mlops-cost-shared"]);
  });

  it("validates against the schemas for Kubernetes 1.35", async () => {
    expect(await validateObjects(all, "1.35")).toEqual([]);
  });

  it("is absent without cost props", () => {
    const plain = observabilityObjects().resources as KubeObject[];
    expect(plain.filter((o) => o.metadata?.name === COST_RULE_NAME)).toEqual([]);
  });
});
