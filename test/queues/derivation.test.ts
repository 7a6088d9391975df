/**
 * The Kueue model derived from typed config (domain/queues.ts): a flavor per GPU pool, what a share means per
 * resource, and a queue's resource groups under Kueue's rules (a resource and a flavor each in one group, every
 * flavor of a group listing the group's resources in order).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { gpuFlavors, resourceGroups, shareResources, type GpuFlavor, type QueueHolder, type Share } from "../../domain/queues";
import { eksPlatform, existingPlatform, POOLS, SYSTEM_POOL } from "./queue-fixtures";

const flavorsOf = (...pools: (keyof typeof POOLS)[]) => gpuFlavors(eksPlatform([SYSTEM_POOL, ...pools.map((p) => POOLS[p])]));
const flavor = (name: keyof typeof POOLS): GpuFlavor => {
  const [only] = flavorsOf(name);
  if (!only) throw new Error(`no flavor ${name}`);
  return only;
};
const holder = (gpu: Share[]): QueueHolder => ({ name: "vision", namespace: "vision", cpu: "16", memory: "64Gi", gpu });
const GPU_TOLERATION = { key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" } as const;

describe("gpuFlavors", () => {
  it("EKS: one flavor per GPU pool in config order, on the pool's label, tolerating the GPU taint and the pool's own", () => {
    const tainted = {
      ...POOLS.shared,
      taints: [
        { key: "team", value: "vision", effect: "NoSchedule" as const },
        { key: "dedicated", effect: "NoExecute" as const },
      ],
    };
    const flavors = gpuFlavors(eksPlatform([POOLS.whole, SYSTEM_POOL, tainted, { ...POOLS.train, role: "cpu" }]));
    expect(flavors.map((f) => f.name)).toEqual(["whole", "shared"]);
    expect(flavors[1]).toMatchObject({
      name: "shared",
      unit: "time-slice",
      nodeLabels: { "mlops.platform/pool": "shared" },
      tolerations: [
        GPU_TOLERATION,
        { key: "team", operator: "Equal", value: "vision", effect: "NoSchedule" },
        // A taint without a value is tolerated with Exists: Equal would need a value to match.
        { key: "dedicated", operator: "Exists", effect: "NoExecute" },
      ],
    });
    expect(flavors[0]?.tolerations).toEqual([GPU_TOLERATION]);
    expect(flavors[0]?.offer.resources.map((r) => [r.resource, r.units])).toEqual([["nvidia.com/gpu", 4]]);
  });

  it("an existing cluster: one flavor gpus on the GPU operator's node label, capacity unknown", () => {
    expect(gpuFlavors(existingPlatform())).toEqual([
      {
        name: "gpus",
        unit: "gpu",
        nodeLabels: { "nvidia.com/gpu.present": "true" },
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        offer: {
          pool: "gpus",
          unit: "gpu",
          resources: [{ resource: "nvidia.com/gpu", formula: "unknown: the cluster's GPU nodes are not declared in the config" }],
        },
      },
    ]);
  });

  it("an existing cluster's sharing decides its unit and resource; a MIG profile of several sizes cannot be named", () => {
    expect(gpuFlavors(existingPlatform({ mode: "time-slicing", replicas: 4 }))[0]?.unit).toBe("time-slice");
    const uniform = gpuFlavors(existingPlatform({ mode: "mig", profile: "all-1g.10gb" }, "mixed"))[0];
    expect(uniform?.offer.resources.map((r) => [r.resource, r.units, r.migSize])).toEqual([["nvidia.com/mig-1g.10gb", undefined, "1g.10gb"]]);
    expect(gpuFlavors(existingPlatform({ mode: "mig", profile: "all-1g.10gb" }, "single"))[0]?.offer.resources[0]?.resource).toBe("nvidia.com/gpu");
    expect(gpuFlavors(existingPlatform({ mode: "mig", profile: "all-balanced" }, "mixed"))[0]?.offer).toEqual({
      pool: "gpus",
      unit: "mig-instance",
      resources: [],
      problem: "all-balanced cuts MIG sizes that depend on the GPU model, which an existing cluster's config does not name",
    });
  });
});

describe("shareResources", () => {
  it("a number on a pool of one resource: that resource", () => {
    expect(shareResources({ pool: "shared", nominal: 3 }, flavor("shared"))).toEqual([{ resource: "nvidia.com/gpu", nominal: 3 }]);
    expect(shareResources({ pool: "train", nominal: 28 }, flavor("train"))).toEqual([{ resource: "nvidia.com/mig-1g.10gb", nominal: 28 }]);
  });

  it("per MIG size: one resource per size given, on a pool of several sizes or one", () => {
    expect(shareResources({ pool: "balanced", nominal: { "3g.40gb": 1, "1g.10gb": 4, "2g.20gb": 2 } }, flavor("balanced"))).toEqual([
      { resource: "nvidia.com/mig-3g.40gb", nominal: 1 },
      { resource: "nvidia.com/mig-1g.10gb", nominal: 4 },
      { resource: "nvidia.com/mig-2g.20gb", nominal: 2 },
    ]);
    expect(shareResources({ pool: "train", nominal: { "1g.10gb": 5 } }, flavor("train"))).toEqual([{ resource: "nvidia.com/mig-1g.10gb", nominal: 5 }]);
  });

  it("a number on a pool of several MIG sizes: a problem showing the per-size form", () => {
    expect(shareResources({ pool: "balanced", nominal: 4 }, flavor("balanced"))).toEqual({
      problem:
        'pool balanced cuts MIG instances of several sizes (1g.10gb, 2g.20gb, 3g.40gb): give nominal per size, e.g. { "1g.10gb": 1, "2g.20gb": 1, "3g.40gb": 1 }',
    });
  });

  it("a size the pool does not cut, or sizes on a pool without MIG: a problem", () => {
    expect(shareResources({ pool: "train", nominal: { "3g.40gb": 1 } }, flavor("train"))).toEqual({
      problem: "pool train has no MIG 3g.40gb instances (it cuts 1g.10gb)",
    });
    expect(shareResources({ pool: "whole", nominal: { "1g.10gb": 1 } }, flavor("whole"))).toEqual({
      problem: "pool whole has no MIG 1g.10gb instances (it is not a MIG pool: give one number)",
    });
  });
});

const CPU_GROUP = {
  coveredResources: ["cpu", "memory"],
  flavors: [
    {
      name: "default",
      resources: [
        { name: "cpu", nominalQuota: "16", borrowingLimit: "0", lendingLimit: "0" },
        { name: "memory", nominalQuota: "64Gi", borrowingLimit: "0", lendingLimit: "0" },
      ],
    },
  ],
};

describe("resourceGroups", () => {
  it("a team without GPUs: only CPU and memory on flavor default, neither borrowed nor lent", () => {
    expect(resourceGroups(holder([]), flavorsOf("shared", "train"))).toEqual([CPU_GROUP]);
  });

  it("time-sliced and exclusive pools share nvidia.com/gpu: one group, flavors in config order, limits as strings", () => {
    const groups = resourceGroups(
      holder([
        { pool: "whole", nominal: 1, lendingLimit: 0 },
        { pool: "shared", nominal: 3, borrowingLimit: 2 },
      ]),
      flavorsOf("shared", "whole"),
    );
    expect(groups).toEqual([
      CPU_GROUP,
      {
        coveredResources: ["nvidia.com/gpu"],
        flavors: [
          { name: "shared", resources: [{ name: "nvidia.com/gpu", nominalQuota: "3", borrowingLimit: "2" }] },
          { name: "whole", resources: [{ name: "nvidia.com/gpu", nominalQuota: "1", lendingLimit: "0" }] },
        ],
      },
    ]);
  });

  it("MIG pools of the mixed strategy get a group per MIG resource they do not share", () => {
    const groups = resourceGroups(
      holder([
        { pool: "shared", nominal: 2 },
        { pool: "train", nominal: 28, borrowingLimit: 28 },
        { pool: "large", nominal: 4, lendingLimit: 2 },
      ]),
      flavorsOf("shared", "train", "large"),
    );
    expect(groups.slice(1)).toEqual([
      { coveredResources: ["nvidia.com/gpu"], flavors: [{ name: "shared", resources: [{ name: "nvidia.com/gpu", nominalQuota: "2" }] }] },
      {
        coveredResources: ["nvidia.com/mig-1g.10gb"],
        flavors: [{ name: "train", resources: [{ name: "nvidia.com/mig-1g.10gb", nominalQuota: "28", borrowingLimit: "28" }] }],
      },
      {
        coveredResources: ["nvidia.com/mig-3g.40gb"],
        flavors: [{ name: "large", resources: [{ name: "nvidia.com/mig-3g.40gb", nominalQuota: "4", lendingLimit: "2" }] }],
      },
    ]);
  });

  it("pools sharing a MIG size merge (transitively): each flavor lists every covered resource, 0 and no borrowing where its pool has none", () => {
    const groups = resourceGroups(
      holder([
        { pool: "large", nominal: 4 },
        { pool: "train", nominal: 10, borrowingLimit: 5, lendingLimit: 3 },
        { pool: "balanced", nominal: { "1g.10gb": 8, "2g.20gb": 4, "3g.40gb": 2 }, borrowingLimit: 1 },
      ]),
      // train and large share nothing; balanced shares 1g.10gb with train and 3g.40gb with large.
      flavorsOf("train", "large", "balanced"),
    );
    const covered = ["nvidia.com/mig-1g.10gb", "nvidia.com/mig-2g.20gb", "nvidia.com/mig-3g.40gb"];
    expect(groups).toEqual([
      CPU_GROUP,
      {
        coveredResources: covered,
        flavors: [
          {
            name: "train",
            resources: [
              { name: covered[0], nominalQuota: "10", borrowingLimit: "5", lendingLimit: "3" },
              { name: covered[1], nominalQuota: "0", borrowingLimit: "0" },
              { name: covered[2], nominalQuota: "0", borrowingLimit: "0" },
            ],
          },
          {
            name: "large",
            resources: [
              { name: covered[0], nominalQuota: "0", borrowingLimit: "0" },
              { name: covered[1], nominalQuota: "0", borrowingLimit: "0" },
              { name: covered[2], nominalQuota: "4" },
            ],
          },
          {
            name: "balanced",
            resources: [
              { name: covered[0], nominalQuota: "8", borrowingLimit: "1" },
              { name: covered[1], nominalQuota: "4", borrowingLimit: "1" },
              { name: covered[2], nominalQuota: "2", borrowingLimit: "1" },
            ],
          },
        ],
      },
    ]);
  });

  it("sizes of its pool a share leaves out get nominal 0 and the share's own limits; lending is capped at each nominal", () => {
    const [, group] = resourceGroups(holder([{ pool: "balanced", nominal: { "1g.10gb": 8 }, borrowingLimit: 2, lendingLimit: 4 }]), flavorsOf("balanced"));
    expect(group?.flavors).toEqual([
      {
        name: "balanced",
        resources: [
          // Kueue refuses a lendingLimit above the nominal quota; lending 4 of 0 is lending nothing.
          { name: "nvidia.com/mig-1g.10gb", nominalQuota: "8", borrowingLimit: "2", lendingLimit: "4" },
          { name: "nvidia.com/mig-2g.20gb", nominalQuota: "0", borrowingLimit: "2", lendingLimit: "0" },
          { name: "nvidia.com/mig-3g.40gb", nominalQuota: "0", borrowingLimit: "2", lendingLimit: "0" },
        ],
      },
    ]);
  });

  it("leaves out shares of unknown pools and shares whose resources cannot be derived (the config rules report them)", () => {
    const groups = resourceGroups(
      holder([
        { pool: "nope", nominal: 1 },
        { pool: "balanced", nominal: 3 },
      ]),
      flavorsOf("balanced"),
    );
    expect(groups).toEqual([CPU_GROUP]);
  });
});

/** A share of `pool` in a form its flavor takes: a number, or per size on MIG pools (every size it cuts). */
function arbShare(target: GpuFlavor): fc.Arbitrary<Share> {
  const units = fc.integer({ min: 0, max: 50 });
  const sizes = target.offer.resources.flatMap((r) => (r.migSize ? [r.migSize] : []));
  const perSize = fc.tuple(...sizes.map(() => units)).map((counts) => Object.fromEntries(sizes.map((s, i) => [s, counts[i] ?? 0])));
  const nominal: fc.Arbitrary<Share["nominal"]> = target.offer.resources.length > 1 ? perSize : sizes.length === 1 ? fc.oneof(units, perSize) : units;
  return fc.record(
    { pool: fc.constant(target.name), nominal, borrowingLimit: units, lendingLimit: fc.integer({ min: 0, max: 3 }) },
    { requiredKeys: ["pool", "nominal"] },
  );
}

