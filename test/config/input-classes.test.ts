/**
 * The classes of bad input that used to get through, each with its rule, its path and its message. Every case
 * starts from a compliant fixture stack and breaks one thing.
 */
import { describe, it, expect } from "vitest";
import { validateStackConfig } from "../../config/loader";
import { EKS_MANAGED_NODE_GROUP_LIMITS } from "../../config/pool-rules";
import { regionPartition } from "../../config/partition";
import { secretValueKind, SECRET_VALUE_PATTERNS } from "../../config/secrets";
import { expectProblem, expectValid, fixture, problemsOf, type Cfg } from "./fixtures";
import { rawConfig, TODAY } from "../helpers/stack";

const teamsOf = (cfg: Cfg) => cfg.teams as Cfg[];
/** A whole stack as Pulumi hands it over: every namespace, keys as `<namespace>:<key>`. */
const namespaced = (cfg: Cfg, extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(Object.entries(rawConfig(cfg)).map(([k, v]) => [`mlops-platform:${k}`, v])),
  ...extra,
});
const stackProblems = (values: Record<string, string>, secretKeys: string[] = []) => {
  const r = validateStackConfig(values, new Set(secretKeys), { today: TODAY });
  return r.ok ? [] : r.problems;
};

describe("1. team egress that would open private address space", () => {
  const allow = (cfg: Cfg, cidr: string, ports = [5432]) => (teamsOf(cfg)[0].egress = { allow: [{ cidr, ports }] });
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

describe("6. quantities that overflow or are absurd", () => {
  it("rejects a quantity that parses to Infinity, or beyond what Kubernetes can store", () => {
    for (const value of ["1e400", "1E400", "10Ei", "1e19"]) {
      const cfg = fixture("local");
      teamsOf(cfg)[0].quota.memory = value;
      expectProblem(cfg, "teams[0].quota.memory", `"${value}" is out of range: Kubernetes stores quantities as 64-bit integers`);
    }
  });

  it("rejects a team quota beyond what every node pool at its maximum could offer (EKS)", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].quota.cpu = "100000";
    teamsOf(cfg)[0].quota.memory = "1Pi";
    expectProblem(cfg, "teams[0].quota.cpu", '"100000" is more CPU than the whole cluster can ever offer (');
    expectProblem(cfg, "teams[0].quota.cpu", "node pools at maxSize: system 3 × 2 vCPU/8Gi");
    expectProblem(cfg, "teams[0].quota.memory", '"1Pi" is more memory than the whole cluster can ever offer');
  });

  it("an existing cluster's capacity is unknown: only the storable range applies", () => {
    const cfg = fixture("local");
    teamsOf(cfg)[0].quota.cpu = "100000";
    teamsOf(cfg)[0].limits = undefined;
    expectValid(cfg);
  });
});

describe("7. pool sizes beyond the EKS managed node group limits", () => {
  it("rejects maxSize above the nodes one managed node group may hold, naming the quota", () => {
    const cfg = fixture("dev");
    cfg.nodePools[2].maxSize = 100000;
    expectProblem(
      cfg,
      "nodePools[2].maxSize",
      `100000 is beyond the ${EKS_MANAGED_NODE_GROUP_LIMITS.nodesPerGroup} nodes EKS allows in one managed node group (default service quota)`,
    );
  });

  it("accepts exactly the limit, and rejects more pools than EKS allows per cluster", () => {
    const cfg = fixture("dev");
    cfg.nodePools[1].maxSize = EKS_MANAGED_NODE_GROUP_LIMITS.nodesPerGroup;
    expectValid(cfg);
    const many = fixture("dev");
    for (let i = 0; i < EKS_MANAGED_NODE_GROUP_LIMITS.groupsPerCluster; i++) many.nodePools.push({ ...many.nodePools[1], name: `cpu-${i}` });
    expectProblem(
      many,
      "nodePools",
      `${many.nodePools.length} pools; EKS allows ${EKS_MANAGED_NODE_GROUP_LIMITS.groupsPerCluster} managed node groups per cluster`,
    );
  });
});

