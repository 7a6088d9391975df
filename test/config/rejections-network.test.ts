/** network.*: availability zones, the VPC range, NAT gateways and flow logs. */
import { describe, it } from "vitest";
import { expectProblem, expectValid, fixture } from "./fixtures";

describe("availability zones", () => {
  it("rejects fewer than 2 AZs in dev", () => {
    const cfg = fixture("dev");
    cfg.network.availabilityZones = ["us-east-1a"];
    expectProblem(cfg, "network.availabilityZones", "1 AZ given; dev needs at least 2 (EKS requires subnets in 2 AZs)");
  });

  it("rejects fewer than 3 AZs in prod", () => {
    const cfg = fixture("prod");
    cfg.network.availabilityZones = ["us-east-1a", "us-east-1b"];
    expectProblem(cfg, "network.availabilityZones", "2 AZs given; prod needs at least 3");
  });

  it("rejects more than 6 AZs", () => {
    const cfg = fixture("prod");
    cfg.network.availabilityZones = [..."abcdefg"].map((l) => `us-east-1${l}`);
    expectProblem(cfg, "network.availabilityZones", "7 AZs given; at most 6 are supported");
  });

  it("rejects an AZ listed twice, at the second occurrence", () => {
    const cfg = fixture("prod");
    cfg.network.availabilityZones[2] = "us-east-1a";
    expectProblem(cfg, "network.availabilityZones[2]", '"us-east-1a" is listed twice');
  });

  it("rejects an AZ outside the region", () => {
    const cfg = fixture("prod");
    cfg.network.availabilityZones[1] = "eu-west-1b";
    expectProblem(cfg, "network.availabilityZones[1]", '"eu-west-1b" is not an availability zone of region us-east-1');
  });

  it("rejects an AZ id or local zone that is not region + letter", () => {
    const cfg = fixture("prod");
    cfg.network.availabilityZones[0] = "us-east-1-lax-1a";
    expectProblem(cfg, "network.availabilityZones[0]", "is not an availability zone of region us-east-1");
  });
});

describe("VPC CIDR", () => {
  it("rejects a CIDR with host bits set, and suggests the network address", () => {
    const cfg = fixture("prod");
    cfg.network.vpcCidr = "10.0.0.1/16";
    expectProblem(cfg, "network.vpcCidr", '"10.0.0.1/16" is not a network address; did you mean 10.0.0.0/16?');
  });

  it("rejects text that is not an IPv4 CIDR", () => {
    const cfg = fixture("prod");
    cfg.network.vpcCidr = "10.300.0.0/16";
    expectProblem(cfg, "network.vpcCidr", "is not an IPv4 CIDR");
  });

  it("rejects a VPC larger than /16", () => {
    const cfg = fixture("prod");
    cfg.network.vpcCidr = "10.0.0.0/8";
    expectProblem(cfg, "network.vpcCidr", "/8 is larger than AWS allows for a VPC (/16 at most)");
  });

  it("rejects a VPC too small for the AZs' public /28 subnets", () => {
    const cfg = fixture("prod");
    cfg.network.vpcCidr = "10.30.0.0/27";
    expectProblem(cfg, "network.vpcCidr", "/27 is too small for 3 AZs: public subnets would be smaller than /28; use /24 or larger");
  });

  it("rejects /25 but accepts /24 for 3 AZs (the boundary)", () => {
    const small = fixture("prod");
    small.network.vpcCidr = "10.30.0.0/25";
    expectProblem(small, "network.vpcCidr", "/25 is too small for 3 AZs");
    const ok = fixture("prod");
    ok.network.vpcCidr = "10.30.0.0/24";
    expectValid(ok);
  });

  it("asks for a larger VPC when 4 AZs need 3 subnet bits", () => {
    const cfg = fixture("prod");
    cfg.network.availabilityZones = [..."abcd"].map((l) => `us-east-1${l}`);
    cfg.network.vpcCidr = "10.30.0.0/24";
    expectProblem(cfg, "network.vpcCidr", "use /22 or larger");
  });
});

describe("NAT gateways and flow logs", () => {
  it("rejects a single NAT gateway in prod", () => {
    const cfg = fixture("prod");
    cfg.network.natGateways = "single";
    expectProblem(cfg, "network.natGateways", "prod keeps one NAT gateway per AZ: use perAz");
  });

  it("rejects an unknown NAT gateway mode", () => {
    const cfg = fixture("dev");
    cfg.network.natGateways = "none";
    expectProblem(cfg, "network.natGateways", '"none" is not one of: single, perAz');
  });

  it("rejects flow logs off in prod", () => {
    const cfg = fixture("prod");
    cfg.network.flowLogs.enabled = false;
    expectProblem(cfg, "network.flowLogs.enabled", "prod keeps VPC flow logs on");
  });

  it("rejects a flow-log retention CloudWatch does not offer", () => {
    const cfg = fixture("prod");
    cfg.network.flowLogs.retentionDays = 42;
    expectProblem(cfg, "network.flowLogs.retentionDays", "is not a CloudWatch Logs retention period");
  });
});
