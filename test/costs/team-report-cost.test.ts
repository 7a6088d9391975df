/**
 * What a team costs in the team report and on its Namespace: the ceiling from the one estimate (unpriced parts
 * named), its cost center's budget, and where the spend is shown (domain/team-cost.ts, scripts/check/team-cost-report.ts).
 */
import { describe, expect, it } from "vitest";
import { teamReport } from "../../scripts/check/team-report";
import { estimate } from "../../scripts/check/cost-report";
import { teamCostDashboardPath, teamCostLines, type TeamCostContext } from "../../scripts/check/team-cost-report";
import {
  costAnnotations,
  COST_CEILING_ANNOTATION,
  COST_CEILING_UNPRICED_ANNOTATION,
  COST_CENTER_BUDGET_ANNOTATION,
  overBudget,
  teamCosts,
  type TeamCost,
} from "../../domain/team-cost";
import type { Estimate } from "../../domain/cost-estimate";
import { queuePlatform } from "../../charts/queues";
import { gpuFlavors } from "../../domain/queues";
import { fixture, resolved, type Cfg } from "../teams/fixtures";

const priced = (usd: number) => ({ key: "team:a:cpu", item: "CPU and memory", basis: "x", monthlyUsd: usd });
const unpricedGpu = { key: "team:a:gpu:gpu", item: "GPUs in pool gpu", basis: "4 units", unpriced: "unpriced: no price for g6.xlarge in us-east-1" };
const est = (teams: Estimate["teams"], note?: string): Estimate => ({ lines: [], monthlyUsd: 0, teams, missing: [], note });
const BUDGETS = [{ costCenter: "cc-1", monthlyUsd: 1000 }];
const TEAMS = [
  { name: "a", costCenter: "cc-1" },
  { name: "b", costCenter: "cc-1" },
  { name: "c", costCenter: "cc-2" },
];

describe("team cost › teamCosts", () => {
  const costs = teamCosts(
    est([
      { team: "a", costCenter: "cc-1", monthlyUsd: 1200.4, lines: [priced(1200.4), unpricedGpu] },
      { team: "b", costCenter: "cc-1", monthlyUsd: 300, lines: [priced(300)] },
      { team: "c", costCenter: "cc-2", monthlyUsd: 50, lines: [priced(50)] },
    ]),
    TEAMS,
    BUDGETS,
  );

  it("takes each team's ceiling from the estimate and names its unpriced items", () => {
    expect(costs.a).toEqual({ costCenter: "cc-1", ceilingUsd: 1200.4, costCenterCeilingUsd: 1500.4, unpriced: ["GPUs in pool gpu"], budgetUsd: 1000 });
    expect(costs.c?.costCenterCeilingUsd).toBe(50);
    expect(costs.b.unpriced).toEqual([]);
  });
  it("gives a team its cost center's budget, and none when the cost center has none", () => {
    expect(costs.b.budgetUsd).toBe(1000);
    expect(costs.c.budgetUsd).toBeUndefined();
  });
  it("on a stack the estimator cannot price, keeps the budget and says why there is no ceiling", () => {
    const none = teamCosts(est([], "existing cluster: no cloud prices"), TEAMS, BUDGETS);
    expect(none.a).toEqual({ costCenter: "cc-1", unpriced: ["existing cluster: no cloud prices"], budgetUsd: 1000 });
  });
  it("is over budget when the priced ceiling, the team's or its cost center's teams' together, exceeds the budget", () => {
    expect(overBudget(costs.a)).toBe(true);
    // b alone ($300) is under cc-1's $1,000, but a and b together ($1,500) are not.
    expect(overBudget(costs.b)).toBe(true);
    expect(overBudget({ ...costs.b, costCenterCeilingUsd: 300 })).toBe(false);
    expect(overBudget(costs.c)).toBe(false);
    expect(overBudget({ costCenter: "cc-1", unpriced: ["everything"], budgetUsd: 1 })).toBe(false);
  });
});

