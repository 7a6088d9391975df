/**
 * Cases of the cost center budget alert (charts/observability/cost-budgets.ts), from OpenCost's and kube-state-
 * metrics' raw series through the cost recording rules the plan writes with it (the alerts fixture stack: a budget
 * of 1000 US dollars for ml-platform, the stack's cost center, which carries idle cost). A cost center can span
 * teams and the platform, so the alert carries no team: it goes to the platform route.
 */
import type { AlertCase } from "./case";

/** One node with no pods: its whole price is idle cost, booked to the platform's cost center. */
const idleNode = (dollarsPerCoreHour: number) => [
  { series: 'node_cpu_hourly_cost{job="opencost",node="n1",instance="opencost:9003"}', values: `${dollarsPerCoreHour}x200` },
  { series: 'kube_node_status_capacity{job="kube-state-metrics",node="n1",resource="cpu",unit="core"}', values: "4x200" },
];

export const cases: AlertCase[] = [
  {
    alert: "CostCenterBudgetForecastExceeded",
    name: "fires after 1h when the month's forecast (4 $/h × 24 × 31 days = 2976 $) passes the 1000 $ budget",
    series: idleNode(1),
    evalTime: "2h",
    expect: [{ labels: { cost_center: "ml-platform", severity: "warning" } }],
  },
  {
    alert: "CostCenterBudgetForecastExceeded",
    name: "stays silent under budget (0.04 $/h × 24 × 31 days = 29.76 $)",
    series: idleNode(0.01),
    evalTime: "2h",
    expect: [],
  },
];
