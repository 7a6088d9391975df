/**
 * Rules about node pools and GPUs: sizes within EKS's managed node group quotas, the one system pool, instance
 * types per role, disk sizes, reserved label and taint keys, GPU sharing and the MIG strategy.
 */
import { GIB, parseQuantity } from "./quantity";
import type { Problem } from "./problems";
import type { NodePoolInput, StackConfigInput } from "./schema";
import { GPU_INSTANCE_FAMILIES, instanceType } from "../domain/instance-types";

/** What the pool rules read of the config, once its cluster section parsed. */
export interface PoolRulesInput {
  readonly environment: StackConfigInput["environment"];
  readonly cluster: StackConfigInput["cluster"];
  readonly gpu?: StackConfigInput["gpu"];
  readonly nodePools?: readonly (NodePoolInput | undefined)[];
  /** Sections that failed their schema. */
  readonly unparsed?: ReadonlySet<string>;
}

const problem = (path: string, message: string): Problem => ({ path, message });

/**
 * AWS's default quotas for EKS managed node groups ("Amazon EKS service quotas": nodes per managed node group,
 * managed node groups per cluster). Both can be raised with a quota request, after which these bounds move too.
 */
export const EKS_MANAGED_NODE_GROUP_LIMITS = { nodesPerGroup: 450, groupsPerCluster: 30 } as const;

/** Pools that all parsed, or undefined: sums over a list with a broken item would be wrong either way. */
export function completePools(cfg: PoolRulesInput): readonly NodePoolInput[] | undefined {
  const pools = cfg.nodePools;
  // Absent or broken: sums over pools would be 0 or too low, so capacity is unknown, not empty.
  if (pools === undefined || cfg.unparsed?.has("nodePools")) return undefined;
  return pools.every((p): p is NodePoolInput => p !== undefined) ? pools : undefined;
}

/** CPU and memory of every pool at its maximum size, with its largest instance type. */
export function clusterCapacity(pools: readonly NodePoolInput[]): { cpu: number; memory: number; formula: string } | undefined {
  let cpu = 0;
  let memory = 0;
  const parts: string[] = [];
  for (const p of pools) {
    const types = p.instanceTypes.map(instanceType).filter((t) => t !== undefined);
    if (types.length < p.instanceTypes.length) return undefined;
    const vcpu = Math.max(...types.map((t) => t.vcpu));
    const mem = Math.max(...types.map((t) => t.memoryGiB));
    cpu += p.maxSize * vcpu;
    memory += p.maxSize * mem * GIB;
    parts.push(`${p.name} ${p.maxSize} × ${vcpu} vCPU/${mem}Gi`);
  }
  return { cpu, memory, formula: `node pools at maxSize: ${parts.join(", ")}` };
}

export function nodePoolProblems(cfg: PoolRulesInput): Problem[] {
  const pools = cfg.nodePools;
  if (!pools || cfg.cluster.kind !== "eks") return [];
  const out: Problem[] = [];
  // A pool that failed its schema may be the system pool: count only over a complete list.
  const systemPools = pools.filter((p) => p?.role === "system").length;
  if (completePools(cfg) && systemPools !== 1) out.push(problem("nodePools", `needs exactly one pool with role "system" (found ${systemPools})`));
  const limit = EKS_MANAGED_NODE_GROUP_LIMITS.groupsPerCluster;
  if (pools.length > limit)
    out.push(problem("nodePools", `${pools.length} pools; EKS allows ${limit} managed node groups per cluster (default service quota)`));
  const seen = new Map<string, number>();
  pools.forEach((pool, i) => {
    if (pool === undefined) return;
    const first = seen.get(pool.name);
    if (first !== undefined) out.push(problem(`nodePools[${i}].name`, `"${pool.name}" is already the name of nodePools[${first}]`));
    else seen.set(pool.name, i);
    out.push(...poolProblems(cfg, pool, `nodePools[${i}]`));
  });
  return out;
}

/** Label keys under prefixes that Kubernetes, NVIDIA's operator or the platform own. */
const reservedKey = (key: string): boolean =>
  /(^|\.)(kubernetes\.io|k8s\.io)\//.test(key) || key.startsWith("nvidia.com/") || key.startsWith("mlops.platform/");

/**
 * Taint keys something else sets and removes on its own: the node lifecycle and cloud controllers
 * (node.kubernetes.io/not-ready, node.cloudprovider.kubernetes.io/uninitialized …), cluster-autoscaler
 * while it drains, and the platform. A pool that set one would be cleared or fought over. Other keys
 * (nvidia.com/gpu, node-role.kubernetes.io/…) are the pool's own to choose.
 */
const RESERVED_TAINT_PREFIXES = ["node.kubernetes.io/", "node.cloudprovider.kubernetes.io/", "mlops.platform/"];
const AUTOSCALER_TAINTS = ["ToBeDeletedByClusterAutoscaler", "DeletionCandidateOfClusterAutoscaler"];
const reservedTaintKey = (key: string): boolean => RESERVED_TAINT_PREFIXES.some((p) => key.startsWith(p)) || AUTOSCALER_TAINTS.includes(key);

/** The largest root volume EBS gives a gp3 volume. */
const LARGEST_ROOT_VOLUME = 16 * 1024 * GIB;

