/**
 * What a GPU pool offers at its maximum size (domain/gpu-capacity.ts): per resource, in which unit, and the formula
 * the config rules and `npm run check` print. MIG counts come from NVIDIA's mig-parted layouts per GPU model, which
 * this file restates independently (gpu-operator v26.7.0, assets/state-mig-manager/0400_configmap.yaml).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { GPU_RESOURCE, poolGpuKind, poolGpuOffer, poolMigLayout, type GpuPoolShape, type MigStrategy, type PoolGpuOffer } from "../../domain/gpu-capacity";
import { migProfiles } from "../../domain/mig-layouts";
import { gpuFlavors, type QueuePlatform, type QueuePool } from "../../domain/queues";

const gpuPool = (over: Partial<GpuPoolShape>): GpuPoolShape => ({ name: "p", role: "gpu", instanceTypes: ["g5.xlarge"], maxSize: 2, ...over });
const mig = (instanceTypes: string[], profile: string, maxSize = 1) => gpuPool({ instanceTypes, maxSize, gpuSharing: { mode: "mig", profile } });
const totalUnits = (offers: readonly PoolGpuOffer[]) => offers.reduce((n, o) => n + o.resources.reduce((m, r) => m + (r.units ?? 0), 0), 0);

describe("poolGpuOffer: whole GPUs and time slices", () => {
  it("exclusive: maxSize × the most GPUs any instance type of the pool has, as nvidia.com/gpu", () => {
    expect(poolGpuOffer(gpuPool({ instanceTypes: ["g5.xlarge", "g5.12xlarge"], maxSize: 3 }), "none")).toEqual({
      pool: "p",
      unit: "gpu",
      resources: [{ resource: "nvidia.com/gpu", units: 12, formula: "3 nodes (maxSize) × 4 GPUs per node" }],
    });
  });

  it("says node and GPU in the singular when there is one", () => {
    expect(poolGpuOffer(gpuPool({ instanceTypes: ["g6.xlarge"], maxSize: 1 }), "mixed").resources).toEqual([
      { resource: "nvidia.com/gpu", units: 1, formula: "1 node (maxSize) × 1 GPU per node" },
    ]);
  });

  it("exclusive is the default when the pool names no sharing", () => {
    const offer = poolGpuOffer(gpuPool({ instanceTypes: ["p4d.24xlarge"], maxSize: 2 }), "mixed");
    expect(offer.unit).toBe("gpu");
    expect(offer.resources.map((r) => [r.resource, r.units])).toEqual([["nvidia.com/gpu", 16]]);
  });

  it("time-sliced: × replicas slices per GPU, still nvidia.com/gpu, and a unit is a slice", () => {
    expect(poolGpuOffer(gpuPool({ instanceTypes: ["g6.xlarge", "g6.2xlarge"], gpuSharing: { mode: "time-slicing", replicas: 4 } }), "none")).toEqual({
      pool: "p",
      unit: "time-slice",
      resources: [{ resource: "nvidia.com/gpu", units: 8, formula: "2 nodes (maxSize) × 1 GPU per node × 4 time slices per GPU" }],
    });
  });

  it("a MIG pool under migStrategy none offers whole GPUs (the operator cuts nothing)", () => {
    const offer = poolGpuOffer(mig(["p5.48xlarge"], "all-1g.10gb", 2), "none");
    expect(offer).toEqual({ pool: "p", unit: "gpu", resources: [{ resource: GPU_RESOURCE, units: 16, formula: "2 nodes (maxSize) × 8 GPUs per node" }] });
  });
});

describe("poolGpuOffer: MIG", () => {
  it("mixed strategy: one nvidia.com/mig-<size> resource, maxSize × GPUs × instances per GPU", () => {
    expect(poolGpuOffer(mig(["p5.48xlarge"], "all-1g.10gb", 2), "mixed")).toEqual({
      pool: "p",
      unit: "mig-instance",
      resources: [
        {
          resource: "nvidia.com/mig-1g.10gb",
          units: 112,
          formula: "2 nodes (maxSize) × 8 GPUs per node × 7 MIG 1g.10gb instances per GPU",
          migSize: "1g.10gb",
        },
      ],
    });
  });

  it("single strategy: the same instances advertised as nvidia.com/gpu", () => {
    expect(poolGpuOffer(mig(["p5.48xlarge"], "all-2g.20gb", 2), "single")).toEqual({
      pool: "p",
      unit: "mig-instance",
      resources: [
        { resource: "nvidia.com/gpu", units: 48, formula: "2 nodes (maxSize) × 8 GPUs per node × 3 MIG 2g.20gb instances per GPU", migSize: "2g.20gb" },
      ],
    });
  });

  it("all-balanced: one resource per size, each with its own count and formula (singular for one per GPU)", () => {
    expect(poolGpuOffer(mig(["p5.48xlarge"], "all-balanced"), "mixed").resources).toEqual([
      {
        resource: "nvidia.com/mig-1g.10gb",
        units: 16,
        formula: "1 node (maxSize) × 8 GPUs per node × 2 MIG 1g.10gb instances per GPU",
        migSize: "1g.10gb",
      },
      { resource: "nvidia.com/mig-2g.20gb", units: 8, formula: "1 node (maxSize) × 8 GPUs per node × 1 MIG 2g.20gb instance per GPU", migSize: "2g.20gb" },
      { resource: "nvidia.com/mig-3g.40gb", units: 8, formula: "1 node (maxSize) × 8 GPUs per node × 1 MIG 3g.40gb instance per GPU", migSize: "3g.40gb" },
    ]);
  });

  it("all-1g.10gb cuts 4 per 40 GB A100 but 7 per 80 GB A100: not floor(7 / slices)", () => {
    const a100at40 = poolGpuOffer(mig(["p4d.24xlarge"], "all-1g.10gb"), "mixed");
    const a100at80 = poolGpuOffer(mig(["p4de.24xlarge"], "all-1g.10gb"), "mixed");
    expect(a100at40.resources.map((r) => [r.resource, r.units])).toEqual([["nvidia.com/mig-1g.10gb", 32]]);
    expect(a100at40.resources[0]?.formula).toBe("1 node (maxSize) × 8 GPUs per node × 4 MIG 1g.10gb instances per GPU");
    expect(a100at80.resources.map((r) => [r.resource, r.units])).toEqual([["nvidia.com/mig-1g.10gb", 56]]);
  });

  it("names sizes after the model's memory: all-balanced on a 40 GB A100 is 1g.5gb, 2g.10gb, 3g.20gb", () => {
    expect(poolGpuOffer(mig(["p4d.24xlarge"], "all-balanced"), "mixed").resources.map((r) => [r.resource, r.units])).toEqual([
      ["nvidia.com/mig-1g.5gb", 16],
      ["nvidia.com/mig-2g.10gb", 8],
      ["nvidia.com/mig-3g.20gb", 8],
    ]);
  });

  it("a profile the pool's GPU model does not have: no resources, and a problem naming the model and its profiles", () => {
    expect(poolGpuOffer(mig(["p5e.48xlarge"], "all-1g.10gb"), "mixed")).toEqual({
      pool: "p",
      unit: "mig-instance",
      resources: [],
      problem:
        "all-1g.10gb is not a MIG profile the GPU operator cuts on H200 141GB GPUs (it offers all-1g.18gb, all-1g.35gb, all-2g.35gb, all-3g.71gb, all-4g.71gb, all-7g.141gb, all-balanced)",
    });
    expect(poolGpuOffer(mig(["p4d.24xlarge"], "all-7g.80gb"), "single").problem).toBe(
      "all-7g.80gb is not a MIG profile the GPU operator cuts on A100 40GB GPUs (it offers all-1g.5gb, all-1g.10gb, all-2g.10gb, all-3g.20gb, all-4g.20gb, all-7g.40gb, all-balanced)",
    );
  });

  it("a MIG pool mixing 40 GB and 80 GB A100s has no one layout: a problem, no resources", () => {
    expect(poolGpuOffer(mig(["p4d.24xlarge", "p4de.24xlarge"], "all-1g.10gb"), "mixed")).toEqual({
      pool: "p",
      unit: "mig-instance",
      resources: [],
      problem: "mixes GPUs of different memory sizes (A100/40, A100/80), whose MIG layouts differ",
    });
    // Whole GPUs do not care about the layout: the same pool exclusive is counted.
    expect(poolGpuOffer(gpuPool({ instanceTypes: ["p4d.24xlarge", "p4de.24xlarge"], maxSize: 1 }), "mixed").resources[0]?.units).toBe(8);
  });

  it("poolGpuKind and poolMigLayout: one kind per pool, or why not", () => {
    expect(poolGpuKind(["p5.4xlarge", "p5.48xlarge"])).toEqual({ model: "H100", memoryGiB: 80 });
    expect(poolGpuKind(["m6i.large"])).toEqual({ problem: "no GPU instance type it can count" });
    expect(poolMigLayout({ instanceTypes: ["p5.48xlarge"] }, "all-3g.40gb")).toEqual({ layout: { "3g.40gb": 2 } });
    expect(migProfiles({ model: "H100", memoryGiB: 80 })).toContain("all-balanced");
    expect(migProfiles({ model: "L4", memoryGiB: 24 })).toEqual([]);
  });
});

/** Instances per GPU by GPU kind and profile (NVIDIA's table, restated), and GPUs per instance type. */
const LAYOUT: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>> = {
  "A100/40": {
    "all-1g.5gb": { "1g.5gb": 7 },
    "all-1g.10gb": { "1g.10gb": 4 },
    "all-3g.20gb": { "3g.20gb": 2 },
    "all-balanced": { "1g.5gb": 2, "2g.10gb": 1, "3g.20gb": 1 },
  },
  "80GB": {
    "all-1g.10gb": { "1g.10gb": 7 },
    "all-2g.20gb": { "2g.20gb": 3 },
    "all-7g.80gb": { "7g.80gb": 1 },
    "all-balanced": { "1g.10gb": 2, "2g.20gb": 1, "3g.40gb": 1 },
  },
  "H200/141": { "all-1g.18gb": { "1g.18gb": 7 }, "all-1g.35gb": { "1g.35gb": 4 }, "all-balanced": { "1g.18gb": 2, "2g.35gb": 1, "3g.71gb": 1 } },
};
const KINDS: readonly { kind: string; types: readonly string[] }[] = [
  { kind: "A100/40", types: ["p4d.24xlarge"] },
  // A 80 GB A100 and an H100 share their geometry; a pool holds one model (pool rules), so they are not mixed here.
  { kind: "80GB", types: ["p5.4xlarge", "p5.48xlarge"] },
  { kind: "80GB", types: ["p4de.24xlarge"] },
  { kind: "H200/141", types: ["p5e.48xlarge"] },
];
const GPUS: Readonly<Record<string, number>> = { "p4d.24xlarge": 8, "p4de.24xlarge": 8, "p5.4xlarge": 1, "p5.48xlarge": 8, "p5e.48xlarge": 8 };
const PROFILES = [...new Set(Object.values(LAYOUT).flatMap((l) => Object.keys(l)))];
const SHARING_TYPES = ["g5.xlarge", "g5.12xlarge", "g6e.48xlarge", "g4dn.metal", "p4d.24xlarge", "p5.48xlarge"];

