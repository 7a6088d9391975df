/** cluster.* for EKS: name, version and support window, endpoint, service CIDR, logging, admins, protect. */
import { describe, it } from "vitest";
import { expectProblem, expectValid, fixture } from "./fixtures";

describe("cluster name", () => {
  it("rejects a name with upper-case letters", () => {
    const cfg = fixture("prod");
    cfg.cluster.name = "MLOps-Prod";
    expectProblem(cfg, "cluster.name", '"MLOps-Prod" is not a DNS-1123 label');
  });

  it("rejects a name with characters outside [a-z0-9-]", () => {
    const cfg = fixture("prod");
    cfg.cluster.name = "mlops_prod";
    expectProblem(cfg, "cluster.name", "is not a DNS-1123 label");
  });

  it("rejects a name starting with '-'", () => {
    const cfg = fixture("prod");
    cfg.cluster.name = "-mlops";
    expectProblem(cfg, "cluster.name", "is not a DNS-1123 label");
  });

  it("rejects a name longer than 30 characters (IAM role names derived from it must fit 64)", () => {
    const cfg = fixture("prod");
    cfg.cluster.name = "m".repeat(31);
    expectProblem(cfg, "cluster.name", "is longer than 30 characters");
    cfg.cluster.name = "m".repeat(30);
    expectValid(cfg);
  });

  it("rejects an empty name", () => {
    const cfg = fixture("prod");
    cfg.cluster.name = "";
    expectProblem(cfg, "cluster.name", "must not be empty");
  });
});

describe("EKS version", () => {
  it("rejects a version that is not a Kubernetes minor", () => {
    const cfg = fixture("prod");
    cfg.cluster.version = "1.35.2";
    expectProblem(cfg, "cluster.version", 'is not a Kubernetes minor version such as "1.34"');
  });

  it("rejects a version missing from the catalogue", () => {
    const cfg = fixture("prod");
    cfg.cluster.version = "1.29";
    expectProblem(cfg, "cluster.version", "1.29 is not an EKS version this blueprint pins add-ons for (1.34, 1.35)");
  });

  it("rejects a version after its end of standard support", () => {
    const cfg = fixture("prod");
    cfg.cluster.version = "1.34";
    expectProblem(cfg, "cluster.version", "1.34 left EKS standard support on 2026-12-02", { today: new Date("2026-12-15") });
  });

  it("accepts the same version before and on its end-of-support day, and rejects it the day after", () => {
    const cfg = fixture("prod");
    cfg.cluster.version = "1.34";
    expectValid(cfg);
    expectValid(cfg, { today: new Date("2026-12-02T23:00:00Z") });
    expectProblem(cfg, "cluster.version", "left EKS standard support", { today: new Date("2026-12-03T00:00:00Z") });
  });
});

describe("API endpoint", () => {
  it("rejects a public endpoint in prod", () => {
    const cfg = fixture("prod");
    cfg.cluster.endpoint = { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] };
    expectProblem(cfg, "cluster.endpoint.publicAccess", "prod clusters have a private API endpoint only");
  });

  it("rejects a public endpoint without allowed CIDRs", () => {
    const cfg = fixture("dev");
    delete cfg.cluster.endpoint.publicAccessCidrs;
    expectProblem(cfg, "cluster.endpoint.publicAccessCidrs", "a public API endpoint needs at least one allowed CIDR");
  });

  it("rejects 0.0.0.0/0 among the allowed CIDRs", () => {
    const cfg = fixture("dev");
    cfg.cluster.endpoint.publicAccessCidrs[1] = "0.0.0.0/0";
    expectProblem(cfg, "cluster.endpoint.publicAccessCidrs[1]", "0.0.0.0/0 opens the API endpoint to the whole internet");
  });

  it("rejects allowed CIDRs while publicAccess is false", () => {
    const cfg = fixture("dev");
    cfg.cluster.endpoint.publicAccess = false;
    expectProblem(cfg, "cluster.endpoint.publicAccessCidrs", "has no effect while publicAccess is false");
  });

  it("rejects an allowed CIDR that is not a network address", () => {
    const cfg = fixture("dev");
    cfg.cluster.endpoint.publicAccessCidrs[0] = "203.0.113.7/24";
    expectProblem(cfg, "cluster.endpoint.publicAccessCidrs[0]", "is not a network address");
  });
});

