/**
 * Defaults per environment tier, and the resolution of a parsed stack config into the fully specified
 * `PlatformConfig` the components receive. Every default is visible here, in one table.
 */
import { DEFAULT_SERVICE_CIDR } from "../domain/cidr";
import type { Environment, GpuSharing, NodePoolInput, StackConfigInput, Taint } from "./schema";
import { EKS_LOG_TYPES } from "./schema";
import { GIB, parseQuantity } from "./quantity";
import { resolveTeam, type TeamConfig } from "./teams";
import { resolveStorage, type StorageConfig } from "./storage";
import { resolveServices, type ServicesConfig } from "./services";
import { resolveGuardrails, type GuardrailsConfig } from "./guardrails";
import { resolveQueues, type QueuesConfig } from "./queues";
import { resolveAccess, type AccessConfig } from "./access";
import { resolveCosts, type CostsConfig } from "./costs";
import { resolveObservability, type ObservabilityConfig } from "./observability";
import { resolveAlerting, type AlertingConfig } from "./alerting";
import { resolveLogging, type LoggingConfig } from "./logging";
import { DEFAULT_LIFECYCLE } from "../domain/bucket-lifecycle";

export interface TierDefaults {
  readonly minAvailabilityZones: number;
  readonly natGateways: "single" | "perAz";
  readonly flowLogs: boolean;
  readonly flowLogRetentionDays: number;
  readonly clusterLogTypes: readonly (typeof EKS_LOG_TYPES)[number][];
  readonly clusterLogRetentionDays: number;
  /** CloudWatch Logs retention of the container log groups (logging, EKS). */
  readonly containerLogRetentionDays: number;
  readonly protect: boolean;
}

export const TIER_DEFAULTS: Readonly<Record<Environment, TierDefaults>> = {
  local: {
    minAvailabilityZones: 0,
    natGateways: "single",
    flowLogs: false,
    flowLogRetentionDays: 7,
    clusterLogTypes: [],
    clusterLogRetentionDays: 7,
    containerLogRetentionDays: 7,
    protect: false,
  },
  dev: {
    minAvailabilityZones: 2,
    natGateways: "single",
    flowLogs: true,
    flowLogRetentionDays: 30,
    clusterLogTypes: ["api", "audit", "authenticator"],
    clusterLogRetentionDays: 30,
    containerLogRetentionDays: 30,
    protect: false,
  },
  staging: {
    minAvailabilityZones: 2,
    natGateways: "perAz",
    flowLogs: true,
    flowLogRetentionDays: 90,
    clusterLogTypes: ["api", "audit", "authenticator"],
    clusterLogRetentionDays: 90,
    containerLogRetentionDays: 90,
    protect: false,
  },
  prod: {
    minAvailabilityZones: 3,
    natGateways: "perAz",
    flowLogs: true,
    flowLogRetentionDays: 365,
    clusterLogTypes: EKS_LOG_TYPES,
    clusterLogRetentionDays: 365,
    containerLogRetentionDays: 365,
    protect: true,
  },
};

/** EKS's default service CIDR when none is configured. */
export { DEFAULT_SERVICE_CIDR };
export const DEFAULT_DISK_SIZE = { system: "50Gi", cpu: "100Gi", gpu: "200Gi" } as const;

export interface NodePoolConfig {
  readonly name: string;
  readonly role: "system" | "cpu" | "gpu";
  readonly instanceTypes: readonly string[];
  readonly capacityType: "on-demand" | "spot";
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  readonly diskSizeGiB: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly gpuSharing: GpuSharing;
}

export interface EksClusterConfig {
  readonly kind: "eks";
  readonly name: string;
  readonly version: string;
  readonly serviceCidr: string;
  readonly endpointPublicAccess: boolean;
  readonly publicAccessCidrs: readonly string[];
  readonly logTypes: readonly string[];
  readonly logRetentionDays: number;
  readonly admins: readonly string[];
  readonly protect: boolean;
}

export interface ExistingClusterConfig {
  readonly kind: "existing";
  readonly name: string;
  readonly version: string;
  readonly kubeconfig?: string;
  readonly context: string;
}

export interface NetworkConfig {
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly natGateways: "single" | "perAz";
  readonly flowLogs: { readonly enabled: boolean; readonly retentionDays: number };
}

export interface GpuConfig {
  readonly enabled: boolean;
  readonly driver: "preinstalled" | "operator";
  readonly toolkit: "preinstalled" | "operator";
  readonly migStrategy: "none" | "single" | "mixed";
  readonly defaultSharing: GpuSharing;
  readonly dcgmExporter: boolean;
}

export interface AwsConfig {
  readonly region: string;
  readonly allowedAccountIds?: readonly string[];
}

interface CommonConfig {
  readonly environment: Environment;
  readonly costCenter: string;
  readonly owner: string;
  /** Cost and ownership tags for every taggable AWS resource (provider defaultTags). */
  readonly tags: Readonly<Record<string, string>>;
  readonly nodePools: readonly NodePoolConfig[];
  readonly gpu: GpuConfig;
  readonly teams: readonly TeamConfig[];
  readonly storage: StorageConfig;
  readonly services: ServicesConfig;
  readonly guardrails: GuardrailsConfig;
  readonly queues: QueuesConfig;
  /** Undefined: no gateway, no routes, no identity provider. */
  readonly access?: AccessConfig;
  readonly costs: CostsConfig;
  /** Prometheus and Alertmanager volumes, retention, replicas and remote write. */
  readonly observability: ObservabilityConfig;
  /** Undefined: no receivers, every alert is dropped (refused in prod). */
  readonly alerting?: AlertingConfig;
  readonly logging: LoggingConfig;
}

