/**
 * What a team's quota may cost against its cost center's budget, from the stack's estimate (domain/cost-estimate):
 * the same numbers feed the team report, the team Namespace's annotations and the advisory `team-budget` policy.
 * Unpriced parts are named, never guessed: a ceiling with unpriced parts is a lower bound.
 */
import type { Estimate } from "./cost-estimate";

/** On the team Namespace: the priced part of the team's monthly quota ceiling, in whole US dollars. */
export const COST_CEILING_ANNOTATION = "mlops.platform/cost-monthly-ceiling-usd";
/** On the team Namespace when part of the ceiling is unpriced: what (so the ceiling above is a lower bound). */
export const COST_CEILING_UNPRICED_ANNOTATION = "mlops.platform/cost-ceiling-unpriced";
/** On the team Namespace: the priced ceilings of all teams of its cost center together, in whole US dollars. */
export const COST_CENTER_CEILING_ANNOTATION = "mlops.platform/cost-center-ceiling-usd";
/** On the team Namespace when its cost center has a budget (`costs.budgets`): the monthly budget in US dollars. */
export const COST_CENTER_BUDGET_ANNOTATION = "mlops.platform/cost-center-budget-usd";

/** A budget as `costs.budgets` resolves it (config/costs.ts BudgetConfig), restated: the domain imports nothing above it. */
export interface BudgetShape {
  readonly costCenter: string;
  readonly monthlyUsd: number;
}

export interface TeamCost {
  readonly costCenter: string;
  /** The priced part of the monthly ceiling its quota allows; undefined when the stack has no team ceilings at all. */
  readonly ceilingUsd?: number;
  /** The priced ceilings of every team of its cost center together (what its budget has to cover). */
  readonly costCenterCeilingUsd?: number;
  /** What the ceiling leaves unpriced (items, or why there is no ceiling). Empty when it is complete. */
  readonly unpriced: readonly string[];
  /** Its cost center's monthly budget. @default none */
  readonly budgetUsd?: number;
}

/**
 * Each team's ceiling and budget. `teams` are the stack's teams (name and cost center): on a stack the estimator
 * cannot price (an existing cluster) they still get their budget, with the estimator's note as the unpriced reason.
 */
export function teamCosts(
  estimate: Estimate,
  teams: readonly { readonly name: string; readonly costCenter: string }[],
  budgets: readonly BudgetShape[],
): Record<string, TeamCost> {
  return Object.fromEntries(
    teams.map((team) => {
      const budgetUsd = budgets.find((b) => b.costCenter === team.costCenter)?.monthlyUsd;
      const ceiling = estimate.teams.find((t) => t.team === team.name);
      if (ceiling === undefined) return [team.name, { costCenter: team.costCenter, unpriced: [estimate.note ?? "no ceiling estimated"], budgetUsd }] as const;
      const unpriced = ceiling.lines.filter((l) => l.monthlyUsd === undefined).map((l) => l.item);
      const costCenterCeilingUsd = estimate.teams.filter((t) => t.costCenter === team.costCenter).reduce((sum, t) => sum + t.monthlyUsd, 0);
      return [team.name, { costCenter: team.costCenter, ceilingUsd: ceiling.monthlyUsd, costCenterCeilingUsd, unpriced, budgetUsd }] as const;
    }),
  );
}

/** The Namespace annotations of a team's cost: ceiling (whole dollars), what it leaves unpriced, and the budget. */
export function costAnnotations(cost: TeamCost | undefined): Record<string, string> {
  if (cost === undefined) return {};
  return {
    ...(cost.ceilingUsd === undefined ? {} : { [COST_CEILING_ANNOTATION]: String(Math.round(cost.ceilingUsd)) }),
    ...(cost.costCenterCeilingUsd === undefined ? {} : { [COST_CENTER_CEILING_ANNOTATION]: String(Math.round(cost.costCenterCeilingUsd)) }),
    ...(cost.unpriced.length > 0 ? { [COST_CEILING_UNPRICED_ANNOTATION]: cost.unpriced.join("; ") } : {}),
    ...(cost.budgetUsd === undefined ? {} : { [COST_CENTER_BUDGET_ANNOTATION]: String(cost.budgetUsd) }),
  };
}

/** Whether the priced ceiling, the team's or its cost center's teams' together, already exceeds the budget (unpriced parts can only add). */
export const overBudget = (cost: TeamCost): boolean =>
  cost.budgetUsd !== undefined && Math.round(Math.max(cost.ceilingUsd ?? 0, cost.costCenterCeilingUsd ?? 0)) > cost.budgetUsd;