const ALL_FLAVORS = gpuFlavors(eksPlatform([SYSTEM_POOL, ...Object.values(POOLS)]));
const arbCase = fc
  .shuffledSubarray(ALL_FLAVORS, { minLength: 0 })
  .chain((chosen) => fc.record({ flavors: fc.constant(ALL_FLAVORS.filter((f) => chosen.includes(f))), shares: fc.tuple(...chosen.map(arbShare)) }));

const nominalsOf = (share: Share, target: GpuFlavor | undefined) => {
  const resources = target ? shareResources(share, target) : { problem: "no flavor" };
  if ("problem" in resources) throw new Error(resources.problem);
  return resources;
};

describe("resourceGroups (properties)", () => {
  it("(a) every resource and every flavor of the queue sits in exactly one group", () => {
    fc.assert(
      fc.property(arbCase, ({ flavors, shares }) => {
        const groups = resourceGroups(holder(shares), flavors);
        const resources = groups.flatMap((g) => g.coveredResources);
        const flavorNames = groups.flatMap((g) => g.flavors.map((f) => f.name));
        expect(new Set(resources).size).toBe(resources.length);
        expect(new Set(flavorNames).size).toBe(flavorNames.length);
        expect(flavorNames.sort()).toEqual(["default", ...shares.map((s) => s.pool)].sort());
        const offered = shares.flatMap((s) => flavors.find((f) => f.name === s.pool)?.offer.resources.map((r) => r.resource) ?? []);
        expect(new Set(resources)).toEqual(new Set(["cpu", "memory", ...offered]));
      }),
    );
  });

  it("(b) every flavor of a group lists exactly the group's covered resources, in order", () => {
    fc.assert(
      fc.property(arbCase, ({ flavors, shares }) => {
        for (const group of resourceGroups(holder(shares), flavors)) {
          expect(group.flavors.length).toBeGreaterThan(0);
          for (const f of group.flavors) expect(f.resources.map((r) => r.name)).toEqual(group.coveredResources);
        }
      }),
    );
  });

  it("(c) each share's nominal per resource is its flavor's, so the queue's GPU nominal sums to the shares'", () => {
    fc.assert(
      fc.property(arbCase, ({ flavors, shares }) => {
        const groups = resourceGroups(holder(shares), flavors);
        const entries = groups.slice(1).flatMap((g) => g.flavors);
        let shareSum = 0;
        for (const share of shares) {
          const entry = entries.find((e) => e.name === share.pool);
          for (const { resource, nominal } of nominalsOf(
            share,
            flavors.find((f) => f.name === share.pool),
          )) {
            expect(entry?.resources.find((r) => r.name === resource)?.nominalQuota).toBe(String(nominal));
            shareSum += nominal;
          }
        }
        const queueSum = entries.flatMap((e) => e.resources).reduce((n, r) => n + Number(r.nominalQuota), 0);
        expect(queueSum).toBe(shareSum);
      }),
    );
  });
});
