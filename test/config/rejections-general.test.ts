/** Top-level shape, secrets, topology (which sections go with which cluster kind) and the aws section. */
import { describe, it, expect } from "vitest";
import { expectProblem, expectValid, fixture, problemsOf, validate } from "./fixtures";

const SECRET_HINT = "no setting of this program takes one: remove it from the stack file";

describe("unknown keys", () => {
  it("rejects an unknown top-level key", () => {
    const cfg = fixture("prod");
    cfg.foo = "bar";
    expectProblem(cfg, "foo", "unknown key");
  });

  it("rejects an unknown key inside cluster", () => {
    const cfg = fixture("prod");
    cfg.cluster.foo = 1;
    expectProblem(cfg, "cluster.foo", "unknown key");
  });

  it("rejects an unknown key inside a node pool", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].bar = true;
    expectProblem(cfg, "nodePools[1].bar", "unknown key");
  });

  it("rejects an unknown key deep inside network.flowLogs", () => {
    const cfg = fixture("prod");
    cfg.network.flowLogs.destination = "s3";
    expectProblem(cfg, "network.flowLogs.destination", "unknown key");
  });

  it("rejects an unknown key on an existing cluster (keys of the eks variant do not leak across)", () => {
    const cfg = fixture("local");
    cfg.cluster.admins = ["arn:aws:iam::111122223333:role/platform-admin"];
    expectProblem(cfg, "cluster.admins", "unknown key");
  });
});

describe("plaintext secrets", () => {
  it("rejects a top-level key that looks like a secret", () => {
    const cfg = fixture("prod");
    cfg.grafanaPassword = "hunter2";
    expectProblem(cfg, "grafanaPassword", SECRET_HINT);
  });

  it("rejects a nested key that looks like a secret", () => {
    const cfg = fixture("prod");
    cfg.cluster.apiToken = "abc";
    expectProblem(cfg, "cluster.apiToken", SECRET_HINT);
  });

  it("rejects a secret-looking key inside a list element", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].privateKey = "-----BEGIN";
    expectProblem(cfg, "nodePools[1].privateKey", SECRET_HINT);
  });

  it("never echoes the secret value in a problem", () => {
    const cfg = fixture("prod");
    cfg.grafanaPassword = "hunter2";
    cfg.cluster.apiToken = "s3cr3t-value";
    expect(JSON.stringify(problemsOf(cfg))).not.toMatch(/hunter2|s3cr3t-value/);
  });

  it("rejects a secret (secure:) key the schema does not know as an unknown key", () => {
    const cfg = fixture("prod");
    cfg.grafanaPassword = "[secret]";
    expectProblem(cfg, "grafanaPassword", "unknown key", { secretKeys: ["grafanaPassword"] });
    const result = validate(cfg, { secretKeys: ["grafanaPassword"] });
    expect(result.ok ? [] : result.problems).not.toContainEqual(expect.objectContaining({ message: expect.stringContaining(SECRET_HINT) }));
  });
});

describe("required top-level fields", () => {
  it("rejects an environment outside local, dev, staging, prod", () => {
    const cfg = fixture("prod");
    cfg.environment = "qa";
    expectProblem(cfg, "environment", '"qa" is not one of: local, dev, staging, prod');
  });

  it("rejects a missing cluster section", () => {
    const cfg = fixture("prod");
    delete cfg.cluster;
    expectProblem(cfg, "cluster", "is required");
  });

  it("rejects an unknown cluster kind", () => {
    const cfg = fixture("prod");
    cfg.cluster.kind = "gke";
    expectProblem(cfg, "cluster.kind", '"gke" is not one of: eks, existing');
  });

  it("rejects a cost center that is not a label value", () => {
    const cfg = fixture("prod");
    cfg.costCenter = "ml platform";
    expectProblem(cfg, "costCenter", "is not a valid label value");
  });
});

describe("topology", () => {
  it("rejects the local environment on an EKS cluster", () => {
    const cfg = fixture("dev");
    cfg.environment = "local";
    expectProblem(cfg, "cluster.kind", 'use kind "existing"');
  });

  it.each(["aws", "network", "nodePools"])("rejects %s with an existing cluster", (key) => {
    const cfg = fixture("local");
    cfg[key] = fixture("dev")[key];
    expectProblem(cfg, key, 'is not used with cluster kind "existing"');
  });

  it("rejects an existing cluster on a version we do not test", () => {
    const cfg = fixture("local");
    cfg.cluster.version = "1.30";
    expectProblem(cfg, "cluster.version", "1.30 is not a version we test existing clusters on");
  });

  it("rejects an existing cluster without a context", () => {
    const cfg = fixture("local");
    delete cfg.cluster.context;
    expectProblem(cfg, "cluster.context", "is required");
  });

  it.each([
    ["aws", 'is required with cluster kind "eks"'],
    ["network", 'is required with cluster kind "eks"'],
    ["nodePools", 'is required with cluster kind "eks"'],
  ])("rejects an EKS cluster without %s", (key, message) => {
    const cfg = fixture("dev");
    delete cfg[key];
    expectProblem(cfg, key, message);
  });
});

describe("aws", () => {
  it("rejects an invalid region name", () => {
    const cfg = fixture("prod");
    cfg.aws.region = "Europe-West";
    expectProblem(cfg, "aws.region", "is not an AWS region name");
  });

  it("rejects an account id that is not 12 digits", () => {
    const cfg = fixture("prod");
    cfg.aws.allowedAccountIds = ["44445555666"];
    expectProblem(cfg, "aws.allowedAccountIds[0]", "is not a 12-digit AWS account id");
  });
});

describe("all problems at once", () => {
  it("reports five broken cross-field rules in one result", () => {
    const cfg = fixture("prod");
    cfg.network.natGateways = "single";
    cfg.cluster.protect = false;
    cfg.cluster.version = "1.29";
    cfg.nodePools[2].minSize = 9;
    cfg.gpu.driver = "operator";
    const problems = problemsOf(cfg);
    for (const [path, message] of [
      ["network.natGateways", "use perAz"],
      ["cluster.protect", "remove protect: false"],
      ["cluster.version", "1.29 is not an EKS version"],
      ["nodePools[2].minSize", "9 is greater than maxSize 8"],
      ["gpu.driver", 'use "preinstalled"'],
    ]) {
      expect(problems).toContainEqual(expect.objectContaining({ path, message: expect.stringContaining(message) }));
    }
    expect(problems).toHaveLength(5);
  });

  it("reports five broken schema rules and a plaintext secret in one result", () => {
    const cfg = fixture("prod");
    cfg.cluster.foo = 1;
    cfg.nodePools[1].bar = 2;
    cfg.nodePools[0].diskSize = "lots";
    cfg.aws.region = "nowhere";
    cfg.cluster.admins = [];
    cfg.grafanaPassword = "x";
    const problems = problemsOf(cfg);
    expect(problems.map((p) => p.path).sort()).toEqual(
      ["aws.region", "cluster.admins", "cluster.foo", "grafanaPassword", "nodePools[0].diskSize", "nodePools[1].bar"].sort(),
    );
  });

  it("accepts the unbroken fixture the rejection tests start from", () => {
    for (const stack of ["local", "dev", "staging", "prod"] as const) expectValid(fixture(stack));
  });
});
