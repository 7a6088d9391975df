/** The cost estimator: always-running lines per resource kind, team ceilings per pool and per quota, missing prices. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { estimateStack, HOURS_PER_MONTH, type CostLine } from "../../domain/cost-estimate";
import { unitsPerNode } from "../../domain/cost-estimate/teams";
import { teamPoolGpus } from "../../domain/cost-estimate/gpu-share";
import { cores, gibibytes } from "../../domain/cost-estimate/quantity";
import type { PriceCatalogue } from "../../domain/prices";
import { fixture, validate } from "../config/fixtures";
import type { PlatformConfig } from "../../config/defaults";

const SOURCE = { source: "test", asOf: "2026-01-01", note: "test" };

/** A catalogue of the test's own: round prices, so the arithmetic is visible. */
const PRICES: PriceCatalogue = {
  asOf: "2026-01-01",
  eksControlPlaneHour: 0.1,
  eksSource: SOURCE,
  regions: {
    "us-east-1": {
      ec2: {
        "m6i.large": 0.1,
        "m6i.xlarge": 0.2,
        "m6i.2xlarge": 0.4,
        "m6i.4xlarge": 0.8,
        "g6.xlarge": 1,
        "g6e.2xlarge": 2,
        "g6e.xlarge": 1.5,
        "p5.48xlarge": 56,
      },
      rds: {
        instanceHour: { "db.t4g.medium": { singleAz: 0.1, multiAz: 0.2 }, "db.r7g.large": { singleAz: 0.3, multiAz: 0.6 } },
        gp3GiBMonth: { singleAz: 0.1, multiAz: 0.2 },
      },
      elasticache: { "cache.t4g.small": 0.02, "cache.r7g.large": 0.2 },
      ebsGp3GiBMonth: 0.1,
      natGatewayHour: 0.05,
      fsxLustreGiBMonth: { SCRATCH_2: 0.1, "PERSISTENT_2/125": 0.2, "PERSISTENT_2/250": 0.3 },
      sources: { ec2: SOURCE },
    },
  },
};

/** The same EC2 prices and nothing else: every other product is unpriced. */
const EC2_ONLY: PriceCatalogue = { ...PRICES, regions: { "us-east-1": { ec2: PRICES.regions["us-east-1"]?.ec2 ?? {}, sources: {} } } };