export function poolProblems(cfg: Pick<StackConfigInput, "environment">, pool: NodePoolInput, at: string): Problem[] {
  const out: Problem[] = [];
  const desired = pool.desiredSize ?? pool.minSize;
  const most = EKS_MANAGED_NODE_GROUP_LIMITS.nodesPerGroup;
  if (pool.maxSize > most) {
    out.push(
      problem(
        `${at}.maxSize`,
        `${pool.maxSize} is beyond the ${most} nodes EKS allows in one managed node group (default service quota); split the capacity over several pools or lower it`,
      ),
    );
  }
  if (pool.minSize > pool.maxSize) out.push(problem(`${at}.minSize`, `${pool.minSize} is greater than maxSize ${pool.maxSize}`));
  else if (desired < pool.minSize || desired > pool.maxSize) {
    out.push(problem(`${at}.desiredSize`, `${desired} is outside minSize..maxSize (${pool.minSize}..${pool.maxSize})`));
  }
  if (pool.role === "system") {
    if (pool.minSize < 1) out.push(problem(`${at}.minSize`, "the system pool cannot scale to zero: cluster add-ons and the autoscaler run there"));
    if (cfg.environment === "prod" && pool.minSize < 2) out.push(problem(`${at}.minSize`, "prod runs at least 2 system nodes, one per AZ"));
    if (cfg.environment === "prod" && pool.capacityType === "spot") out.push(problem(`${at}.capacityType`, "the prod system pool runs on-demand"));
  }
  pool.instanceTypes.forEach((name, j) => {
    const t = instanceType(name);
    const path = `${at}.instanceTypes[${j}]`;
    if (!t) out.push(problem(path, `"${name}" is not in the instance catalogue (domain/instance-types.ts)`));
    else if (pool.role === "gpu" && t.gpus === 0) {
      out.push(problem(path, `${name} has no GPU; GPU pools take the GPU families ${GPU_INSTANCE_FAMILIES.join(", ")}`));
    } else if (pool.role !== "gpu" && t.gpus > 0) out.push(problem(path, `${name} is a GPU instance type; put it in a pool with role "gpu"`));
  });
  const models = [...new Set(pool.instanceTypes.map((n) => instanceType(n)?.gpuModel).filter((m): m is string => m !== undefined))];
  if (pool.role === "gpu" && models.length > 1) {
    out.push(
      problem(
        `${at}.instanceTypes`,
        `mixes GPU models ${models.join(" and ")}; a pool holds one model so its accelerator label, capacity and sharing config stay true`,
      ),
    );
  }
  const sharing = pool.gpuSharing;
  if (sharing && sharing.mode !== "exclusive" && pool.role !== "gpu") out.push(problem(`${at}.gpuSharing`, "only GPU pools share GPUs"));
  if (sharing?.mode === "mig") {
    for (const name of pool.instanceTypes) {
      const t = instanceType(name);
      if (t && t.gpus > 0 && !t.migCapable) out.push(problem(`${at}.gpuSharing.profile`, `MIG needs A100, H100 or H200 GPUs; ${name} has ${t.gpuModel}`));
    }
  }
  if (pool.diskSize !== undefined) {
    const bytes = parseQuantity(pool.diskSize);
    if (bytes !== undefined && !Number.isInteger(bytes / GIB)) out.push(problem(`${at}.diskSize`, `"${pool.diskSize}" is not a whole number of Gi`));
    else if (bytes !== undefined && bytes < 20 * GIB) out.push(problem(`${at}.diskSize`, `"${pool.diskSize}" is below the 20Gi a node image needs`));
    else if (bytes !== undefined && bytes > LARGEST_ROOT_VOLUME)
      out.push(problem(`${at}.diskSize`, `"${pool.diskSize}" is above the 16Ti an EBS gp3 root volume can hold`));
  }
  for (const key of Object.keys(pool.labels ?? {})) {
    if (reservedKey(key)) out.push(problem(`${at}.labels."${key}"`, "uses a prefix reserved for Kubernetes, NVIDIA or the platform"));
  }
  (pool.taints ?? []).forEach((t, j) => {
    if (reservedTaintKey(t.key)) {
      out.push(
        problem(
          `${at}.taints[${j}].key`,
          `${t.key} is a taint Kubernetes, cluster-autoscaler or the platform sets and clears on its own; choose a key of your own`,
        ),
      );
    }
  });
  return out;
}

export function gpuProblems(cfg: PoolRulesInput): Problem[] {
  const out: Problem[] = [];
  const g = cfg.gpu ?? {};
  const pools = cfg.nodePools ?? [];
  if (cfg.cluster.kind === "eks") {
    if (g.driver === "operator") out.push(problem("gpu.driver", 'EKS GPU pools run the AL2023 NVIDIA AMI, which ships the driver: use "preinstalled"'));
    if (g.toolkit === "operator")
      out.push(problem("gpu.toolkit", 'EKS GPU pools run the AL2023 NVIDIA AMI, which ships the container toolkit: use "preinstalled"'));
  }
  const gpuPool = pools.findIndex((p) => p?.role === "gpu");
  if (g.enabled === false && gpuPool >= 0) {
    out.push(problem("gpu.enabled", `is false, but nodePools[${gpuPool}] is a GPU pool whose GPUs Kubernetes would not see`));
  }
  const migPool = pools.findIndex((p) => p?.gpuSharing?.mode === "mig");
  const usesMig = migPool >= 0 || g.defaultSharing?.mode === "mig";
  if (usesMig && g.migStrategy === "none") {
    out.push(problem("gpu.migStrategy", `is "none", but ${migPool >= 0 ? `nodePools[${migPool}]` : "gpu.defaultSharing"} uses MIG`));
  }
  // The single strategy advertises one MIG size as nvidia.com/gpu; all-balanced cuts several sizes.
  const balanced = pools.findIndex((p) => p?.gpuSharing?.mode === "mig" && p.gpuSharing.profile === "all-balanced");
  if (balanced >= 0 && g.migStrategy === "single") {
    out.push(
      problem(
        "gpu.migStrategy",
        `is "single", but nodePools[${balanced}] uses all-balanced, which cuts MIG devices of several sizes; use "mixed", or a uniform profile such as all-1g.10gb`,
      ),
    );
  }
  return out;
}