describe("8. IAM principals of another partition than the region's", () => {
  it("maps regions to partitions", () => {
    expect(["eu-west-1", "cn-north-1", "us-gov-west-1"].map(regionPartition)).toEqual(["aws", "aws-cn", "aws-us-gov"]);
  });

  it("rejects an aws-cn admin and team principal in eu-west-1", () => {
    const cfg = fixture("dev");
    cfg.cluster.admins.push("arn:aws-cn:iam::111122223333:role/platform-admin");
    teamsOf(cfg)[0].owners.admin.iamPrincipals = ["arn:aws-cn:iam::111122223333:role/recsys-admin"];
    const message = "is in AWS partition aws-cn, but the stack's region (aws.region) is in partition aws";
    expectProblem(cfg, `cluster.admins[${cfg.cluster.admins.length - 1}]`, message);
    expectProblem(cfg, "teams[0].owners.admin.iamPrincipals[0]", message);
  });

  it("accepts aws-cn principals in a China region", () => {
    const cfg = fixture("dev");
    cfg.aws.region = "cn-north-1";
    cfg.network.availabilityZones = ["cn-north-1a", "cn-north-1b"];
    const toCn = (arn: string) => arn.replace(/^arn:aws:/, "arn:aws-cn:");
    cfg.cluster.admins = cfg.cluster.admins.map(toCn);
    for (const t of teamsOf(cfg))
      for (const role of ["admin", "edit", "view"]) if (t.owners[role]?.iamPrincipals) t.owners[role].iamPrincipals = t.owners[role].iamPrincipals.map(toCn);
    expectValid(cfg);
  });
});

describe("10. item by item: a broken item hides no rule of another", () => {
  it("a bad key in one team does not hide another team's reserved name", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].colour = "blue";
    teamsOf(cfg)[1].name = "databases";
    expectProblem(cfg, "teams[0].colour", "unknown key");
    expectProblem(cfg, "teams[1].name", `"databases" is reserved for the platform's own namespace`);
  });

  it("a bad name does not hide the GPU total, nor the team's own other rules", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].name = "Recsys_Team";
    teamsOf(cfg)[1].quota.gpu = 5;
    expectProblem(cfg, "teams[0].name", "is not a DNS-1123 label");
    expectProblem(cfg, "teams[1].quota.gpu", "request 9 nvidia.com/gpu units together, but the GPU pools provide at most 8");
  });

  it("a bad memory does not hide a fractional GPU in the same team", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].quota.memory = "lots";
    teamsOf(cfg)[0].quota.gpu = 0.5;
    expectProblem(cfg, "teams[0].quota.memory", '"lots" is not a Kubernetes quantity');
    expectProblem(cfg, "teams[0].quota.gpu", "0.5 is a fractional GPU");
  });

  it("a field that failed is not judged by its default: broken limits raise no limit rule", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].limits = { default: { cpu: "lots", memory: "1Gi" } };
    teamsOf(cfg)[0].quota.cpu = "100m"; // below the default limit: would be a problem if the default were assumed
    expect(problemsOf(cfg).map((p) => p.path)).toEqual(["teams[0].limits.default.cpu"]);
  });

  it("a broken node pool does not hide another pool's rules, and makes the GPU sum unknown rather than wrong", () => {
    const cfg = fixture("dev");
    cfg.nodePools[1].colour = "blue";
    cfg.nodePools[2].maxSize = 1000;
    teamsOf(cfg)[0].quota.gpu = 1000;
    const paths = problemsOf(cfg).map((p) => p.path);
    expect(paths).toContain("nodePools[1].colour");
    expect(paths).toContain("nodePools[2].maxSize");
    expect(paths).not.toContain("teams[0].quota.gpu");
  });
});

describe("messages a team lead can act on", () => {
  it("names teams and pools by name as well as index", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].quota.gpu = 0.5;
    cfg.nodePools[2].maxSize = 1000;
    const problems = stackProblems(namespaced(cfg));
    expect(problems).toContainEqual(expect.objectContaining({ path: "teams[1].quota.gpu", where: "teams[1] (nlp).quota.gpu" }));
    expect(problems).toContainEqual(expect.objectContaining({ path: "nodePools[2].maxSize", where: "nodePools[2] (gpu).maxSize" }));
  });

  it("an unquoted quantity says to quote it", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].quota.cpu = 32;
    expectProblem(cfg, "teams[0].quota.cpu", '32 is written unquoted; Kubernetes quantities are text: quote it ("32")');
    cfg.environment = "dev";
    cfg.cluster.version = 1.3; // YAML's reading of an unquoted 1.30
    expectProblem(
      cfg,
      "cluster.version",
      "is written unquoted, so YAML reads it as the number 1.3; this key takes text: put the value in quotes as you mean it",
    );
  });

  it("an empty value is reported as empty, not as the wrong type", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].costCenter = null;
    cfg.owner = "null"; // how an empty top-level value (`owner:`) arrives from the stack file
    expectProblem(cfg, "teams[0].costCenter", "is empty (null): give it a value or remove the key");
    expectProblem(cfg, "owner", "is empty (null): give it a value or remove the key");
    expect(JSON.stringify(problemsOf(cfg))).not.toContain("received");
  });

  it("a quoted number says to unquote it; a missing key is required", () => {
    const cfg = fixture("dev");
    cfg.nodePools[1].maxSize = "10";
    delete cfg.costCenter;
    expectProblem(cfg, "nodePools[1].maxSize", '"10" is quoted; write the number without quotes');
    expectProblem(cfg, "costCenter", "is required");
  });
});

