/**
 * How many `nvidia.com/gpu` units the GPU pools can offer at their maximum size. Time-slicing advertises
 * `replicas` units per physical GPU; with MIG under the mixed strategy a pool offers `nvidia.com/mig-*`
 * resources instead, so it adds nothing to `nvidia.com/gpu`.
 */
import { maxGpusPerNode } from "./instance-types";

/** MIG instances per GPU for a uniform profile such as all-1g.10gb (7 compute slices per A100/H100/H200 GPU). */
export function migInstancesPerGpu(profile: string): { resource: string; perGpu: number } | undefined {
  const m = /^all-([1-7])g\.(\d+)gb$/.exec(profile);
  if (!m) return undefined;
  return { resource: `nvidia.com/mig-${m[1]}g.${m[2]}gb`, perGpu: Math.floor(7 / Number(m[1])) };
}

export interface GpuPoolShape {
  readonly name: string;
  readonly role: string;
  readonly instanceTypes: readonly string[];
  readonly maxSize: number;
  readonly gpuSharing?: { readonly mode: string; readonly replicas?: number; readonly profile?: string };
}

export interface PoolGpuCapacity {
  readonly pool: string;
  readonly units: number;
  /** How the units come about, in words: "2 nodes (maxSize) × 1 GPU per node × 4 time slices per GPU". */
  readonly formula: string;
  /** A unit of this pool is a time slice of a shared GPU, not a whole GPU. */
  readonly timeSliced?: boolean;
}

export function gpuCapacity(pools: readonly GpuPoolShape[], migStrategy: "none" | "single" | "mixed"): PoolGpuCapacity[] {
  return pools
    .filter((p) => p.role === "gpu")
    .map((p) => {
      const perNode = maxGpusPerNode(p.instanceTypes);
      const sharing = (p.gpuSharing ?? { mode: "exclusive" }) as { mode: string; replicas?: number; profile?: string };
      if (sharing.mode === "mig" && migStrategy === "mixed")
        return { pool: p.name, units: 0, formula: "0 (its MIG slices are nvidia.com/mig-* resources, not nvidia.com/gpu)" };
      // Under the single strategy each MIG instance is advertised as one nvidia.com/gpu.
      const mig = sharing.mode === "mig" && migStrategy === "single" ? migInstancesPerGpu(sharing.profile ?? "") : undefined;
      const base = `${p.maxSize} node${p.maxSize === 1 ? "" : "s"} (maxSize) × ${perNode} GPU${perNode === 1 ? "" : "s"} per node`;
      if (mig) return { pool: p.name, units: p.maxSize * perNode * mig.perGpu, formula: `${base} × ${mig.perGpu} MIG instances per GPU` };
      const replicas = sharing.mode === "time-slicing" ? (sharing.replicas ?? 1) : 1;
      const units = p.maxSize * perNode * replicas;
      return {
        pool: p.name,
        units,
        formula: `${base}${replicas > 1 ? ` × ${replicas} time slices per GPU` : ""}`,
        ...(replicas > 1 ? { timeSliced: true } : {}),
      };
    });
}

export const totalGpuUnits = (capacity: readonly PoolGpuCapacity[]): number => capacity.reduce((n, c) => n + c.units, 0);
