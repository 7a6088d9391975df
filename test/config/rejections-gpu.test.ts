/** GPU sharing per pool and the gpu section. */
import { describe, it } from "vitest";
import { expectProblem, expectValid, fixture } from "./fixtures";

describe("gpuSharing", () => {
  it("rejects time-slicing on a CPU pool", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].gpuSharing = { mode: "time-slicing", replicas: 2 };
    expectProblem(cfg, "nodePools[1].gpuSharing", "only GPU pools share GPUs");
  });

  it("accepts exclusive (the default) on a CPU pool", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].gpuSharing = { mode: "exclusive" };
    expectValid(cfg);
  });

  it("rejects MIG on a GPU that is not MIG-capable (A10G)", () => {
    const cfg = fixture("prod");
    cfg.nodePools[3].instanceTypes = ["g5.48xlarge"];
    expectProblem(cfg, "nodePools[3].gpuSharing.profile", "MIG needs A100, H100 or H200 GPUs; g5.48xlarge has A10G");
  });

  it("rejects a malformed MIG profile", () => {
    const cfg = fixture("prod");
    cfg.nodePools[3].gpuSharing.profile = "1g.10gb";
    expectProblem(cfg, "nodePools[3].gpuSharing.profile", "is not a MIG profile such as all-1g.10gb or all-balanced");
  });

  it("accepts the all-balanced MIG profile, with every share of the pool given per MIG size", () => {
    const cfg = fixture("prod");
    cfg.nodePools[3].gpuSharing.profile = "all-balanced";
    // 2 nodes × 8 H100s × (2 1g.10gb + 1 2g.20gb + 1 3g.40gb): 32, 16 and 16 instances, all held.
    const [recsys, nlp] = cfg.teams;
    recsys.quota.gpu["gpu-training"] = { nominal: { "1g.10gb": 8, "2g.20gb": 4, "3g.40gb": 4 }, borrowingLimit: 4 };
    nlp.quota.gpu["gpu-training"] = { nominal: { "1g.10gb": 24, "2g.20gb": 12, "3g.40gb": 12 } };
    expectValid(cfg);
  });

  it("rejects fewer than 2 time-slicing replicas", () => {
    const cfg = fixture("prod");
    cfg.nodePools[2].gpuSharing.replicas = 1;
    expectProblem(cfg, "nodePools[2].gpuSharing.replicas", "1 is below the minimum 2");
  });

  it("rejects more than 64 time-slicing replicas", () => {
    const cfg = fixture("prod");
    cfg.nodePools[2].gpuSharing.replicas = 65;
    expectProblem(cfg, "nodePools[2].gpuSharing.replicas", "65 is above the maximum 64");
  });

  it("rejects an unknown sharing mode", () => {
    const cfg = fixture("prod");
    cfg.nodePools[2].gpuSharing = { mode: "mps" };
    expectProblem(cfg, "nodePools[2].gpuSharing.mode", '"mps" is not one of: exclusive, time-slicing, mig');
  });

  it("rejects a key of another sharing mode (replicas with mig)", () => {
    const cfg = fixture("prod");
    cfg.nodePools[3].gpuSharing.replicas = 4;
    expectProblem(cfg, "nodePools[3].gpuSharing.replicas", "unknown key");
  });
});

describe("gpu section", () => {
  it('rejects driver "operator" on EKS', () => {
    const cfg = fixture("prod");
    cfg.gpu.driver = "operator";
    expectProblem(cfg, "gpu.driver", 'EKS GPU pools run the AL2023 NVIDIA AMI, which ships the driver: use "preinstalled"');
  });

  it('rejects toolkit "operator" on EKS', () => {
    const cfg = fixture("prod");
    cfg.gpu.toolkit = "operator";
    expectProblem(cfg, "gpu.toolkit", 'which ships the container toolkit: use "preinstalled"');
  });

  it("rejects gpu.enabled false while a GPU pool exists", () => {
    const cfg = fixture("dev");
    cfg.gpu = { enabled: false };
    expectProblem(cfg, "gpu.enabled", "is false, but nodePools[2] is a GPU pool whose GPUs Kubernetes would not see");
  });

  it('rejects migStrategy "none" with a MIG pool', () => {
    const cfg = fixture("prod");
    cfg.gpu.migStrategy = "none";
    expectProblem(cfg, "gpu.migStrategy", 'is "none", but nodePools[3] uses MIG');
  });

  it('rejects migStrategy "none" with MIG as the default sharing (existing cluster)', () => {
    const cfg = fixture("local");
    cfg.gpu.defaultSharing = { mode: "mig", profile: "all-1g.10gb" };
    expectProblem(cfg, "gpu.migStrategy", 'is "none", but gpu.defaultSharing uses MIG');
  });

  it("rejects an unknown migStrategy", () => {
    const cfg = fixture("prod");
    cfg.gpu.migStrategy = "auto";
    expectProblem(cfg, "gpu.migStrategy", '"auto" is not one of: none, single, mixed');
  });

  it('accepts driver "operator" on an existing cluster', () => {
    const cfg = fixture("local");
    cfg.gpu.driver = "operator";
    expectValid(cfg);
  });
});
