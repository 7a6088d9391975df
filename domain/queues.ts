/**
 * The Kueue model of the platform, derived from typed config only: a ResourceFlavor per GPU pool, a ClusterQueue
 * per team in one cohort, a LocalQueue in each team's namespace. Pure: the same functions
 * feed the objects (charts/queues), the config rules (config/queue-rules.ts) and the team report.
 */
import { GPU_RESOURCE, poolGpuOffer, type GpuPoolShape, type GpuUnit, type MigStrategy, type PoolGpuOffer } from "./gpu-capacity";
import { migResource } from "./mig-layouts";

/** The label a workload names its LocalQueue with (Kueue's). */
export const QUEUE_NAME_LABEL = "kueue.x-k8s.io/queue-name";
/** The label a workload names its WorkloadPriorityClass with (Kueue's). */
export const PRIORITY_CLASS_LABEL = "kueue.x-k8s.io/priority-class";
/** On every namespace whose workloads Kueue manages: the name of its LocalQueue. Kueue and the queue guardrail select on it. */
export const NAMESPACE_QUEUE_LABEL = "mlops.platform/queue";
/** On the same namespaces: the GPU pools (flavors) its queue may use, comma-separated, for the guardrail. */
export const NAMESPACE_GPU_POOLS_ANNOTATION = "mlops.platform/gpu-pools";
/** On the same namespaces: the priority classes its workloads may name, comma-separated. */
export const NAMESPACE_PRIORITIES_ANNOTATION = "mlops.platform/queue-priorities";
/** The label every platform node carries with its pool's name (components/nodes). */
export const POOL_LABEL = "mlops.platform/pool";
/** The taint every GPU node carries (components/nodes), so only pods that asked for GPUs land there. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } as const;
/** The flavor of CPU and memory: any node. A GPU pool may not take this name. */
export const CPU_FLAVOR = "default";
/** On an existing cluster the GPU nodes are no pool of ours: one flavor for all of them, on the GPU operator's node label. */
export const EXISTING_CLUSTER_GPU_POOL = "gpus";
export const EXISTING_CLUSTER_GPU_LABEL = { "nvidia.com/gpu.present": "true" } as const;
/** Kueue's integrations the platform turns on: Jobs (and CronJobs' Jobs), and plain pods (pipeline steps, serving). */
export const KUEUE_FRAMEWORKS = ["batch/job", "pod"] as const;

export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface QueuePool extends GpuPoolShape {
  readonly taints?: readonly { readonly key: string; readonly value?: string; readonly effect: Toleration["effect"] }[];
}

export interface QueuePlatform {
  readonly clusterKind: "eks" | "existing";
  readonly nodePools: readonly QueuePool[];
  readonly migStrategy: MigStrategy;
  /** Sharing of GPU nodes outside any pool: all of an existing cluster's. */
  readonly defaultSharing: { readonly mode: string; readonly replicas?: number; readonly profile?: string };
}

export interface GpuFlavor {
  readonly name: string;
  readonly unit: GpuUnit;
  readonly nodeLabels: Readonly<Record<string, string>>;
  /** Added to a workload's pods when Kueue admits it on this flavor, so nobody writes GPU tolerations by hand. */
  readonly tolerations: readonly Toleration[];
  readonly offer: PoolGpuOffer;
}

const toleration = (taint: { key: string; value?: string; effect: Toleration["effect"] }): Toleration =>
  taint.value === undefined
    ? { key: taint.key, operator: "Exists", effect: taint.effect }
    : { key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect };

/** On an existing cluster the GPU count is unknown; the resource names follow from the sharing mode. */
function existingClusterOffer(platform: QueuePlatform): PoolGpuOffer {
  const sharing = platform.defaultSharing;
  const pool = EXISTING_CLUSTER_GPU_POOL;
  const formula = "unknown: the cluster's GPU nodes are not declared in the config";
  if (sharing.mode === "mig" && platform.migStrategy !== "none") {
    const size = /^all-(\d+g\.\d+gb)$/.exec(sharing.profile ?? "")?.[1];
    if (!size)
      return {
        pool,
        unit: "mig-instance",
        resources: [],
        problem: `${sharing.profile ?? ""} cuts MIG sizes that depend on the GPU model, which an existing cluster's config does not name`,
      };
    return {
      pool,
      unit: "mig-instance",
      resources: [{ resource: platform.migStrategy === "mixed" ? migResource(size) : GPU_RESOURCE, formula, migSize: size }],
    };
  }
  return { pool, unit: sharing.mode === "time-slicing" ? "time-slice" : "gpu", resources: [{ resource: GPU_RESOURCE, formula }] };
}

/** One flavor per GPU pool, in config order (Kueue tries flavors in this order). */
export function gpuFlavors(platform: QueuePlatform): GpuFlavor[] {
  if (platform.clusterKind === "existing") {
    const offer = existingClusterOffer(platform);
    return [
      {
        name: EXISTING_CLUSTER_GPU_POOL,
        unit: offer.unit,
        nodeLabels: { ...EXISTING_CLUSTER_GPU_LABEL },
        tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" }],
        offer,
      },
    ];
  }
  return platform.nodePools
    .filter((p) => p.role === "gpu")
    .map((pool) => {
      const offer = poolGpuOffer(pool, platform.migStrategy);
      return {
        name: pool.name,
        unit: offer.unit,
        nodeLabels: { [POOL_LABEL]: pool.name },
        tolerations: [toleration(GPU_TAINT), ...(pool.taints ?? []).map(toleration)],
        offer,
      };
    });
}

/** A share of one pool, nominal given as one number or per MIG size. */
export interface Share {
  readonly pool: string;
  readonly nominal: number | Readonly<Record<string, number>>;
  readonly borrowingLimit?: number;
  readonly lendingLimit?: number;
}

