/**
 * The classes of bad input that used to get through, 1-5: private address space in team egress, public endpoint
 * breadth, secret values, and keys under a namespace nothing reads. Every case starts from a compliant fixture
 * stack and breaks one thing.
 */
import { describe, it, expect } from "vitest";
import { secretValueKind, SECRET_VALUE_PATTERNS } from "../../config/secrets";
import { expectProblem, expectValid, fixture, problemsOf, type Cfg, namespaced, stackProblems, teamsOf } from "./fixtures";

describe("1. team egress that would open private address space", () => {
  // The first team of each fixture runs pipelines, which needs internetHttps (config/pipelines-team-rules.ts): kept.
  const allow = (cfg: Cfg, cidr: string, ports = [5432]) => (teamsOf(cfg)[0].egress = { internetHttps: true, allow: [{ cidr, ports }] });
  const at = "teams[0].egress.allow[0].cidr";

  it("0.0.0.0/0 on a database port: too broad, all private ranges, the VPC and the service range", () => {
    const cfg = fixture("dev");
    allow(cfg, "0.0.0.0/0");
    expectProblem(cfg, at, "0.0.0.0/0 spans 4,294,967,296 addresses; allowlist entries are /16 or narrower");
    expectProblem(cfg, at, "covers the private ranges 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 as a whole");
    expectProblem(cfg, at, "0.0.0.0/0 overlaps the VPC (network.vpcCidr) 10.10.0.0/16");
    expectProblem(cfg, at, "0.0.0.0/0 overlaps the service range (cluster.serviceCidr) 172.20.0.0/16");
  });

  it("10.0.0.0/8, which contains the VPC", () => {
    const cfg = fixture("dev");
    allow(cfg, "10.0.0.0/8");
    expectProblem(cfg, at, "10.0.0.0/8 covers the private range 10.0.0.0/8 as a whole; private networks stay blocked unless named one by one");
    expectProblem(cfg, at, "10.0.0.0/8 overlaps the VPC (network.vpcCidr) 10.10.0.0/16: nodes, other teams' pods and the platform's services live there");
  });

  it("a whole private range of /16 (192.168.0.0/16), within the breadth bound but still all of it", () => {
    const cfg = fixture("dev");
    allow(cfg, "192.168.0.0/16");
    expect(problemsOf(cfg).map((p) => p.message)).toEqual([
      "192.168.0.0/16 covers the private range 192.168.0.0/16 as a whole; private networks stay blocked unless named one by one (for example 10.40.0.0/16 for an on-prem warehouse)",
    ]);
  });

  it("a block inside the VPC or the service range", () => {
    for (const [cidr, what] of [
      ["10.10.4.0/24", "the VPC"],
      ["172.20.8.0/24", "the service range"],
    ]) {
      const cfg = fixture("dev");
      allow(cfg, cidr);
      expectProblem(cfg, at, `${cidr} overlaps ${what}`);
    }
  });

  it("accepts a named private network outside the cluster, and a narrow public block", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].egress = {
      internetHttps: true,
      allow: [
        { cidr: "10.40.0.0/16", ports: [5432] },
        { cidr: "203.0.113.0/24", ports: [8443] },
      ],
    };
    expectValid(cfg);
  });

  it("on an existing cluster, the pod and service ranges it names are refused like the VPC", () => {
    for (const [cidr, what] of [
      ["10.244.3.0/24", "the pod range (cluster.podCidr) 10.244.0.0/16"],
      ["10.96.0.0/16", "the service range (cluster.serviceCidr) 10.96.0.0/12"],
    ]) {
      const cfg = fixture("local");
      allow(cfg, cidr);
      expectProblem(cfg, at, `${cidr} overlaps ${what}`);
      delete cfg.cluster.podCidr;
      delete cfg.cluster.serviceCidr;
      expectValid(cfg); // ranges not given: unknown, so a narrow private block passes
    }
  });

  it("on an existing cluster, whose ranges are unknown, still refuses whole private ranges and broad blocks", () => {
    const cfg = fixture("local");
    allow(cfg, "172.16.0.0/12");
    expectProblem(cfg, at, "172.16.0.0/12 spans 1,048,576 addresses");
    expectProblem(cfg, at, "172.16.0.0/12 covers the private range 172.16.0.0/12 as a whole");
  });
});

