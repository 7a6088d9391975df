/**
 * What a GPU pool offers at its maximum size, per resource and in which unit. Exclusive pools offer whole GPUs as
 * `nvidia.com/gpu`; time-sliced pools offer `replicas` slices per GPU under the same name; MIG pools offer MIG
 * instances: as `nvidia.com/mig-<size>` under the mixed strategy, as `nvidia.com/gpu` under the single one.
 */
import { instanceType, maxGpusPerNode } from "./instance-types";
import { migLayout, migProfiles, migResource, type GpuKind, type MigLayout } from "./mig-layouts";

export const GPU_RESOURCE = "nvidia.com/gpu";

export interface GpuPoolShape {
  readonly name: string;
  readonly role: string;
  readonly instanceTypes: readonly string[];
  readonly maxSize: number;
  readonly gpuSharing?: { readonly mode: string; readonly replicas?: number; readonly profile?: string };
}

export type MigStrategy = "none" | "single" | "mixed";

/** What one unit of a pool's quota is. */
export type GpuUnit = "gpu" | "time-slice" | "mig-instance";

export const UNIT_WORDS: Readonly<Record<GpuUnit, string>> = {
  gpu: "a whole GPU",
  "time-slice": "a time slice of a shared GPU",
  "mig-instance": "a MIG instance (an isolated slice of a GPU)",
};

export interface PoolGpuResource {
  readonly resource: string;
  /** Units at maxSize; undefined when the pool's GPUs are not known well enough to count. */
  readonly units?: number;
  /** How the units come about: "2 nodes (maxSize) × 8 GPUs per node × 7 MIG 1g.10gb instances per GPU". */
  readonly formula: string;
  /** The MIG instance size, for MIG pools. */
  readonly migSize?: string;
}

export interface PoolGpuOffer {
  readonly pool: string;
  readonly unit: GpuUnit;
  readonly resources: readonly PoolGpuResource[];
  /** Why the pool's offer cannot be derived (a profile the GPU model does not have); resources is then empty. */
  readonly problem?: string;
}

/** The one GPU kind of a pool's instance types, or a problem when they differ or are unknown. */
export function poolGpuKind(instanceTypes: readonly string[]): GpuKind | { problem: string } {
  const kinds = new Map<string, GpuKind>();
  for (const name of instanceTypes) {
    const t = instanceType(name);
    if (t?.gpuModel !== undefined && t.gpuMemoryGiB !== undefined)
      kinds.set(`${t.gpuModel}/${t.gpuMemoryGiB}`, { model: t.gpuModel, memoryGiB: t.gpuMemoryGiB });
  }
  if (kinds.size === 1) return [...kinds.values()][0] ?? { problem: "no GPU instance type" };
  if (kinds.size === 0) return { problem: "no GPU instance type it can count" };
  return { problem: `mixes GPUs of different memory sizes (${[...kinds.keys()].join(", ")}), whose MIG layouts differ` };
}

/** The MIG layout of a pool's profile on its GPU kind, or why there is none. */
export function poolMigLayout(pool: Pick<GpuPoolShape, "instanceTypes">, profile: string): { layout: MigLayout } | { problem: string } {
  const kind = poolGpuKind(pool.instanceTypes);
  if ("problem" in kind) return kind;
  const layout = migLayout(kind, profile);
  if (layout) return { layout };
  return {
    problem: `${profile} is not a MIG profile the GPU operator cuts on ${kind.model} ${kind.memoryGiB}GB GPUs (it offers ${migProfiles(kind).join(", ")})`,
  };
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

export function poolGpuOffer(pool: GpuPoolShape, migStrategy: MigStrategy): PoolGpuOffer {
  const perNode = maxGpusPerNode(pool.instanceTypes);
  const base = `${plural(pool.maxSize, "node")} (maxSize) × ${plural(perNode, "GPU")} per node`;
  const sharing = pool.gpuSharing ?? { mode: "exclusive" };
  if (sharing.mode === "mig" && migStrategy !== "none") {
    const mig = poolMigLayout(pool, sharing.profile ?? "");
    if ("problem" in mig) return { pool: pool.name, unit: "mig-instance", resources: [], problem: mig.problem };
    const resources = Object.entries(mig.layout).map(([size, perGpu]) => ({
      resource: migStrategy === "mixed" ? migResource(size) : GPU_RESOURCE,
      units: pool.maxSize * perNode * perGpu,
      formula: `${base} × ${perGpu} MIG ${size} instance${perGpu === 1 ? "" : "s"} per GPU`,
      migSize: size,
    }));
    return { pool: pool.name, unit: "mig-instance", resources };
  }
  const replicas = sharing.mode === "time-slicing" ? (sharing.replicas ?? 1) : 1;
  const formula = `${base}${replicas > 1 ? ` × ${replicas} time slices per GPU` : ""}`;
  return {
    pool: pool.name,
    unit: replicas > 1 ? "time-slice" : "gpu",
    resources: [{ resource: GPU_RESOURCE, units: pool.maxSize * perNode * replicas, formula }],
  };
}

/** Per node: the MIG resources a node of the pool advertises, for cluster-autoscaler's node-template tags. */
export function migResourcesPerNode(pool: Pick<GpuPoolShape, "instanceTypes">, profile: string): Record<string, number> {
  const mig = poolMigLayout(pool, profile);
  // The smallest instance type of the pool: the autoscaler must not promise more than any node brings.
  const gpus = Math.min(...pool.instanceTypes.map((n) => instanceType(n)?.gpus ?? 0));
  if ("problem" in mig || gpus === 0) return {};
  return Object.fromEntries(Object.entries(mig.layout).map(([size, perGpu]) => [migResource(size), gpus * perGpu]));
}
