/**
 * The offline plan of the dev fixture with budgets: each team Namespace carries the ceiling the check prints (same
 * estimate) and its cost center's budget, and the pack reports team-budget, advisory, exactly where the ceiling
 * exceeds the budget.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runPlan, type PlanResult } from "../../scripts/plan/run";
import { runPolicies, type Violation } from "../../scripts/plan/policy";
import { estimate } from "../../scripts/check/cost-report";
import { COST_CEILING_ANNOTATION, COST_CEILING_UNPRICED_ANNOTATION, COST_CENTER_BUDGET_ANNOTATION } from "../../domain/team-cost";
import { TEAM_NAMESPACE_LABEL } from "../../domain/ownership";
import { fixtureStack, stackConfig, TODAY } from "../helpers/stack";

/** cc-4711 (recsys) gets a budget below its ceiling; the other cost centers get none. */
const BUDGET_USD = 100;

describe("team Namespace cost annotations in the dev fixture's plan", () => {
  let result: PlanResult;
  let violations: readonly Violation[];
  const annotationsOf = (team: string): Record<string, string> => {
    const ns = result.objects.map((o) => o.object).find((o) => o.kind === "Namespace" && o.metadata?.name === team);
    return (ns?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
  };

  beforeAll(async () => {
    const cfg = { ...fixtureStack("dev"), costs: { budgets: [{ costCenter: "cc-4711", monthlyUsd: BUDGET_USD, notify: { emails: ["leads@example.com"] } }] } };
    result = await runPlan("dev", { stackConfig: stackConfig(cfg), today: TODAY });
    if (!result.ok || result.config === undefined) throw new Error(JSON.stringify(result.problems));
    violations = await runPolicies(result, result.config.environment);
  });

  it("plans team namespaces", () => {
    const teams = result.objects
      .map((o) => o.object)
      .filter((o) => o.kind === "Namespace" && ((o.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {})[TEAM_NAMESPACE_LABEL]);
    expect(teams.length).toBeGreaterThan(1);
  });

  it("each team Namespace carries the estimate's ceiling in whole dollars and what it leaves unpriced", () => {
    const teams = result.config?.teams ?? [];
    expect(teams.length).toBeGreaterThan(0);
    const est = result.config ? estimate(result.config) : undefined;
    for (const team of teams) {
      const ceiling = est?.teams.find((t) => t.team === team.name);
      expect(ceiling, team.name).toBeDefined();
      const annotations = annotationsOf(team.name);
      expect(annotations[COST_CEILING_ANNOTATION], team.name).toBe(String(Math.round(ceiling?.monthlyUsd ?? Number.NaN)));
      const unpriced = (ceiling?.lines ?? []).filter((l) => l.monthlyUsd === undefined).map((l) => l.item);
      expect(annotations[COST_CEILING_UNPRICED_ANNOTATION], team.name).toBe(unpriced.length > 0 ? unpriced.join("; ") : undefined);
    }
  });

  it("only the team whose cost center has a budget carries it", () => {
    for (const team of result.config?.teams ?? [])
      expect(annotationsOf(team.name)[COST_CENTER_BUDGET_ANNOTATION], team.name).toBe(team.costCenter === "cc-4711" ? String(BUDGET_USD) : undefined);
  });

  it("team-budget reports the team over its budget, advisory, and no other", () => {
    const budget = violations.filter((v) => v.policy === "team-budget");
    expect(budget).toEqual([
      expect.objectContaining({ enforcement: "advisory", message: expect.stringContaining("team namespace recsys: its quota ceiling, $") }),
    ]);
    expect(budget[0]?.message).toContain(`exceeds cost center cc-4711's budget of $${BUDGET_USD}/month`);
  });
});
