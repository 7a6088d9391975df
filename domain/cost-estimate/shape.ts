/**
 * The parts of a resolved stack config the estimator reads. The resolved config (config/defaults.ts
 * PlatformConfig) has this shape; it is restated here because the domain layer imports nothing above it.
 */
export interface PoolShape {
  readonly name: string;
  readonly role: string;
  readonly instanceTypes: readonly string[];
  readonly capacityType: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly diskSizeGiB: number;
  readonly gpuSharing?: { readonly mode: string; readonly replicas?: number; readonly profile?: string };
}

export interface TeamShape {
  readonly name: string;
  readonly costCenter: string;
  readonly quota: {
    readonly cpu: string;
    readonly memory: string;
    readonly storage: string;
    readonly gpu: readonly { readonly pool: string; readonly nominal: number | Readonly<Record<string, number>>; readonly borrowingLimit?: number }[];
  };
}

export interface EstimateInput {
  readonly cluster: { readonly kind: string };
  readonly aws?: { readonly region: string };
  readonly network?: { readonly availabilityZones: readonly string[]; readonly natGateways: "single" | "perAz" };
  readonly nodePools: readonly PoolShape[];
  readonly gpu: {
    readonly migStrategy: "none" | "single" | "mixed";
    /** How an existing cluster's GPUs are shared: what one unit of quota is worth in GPUs. */
    readonly defaultSharing?: { readonly mode: string; readonly replicas?: number; readonly profile?: string };
  };
  /** An existing cluster's own prices (`costs.allocation.prices`), which price its teams' ceilings. */
  readonly costs?: {
    readonly allocation: {
      readonly prices?: { readonly cpuCoreHour: number; readonly memoryGiBHour: number; readonly gpuHour: number; readonly storageGiBMonth: number };
    };
  };
  readonly teams: readonly TeamShape[];
  readonly services: {
    readonly database?: { readonly kind: string; readonly instanceClass?: string; readonly storageGiB: number; readonly multiAz?: boolean };
    readonly feast: { readonly enabled: boolean; readonly onlineStore: { readonly nodeType: string; readonly nodes: number } };
    readonly pipelines: { readonly enabled: boolean };
  };
  readonly storage: {
    readonly sharedFiles: { readonly enabled: boolean };
    readonly scratch: {
      readonly enabled: boolean;
      readonly deploymentType: string;
      readonly storageCapacityGiB: number;
      readonly perUnitStorageThroughput?: number;
    };
  };
}

/** One line of an estimate: a priced amount, or the reason it is unpriced. */
export interface CostLine {
  /** Stable key, for differences: "nodes:system", "team:recsys:gpu:gpu". */
  readonly key: string;
  readonly item: string;
  /** How the amount comes about (counts, types, unit prices). */
  readonly basis: string;
  /** Dollars per month; undefined when unpriced. */
  readonly monthlyUsd?: number;
  /** Why there is no amount (the catalogue has no sourced price for the product). */
  readonly unpriced?: string;
}

/** A price the stack needs and the catalogue lacks, for a type it does price in other cases: an error. */
export interface MissingPrice {
  readonly region: string;
  readonly product: string;
  readonly type: string;
  readonly usedBy: string;
}

export interface TeamCeiling {
  readonly team: string;
  readonly costCenter: string;
  readonly lines: readonly CostLine[];
  /** Sum of the priced lines. */
  readonly monthlyUsd: number;
}

export interface Estimate {
  readonly region?: string;
  /** What the stack runs whatever the load. */
  readonly lines: readonly CostLine[];
  /** Sum of the priced always-running lines. */
  readonly monthlyUsd: number;
  readonly teams: readonly TeamCeiling[];
  readonly missing: readonly MissingPrice[];
  /** Set when the stack cannot be estimated at all (an existing cluster). */
  readonly note?: string;
}
