import { resourcePolicy } from "../lib/define";
import { TEAM_LABEL, nameOf } from "../lib/k8s";

/**
 * The team Namespace's cost annotations (charts/team): the pack's copies of domain/team-cost.ts (the pack imports
 * nothing outside policies/; a test keeps them equal).
 */
export const COST_CEILING_ANNOTATION = "mlops.platform/cost-monthly-ceiling-usd";
export const COST_CEILING_UNPRICED_ANNOTATION = "mlops.platform/cost-ceiling-unpriced";
export const COST_CENTER_BUDGET_ANNOTATION = "mlops.platform/cost-center-budget-usd";
export const COST_CENTER_CEILING_ANNOTATION = "mlops.platform/cost-center-ceiling-usd";

/** A non-negative dollar amount, or undefined when absent or not a number (nothing to judge). */
function amount(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  return Number(value);
}

const usd = (value: number): string => `$${value.toLocaleString("en-US")}`;

export const teamBudget = resourcePolicy(
  {
    name: "team-budget",
    description:
      "Advisory: a team namespace whose quota ceiling (what its whole quota would cost a month, priced part) exceeds its cost center's monthly budget is reported with both amounts; a team without a budget or without a priced ceiling is not judged.",
    // Advisory in every tier (enforcementFor): a ceiling is what the quota allows, not spend, and prices are estimates.
    severity: "low",
    controls: ["OPS-06"],
  },
  ["kubernetes:core/v1:Namespace"],
  (obj, _args, report) => {
    const labels: Record<string, string> = obj.metadata?.labels ?? {};
    const annotations: Record<string, string> = obj.metadata?.annotations ?? {};
    if (!labels[TEAM_LABEL]) return;
    const ceiling = amount(annotations[COST_CEILING_ANNOTATION]);
    const together = amount(annotations[COST_CENTER_CEILING_ANNOTATION]);
    const budget = amount(annotations[COST_CENTER_BUDGET_ANNOTATION]);
    if (ceiling === undefined || budget === undefined) return;
    const costCenter = labels["cost-center"] ?? "?";
    const unpriced = annotations[COST_CEILING_UNPRICED_ANNOTATION];
    const bound = unpriced ? `at least ${usd(ceiling)}/month (unpriced: ${unpriced})` : `${usd(ceiling)}/month`;
    if (ceiling > budget)
      return report(
        `team namespace ${nameOf(obj)}: its quota ceiling, ${bound}, exceeds cost center ${costCenter}'s budget of ${usd(budget)}/month; lower the team's quota or raise the budget (costs.budgets)`,
      );
    // Teams sharing a cost center share its budget: each is under it alone, together they may not be.
    if (together !== undefined && together > budget)
      report(
        `team namespace ${nameOf(obj)}: the quota ceilings of cost center ${costCenter}'s teams come to ${usd(together)}/month together (this team's: ${bound}), above its budget of ${usd(budget)}/month; lower a quota or raise the budget (costs.budgets)`,
      );
  },
);
