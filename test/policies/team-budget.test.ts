/**
 * team-budget (advisory): a team namespace whose quota ceiling exceeds its cost center's budget is reported with
 * both amounts. Starts from the compliant namespace charts/team renders and breaks one annotation per case.
 */
import { describe, expect, it } from "vitest";
import {
  COST_CEILING_ANNOTATION as PACK_CEILING,
  COST_CEILING_UNPRICED_ANNOTATION as PACK_UNPRICED,
  COST_CENTER_BUDGET_ANNOTATION as PACK_BUDGET,
  COST_CENTER_CEILING_ANNOTATION as PACK_TOGETHER,
  teamBudget,
} from "../../policies/kubernetes/team-budget";
import {
  COST_CEILING_ANNOTATION,
  COST_CEILING_UNPRICED_ANNOTATION,
  COST_CENTER_BUDGET_ANNOTATION,
  COST_CENTER_CEILING_ANNOTATION,
} from "../../domain/team-cost";
import { enforcementFor } from "../../policies/lib/define";
import { teamObjects } from "../../charts/team";
import { fixtureTeams } from "../teams/fixtures";
import { mutate, packViolations, violations } from "./harness";

const NS_T = "kubernetes:core/v1:Namespace";
const recsys = fixtureTeams("dev").find((t) => t.name === "recsys");
if (recsys === undefined) throw new Error("fixture team recsys missing");
/** The team Namespace as charts/team renders it, with a ceiling under its budget and an unpriced GPU part. */
const TEAM_NS = teamObjects({
  team: recsys,
  environment: "dev",
  cost: { costCenter: recsys.costCenter, ceilingUsd: 1250.4, costCenterCeilingUsd: 1800, unpriced: ["GPUs in pool gpu", "storage"], budgetUsd: 2000 },
}).find((o) => o.kind === "Namespace") as Record<string, any>;
const check = (ns: object) => violations(teamBudget, NS_T, ns as Record<string, unknown>);
const annotate = (change: (a: Record<string, string | undefined>) => void) => check(mutate(TEAM_NS, (n) => change(n.metadata.annotations)));

describe("team-budget (OPS-06)", () => {
  it("the rendered team namespace carries the cost annotations and passes every policy of the pack", () => {
    expect(TEAM_NS.metadata.annotations).toMatchObject({
      [COST_CEILING_ANNOTATION]: "1250",
      [COST_CEILING_UNPRICED_ANNOTATION]: "GPUs in pool gpu; storage",
      [COST_CENTER_BUDGET_ANNOTATION]: "2000",
      [COST_CENTER_CEILING_ANNOTATION]: "1800",
    });
    expect(packViolations(NS_T, TEAM_NS)).toEqual([]);
  });
  it("reports a priced ceiling above the budget with both amounts, as a lower bound when parts are unpriced", () => {
    expect(annotate((a) => (a[COST_CENTER_BUDGET_ANNOTATION] = "800"))).toEqual([
      "team namespace recsys: its quota ceiling, at least $1,250/month (unpriced: GPUs in pool gpu; storage), exceeds cost center cc-4711's budget of $800/month; lower the team's quota or raise the budget (costs.budgets)",
    ]);
  });
  it("reports a complete ceiling above the budget as an amount", () => {
    const over = annotate((a) => {
      a[COST_CENTER_BUDGET_ANNOTATION] = "800.5";
      delete a[COST_CEILING_UNPRICED_ANNOTATION];
    });
    expect(over).toEqual([
      "team namespace recsys: its quota ceiling, $1,250/month, exceeds cost center cc-4711's budget of $800.5/month; lower the team's quota or raise the budget (costs.budgets)",
    ]);
  });
  it("a ceiling equal to the budget is within it", () => {
    expect(
      annotate((a) => {
        a[COST_CENTER_BUDGET_ANNOTATION] = "1800";
        a[COST_CEILING_ANNOTATION] = "1800";
      }),
    ).toEqual([]);
  });
  it("no budget: nothing to compare, no report", () => {
    expect(annotate((a) => delete a[COST_CENTER_BUDGET_ANNOTATION])).toEqual([]);
  });
  it("unpriced ceiling (none estimated): no false report, whatever the budget", () => {
    const unpriced = annotate((a) => {
      delete a[COST_CEILING_ANNOTATION];
      a[COST_CEILING_UNPRICED_ANNOTATION] = "existing cluster: no cloud prices to estimate from";
      a[COST_CENTER_BUDGET_ANNOTATION] = "1";
    });
    expect(unpriced).toEqual([]);
  });
  it("an amount that is not a number is not judged", () => {
    expect(annotate((a) => (a[COST_CEILING_ANNOTATION] = "lots"))).toEqual([]);
    expect(annotate((a) => (a[COST_CENTER_BUDGET_ANNOTATION] = "-5"))).toEqual([]);
  });
  it("judges team namespaces only", () => {
    const platformNs = mutate(TEAM_NS, (n) => {
      delete n.metadata.labels["mlops.platform/team"];
      n.metadata.annotations[COST_CENTER_BUDGET_ANNOTATION] = "1";
    });
    expect(check(platformNs)).toEqual([]);
  });
  it("reports teams whose cost center's ceilings together exceed the budget, though each is under it alone", () => {
    const found = annotate((a) => (a[COST_CENTER_CEILING_ANNOTATION] = "2600"));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("come to $2,600/month together");
    expect(found[0]).toContain("above its budget of $2,000/month");
  });
  it("is advisory in every tier", () => {
    for (const env of ["local", "dev", "staging", "prod"] as const) expect(enforcementFor(teamBudget.severity ?? "critical", env)).toBe("advisory");
  });
  it("the pack's annotation keys equal domain/team-cost.ts's", () => {
    expect([PACK_CEILING, PACK_UNPRICED, PACK_BUDGET, PACK_TOGETHER]).toEqual([
      COST_CEILING_ANNOTATION,
      COST_CEILING_UNPRICED_ANNOTATION,
      COST_CENTER_BUDGET_ANNOTATION,
      COST_CENTER_CEILING_ANNOTATION,
    ]);
  });
});