function resolved(stack: "dev" | "staging" | "prod" | "local", edit: (cfg: any) => void = () => undefined): PlatformConfig {
  const cfg = fixture(stack);
  edit(cfg);
  const result = validate(cfg);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const line = (lines: readonly CostLine[], key: string): CostLine | undefined => lines.find((l) => l.key === key);

describe("estimateStack › always running", () => {
  it("prices each pool's minimum nodes at its first instance type, 730 hours a month", () => {
    const e = estimateStack(resolved("prod"), PRICES);
    const system = line(e.lines, "nodes:system");
    expect(system?.monthlyUsd).toBeCloseTo(3 * 0.2 * HOURS_PER_MONTH);
    expect(line(e.lines, "nodes:cpu")).toBeUndefined(); // minSize 0: nothing always runs
  });

  it("says spot pools are priced at on-demand, an upper bound", () => {
    const e = estimateStack(
      resolved("dev", (c) => (c.nodePools[1].minSize = 1)),
      PRICES,
    );
    expect(line(e.lines, "nodes:cpu")?.basis).toContain("spot, priced at on-demand: an upper bound");
  });

  it("counts one NAT gateway when single, one per AZ otherwise", () => {
    expect(line(estimateStack(resolved("dev"), PRICES).lines, "nat")?.basis).toContain("1 gateway");
    expect(line(estimateStack(resolved("prod"), PRICES).lines, "nat")?.basis).toContain("3 gateways");
  });

  it("prices the control plane, NAT gateways, root disks, databases, cache and Lustre from the region's prices", () => {
    const cfg = resolved("prod");
    const e = estimateStack(cfg, PRICES);
    const db = cfg.services.database;
    if (db?.kind !== "rds") throw new Error("the prod fixture runs RDS");
    const multiAz = db.multiAz === true;
    const rds = (multiAz ? 0.6 : 0.3) * HOURS_PER_MONTH + db.storageGiB * (multiAz ? 0.2 : 0.1);
    expect(line(e.lines, "eks")?.monthlyUsd).toBeCloseTo(0.1 * HOURS_PER_MONTH);
    expect(line(e.lines, "nat")?.monthlyUsd).toBeCloseTo(3 * 0.05 * HOURS_PER_MONTH);
    expect(line(e.lines, "rds:Postgres")?.monthlyUsd).toBeCloseTo(rds);
    expect(line(e.lines, "rds:MySQL")?.monthlyUsd).toBeCloseTo(rds);
    const store = cfg.services.feast.onlineStore;
    expect(line(e.lines, "cache:feast")?.monthlyUsd).toBeCloseTo(store.nodes * 0.2 * HOURS_PER_MONTH);
    const disks = cfg.nodePools.reduce((sum, p) => sum + p.minSize * p.diskSizeGiB, 0);
    expect(line(e.lines, "ebs:root")?.monthlyUsd).toBeCloseTo(disks * 0.1);
    const scratch = cfg.storage.scratch;
    if (!scratch.enabled) throw new Error("the prod fixture has scratch");
    const tier = scratch.deploymentType === "PERSISTENT_2" ? (scratch.perUnitStorageThroughput === 250 ? 0.3 : 0.2) : 0.1;
    expect(line(e.lines, "fsx:scratch")?.monthlyUsd).toBeCloseTo(scratch.storageCapacityGiB * tier);
  });

  it("prices Multi-AZ databases at AWS's price for the pair, not twice the single one by rule", () => {
    const multi = estimateStack(resolved("prod"), PRICES);
    expect(line(multi.lines, "rds:Postgres")?.basis).toContain("Multi-AZ at $0.6/h");
    const single = estimateStack(
      resolved("dev", (c) => (c.services.database.instanceClass = "db.r7g.large")),
      PRICES,
    );
    expect(line(single.lines, "rds:Postgres")?.basis).toContain("single-AZ at $0.3/h");
  });

  it("reports a database class or cache type the region does not price as missing", () => {
    const e = estimateStack(
      resolved("prod", (c) => (c.services.database.instanceClass = "db.m7g.large")),
      PRICES,
    );
    expect(e.missing).toContainEqual({ region: "us-east-1", product: "rds", type: "db.m7g.large", usedBy: "services.database (Postgres)" });
  });

  it("marks products the region has no prices for as unpriced, never as an amount", () => {
    const e = estimateStack(resolved("prod"), EC2_ONLY);
    for (const key of ["nat", "rds:Postgres", "cache:feast", "fsx:scratch", "ebs:root"]) {
      expect(line(e.lines, key)?.monthlyUsd, key).toBeUndefined();
      expect(line(e.lines, key)?.unpriced, key).toContain("unpriced");
    }
    expect(e.missing.every((m) => m.product === "ec2")).toBe(true);
    expect(line(e.lines, "efs:shared")?.basis).toContain("no minimum");
  });

  it("sums only the priced lines", () => {
    const e = estimateStack(resolved("prod"), PRICES);
    expect(e.lines.length).toBeGreaterThan(0);
    expect(e.monthlyUsd).toBeCloseTo(e.lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0));
  });

  it("does not estimate an existing cluster, and says why", () => {
    const e = estimateStack(resolved("local"), PRICES);
    expect(e.lines).toEqual([]);
    expect(e.note).toContain("existing cluster");
  });
});

describe("estimateStack › missing prices", () => {
  it("reports an instance type without a price with its region, type and user", () => {
    const e = estimateStack(
      resolved("dev", (c) => (c.nodePools[0].instanceTypes = ["m7i.large"])),
      PRICES,
    );
    expect(e.missing).toContainEqual({ region: "us-east-1", product: "ec2", type: "m7i.large", usedBy: "node pool system" });
    expect(line(e.lines, "nodes:system")?.unpriced).toContain("no price for m7i.large in us-east-1");
  });

  it("reports every type of a region the catalogue does not price", () => {
    const dev = resolved("dev");
    const e = estimateStack({ ...dev, aws: { region: "eu-central-1" } }, PRICES);
    expect(e.missing.length).toBeGreaterThan(0);
    expect(e.missing.every((m) => m.region === "eu-central-1")).toBe(true);
    expect(e.missing.map((m) => m.type)).toContain("m6i.large");
  });
});