describe("3. public endpoint CIDRs that together open the internet", () => {
  it("rejects two /1s, each as too broad, and says why the bound exists", () => {
    const cfg = fixture("dev");
    cfg.cluster.endpoint.publicAccessCidrs = ["0.0.0.0/1", "128.0.0.0/1"];
    for (const [i, cidr] of ["0.0.0.0/1", "128.0.0.0/1"].entries()) {
      expectProblem(cfg, `cluster.endpoint.publicAccessCidrs[${i}]`, `${cidr} spans 2,147,483,648 addresses; allowlist entries are /16 or narrower`);
      expectProblem(cfg, `cluster.endpoint.publicAccessCidrs[${i}]`, "a public endpoint is for a few offices and CI runners");
    }
  });

  it("accepts a /16 and narrower, rejects a /15", () => {
    const cfg = fixture("dev");
    cfg.cluster.endpoint.publicAccessCidrs = ["198.18.0.0/16", "203.0.113.7/32"];
    expectValid(cfg);
    cfg.cluster.endpoint.publicAccessCidrs = ["198.18.0.0/15"];
    expectProblem(cfg, "cluster.endpoint.publicAccessCidrs[0]", "198.18.0.0/15 spans 131,072 addresses");
  });
});

describe("4. secret values, not only secret-looking key names", () => {
  const SAMPLES: Record<string, string> = {
    "an AWS access key ID": "AKIAIOSFODNN7EXAMPLE",
    "a private key": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
    "a GitHub token": `ghp_${"a1B2c3D4e5".repeat(4)}`,
    "a GitLab token": "glpat-abcdefghij0123456789",
    "a Slack token": "xoxb-123456789012-abcdefghijkl",
    "a Slack webhook URL": "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX",
    "a Google API key": `AIza${"x".repeat(35)}`,
    "a Stripe secret key": `sk_live_${"4eC39HqLyjWDarjtT1zdp7dc"}`,
    "an npm token": `npm_${"a".repeat(36)}`,
    "a Pulumi access token": `pul-${"0123456789abcdef".repeat(2)}01234567`,
    "a URL with a password in it": "postgres://mlflow:hunter2hunter2@db.internal:5432/mlflow",
    "a JSON Web Token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  };

  it("recognises every credential format it lists, and none of the shipped-looking values", () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(SECRET_VALUE_PATTERNS.map((p) => p.kind).sort());
    for (const [kind, value] of Object.entries(SAMPLES)) expect(secretValueKind(`x ${value} y`), kind).toBe(kind);
    for (const ordinary of ["arn:aws:iam::111122223333:role/platform-admin", "cc-4711", "10.10.0.0/16", "m6i.large", "churn/reference.parquet", "0 * * * *"]) {
      expect(secretValueKind(ordinary), ordinary).toBeUndefined();
    }
  });

  it.each(Object.entries(SAMPLES))("rejects %s anywhere in the values, with the path, never echoing it", (kind, value) => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].egress = { allow: [{ cidr: "203.0.113.0/24", ports: [443], description: value }] };
    const problems = problemsOf(cfg);
    expect(problems).toContainEqual({
      path: "teams[1].egress.allow[0].description",
      message: expect.stringContaining(`holds what looks like ${kind} in plain text`),
    });
    expect(JSON.stringify(problems)).not.toContain(value.slice(4, 20));
  });

  it("a credential in a value that other rules would quote (a team name) is left out whole: no message repeats it", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].name = "AKIAIOSFODNN7EXAMPLE";
    const problems = problemsOf(cfg);
    expect(problems).toContainEqual({ path: "teams[0].name", message: expect.stringContaining("holds what looks like an AWS access key ID") });
    expect(JSON.stringify(problems)).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });

  it("checks every namespace's values, and the provider keys that hold credentials", () => {
    const problems = stackProblems(
      namespaced(fixture("dev"), { "pulumi:tags": '{"k":"AKIAIOSFODNN7EXAMPLE"}', "aws:secretKey": "abc", "billing:tier": "AKIAIOSFODNN7EXAMPLE" }),
    );
    expect(problems).toContainEqual({ path: "pulumi:tags.k", message: expect.stringContaining("holds what looks like an AWS access key ID") });
    expect(problems).toContainEqual({
      path: "aws:secretKey",
      message: expect.stringContaining("looks like a secret, and no setting of this program takes one: remove it"),
    });
    expect(problems).toContainEqual({ path: "billing:tier", message: expect.stringContaining("holds what looks like an AWS access key ID") });
    expect(JSON.stringify(problems)).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });

  it("a provider key whose name only mentions credentials is not taken for a secret", () => {
    const problems = stackProblems(namespaced(fixture("dev"), { "aws:skipCredentialsValidation": "true" }));
    expect(problems.map((p) => p.message).join("\n")).not.toContain("looks like a secret");
  });

  it("a credential in the cluster section is replaced, not dropped: no 'is required', and every other rule still runs", () => {
    const cfg = fixture("dev");
    cfg.cluster.name = "ghp_" + "a1B2c3D4e5".repeat(4);
    teamsOf(cfg)[1].name = "databases";
    const problems = problemsOf(cfg);
    expect(problems.map((p) => p.path)).toEqual(["cluster.name", "teams[1].name"]);
    expect(JSON.stringify(problems)).not.toContain("a1B2c3D4e5");
  });
});