describe("found by probing ~250 bad stack files", () => {
  it("a VPC in public address space: team HTTPS egress would reach it", () => {
    for (const vpc of ["11.10.0.0/16", "169.254.0.0/16"]) {
      const cfg = fixture("dev");
      cfg.network.vpcCidr = vpc;
      expectProblem(cfg, "network.vpcCidr", `${vpc} is not private address space; team HTTPS egress to public addresses would reach the VPC`);
    }
  });

  it("a MIG profile of 0 compute slices, which would divide capacity by zero", () => {
    const cfg = fixture("prod");
    const mig = cfg.nodePools.find((p: Cfg) => p.gpuSharing?.mode === "mig");
    mig.gpuSharing.profile = "all-0g.10gb";
    expectProblem(
      cfg,
      `nodePools[${cfg.nodePools.indexOf(mig)}].gpuSharing.profile`,
      "is not a MIG profile such as all-1g.10gb or all-balanced (1 to 7 compute slices)",
    );
  });

  it("8Ei is 2^63 bytes, one more than Kubernetes can store", () => {
    const cfg = fixture("local");
    teamsOf(cfg)[0].quota.storage = "8Ei";
    expectProblem(cfg, "teams[0].quota.storage", '"8Ei" is out of range');
    teamsOf(cfg)[0].quota.storage = "7Ei";
    expectValid(cfg);
  });

  it("a value nested thousands deep is one problem, not a stack overflow", () => {
    const values = namespaced(fixture("dev"), {});
    values["mlops-platform:teams"] = "[".repeat(8000) + "]".repeat(8000);
    expect(stackProblems(values)).toEqual([{ path: "teams", message: "nests deeper than 32 levels; no setting of this program is that deep" }]);
    values["pulumi:tags"] = values["mlops-platform:teams"];
    expect(() => stackProblems(values)).not.toThrow();
  });

  it("a subresource of a platform-managed resource is refused like the resource", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].rbac = { extraRules: [{ role: "edit", apiGroups: [""], resources: ["resourcequotas/status"], verbs: ["update", "patch"] }] };
    expectProblem(cfg, "teams[0].rbac.extraRules[0].resources[0]", '"resourcequotas/status" is managed by the platform');
  });

  it("a broken cluster section still lets every team rule run", () => {
    const cfg = fixture("dev");
    cfg.cluster.endpiont = { publicAccess: true };
    teamsOf(cfg)[1].name = "kube-tools";
    teamsOf(cfg)[0].egress = { allow: [{ cidr: "0.0.0.0/0", ports: [5432] }] };
    const paths = problemsOf(cfg).map((p) => p.path);
    expect(paths).toContain("cluster.endpiont");
    expect(paths).toContain("teams[1].name");
    expect(paths).toContain("teams[0].egress.allow[0].cidr");
  });

  it("a services section that fails its schema is not read as the defaults by the storage rule", () => {
    const cfg = fixture("local");
    cfg.storage = { ...cfg.storage, objectStore: { ...cfg.storage?.objectStore, enabled: false } };
    cfg.services = { mlflow: { enabled: false }, feast: { enabled: false }, evidently: { enabled: false, shedule: "0 * * * *" } };
    const paths = problemsOf(cfg).map((p) => p.path);
    expect(paths.some((p) => p.startsWith("services.evidently"))).toBe(true);
    expect(paths).not.toContain("storage.objectStore.enabled");
  });

  it("a misspelt owner role is an unknown key, and the team is not also said to name nobody", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].owners = { admins: { groups: ["recsys-leads"] } };
    const problems = problemsOf(cfg);
    expect(problems).toContainEqual({ path: "teams[0].owners.admins", message: expect.stringContaining("unknown key") });
    expect(problems.map((p) => p.path)).not.toContain("teams[0].owners");
  });

  it("inside a team, a broken egress entry or owner role hides no rule about the others", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].egress = {
      allow: [
        { cidr: "10.0.0.0/8", ports: [5432] },
        { cidr: "203.0.113.0/24", ports: [70000] },
      ],
    };
    teamsOf(cfg)[0].owners.view = { groups: ["system:authenticated"] };
    teamsOf(cfg)[0].owners.admin.iamPrincipals = ["arn:aws-cn:iam::111122223333:role/recsys-admin"];
    const problems = problemsOf(cfg);
    const paths = problems.map((p) => p.path);
    expect(paths).toContain("teams[0].egress.allow[1].ports[0]");
    expect(problems).toContainEqual({
      path: "teams[0].egress.allow[0].cidr",
      message: expect.stringContaining("covers the private range 10.0.0.0/8 as a whole"),
    });
    expect(paths).toContain("teams[0].owners.view.groups[0]");
    expect(problems).toContainEqual({ path: "teams[0].owners.admin.iamPrincipals[0]", message: expect.stringContaining("is in AWS partition aws-cn") });
  });

  it("absent node pools make capacity unknown, not zero", () => {
    const cfg = fixture("dev");
    delete cfg.nodePools;
    const messages = problemsOf(cfg)
      .map((p) => p.message)
      .join("\n");
    expect(messages).toContain("is required with cluster kind");
    expect(messages).not.toContain("can ever offer");
    expect(messages).not.toContain("GPU pools provide");
  });

  it("an empty string says it is empty; an empty team name is not shown as a name", () => {
    const cfg = fixture("dev");
    cfg.costCenter = "";
    teamsOf(cfg)[1].name = "";
    expectProblem(cfg, "costCenter", "must not be empty");
    const problems = stackProblems(namespaced(cfg));
    expect(problems.find((p) => p.path === "teams[1].name")?.where).toBeUndefined();
  });

  it("a URL with a password, and a credential used as a key, are secrets too; neither is echoed in a path", () => {
    const cfg = fixture("local");
    cfg.cluster.kubeconfig = "https://admin:Sup3rS3cretPw@k8s.example.com/kubeconfig";
    cfg.cluster.AKIAIOSFODNN7EXAMPLE = "x";
    const problems = problemsOf(cfg);
    expect(problems).toContainEqual({ path: "cluster.kubeconfig", message: expect.stringContaining("holds what looks like a URL with a password in it") });
    expect(problems).toContainEqual({ path: "cluster", message: expect.stringContaining("has a key that looks like an AWS access key ID") });
    expect(JSON.stringify(problems)).not.toMatch(/Sup3rS3cretPw|AKIAIOSFODNN7EXAMPLE/);
  });

  it("a project key set with --secret is reported once, not also as missing", () => {
    expect(problemsOf(fixture("dev"), { secretKeys: ["costCenter"] }).filter((p) => p.path === "costCenter")).toEqual([
      { path: "costCenter", message: "is plain configuration but was set as a secret; set it without --secret" },
    ]);
  });

  it("all-balanced MIG under the single strategy, which needs one MIG size", () => {
    const cfg = fixture("prod");
    const i = cfg.nodePools.findIndex((p: Cfg) => p.gpuSharing?.mode === "mig");
    cfg.nodePools[i].gpuSharing.profile = "all-balanced";
    cfg.gpu = { ...cfg.gpu, migStrategy: "single" };
    expectProblem(cfg, "gpu.migStrategy", `is "single", but nodePools[${i}] uses all-balanced`);
  });

  it("taints under reserved prefixes, root disks beyond EBS, absurd GPU quotas, long IAM names, zero-padded octets", () => {
    const pools = fixture("dev");
    pools.nodePools[0].taints = [{ key: "node.kubernetes.io/unschedulable", effect: "NoExecute" }];
    pools.nodePools[1].diskSize = "5Ei";
    expectProblem(
      pools,
      "nodePools[0].taints[0].key",
      "node.kubernetes.io/unschedulable is a taint Kubernetes, cluster-autoscaler or the platform sets and clears on its own; choose a key of your own",
    );
    expectProblem(pools, "nodePools[1].diskSize", '"5Ei" is above the 16Ti an EBS gp3 root volume can hold');
    const cluster = fixture("dev");
    cluster.cluster.admins.push(`arn:aws:iam::111122223333:role/${"r".repeat(65)}`);
    cluster.network.vpcCidr = "010.010.0.0/16";
    expectProblem(cluster, `cluster.admins[${cluster.cluster.admins.length - 1}]`, "names a role or user longer than the 64 characters IAM allows");
    expectProblem(cluster, "network.vpcCidr", '"010.010.0.0/16" is not an IPv4 CIDR');
    const local = fixture("local");
    teamsOf(local)[0].quota.gpu = 1e300;
    expectProblem(local, "teams[0].quota.gpu", "is above the maximum 100000");
  });
});