describe("estimateStack › team ceilings", () => {
  it("prices CPU and memory as node-equivalents of the CPU pool's first type, the larger of the two", () => {
    const e = estimateStack(resolved("dev"), PRICES);
    const recsys = e.teams.find((t) => t.team === "recsys");
    // 32 cores / 8 vCPU = 4, 128 GiB / 32 GiB = 4 → 4 × m6i.2xlarge
    expect(line(recsys?.lines ?? [], "team:recsys:cpu")?.monthlyUsd).toBeCloseTo(4 * 0.4 * HOURS_PER_MONTH);
  });

  it("prices a time slice as its share of a GPU, and borrowing without a limit up to the others' nominal quota", () => {
    const e = estimateStack(resolved("dev"), PRICES);
    // recsys: 4 slices of a g6.xlarge pool with 4 replicas = 1 GPU; no borrowing limit, so nlp's 4 slices (1 GPU)
    // may be borrowed too, within the pool's 2 GPUs: 2 GPUs × $1/h.
    const gpu = line(e.teams[0]?.lines ?? [], "team:recsys:gpu:gpu");
    expect(gpu?.monthlyUsd).toBeCloseTo(2 * HOURS_PER_MONTH);
    expect(gpu?.basis).toContain("no borrowing limit");
  });

  it("bounds what a team may hold by its borrowing limit, the others' nominal quota and the pool's capacity", () => {
    const hold = (borrowingLimit: number | undefined, others: number, capacityGpus?: number) =>
      teamPoolGpus({ nominal: 4, borrowingLimit, sharing: { mode: "exclusive" }, othersNominalGpus: others, capacityGpus }).gpus;
    expect(hold(undefined, 3)).toBe(7);
    expect(hold(1, 3)).toBe(5);
    expect(hold(undefined, 10, 8)).toBe(8);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 64 }), (limit, others) => {
        const gpus = hold(limit, others);
        return gpus >= 4 && gpus <= 4 + Math.min(limit, others);
      }),
      { numRuns: 50 },
    );
  });

  it("prices a MIG instance by its compute slices of the GPU, a borrowing limit included", () => {
    const e = estimateStack(resolved("prod"), PRICES);
    const training = line(e.teams.find((t) => t.team === "recsys")?.lines ?? [], "team:recsys:gpu:gpu-training");
    // p5.48xlarge $56/h ÷ 8 GPUs = $7 per GPU-hour; 28 × 1g (1/7 GPU each) = 4 GPUs + 28 borrowable = 4 more.
    expect(training?.monthlyUsd).toBeCloseTo(8 * 7 * HOURS_PER_MONTH);
    expect(training?.basis).toContain("28 units = 4 GPUs + 4 borrowable (borrowingLimit 28)");
  });

  it("prices each MIG size by its own compute slices", () => {
    const e = estimateStack(
      resolved("prod", (c) => {
        c.nodePools[3].gpuSharing = { mode: "mig", profile: "all-balanced" };
        c.teams[0].quota.gpu["gpu-training"] = { nominal: { "3g.40gb": 8 }, borrowingLimit: 0 };
        c.teams[1].quota.gpu["gpu-training"] = { nominal: { "1g.10gb": 7 } };
      }),
      PRICES,
    );
    // 8 × 3g = 24 of 7 compute slices = 24/7 GPUs at $7 per GPU-hour
    expect(line(e.teams[0]?.lines ?? [], "team:recsys:gpu:gpu-training")?.monthlyUsd).toBeCloseTo((24 / 7) * 7 * HOURS_PER_MONTH);
  });

  it("reports every instance type of a pool its region cannot price, not only the first", () => {
    const e = estimateStack(
      resolved("dev", (c) => (c.nodePools[2].instanceTypes = ["g6.xlarge", "g6.12xlarge"])),
      PRICES,
    );
    expect(e.missing).toContainEqual({ region: "us-east-1", product: "ec2", type: "g6.12xlarge", usedBy: "node pool gpu" });
  });

  it("scales linearly with the quota", () => {
    const base = resolved("dev");
    const team = base.teams[0];
    if (team === undefined) throw new Error("the dev fixture has teams");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 512 }), (cpu) => {
        const e = estimateStack({ ...base, teams: [{ ...team, quota: { ...team.quota, cpu: String(cpu), memory: "1Gi" } }] }, PRICES);
        const amount = line(e.teams[0]?.lines ?? [], "team:recsys:cpu")?.monthlyUsd ?? -1;
        return Math.abs(amount - (cpu / 8) * 0.4 * HOURS_PER_MONTH) < 1e-6;
      }),
      { numRuns: 25 },
    );
  });
});

describe("cost-estimate helpers", () => {
  it("units per node follow what a unit is worth", () => {
    const pool = { name: "g", role: "gpu", instanceTypes: ["p5.48xlarge"], capacityType: "on-demand", minSize: 0, maxSize: 2, diskSizeGiB: 100 };
    expect(unitsPerNode({ ...pool, gpuSharing: { mode: "mig", profile: "all-1g.10gb" } })).toBeCloseTo(56);
    expect(unitsPerNode({ ...pool, gpuSharing: { mode: "time-slicing", replicas: 3 } })).toBeCloseTo(24);
    expect(unitsPerNode({ ...pool, gpuSharing: { mode: "mig", profile: "all-balanced" } }, "3g.40gb")).toBeCloseTo(56 / 3);
  });

  it("parses the quota quantities", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100000 }), (m) => Math.abs((cores(`${m}m`) ?? 0) - m / 1000) < 1e-9));
    expect(gibibytes("1Ti")).toBe(1024);
    expect(gibibytes("512Mi")).toBe(0.5);
    expect(cores("x")).toBeUndefined();
  });
});