describe("service CIDR", () => {
  it("rejects a service CIDR overlapping the VPC", () => {
    const cfg = fixture("prod");
    cfg.cluster.serviceCidr = "10.30.128.0/20";
    expectProblem(cfg, "cluster.serviceCidr", "10.30.128.0/20 overlaps network.vpcCidr 10.30.0.0/16");
  });

  it("rejects a service CIDR outside RFC 1918", () => {
    const cfg = fixture("prod");
    cfg.cluster.serviceCidr = "100.64.0.0/16";
    expectProblem(cfg, "cluster.serviceCidr", "100.64.0.0/16 is outside the private ranges EKS accepts");
  });

  it("rejects a service CIDR prefix outside /12../24", () => {
    const cfg = fixture("prod");
    cfg.cluster.serviceCidr = "192.168.0.0/25";
    expectProblem(cfg, "cluster.serviceCidr", "/25 is outside the /12 to /24 range EKS accepts");
  });

  // The loader resolves an omitted serviceCidr to DEFAULT_SERVICE_CIDR (172.20.0.0/16) and the cluster
  // component passes it to EKS explicitly, so the overlap rule must cover the default too.
  it("rejects a VPC that overlaps the default service CIDR when serviceCidr is omitted", () => {
    const cfg = fixture("dev");
    cfg.network.vpcCidr = "172.20.0.0/16";
    expectProblem(cfg, "cluster.serviceCidr", "overlaps network.vpcCidr 172.20.0.0/16");
  });
});

describe("control-plane logging", () => {
  it("rejects prod without all five log types", () => {
    const cfg = fixture("prod");
    cfg.cluster.logging.types = ["api", "audit", "authenticator"];
    expectProblem(cfg, "cluster.logging.types", "prod needs control-plane logs controllerManager, scheduler");
  });

  it("rejects dev without the audit log", () => {
    const cfg = fixture("dev");
    cfg.cluster.logging = { types: ["api", "authenticator"] };
    expectProblem(cfg, "cluster.logging.types", "dev needs control-plane logs audit");
  });

  it("rejects an unknown log type", () => {
    const cfg = fixture("prod");
    cfg.cluster.logging.types[4] = "kubelet";
    expectProblem(cfg, "cluster.logging.types[4]", '"kubelet" is not one of: api, audit');
  });

  it("rejects prod log retention below 365 days", () => {
    const cfg = fixture("prod");
    cfg.cluster.logging.retentionDays = 90;
    expectProblem(cfg, "cluster.logging.retentionDays", "90 days is below the 365 days prod keeps control-plane logs");
  });

  it("rejects a retention CloudWatch Logs does not offer", () => {
    const cfg = fixture("prod");
    cfg.cluster.logging.retentionDays = 42;
    expectProblem(cfg, "cluster.logging.retentionDays", "is not a CloudWatch Logs retention period");
  });
});

describe("admins and protection", () => {
  it("rejects an admin that is not an IAM role or user ARN", () => {
    const cfg = fixture("prod");
    cfg.cluster.admins[1] = "arn:aws:iam::4444:group/platform";
    expectProblem(cfg, "cluster.admins[1]", "is not an IAM role or user ARN");
  });

  it("rejects an empty admin list", () => {
    const cfg = fixture("prod");
    cfg.cluster.admins = [];
    expectProblem(cfg, "cluster.admins", "needs at least one platform-admin principal");
  });

  it("rejects protect: false in prod", () => {
    const cfg = fixture("prod");
    cfg.cluster.protect = false;
    expectProblem(cfg, "cluster.protect", "prod protects stateful resources (cluster, keys, logs) from deletion");
  });
});
