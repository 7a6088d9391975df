/**
 * Budgets and shared costs as series: each cost center's monthly budget (`costs.budgets`), this month's linear
 * forecast of its spend, the alert when the forecast passes the budget, and the platform's shared costs OpenCost
 * cannot see (control plane, NAT gateways, databases, caches, file systems), which the cost estimator prices.
 */
import type { AlertRule } from "./rule-types";
import { COST_SERIES, type RecordingGroup, type RecordingRule } from "./cost-rules";

export const BUDGET_SERIES = {
  /** {cost_center}: the monthly budget in US dollars, a constant. */
  budget: "mlops:cost_center_budget_monthly_usd",
  /** {cost_center}: this calendar month's spend at the last 3 days' pace. */
  forecast: "mlops:cost_center_month_forecast_usd",
  /** {item[, price_date]}: an estimated monthly cost the platform carries outside the cluster's allocation. */
  shared: "mlops:platform_shared_cost_monthly_usd",
} as const;

/** The pace a forecast extrapolates: long enough to smooth a day's batch jobs, short enough to follow a new workload. */
export const FORECAST_WINDOW = "3d";

export interface BudgetInput {
  readonly costCenter: string;
  readonly monthlyUsd: number;
}

export interface SharedCostItem {
  /** What it is, e.g. "EKS control plane" or "NAT gateways (3)". */
  readonly item: string;
  readonly monthlyUsd: number;
}

/** A constant: `vector(x)` carries no labels, the rule's labels name the series. */
const constant = (value: number) => `vector(${value})`;

export function budgetRules(budgets: readonly BudgetInput[]): RecordingRule[] {
  return [
    ...budgets.map((b) => ({ record: BUDGET_SERIES.budget, expr: constant(b.monthlyUsd), labels: { cost_center: b.costCenter } })),
    {
      record: BUDGET_SERIES.forecast,
      // Hourly cost at the recent pace × the hours of this month (days_in_month() has no labels: join on nothing).
      expr: `avg_over_time(${COST_SERIES.costCenter}[${FORECAST_WINDOW}]) * 24 * on () group_left () days_in_month()`,
    },
  ];
}

export const BUDGET_ALERT: AlertRule = {
  alert: "CostCenterBudgetForecastExceeded",
  expr: `${BUDGET_SERIES.forecast} > on (cost_center) ${BUDGET_SERIES.budget}`,
  for: "1h",
  labels: { severity: "warning" },
  annotations: {
    summary: "Cost center {{ $labels.cost_center }} is on course to spend {{ $value | humanize }} US dollars this month, over its budget",
    description:
      `At the last ${FORECAST_WINDOW}' pace (OpenCost allocation, idle share included) the cost center's teams spend more this month than ` +
      "costs.budgets gives it. See the Team cost dashboard (mlops-cost-team) for the teams and workloads behind it. Cluster costs only: " +
      "AWS Budgets, where configured, judges the whole bill.",
  },
};

export function budgetGroup(budgets: readonly BudgetInput[]): { name: string; rules: readonly (RecordingRule | AlertRule)[] } {
  return { name: "mlops-cost-budgets", rules: [...budgetRules(budgets), ...(budgets.length > 0 ? [BUDGET_ALERT] : [])] };
}

/**
 * One constant series per shared cost item, optionally stamped with the date of the prices behind it. These are
 * estimates from the price catalogue, not metered spend.
 */
export function sharedCostRules(items: readonly SharedCostItem[], priceDate?: string): RecordingRule[] {
  return items.map((i) => ({
    record: BUDGET_SERIES.shared,
    expr: constant(i.monthlyUsd),
    labels: { item: i.item, ...(priceDate !== undefined ? { price_date: priceDate } : {}) },
  }));
}

export function sharedCostGroup(items: readonly SharedCostItem[], priceDate?: string): RecordingGroup | undefined {
  return items.length > 0 ? { name: "mlops-cost-shared", rules: sharedCostRules(items, priceDate) } : undefined;
}