/** A platform on an EKS cluster it creates: the AWS account, region and VPC are known by type. */
export interface EksPlatformConfig extends CommonConfig {
  readonly cluster: EksClusterConfig;
  readonly aws: AwsConfig;
  readonly network: NetworkConfig;
}

/** A platform on a cluster that exists already (kind, on-prem): no AWS at all. */
export interface ExistingPlatformConfig extends CommonConfig {
  readonly cluster: ExistingClusterConfig;
  readonly aws?: undefined;
  readonly network?: undefined;
}

/** The resolved config, one shape per cluster kind; `isEksPlatform` tells them apart. */
export type PlatformConfig = EksPlatformConfig | ExistingPlatformConfig;

export const isEksPlatform = (cfg: PlatformConfig): cfg is EksPlatformConfig => cfg.cluster.kind === "eks";

function resolvePool(pool: NodePoolInput): NodePoolConfig {
  const disk = parseQuantity(pool.diskSize ?? DEFAULT_DISK_SIZE[pool.role]) ?? 0;
  return {
    name: pool.name,
    role: pool.role,
    instanceTypes: pool.instanceTypes,
    capacityType: pool.capacityType ?? "on-demand",
    minSize: pool.minSize,
    desiredSize: pool.desiredSize ?? pool.minSize,
    maxSize: pool.maxSize,
    diskSizeGiB: disk / GIB,
    labels: pool.labels ?? {},
    taints: pool.taints ?? [],
    gpuSharing: pool.gpuSharing ?? { mode: "exclusive" },
  };
}

/** Whether any pool or the default sharing uses MIG, which needs a MIG strategy other than none. */
export function usesMig(input: { readonly nodePools?: readonly (NodePoolInput | undefined)[]; readonly gpu?: StackConfigInput["gpu"] }): boolean {
  return (input.nodePools ?? []).some((p) => p?.gpuSharing?.mode === "mig") || input.gpu?.defaultSharing?.mode === "mig";
}

/** Fills every default. Call only on a config that passed the schema and the semantic checks. */
export function resolveConfig(input: StackConfigInput): PlatformConfig {
  const tier = TIER_DEFAULTS[input.environment];
  const pools = (input.nodePools ?? []).map(resolvePool);
  const c = input.cluster;
  const g = input.gpu ?? {};
  const onEks = c.kind === "eks";
  const queues = resolveQueues(input.queues);
  const common: CommonConfig = {
    environment: input.environment,
    costCenter: input.costCenter,
    owner: input.owner,
    tags: {
      env: input.environment,
      team: "platform",
      "cost-center": input.costCenter,
      owner: input.owner,
      "managed-by": "pulumi",
    },
    nodePools: pools,
    gpu: {
      enabled: g.enabled ?? pools.some((p) => p.role === "gpu"),
      // The EKS AL2023 NVIDIA AMI ships driver and toolkit; an existing cluster may not.
      driver: g.driver ?? (onEks ? "preinstalled" : "operator"),
      toolkit: g.toolkit ?? (onEks ? "preinstalled" : "operator"),
      migStrategy: g.migStrategy ?? (usesMig(input) ? "mixed" : "none"),
      defaultSharing: g.defaultSharing ?? { mode: "exclusive" },
      dcgmExporter: g.dcgmExporter ?? true,
    },
    teams: (input.teams ?? []).map((t) =>
      resolveTeam(
        t,
        queues.priorities.map((p) => p.name),
      ),
    ),
    storage: resolveStorage(input.storage, input.environment, onEks, DEFAULT_LIFECYCLE),
    services: resolveServices(input.services, input.environment, onEks, onEks ? input.storage?.backup?.recoveryRegion : undefined),
    guardrails: resolveGuardrails(input.guardrails),
    queues,
    access: resolveAccess(input.access),
    costs: resolveCosts(input.costs, onEks),
    observability: resolveObservability(input.observability, input.environment),
    alerting: resolveAlerting(input.alerting),
    logging: resolveLogging(input.logging, tier.containerLogRetentionDays, onEks),
  };
  if (c.kind !== "eks") return { ...common, cluster: { kind: "existing", name: c.name, version: c.version, kubeconfig: c.kubeconfig, context: c.context } };
  // semantic.ts reports an EKS stack without aws or network; reaching here without them is a bug, not bad input.
  if (input.aws === undefined || input.network === undefined) throw new Error("resolveConfig: an EKS config without aws or network passed validation");
  return {
    ...common,
    aws: input.aws,
    network: {
      vpcCidr: input.network.vpcCidr,
      availabilityZones: input.network.availabilityZones,
      natGateways: input.network.natGateways ?? tier.natGateways,
      flowLogs: {
        enabled: input.network.flowLogs?.enabled ?? tier.flowLogs,
        retentionDays: input.network.flowLogs?.retentionDays ?? tier.flowLogRetentionDays,
      },
    },
    cluster: {
      kind: "eks",
      name: c.name,
      version: c.version,
      serviceCidr: c.serviceCidr ?? DEFAULT_SERVICE_CIDR,
      endpointPublicAccess: c.endpoint?.publicAccess ?? false,
      publicAccessCidrs: c.endpoint?.publicAccessCidrs ?? [],
      logTypes: c.logging?.types ?? tier.clusterLogTypes,
      logRetentionDays: c.logging?.retentionDays ?? tier.clusterLogRetentionDays,
      admins: c.admins,
      protect: c.protect ?? tier.protect,
    },
  };
}
