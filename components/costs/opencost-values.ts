/** Values for the upstream OpenCost chart: our static overrides plus the price source and placement of the stack. */
import { SYSTEM_POOL_PLACEMENT } from "../../charts/kube";
import { loadValuesFile, mergeValues, type Values } from "../../charts/values";
import type { CustomPrices } from "../../config/costs";

/** The Helm release name: the chart names its Deployment, Service and ServiceAccount after it ("opencost"). */
export const OPENCOST_RELEASE = "opencost";
/** The chart's selector labels of the OpenCost pod (its `opencost.selectorLabels` for this release). */
export const OPENCOST_POD_LABELS = { "app.kubernetes.io/name": "opencost", "app.kubernetes.io/instance": OPENCOST_RELEASE } as const;
/** The exporter's API port: /metrics (scraped by Prometheus) and the allocation API. */
export const OPENCOST_API_PORT = 9003;
/** The ConfigMap OpenCost watches for custom prices (the chart's default `customPricing.configmapName`). */
export const OPENCOST_PRICING_CONFIGMAP = "custom-pricing-model";

/**
 * Hours per month in OpenCost's custom pricing: the ConfigMap's CPU, spotCPU, RAM, spotRAM, GPU and storage are
 * monthly prices, divided by 730 when OpenCost reads the ConfigMap (ProviderConfig.UpdateFromMap,
 * pkg/cloud/provider/providerconfig.go), which gives the hourly figures its custom provider uses.
 */
export const OPENCOST_HOURS_PER_MONTH = 730;

/** A dollar amount as the chart writes it into the ConfigMap: a decimal string, without float noise. */
const dollars = (amount: number): string => String(Number(amount.toPrecision(12)));

/**
 * The chart's `customPricing.costModel` from our prices: per core, GiB and GPU per month, storage per GiB per month.
 * Spot prices equal on-demand ones (an existing cluster has no spot market; no spot label is configured) and network
 * egress is not priced (OpenCost's network-costs daemon is not installed): zero, not the chart's sample figures.
 */
export function customPricingCostModel(prices: CustomPrices): Record<string, string> {
  const cpu = dollars(prices.cpuCoreHour * OPENCOST_HOURS_PER_MONTH);
  const ram = dollars(prices.memoryGiBHour * OPENCOST_HOURS_PER_MONTH);
  return {
    description: "The stack's own prices (costs.allocation.prices)",
    CPU: cpu,
    spotCPU: cpu,
    RAM: ram,
    spotRAM: ram,
    GPU: dollars(prices.gpuHour * OPENCOST_HOURS_PER_MONTH),
    storage: dollars(prices.storageGiBMonth),
    zoneNetworkEgress: "0",
    regionNetworkEgress: "0",
    internetNetworkEgress: "0",
  };
}

export interface OpenCostValuesArgs {
  /** The cluster's name: OpenCost's cluster id, as the metrics and the allocation API label it. */
  readonly clusterName: string;
  /**
   * Where prices come from. `aws`: OpenCost's AWS provider, which reads AWS's public on-demand price list over HTTPS
   * (spot nodes are priced on demand without the spot data feed; reserved and savings-plan rates need the CUR via
   * Athena, neither configured here). `custom`: the stack's own prices.
   */
  readonly pricing: { readonly kind: "aws" } | { readonly kind: "custom"; readonly prices: CustomPrices };
  /** Schedule OpenCost on the system pool (EKS) instead of any node. @default false */
  readonly systemPool?: boolean;
  /** Labels on the OpenCost pod (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

export function opencostValues(args: OpenCostValuesArgs): Values {
  const custom =
    args.pricing.kind === "custom"
      ? {
          customPricing: {
            enabled: true,
            configmapName: OPENCOST_PRICING_CONFIGMAP,
            createConfigmap: true,
            provider: "custom",
            costModel: customPricingCostModel(args.pricing.prices),
          },
        }
      : {};
  // OpenCost picks its price source from the nodes' providerID (aws, gce, azure, ...) and uses the custom table only
  // when told to: an existing cluster that runs in a cloud would otherwise get that cloud's list prices.
  const customProvider = args.pricing.kind === "custom" ? { extraEnv: { USE_CUSTOM_PROVIDER: "true" } } : {};
  return mergeValues(loadValuesFile("opencost"), {
    podLabels: { ...args.labels },
    opencost: {
      exporter: { defaultClusterId: args.clusterName, ...customProvider },
      ...custom,
      ...(args.systemPool ? SYSTEM_POOL_PLACEMENT : {}),
    },
  });
}