const arbMigPool = fc
  .record({ group: fc.constantFrom(...KINDS), maxSize: fc.integer({ min: 0, max: 20 }), profile: fc.constantFrom(...PROFILES) })
  .chain(({ group, maxSize, profile }) =>
    fc.subarray([...group.types], { minLength: 1 }).map((instanceTypes) => ({ kind: group.kind, pool: mig(instanceTypes, profile, maxSize), profile })),
  );

const arbPool: fc.Arbitrary<QueuePool> = fc.oneof(
  arbMigPool.map(({ pool }) => pool),
  fc.record({
    name: fc.constantFrom("a", "b", "c"),
    role: fc.constantFrom("gpu", "cpu", "system"),
    instanceTypes: fc.subarray(SHARING_TYPES, { minLength: 1 }),
    maxSize: fc.integer({ min: 0, max: 20 }),
    gpuSharing: fc.option(
      fc.oneof(fc.record({ mode: fc.constant("time-slicing"), replicas: fc.integer({ min: 2, max: 8 }) }), fc.record({ mode: fc.constant("exclusive") })),
      { nil: undefined },
    ),
  }),
);
const arbStrategy = fc.constantFrom<MigStrategy>("none", "single", "mixed");
const eks = (nodePools: readonly QueuePool[], migStrategy: MigStrategy): QueuePlatform => ({
  clusterKind: "eks",
  nodePools,
  migStrategy,
  defaultSharing: { mode: "exclusive" },
});

