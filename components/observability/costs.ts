/**
 * What the observability chart's cost objects are built from: the `costs` config section, the stack's cost center and
 * the shared costs the estimator prices.
 */
import type { CostObservabilityProps } from "../../charts/observability";
import type { SharedCostItem } from "../../charts/observability/cost-budgets";
import type { CostsConfig } from "../../config/costs";

export interface ObservabilityCostsArgs {
  /** The resolved `costs` section: nothing cost-related is added unless `allocation.enabled`. */
  readonly config: CostsConfig;
  /** The stack's cost center (the platform team's). */
  readonly platformCostCenter: string;
  /** Monthly costs no node carries (control plane, NAT gateways, databases, caches, file systems, root disks), from the estimator. */
  readonly sharedCosts: readonly SharedCostItem[];
  /** Date of the prices behind `sharedCosts`. @default none */
  readonly priceDate?: string;
}

/** The chart's cost props, or undefined when cost allocation is off. */
export function costObservabilityProps(args: ObservabilityCostsArgs | undefined): CostObservabilityProps | undefined {
  if (!args?.config.allocation.enabled) return undefined;
  return {
    idle: args.config.allocation.idle,
    platformCostCenter: args.platformCostCenter,
    budgets: args.config.budgets.map((b) => ({ costCenter: b.costCenter, monthlyUsd: b.monthlyUsd })),
    sharedCosts: args.sharedCosts,
    priceDate: args.priceDate,
  };
}