describe("team cost › Namespace annotations", () => {
  it("writes the ceiling in whole dollars, what it leaves unpriced and the budget", () => {
    const cost: TeamCost = { costCenter: "cc-1", ceilingUsd: 1200.6, unpriced: ["GPUs in pool gpu", "storage"], budgetUsd: 1000 };
    expect(costAnnotations(cost)).toEqual({
      [COST_CEILING_ANNOTATION]: "1201",
      [COST_CEILING_UNPRICED_ANNOTATION]: "GPUs in pool gpu; storage",
      [COST_CENTER_BUDGET_ANNOTATION]: "1000",
    });
  });
  it("writes no unpriced or budget annotation when there is nothing to say, and nothing without a cost", () => {
    expect(costAnnotations({ costCenter: "cc-2", ceilingUsd: 50, unpriced: [] })).toEqual({ [COST_CEILING_ANNOTATION]: "50" });
    expect(costAnnotations(undefined)).toEqual({});
  });
  it("keys follow the project's mlops.platform/ prefix", () => {
    for (const key of [COST_CEILING_ANNOTATION, COST_CEILING_UNPRICED_ANNOTATION, COST_CENTER_BUDGET_ANNOTATION]) expect(key).toMatch(/^mlops\.platform\//);
  });
});

describe("team cost › report lines", () => {
  const ctx = (teams: Record<string, TeamCost>, allocation = true): TeamCostContext => ({ teams, allocation });
  const A: TeamCost = { costCenter: "cc-1", ceilingUsd: 1200.4, unpriced: ["GPUs in pool gpu"], budgetUsd: 1000 };
  const B: TeamCost = { costCenter: "cc-1", ceilingUsd: 300, unpriced: [], budgetUsd: 1000 };
  const C: TeamCost = { costCenter: "cc-2", ceilingUsd: 50, unpriced: [] };
  const ACCESS = { domain: "mlops.example.com" } as Parameters<typeof teamCostLines>[2];

  it("says a ceiling with unpriced parts is a lower bound, names them, flags the overrun and the teams sharing the budget", () => {
    expect(teamCostLines("a", ctx({ a: A, b: B }), ACCESS)[0]).toBe(
      "  cost       ceiling at least $1,200/month if it used its whole quota; unpriced: GPUs in pool gpu; cost center cc-1: budget $1,000/month (its ceiling alone EXCEEDS the budget: advisory policy team-budget), shared with b (their ceilings together: $1,500/month priced)",
    );
  });
  it("says a complete ceiling plainly, and no budget when the cost center has none", () => {
    expect(teamCostLines("c", ctx({ c: C }), ACCESS)[0]).toBe(
      "  cost       ceiling $50/month if it used its whole quota; cost center cc-2: no budget (costs.budgets)",
    );
  });
  it("says why there is no ceiling when the stack could not be estimated", () => {
    const lines = teamCostLines("x", ctx({ x: { costCenter: "cc-1", unpriced: ["existing cluster: no cloud prices"], budgetUsd: 5 } }), undefined);
    expect(lines[0]).toBe("  cost       ceiling not estimated (existing cluster: no cloud prices); cost center cc-1: budget $5/month");
  });
  it("points at the team's money dashboard on the gateway's Grafana host", () => {
    expect(teamCostLines("a", ctx({ a: A }), ACCESS)[1]).toBe(
      "  spend      Grafana https://grafana.mlops.example.com/d/mlops-cost-team?var-team=a (OpenCost allocation by namespace)",
    );
  });
  it("without access, says how to reach Grafana with a port-forward to its real Service", () => {
    expect(teamCostLines("a", ctx({ a: A }), undefined)[1]).toBe(
      "  spend      Grafana through `kubectl -n monitoring port-forward svc/monitoring-grafana 3000:80`, then http://localhost:3000/d/mlops-cost-team?var-team=a (OpenCost allocation by namespace)",
    );
  });
  it("with cost allocation off, says no spend is recorded", () => {
    expect(teamCostLines("a", ctx({ a: A }, false), ACCESS)[1]).toBe(
      "  spend      not recorded: cost allocation is off (costs.allocation.enabled), so no spend is measured in the cluster",
    );
  });
  it("says nothing without a cost context", () => {
    expect(teamCostLines("a", undefined, ACCESS)).toEqual([]);
  });
  it("escapes the team in the dashboard URL", () => {
    expect(teamCostDashboardPath("a b")).toBe("/d/mlops-cost-team?var-team=a%20b");
  });
});

describe("team cost › teamReport over a fixture stack with budgets", () => {
  const cfg: Cfg = fixture("dev");
  cfg.costs = { budgets: [{ costCenter: "cc-4711", monthlyUsd: 100000, notify: { emails: ["leads@example.com"] } }] };
  const platform = resolved(cfg);
  const cost = estimate(platform);
  const teams = teamCosts(cost, platform.teams, platform.costs.budgets);
  const queue = { flavors: gpuFlavors(queuePlatform(platform)), queues: platform.queues };
  const report = (name: string) => {
    const team = platform.teams.find((t) => t.name === name);
    expect(team, name).toBeDefined();
    return team ? teamReport(team, { environment: "dev", queue, access: platform.access, costs: { teams, allocation: true } }) : [];
  };

  it("the fixture has teams with estimated ceilings", () => {
    expect(cost.teams.length).toBeGreaterThan(0);
    expect(platform.teams.length).toBe(cost.teams.length);
  });
  it("a team with a budget gets the estimate's ceiling and its budget, right after its quota and queue lines", () => {
    const lines = report("recsys");
    const costLine = lines.find((l) => l.startsWith("  cost "));
    const ceiling = cost.teams.find((t) => t.team === "recsys")?.monthlyUsd ?? Number.NaN;
    expect(costLine).toContain(`$${Math.round(ceiling).toLocaleString("en-US")}/month if it used its whole quota`);
    expect(costLine).toContain("cost center cc-4711: budget $100,000/month");
    expect(lines.findIndex((l) => l.startsWith("  cost "))).toBeGreaterThan(lines.findIndex((l) => l.startsWith("  quota ")));
    expect(lines.find((l) => l.startsWith("  spend "))).toContain(`https://grafana.${platform.access?.domain}/d/mlops-cost-team?var-team=recsys`);
  });
  it("a team whose cost center has no budget says so", () => {
    const other = platform.teams.find((t) => t.costCenter !== "cc-4711");
    expect(other).toBeDefined();
    expect(report(other?.name ?? "").find((l) => l.startsWith("  cost "))).toContain(`cost center ${other?.costCenter}: no budget`);
  });
});