/** The nominal units per resource a share means on its flavor, or why it means nothing. */
export function shareResources(share: Share, flavor: GpuFlavor): { resource: string; nominal: number }[] | { problem: string } {
  const resources = flavor.offer.resources;
  if (typeof share.nominal === "number") {
    if (resources.length === 1) return [{ resource: resources[0]?.resource ?? GPU_RESOURCE, nominal: share.nominal }];
    const sizes = resources.map((r) => r.migSize).join(", ");
    return {
      problem: `pool ${flavor.name} cuts MIG instances of several sizes (${sizes}): give nominal per size, e.g. { ${resources.map((r) => `"${r.migSize}": 1`).join(", ")} }`,
    };
  }
  const bySize = new Map(resources.map((r) => [r.migSize, r.resource]));
  const out: { resource: string; nominal: number }[] = [];
  for (const [size, units] of Object.entries(share.nominal)) {
    const resource = bySize.get(size);
    if (resource === undefined) {
      const offered = resources.flatMap((r) => (r.migSize ? [r.migSize] : []));
      return {
        problem: `pool ${flavor.name} has no MIG ${size} instances${offered.length ? ` (it cuts ${offered.join(", ")})` : " (it is not a MIG pool: give one number)"}`,
      };
    }
    out.push({ resource, nominal: units });
  }
  return out;
}

/** What a holder's shares give it of `resource` on `flavor`: 0 without a share there or with one whose form the pool does not take. */
export function nominalOf(shares: readonly Share[], flavor: GpuFlavor, resource: string): number {
  const share = shares.find((s) => s.pool === flavor.name);
  const resources = share ? shareResources(share, flavor) : undefined;
  return resources && !("problem" in resources) ? (resources.find((r) => r.resource === resource)?.nominal ?? 0) : 0;
}

export interface QueueHolder {
  /** ClusterQueue name: the team's name. */
  readonly name: string;
  readonly namespace: string;
  readonly cpu: string;
  readonly memory: string;
  readonly gpu: readonly Share[];
}

export interface FlavorQuota {
  readonly name: string;
  readonly resources: readonly { readonly name: string; readonly nominalQuota: string; readonly borrowingLimit?: string; readonly lendingLimit?: string }[];
}
export interface ResourceGroup {
  readonly coveredResources: readonly string[];
  readonly flavors: readonly FlavorQuota[];
}

/**
 * The holder's resource groups: CPU and memory on the any-node flavor, which nobody borrows or lends (the namespace's
 * ResourceQuota bounds them anyway); then its GPU flavors grouped so that a resource and a flavor each sit in one
 * group (Kueue's rule): flavors sharing a resource (nvidia.com/gpu, or one MIG size) share a group, and each lists
 * every resource of its group, 0 where its pool has none. Shares whose resources cannot be derived are left out:
 * the config rules report them before anything is planned.
 */
export function resourceGroups(holder: QueueHolder, flavors: readonly GpuFlavor[]): ResourceGroup[] {
  const byName = new Map(flavors.map((f) => [f.name, f]));
  const entries = holder.gpu.flatMap((share) => {
    const flavor = byName.get(share.pool);
    const resources = flavor ? shareResources(share, flavor) : undefined;
    return flavor && resources && !("problem" in resources) ? [{ share, flavor, nominal: new Map(resources.map((r) => [r.resource, r.nominal])) }] : [];
  });
  // Flavors in config order (the order Kueue tries them); a group is the connected set over shared resources.
  const ordered = flavors.flatMap((f) => entries.filter((e) => e.flavor.name === f.name));
  const groups: { resources: Set<string>; members: typeof ordered }[] = [];
  for (const entry of ordered) {
    const mine = new Set(entry.flavor.offer.resources.map((r) => r.resource));
    const touching = groups.filter((g) => [...mine].some((r) => g.resources.has(r)));
    const merged = { resources: new Set([...mine, ...touching.flatMap((g) => [...g.resources])]), members: [...touching.flatMap((g) => g.members), entry] };
    for (const g of touching) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  const cpuMemory: ResourceGroup = {
    coveredResources: ["cpu", "memory"],
    flavors: [
      {
        name: CPU_FLAVOR,
        resources: [
          { name: "cpu", nominalQuota: holder.cpu, borrowingLimit: "0", lendingLimit: "0" },
          { name: "memory", nominalQuota: holder.memory, borrowingLimit: "0", lendingLimit: "0" },
        ],
      },
    ],
  };
  const gpuGroups = groups.map((g) => {
    const covered = [...g.resources].sort();
    const members = flavors.flatMap((f) => g.members.filter((m) => m.flavor.name === f.name));
    return {
      coveredResources: covered,
      flavors: members.map(({ share, flavor, nominal }) => ({
        name: flavor.name,
        resources: covered.map((resource) => {
          // The pool's own resources take the share's limits, sizes the share left out included (nominal 0);
          // a resource this pool does not have is never borrowed on its flavor.
          const offered = flavor.offer.resources.some((r) => r.resource === resource);
          const mine = nominal.get(resource) ?? 0;
          // Kueue wants lendingLimit ≤ nominalQuota; lending more than one holds means lending all of it.
          const lending = share.lendingLimit === undefined ? undefined : Math.min(share.lendingLimit, mine);
          return {
            name: resource,
            nominalQuota: String(mine),
            ...(offered ? limit("borrowingLimit", share.borrowingLimit) : { borrowingLimit: "0" }),
            ...(offered ? limit("lendingLimit", lending) : {}),
          };
        }),
      })),
    };
  });
  return [cpuMemory, ...gpuGroups];
}

const limit = (key: "borrowingLimit" | "lendingLimit", value: number | undefined) => (value === undefined ? {} : { [key]: String(value) });