describe("5. keys under a namespace nothing reads", () => {
  it("a misspelt project namespace is an error that names the key and suggests the closest namespace", () => {
    const cfg = fixture("dev");
    const values = namespaced(cfg);
    values["mlops-platfrom:teams"] = values["mlops-platform:teams"];
    delete values["mlops-platform:teams"];
    expect(stackProblems(values)).toEqual([
      {
        path: "mlops-platfrom:teams",
        message:
          'is under the config namespace "mlops-platfrom", which nothing in this program reads (did you mean "mlops-platform"?); stack config goes under mlops-platform or pulumi',
      },
    ]);
  });

  it("an unrelated namespace gets no suggestion; a key without a namespace says how to write it", () => {
    const problems = stackProblems(namespaced(fixture("dev"), { "billing:tier": "gold", teams: "[]" }));
    expect(problems).toContainEqual({ path: "billing:tier", message: expect.not.stringContaining("did you mean") });
    expect(problems).toContainEqual({ path: "teams", message: 'has no namespace; write it as "mlops-platform:teams"' });
  });

  it("provider keys are refused with where the setting goes: the program's providers are explicit and read no stack config", () => {
    const problems = stackProblems(
      namespaced(fixture("dev"), { "aws:allowedAccountIds": '["111122223333"]', "kubernetes:context": "kind-mlops", "random:x": "1" }),
    );
    expect(problems).toEqual([
      {
        path: "aws:allowedAccountIds",
        message: expect.stringContaining(
          "is aws provider config, which nothing reads: the program creates its aws provider explicitly; set the region and allowed accounts under mlops-platform:aws",
        ),
      },
      { path: "kubernetes:context", message: expect.stringContaining("set the kubeconfig and context under mlops-platform:cluster") },
      { path: "random:x", message: expect.stringContaining("it takes no configuration") },
    ]);
  });

  it("Pulumi's own namespace is accepted", () => {
    expect(stackProblems(namespaced(fixture("dev"), { "pulumi:disable-default-providers": '["*"]' }))).toEqual([]);
  });

  it("a namespace written as a key says how keys are written", () => {
    expect(stackProblems({ ...namespaced(fixture("dev")), "mlops-platform": '{"teams":[]}' })).toContainEqual({
      path: "mlops-platform",
      message: 'has no namespace; "mlops-platform" is a namespace, not a key: write each key as "mlops-platform:<key>" directly under config:',
    });
  });

  it("a misspelt top-level key suggests the key it resembles", () => {
    const cfg = fixture("dev");
    cfg.teamz = cfg.teams;
    delete cfg.teams;
    expectProblem(cfg, "teamz", 'unknown key (did you mean "teams"?)');
  });
});
