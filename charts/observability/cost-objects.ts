/**
 * The cost objects of the observability chart, present when cost allocation is on: the money dashboards (sidecar
 * ConfigMaps like the others) and one PrometheusRule with the allocation, budget and shared-cost groups.
 */
import { k8s } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import type { IdleCostOwner } from "../../config/costs";
import { MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { prometheusRule } from "../crds/monitoring";
import { budgetGroup, sharedCostGroup, type BudgetInput, type SharedCostItem } from "./cost-budgets";
import { COST_DASHBOARDS } from "./cost-dashboards";
import { allocationRules } from "./cost-rules";

export interface CostObservabilityProps {
  /** Who carries idle cost (`costs.allocation.idle`). */
  readonly idle: IdleCostOwner;
  /** The stack's cost center: the platform team's, and of namespaces that name none. */
  readonly platformCostCenter: string;
  /** Monthly budgets per cost center (`costs.budgets`). @default [] */
  readonly budgets?: readonly BudgetInput[];
  /** Shared costs the estimator prices (control plane, NAT, databases, caches, file systems). @default [] */
  readonly sharedCosts?: readonly SharedCostItem[];
  /** Date of the prices behind `sharedCosts`, shown beside them. @default none */
  readonly priceDate?: string;
}

export const COST_RULE_NAME = "mlops-platform-costs";
export const COST_ALLOCATION_GROUP = "mlops-cost-allocation";

export function costRuleGroups(props: CostObservabilityProps) {
  const shared = sharedCostGroup(props.sharedCosts ?? [], props.priceDate);
  return [
    { name: COST_ALLOCATION_GROUP, rules: allocationRules(props.idle, props.platformCostCenter) },
    budgetGroup(props.budgets ?? []),
    ...(shared ? [shared] : []),
  ];
}

export function addCostObjects(scope: Construct, props: CostObservabilityProps, dashboardLabel: Readonly<Record<string, string>>): void {
  for (const d of COST_DASHBOARDS) {
    new k8s.KubeConfigMap(scope, `dashboard-${d.uid}`, {
      metadata: { name: `dashboard-${d.uid}`, namespace: MONITORING_NAMESPACE, labels: { ...dashboardLabel } },
      data: { [`${d.uid}.json`]: JSON.stringify(d) },
    });
  }
  prometheusRule(scope, "cost-rules", { name: COST_RULE_NAME, namespace: MONITORING_NAMESPACE }, { groups: costRuleGroups(props) });
}
