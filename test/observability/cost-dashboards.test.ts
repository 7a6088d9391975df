/** The money dashboards (charts/observability/cost-dashboards.ts): valid Grafana JSON, PromQL that parses, known series. */
import { describe, it, expect } from "vitest";
import { COST_DASHBOARDS, DASHBOARDS, type Dashboard } from "../../charts/observability";
import { BUDGET_SERIES } from "../../charts/observability/cost-budgets";
import { PLATFORM_COST_DASHBOARD, TEAM_COST_DASHBOARD } from "../../charts/observability/cost-dashboards";
import { COST_SERIES } from "../../charts/observability/cost-rules";
import { DCGM_METRICS } from "../../charts/gpu-operator";
import { KSM_METRICS, OPENCOST_METRICS } from "./cost-metrics";
import { parsePromQL } from "./promql";

const exprs = (d: Dashboard) => d.panels.flatMap((p) => p.targets.map((t) => t.expr));
const metricsOf = (d: Dashboard) => new Set(exprs(d).flatMap((e) => parsePromQL(e).metrics));
const panel = (d: Dashboard, title: RegExp) => {
  const found = d.panels.filter((p) => title.test(p.title));
  expect(found, String(title)).toHaveLength(1);
  return found[0];
};

describe("money dashboards", () => {
  it("are Team cost and Platform cost, with uids no other dashboard uses", () => {
    expect(COST_DASHBOARDS.map((d) => [d.uid, d.title])).toEqual([
      ["mlops-cost-team", "Team cost"],
      ["mlops-cost-platform", "Platform cost"],
    ]);
    for (const d of COST_DASHBOARDS) expect(DASHBOARDS.map((x) => x.uid)).not.toContain(d.uid);
  });

  describe.each(COST_DASHBOARDS.map((d) => [d.uid, d] as const))("%s", (_uid, d) => {
    it("round-trips through JSON and has panels with unique ids", () => {
      expect(d.panels.length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it("lays panels out within 24 columns", () => {
      for (const p of d.panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    });

    it("every target parses as PromQL, reads something, and has a refId unique in its panel", () => {
      for (const p of d.panels) {
        expect(p.targets.length, p.title).toBeGreaterThan(0);
        expect(new Set(p.targets.map((t) => t.refId)).size).toBe(p.targets.length);
        for (const t of p.targets) {
          const parsed = parsePromQL(t.expr);
          expect(parsed.errors, `${p.title}: ${t.expr}`).toEqual([]);
          expect(parsed.metrics.length, t.expr).toBeGreaterThan(0);
        }
      }
    });

    it("reads only the cost rules' series and metrics the exporters publish", () => {
      const known = new Set<string>([
        ...Object.values(COST_SERIES),
        ...Object.values(BUDGET_SERIES),
        ...OPENCOST_METRICS,
        ...KSM_METRICS,
        ...DCGM_METRICS.map(([field]) => field),
      ]);
      const used = metricsOf(d);
      expect(used.size).toBeGreaterThan(0);
      for (const m of used) expect(known, m).toContain(m);
    });
  });
});

describe("Team cost", () => {
  const d = TEAM_COST_DASHBOARD;

  it("offers team and cost center pickers, and every panel follows them", () => {
    expect(d.templating.list.map((v) => v.name)).toEqual(["datasource", "cost_center", "team"]);
    for (const p of d.panels) for (const t of p.targets) expect(t.expr, p.title).toMatch(/\$cost_center/);
  });

  it("shows spend by day, GPU-hours, GPU utilisation against GPUs allocated, top workloads and the budget", () => {
    expect(panel(d, /^Spend per day/).targets[0].expr).toContain(`avg_over_time(${COST_SERIES.teamTotal}{`);
    expect(panel(d, /^GPU-hours/).targets[0].expr).toContain(`avg_over_time(${COST_SERIES.teamGpus}{`);
    const gpu = panel(d, /^GPUs busy/);
    expect(gpu.targets.flatMap((t) => parsePromQL(t.expr).metrics)).toEqual(expect.arrayContaining(["DCGM_FI_DEV_GPU_UTIL", COST_SERIES.teamGpus]));
    expect(panel(d, /^GPU cost paid for/).targets.map((t) => parsePromQL(t.expr).metrics[0])).toEqual([COST_SERIES.team, COST_SERIES.teamIdle]);
    expect(parsePromQL(panel(d, /^Top workloads/).targets[0].expr).metrics).toContain("kube_pod_owner");
    expect(panel(d, /budget/).targets.map((t) => parsePromQL(t.expr).metrics[0])).toEqual([BUDGET_SERIES.forecast, BUDGET_SERIES.budget]);
  });
});

describe("Platform cost", () => {
  const d = PLATFORM_COST_DASHBOARD;

  it("marks the shared costs as estimates and shows their price date", () => {
    const shared = panel(d, /^Shared costs per month:/);
    expect(shared.title).toMatch(/ESTIMATES/);
    expect(shared.targets[0].expr).toBe(`sum by (item, price_date) (${BUDGET_SERIES.shared})`);
    expect(shared.targets[0].legendFormat).toContain("{{price_date}}");
  });

  it("shows the platform's namespaces, idle cost, spend by cost center and spot against on-demand", () => {
    expect(panel(d, /^Platform namespaces/).targets[0].expr).toContain(`${COST_SERIES.owner}{team="platform"}`);
    expect(parsePromQL(panel(d, /^Idle cost per hour/).targets[0].expr).metrics).toEqual([COST_SERIES.idle]);
    expect(parsePromQL(panel(d, /^Spend per day by cost center/).targets[0].expr).metrics).toEqual([COST_SERIES.costCenter]);
    expect(panel(d, /spot against on-demand/).targets[0].expr).toBe(`sum by (capacity) (${COST_SERIES.node})`);
  });
});