describe("properties", () => {
  it("total units are additive over pools: the offer of a + b is the offer of a plus the offer of b", () => {
    fc.assert(
      fc.property(fc.array(arbPool, { maxLength: 5 }), fc.array(arbPool, { maxLength: 5 }), arbStrategy, (a, b, strategy) => {
        const total = (pools: readonly QueuePool[]) => totalUnits(gpuFlavors(eks(pools, strategy)).map((f) => f.offer));
        expect(total([...a, ...b])).toBe(total(a) + total(b));
        // Only GPU pools offer anything.
        expect(gpuFlavors(eks([...a, ...b], strategy))).toHaveLength([...a, ...b].filter((p) => p.role === "gpu").length);
      }),
    );
  });

  it("MIG units are maxSize × GPUs per node × the layout's count per size; a profile the kind lacks offers nothing", () => {
    fc.assert(
      fc.property(arbMigPool, fc.constantFrom<MigStrategy>("single", "mixed"), ({ kind, pool, profile }, strategy) => {
        const offer = poolGpuOffer(pool, strategy);
        const layout = LAYOUT[kind]?.[profile];
        const perNode = Math.max(...pool.instanceTypes.map((t) => GPUS[t] ?? 0));
        expect(offer.unit).toBe("mig-instance");
        if (!layout) {
          expect(offer.resources).toEqual([]);
          expect(offer.problem).toMatch(new RegExp(`^${profile} is not a MIG profile the GPU operator cuts on `));
          return;
        }
        expect(offer.problem).toBeUndefined();
        expect(Object.fromEntries(offer.resources.map((r) => [r.migSize, r.units]))).toEqual(
          Object.fromEntries(Object.entries(layout).map(([size, count]) => [size, pool.maxSize * perNode * count])),
        );
        for (const r of offer.resources) expect(r.resource).toBe(strategy === "mixed" ? `nvidia.com/mig-${r.migSize}` : "nvidia.com/gpu");
      }),
    );
  });
});
