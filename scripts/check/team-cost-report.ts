/**
 * What a team costs, in the team report: the monthly ceiling its quota allows (the estimate `npm run check` already
 * computed, with its unpriced parts named), its cost center's budget, and where its actual spend is shown (the
 * per-team money dashboard in Grafana), or that no spend is recorded.
 */
import type { AccessConfig } from "../../config/access";
import { UI_BACKENDS, uiHost } from "../../domain/access";
import { overBudget, type TeamCost } from "../../domain/team-cost";
import { usd } from "./cost-report";

/** The per-team money dashboard's uid, and the Grafana variable that selects the team (`var-<name>` in the URL). */
export const TEAM_COST_DASHBOARD_UID = "mlops-cost-team";
export const TEAM_COST_DASHBOARD_VARIABLE = "team";

/** Grafana's local port for the port-forward line (Grafana's own default port). */
const LOCAL_GRAFANA_PORT = 3000;

export interface TeamCostContext {
  /** Per team name, its ceiling and budget (domain/team-cost.ts teamCosts over the check's estimate). */
  readonly teams: Readonly<Record<string, TeamCost>>;
  /** `costs.allocation.enabled`: OpenCost records spend only when on. */
  readonly allocation: boolean;
}

/** The dashboard's path for one team: Grafana reads `var-<name>` query parameters as the dashboard's variables. */
export const teamCostDashboardPath = (team: string): string => `/d/${TEAM_COST_DASHBOARD_UID}?var-${TEAM_COST_DASHBOARD_VARIABLE}=${encodeURIComponent(team)}`;

function ceilingText(cost: TeamCost): string {
  if (cost.ceilingUsd === undefined) return `ceiling not estimated (${cost.unpriced.join("; ")})`;
  const amount = `${usd(cost.ceilingUsd)}/month if it used its whole quota`;
  if (cost.unpriced.length === 0) return `ceiling ${amount}`;
  return `ceiling at least ${amount}; unpriced: ${cost.unpriced.join(", ")}`;
}

function budgetText(team: string, cost: TeamCost, all: Readonly<Record<string, TeamCost>>): string {
  if (cost.budgetUsd === undefined) return `cost center ${cost.costCenter}: no budget (costs.budgets)`;
  const budget = `cost center ${cost.costCenter}: budget ${usd(cost.budgetUsd)}/month`;
  const over = overBudget(cost) ? ` (its ceiling alone EXCEEDS the budget: advisory policy team-budget)` : "";
  const shared = Object.entries(all).filter(([name, c]) => name !== team && c.costCenter === cost.costCenter);
  if (shared.length === 0) return `${budget}${over}`;
  const total = [cost, ...shared.map(([, c]) => c)].reduce((sum, c) => sum + (c.ceilingUsd ?? 0), 0);
  return `${budget}${over}, shared with ${shared.map(([name]) => name).join(", ")} (their ceilings together: ${usd(total)}/month priced)`;
}

function spendText(team: string, allocation: boolean, access: AccessConfig | undefined): string {
  if (!allocation) return "not recorded: cost allocation is off (costs.allocation.enabled), so no spend is measured in the cluster";
  const path = teamCostDashboardPath(team);
  if (access) return `Grafana https://${uiHost(access.domain, "grafana")}${path} (OpenCost allocation by namespace)`;
  const grafana = UI_BACKENDS.grafana;
  return `Grafana through \`kubectl -n ${grafana.namespace} port-forward svc/${grafana.service} ${LOCAL_GRAFANA_PORT}:${grafana.port}\`, then http://localhost:${LOCAL_GRAFANA_PORT}${path} (OpenCost allocation by namespace)`;
}

/** The team report's cost lines; none when the check has no cost context. */
export function teamCostLines(team: string, costs: TeamCostContext | undefined, access: AccessConfig | undefined): string[] {
  const cost = costs?.teams[team];
  if (costs === undefined || cost === undefined) return [];
  return [`  cost       ${ceilingText(cost)}; ${budgetText(team, cost, costs.teams)}`, `  spend      ${spendText(team, costs.allocation, access)}`];
}
