/** resolveConfig: every default from the tier table, applied to configs that leave things out. */
import { describe, it, expect } from "vitest";
import { DEFAULT_DISK_SIZE, DEFAULT_SERVICE_CIDR, TIER_DEFAULTS, type EksClusterConfig, type PlatformConfig } from "../../config/defaults";
import { EKS_LOG_TYPES } from "../../config/schema";
import { DEFAULT_PRIORITIES } from "../../config/queues";
import { fixture, validate, type Cfg } from "./fixtures";

function resolve(cfg: Cfg): PlatformConfig {
  const result = validate(cfg);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

/** A fixture EKS stack with every optional cluster and network setting removed. */
function bare(stack: "dev" | "staging" | "prod"): Cfg {
  const cfg = fixture(stack);
  delete cfg.network.natGateways;
  delete cfg.network.flowLogs;
  delete cfg.cluster.serviceCidr;
  delete cfg.cluster.endpoint;
  delete cfg.cluster.logging;
  delete cfg.cluster.protect;
  return cfg;
}

describe("tier defaults", () => {
  it("keeps the tier table's invariants: prod strictest, protect only in prod", () => {
    expect(TIER_DEFAULTS.prod).toMatchObject({ minAvailabilityZones: 3, natGateways: "perAz", flowLogs: true, protect: true });
    expect(TIER_DEFAULTS.prod.clusterLogTypes).toEqual(EKS_LOG_TYPES);
    expect(TIER_DEFAULTS.prod.clusterLogRetentionDays).toBeGreaterThanOrEqual(365);
    for (const env of ["local", "dev", "staging"] as const) expect(TIER_DEFAULTS[env].protect).toBe(false);
  });

  it.each(["dev", "staging", "prod"] as const)("fills %s's network and cluster defaults from the tier table", (stack) => {
    const tier = TIER_DEFAULTS[stack];
    const cfg = resolve(bare(stack));
    const cluster = cfg.cluster as EksClusterConfig;
    expect(cfg.network).toMatchObject({ natGateways: tier.natGateways, flowLogs: { enabled: tier.flowLogs, retentionDays: tier.flowLogRetentionDays } });
    expect(cluster).toMatchObject({
      serviceCidr: DEFAULT_SERVICE_CIDR,
      endpointPublicAccess: false,
      publicAccessCidrs: [],
      logTypes: tier.clusterLogTypes,
      logRetentionDays: tier.clusterLogRetentionDays,
      protect: tier.protect,
    });
  });
});

describe("pool defaults", () => {
  it("sizes disks by role, in GiB", () => {
    const cfg = resolve(fixture("prod"));
    expect(cfg.nodePools.map((p) => [p.role, p.diskSizeGiB])).toEqual([
      ["system", 50],
      ["cpu", 100],
      ["gpu", 200],
      ["gpu", 200],
    ]);
    expect(DEFAULT_DISK_SIZE).toEqual({ system: "50Gi", cpu: "100Gi", gpu: "200Gi" });
  });

  it("converts an explicit disk size to GiB", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].diskSize = "512000Mi";
    expect(resolve(cfg).nodePools[1].diskSizeGiB).toBe(500);
  });

  it("defaults to on-demand, desired = min, no labels or taints, exclusive GPUs", () => {
    const pool = resolve(fixture("prod")).nodePools[1];
    expect(pool).toMatchObject({ capacityType: "on-demand", minSize: 0, desiredSize: 0, labels: {}, taints: [], gpuSharing: { mode: "exclusive" } });
  });
});

describe("gpu defaults", () => {
  it("is disabled on EKS without GPU pools, with the AMI's driver and toolkit", () => {
    const cfg = fixture("dev");
    cfg.nodePools = cfg.nodePools.slice(0, 2);
    cfg.teams = cfg.teams.map((t: Cfg) => ({ ...t, quota: { ...t.quota, gpu: 0 } }));
    expect(resolve(cfg).gpu).toEqual({
      enabled: false,
      driver: "preinstalled",
      toolkit: "preinstalled",
      migStrategy: "none",
      defaultSharing: { mode: "exclusive" },
      dcgmExporter: true,
    });
  });

  it("derives the mixed MIG strategy from a MIG pool", () => {
    const cfg = fixture("prod");
    delete cfg.gpu;
    expect(resolve(cfg).gpu.migStrategy).toBe("mixed");
  });

  it("lets the operator install driver and toolkit on an existing cluster", () => {
    const cfg = fixture("local");
    cfg.gpu = { enabled: true };
    expect(resolve(cfg).gpu).toMatchObject({ driver: "operator", toolkit: "operator", migStrategy: "none" });
  });

  // semantic.ts rejects migStrategy "none" when gpu.defaultSharing uses MIG, but when migStrategy is left out
  // resolveConfig derives it from the pools only and resolves it to "none": the resolved config breaks the
  // rule the explicit one is held to, and platform.ts then turns mig-manager off.
  it("derives a MIG strategy other than none from a MIG default sharing", () => {
    const cfg = fixture("local");
    delete cfg.gpu.migStrategy;
    cfg.gpu.defaultSharing = { mode: "mig", profile: "all-1g.10gb" };
    expect(resolve(cfg).gpu.migStrategy).toBe("mixed");
  });
});

describe("queues defaults", () => {
  it("without a queues section: cohort platform, the three default classes, experiments (value 0) by default", () => {
    const cfg = resolve(fixture("dev"));
    expect(cfg.queues).toEqual({
      cohort: "platform",
      priorities: DEFAULT_PRIORITIES.map((p) => ({ name: p.name, value: p.value, description: p.description })),
      defaultPriority: "experiments",
      preemption: { reclaimWithinCohort: "Any", withinClusterQueue: "LowerPriority", borrowWithinCohortUpTo: undefined },
    });
    expect(cfg.queues.priorities.find((p) => p.name === cfg.queues.defaultPriority)?.value).toBe(0);
  });

  it("gives a team every priority class unless it lists fewer, and resolves its GPU map to shares in config order", () => {
    const [recsys] = resolve(fixture("prod")).teams;
    const fraud = resolve(fixture("prod")).teams[2];
    expect(recsys.priorities).toEqual(["production", "training", "experiments"]);
    expect(fraud.priorities).toEqual(["production", "experiments"]);
    expect(recsys.quota.gpu).toEqual([
      { pool: "gpu-inference", nominal: 8 },
      { pool: "gpu-training", nominal: 28, borrowingLimit: 28 },
    ]);
  });

  it("resolves gpu: 0 (the one accepted bare number) to no shares", () => {
    const cfg = fixture("dev");
    cfg.teams[1].quota.gpu = 0;
    expect(resolve(cfg).teams[1].quota.gpu).toEqual([]);
  });
});
