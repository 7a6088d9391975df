/**
 * How many `nvidia.com/gpu` units the GPU pools can offer at their maximum size. Time-slicing advertises
 * `replicas` units per physical GPU; with MIG under the mixed strategy a pool offers `nvidia.com/mig-*`
 * resources instead, so it adds nothing to `nvidia.com/gpu`.
 */
import { maxGpusPerNode } from "../instance-types";

export interface GpuPoolShape {
  readonly name: string;
  readonly role: string;
  readonly instanceTypes: readonly string[];
  readonly maxSize: number;
  readonly gpuSharing?: { readonly mode: string; readonly replicas?: number };
}

export interface PoolGpuCapacity {
  readonly pool: string;
  readonly units: number;
  readonly formula: string;
}

export function gpuCapacity(pools: readonly GpuPoolShape[], migStrategy: "none" | "single" | "mixed"): PoolGpuCapacity[] {
  return pools
    .filter((p) => p.role === "gpu")
    .map((p) => {
      const perNode = maxGpusPerNode(p.instanceTypes);
      const sharing = p.gpuSharing ?? { mode: "exclusive" };
      if (sharing.mode === "mig" && migStrategy === "mixed") return { pool: p.name, units: 0, formula: "MIG slices (nvidia.com/mig-*)" };
      const replicas = sharing.mode === "time-slicing" ? (sharing.replicas ?? 1) : 1;
      const units = p.maxSize * perNode * replicas;
      return { pool: p.name, units, formula: `${p.maxSize} × ${perNode}${replicas > 1 ? ` × ${replicas} slices` : ""}` };
    });
}

export const totalGpuUnits = (capacity: readonly PoolGpuCapacity[]): number => capacity.reduce((n, c) => n + c.units, 0);
