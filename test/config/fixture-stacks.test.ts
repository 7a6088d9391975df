/**
 * The fixture stacks (test/fixtures/stacks) through the real loader: each validates, and the values the other
 * suites rely on resolve as expected (tier defaults filled in, pool defaults, GPU settings). These assertions
 * used to run against the shipped stacks/; those are the adopters' to edit, so they moved here.
 */
import { describe, it, expect } from "vitest";
import { validateConfig } from "../../config/loader";
import type { EksClusterConfig, ExistingClusterConfig, PlatformConfig } from "../../config/defaults";
import { EKS_LOG_TYPES } from "../../config/schema";
import { fixtureStack, fixtureStacks, rawConfig, TODAY } from "../helpers/stack";

function resolved(stack: string): PlatformConfig {
  const result = validateConfig(rawConfig(fixtureStack(stack)), new Set(), { today: TODAY });
  if (!result.ok) throw new Error(`${stack}: ${JSON.stringify(result.problems)}`);
  return result.config;
}

const eks = (cfg: PlatformConfig) => cfg.cluster as EksClusterConfig;

describe("fixture stacks", () => {
  it("cover the four tiers", () => {
    expect(fixtureStacks()).toEqual(["dev", "local", "prod", "staging"]);
  });

  it.each(fixtureStacks())("%s validates with no problems", (stack) => {
    const result = validateConfig(rawConfig(fixtureStack(stack)), new Set(), { today: TODAY });
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(fixtureStacks())("%s declares the environment its file is named after", (stack) => {
    expect(resolved(stack).environment).toBe(stack);
  });

  it.each(fixtureStacks())("%s stamps cost and ownership tags", (stack) => {
    expect(resolved(stack).tags).toEqual({ env: stack, team: "platform", "cost-center": "ml-platform", owner: "platform-team", "managed-by": "pulumi" });
  });
});

describe("resolved defaults: local", () => {
  const cfg = resolved("local");

  it("runs on the existing cluster from its kubeconfig and context", () => {
    const cluster = cfg.cluster as ExistingClusterConfig;
    expect(cluster).toEqual({ kind: "existing", name: "mlops-local", version: "1.35", kubeconfig: "~/.kube/config", context: "kind-mlops" });
  });

  it("has no AWS, no network and no node pools", () => {
    expect(cfg.aws).toBeUndefined();
    expect(cfg.network).toBeUndefined();
    expect(cfg.nodePools).toEqual([]);
  });

  it("lets the GPU operator install driver and toolkit", () => {
    expect(cfg.gpu).toEqual({
      enabled: true,
      driver: "operator",
      toolkit: "operator",
      migStrategy: "none",
      defaultSharing: { mode: "exclusive" },
      dcgmExporter: true,
    });
  });
});

describe("resolved defaults: dev", () => {
  const cfg = resolved("dev");

  it("runs one NAT gateway and keeps flow logs 30 days", () => {
    expect(cfg.network?.natGateways).toBe("single");
    expect(cfg.network?.flowLogs).toEqual({ enabled: true, retentionDays: 30 });
  });

  it("ships api, audit and authenticator logs for 30 days and protects nothing", () => {
    expect(eks(cfg).logTypes).toEqual(["api", "audit", "authenticator"]);
    expect(eks(cfg).logRetentionDays).toBe(30);
    expect(eks(cfg).protect).toBe(false);
  });

  it("uses EKS's default service CIDR and the listed public CIDRs", () => {
    expect(eks(cfg).serviceCidr).toBe("172.20.0.0/16");
    expect(eks(cfg).endpointPublicAccess).toBe(true);
    expect(eks(cfg).publicAccessCidrs).toEqual(["203.0.113.0/24", "198.51.100.0/24"]);
  });

  it("fills pool defaults: on-demand, desired = min, disk by role, exclusive GPUs", () => {
    const [system, cpu, gpu] = cfg.nodePools;
    expect(system).toMatchObject({
      capacityType: "on-demand",
      minSize: 1,
      desiredSize: 2,
      maxSize: 3,
      diskSizeGiB: 50,
      labels: {},
      taints: [],
      gpuSharing: { mode: "exclusive" },
    });
    expect(cpu).toMatchObject({ capacityType: "spot", minSize: 0, desiredSize: 0, diskSizeGiB: 100 });
    expect(gpu).toMatchObject({ capacityType: "spot", desiredSize: 0, diskSizeGiB: 200, gpuSharing: { mode: "time-slicing", replicas: 4 } });
  });

  it("enables the GPU stack because a GPU pool exists, with the AMI's driver and no MIG", () => {
    expect(cfg.gpu).toMatchObject({ enabled: true, driver: "preinstalled", toolkit: "preinstalled", migStrategy: "none" });
  });
});

describe("resolved defaults: staging", () => {
  const cfg = resolved("staging");

  it("takes the staging tier: NAT per AZ, 90-day flow and control-plane logs, private endpoint, unprotected", () => {
    expect(cfg.network?.natGateways).toBe("perAz");
    expect(cfg.network?.flowLogs).toEqual({ enabled: true, retentionDays: 90 });
    expect(eks(cfg).logTypes).toEqual(["api", "audit", "authenticator"]);
    expect(eks(cfg).logRetentionDays).toBe(90);
    expect(eks(cfg).endpointPublicAccess).toBe(false);
    expect(eks(cfg).publicAccessCidrs).toEqual([]);
    expect(eks(cfg).protect).toBe(false);
  });
});

describe("resolved defaults: prod", () => {
  const cfg = resolved("prod");

  it("protects stateful resources", () => {
    expect(eks(cfg).protect).toBe(true);
  });

  it("ships all five control-plane log types for 365 days", () => {
    expect([...eks(cfg).logTypes].sort()).toEqual([...EKS_LOG_TYPES].sort());
    expect(eks(cfg).logRetentionDays).toBe(365);
  });

  it("keeps a NAT gateway per AZ across 3 AZs, flow logs a year, and a private endpoint", () => {
    expect(cfg.network?.natGateways).toBe("perAz");
    expect(cfg.network?.availabilityZones).toHaveLength(3);
    expect(cfg.network?.flowLogs).toEqual({ enabled: true, retentionDays: 365 });
    expect(eks(cfg).endpointPublicAccess).toBe(false);
  });

  it("keeps the MIG training pool and mixed MIG strategy", () => {
    expect(cfg.nodePools.map((p) => p.gpuSharing.mode)).toEqual(["exclusive", "exclusive", "time-slicing", "mig"]);
    expect(cfg.gpu).toMatchObject({ enabled: true, driver: "preinstalled", toolkit: "preinstalled", migStrategy: "mixed" });
  });
});
