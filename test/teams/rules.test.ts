/**
 * Every rejection rule of the `teams` list, each from a compliant fixture stack with one field broken, through
 * the real loader (schema + semantic rules): the problem's path and the rule in its message.
 */
import { describe, it, expect } from "vitest";
import { check, expectProblem, fixture, problemsOf, teamEntry, teamsOf, type Cfg } from "./fixtures";

const DEV_ADMIN = "arn:aws:iam::111122223333:role/platform-admin";

describe("compliant fixtures", () => {
  it.each(["dev", "prod", "local", "staging"] as const)("fixture stack %s has valid teams", (stack) => {
    expect(problemsOf(fixture(stack))).toEqual([]);
  });
});

describe("team names", () => {
  it.each(["Vision_Team", "-vision", "vision-", "ml.team", "a".repeat(41)])("rejects %s as a namespace name", (name) => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].name = name;
    const message = name.length > 40 ? "longer than 40 characters" : "is not a DNS-1123 label";
    expectProblem(cfg, "teams[1].name", message);
  });

  it.each([
    ["kube-system", "kube-* namespaces belong to Kubernetes"],
    ["kube-anything", "kube-* namespaces belong to Kubernetes"],
    ["default", "reserved for the platform's own namespace"],
    ["gpu-operator", "reserved for the platform's own namespace"],
    ["mlflow", "reserved for the platform's own namespace"],
    ["monitoring", "reserved for the platform's own namespace"],
    ["kubeflow", "reserved for the platform's own namespace"],
    ["guardrails", "the Teams component names its own guardrails objects so"],
    ["platform-admins", "the Teams component names its own platform-admins objects so"],
    ["api", "MLflow refuses it as a workspace name"],
    ["static-files", "MLflow refuses it as a workspace name"],
  ])("reserves %s", (name, rule) => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].name = name;
    expectProblem(cfg, "teams[0].name", `"${name}" is reserved`);
    expectProblem(cfg, "teams[0].name", rule);
  });

  it("rejects a duplicate name at the second entry, naming the first", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].name = "recsys";
    expectProblem(cfg, "teams[1].name", '"recsys" duplicates teams[0].name');
  });

  it('"NLP" next to "nlp": upper case fails DNS-1123 first, so the case-folded duplicate rule never runs', () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].name = "NLP";
    const problems = expectProblem(cfg, "teams[0].name", '"NLP" is not a DNS-1123 label');
    // Schema errors stop validation before the semantic rules: no duplicate report (and none is needed,
    // since two valid names can only collide when they are identical).
    expect(problems.filter((p) => p.message.includes("duplicates"))).toEqual([]);
  });
});

describe("quota", () => {
  it("rejects a malformed quantity", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].quota.cpu = "lots";
    expectProblem(cfg, "teams[0].quota.cpu", '"lots" is not a Kubernetes quantity');
  });

  it.each([
    ["cpu", "0"],
    ["memory", "0Gi"],
    ["storage", "0Gi"],
  ])("rejects a zero %s (%s)", (key, value) => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].quota[key] = value;
    expectProblem(cfg, `teams[1].quota.${key}`, `"${value}" must be greater than zero`);
  });

  it("rejects storage below 1Gi", () => {
    const cfg = fixture("prod");
    teamsOf(cfg)[2].quota.storage = "512Mi";
    expectProblem(cfg, "teams[2].quota.storage", '"512Mi" is below 1Gi');
  });

  it("rejects a fractional GPU share, in the pool's unit", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].quota.gpu = { gpu: 0.5 };
    expectProblem(cfg, "teams[1].quota.gpu.gpu", "0.5 is not a whole unit: a unit of pool gpu is a time slice of a shared GPU");
  });

  it("rejects the pre-queue single GPU number, naming the pools; 0 still means no GPUs", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].quota.gpu = 4;
    expectProblem(cfg, "teams[1].quota.gpu", "is one number; GPU quotas are per GPU pool now, each in that pool's unit: gpu: { gpu: 4 } (GPU pools: gpu)");
    teamsOf(cfg)[1].quota.gpu = 0;
    expect(problemsOf(cfg)).toEqual([]);
  });
});

describe("GPU capacity", () => {
  it("rejects dev teams holding more than 2 nodes × 1 GPU × 4 slices of pool gpu, once, at the first team that crosses", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].quota.gpu = { gpu: 5 }; // 4 + 5 = 9 > 8
    teamsOf(cfg).push(teamEntry("vision", { quota: { ...teamsOf(cfg)[1].quota, gpu: { gpu: 2 } } }));
    const problems = expectProblem(
      cfg,
      "teams[1].quota.gpu.gpu",
      "recsys, nlp hold 9 nominal nvidia.com/gpu units of pool gpu together, but it offers 8 (2 nodes (maxSize) × 1 GPU per node × 4 time slices per GPU). On this pool a unit is a time slice of a shared GPU, not a whole GPU. Lower the nominal quotas (teams still borrow what others leave idle), or ask the platform team to raise the pool's maxSize or add a pool.",
    );
    expect(problems.filter((p) => p.message.includes("together, but it offers"))).toHaveLength(1);
  });

  it("accepts dev teams that exactly fill the pool", () => {
    const cfg = fixture("dev");
    expect(teamsOf(cfg).reduce((n, t) => n + (t.quota.gpu.gpu as number), 0)).toBe(8);
    expect(check(cfg).ok).toBe(true);
  });

  it("sums each pool on its own: the MIG pool's instances do not make room on the time-sliced pool (prod)", () => {
    const cfg = fixture("prod");
    // 8 + 6 + 2 = 16 fills the time-sliced inference pool; one more slice crosses even though gpu-training
    // (2 × p5.48xlarge × 7 MIG 1g.10gb = 112 instances) has room of its own.
    teamsOf(cfg)[2].quota.gpu = { "gpu-inference": 3 };
    expectProblem(
      cfg,
      "teams[2].quota.gpu.gpu-inference",
      "recsys, nlp, fraud hold 17 nominal nvidia.com/gpu units of pool gpu-inference together, but it offers 16 (8 nodes (maxSize) × 1 GPU per node × 2 time slices per GPU).",
    );
  });

  it("does not sum GPUs on an existing cluster, whose GPU nodes are not declared", () => {
    const cfg = fixture("local");
    teamsOf(cfg)[0].quota.gpu = { gpus: 64 };
    expect(problemsOf(cfg)).toEqual([]);
  });
});

describe("LimitRange", () => {
  it("rejects defaultRequest above default", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].limits = { defaultRequest: { cpu: "4", memory: "1Gi" }, default: { cpu: "2", memory: "4Gi" } };
    expectProblem(cfg, "teams[1].limits.default.cpu", "2 is below defaultRequest.cpu 4 (needs min ≤ defaultRequest ≤ default ≤ max)");
  });

  it("rejects min above defaultRequest", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].limits = { min: { cpu: "10m", memory: "1Gi" } };
    expectProblem(cfg, "teams[0].limits.defaultRequest.memory", "512Mi is below min.memory 1Gi");
  });

  it("rejects limits.max above the team's quota", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].limits.max = { cpu: "32", memory: "8Gi" };
    expectProblem(cfg, "teams[1].limits.max.cpu", "32 exceeds the team's quota 16");
  });
});

describe("owners and IAM principals", () => {
  it("rejects owners that name nobody", () => {
    const cfg = fixture("prod");
    teamsOf(cfg)[2].owners = { admin: { groups: [] }, view: {} };
    expectProblem(cfg, "teams[2].owners", "names nobody");
  });

  it("rejects IAM principals on an existing cluster (local)", () => {
    const cfg = fixture("local");
    teamsOf(cfg)[0].owners.admin.iamPrincipals = ["arn:aws:iam::111122223333:role/sandbox-admin"];
    expectProblem(cfg, "teams[0].owners.admin.iamPrincipals", "IAM principals need an EKS cluster");
  });

  it("rejects a team IAM principal that is a cluster admin", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].owners.admin.iamPrincipals.push(DEV_ADMIN);
    expectProblem(cfg, "teams[0].owners.admin.iamPrincipals[1]", `${DEV_ADMIN} is a cluster admin already`);
  });
});

describe("rbac.extraRules", () => {
  const withRule = (stack: "dev" | "prod", rule: Cfg): Cfg => {
    const cfg = fixture(stack);
    teamsOf(cfg)[0].rbac = { extraRules: [{ role: "edit", apiGroups: [""], resources: ["pods"], verbs: ["get"], ...rule }] };
    return cfg;
  };
  const at = "teams[0].rbac.extraRules[0]";

  it.each(["apiGroups", "resources", "verbs"])("rejects a wildcard in %s", (key) => {
    expectProblem(withRule("dev", { [key]: ["*"] }), `${at}.${key}[0]`, "wildcards are not granted");
  });

  it("rejects a partial wildcard such as pods/*", () => {
    expectProblem(withRule("dev", { resources: ["pods", "pods/*"] }), `${at}.resources[1]`, "wildcards are not granted");
  });

  it.each(["nodes", "namespaces", "clusterroles", "persistentvolumes", "nodes/proxy"])("rejects the cluster-scoped resource %s", (r) => {
    expectProblem(withRule("dev", { resources: [r] }), `${at}.resources[0]`, `"${r}" is cluster-scoped`);
  });

  it.each(["resourcequotas", "networkpolicies", "rolebindings", "serviceaccounts/token", "limitranges", "roles"])(
    "rejects the platform-owned resource %s",
    (r) => {
      expectProblem(withRule("dev", { resources: [r] }), `${at}.resources[0]`, `"${r}" is managed by the platform`);
    },
  );

  it.each(["escalate", "bind", "impersonate"])("rejects the verb %s", (v) => {
    expectProblem(withRule("dev", { verbs: ["get", v] }), `${at}.verbs[1]`, `"${v}" lets a subject grant itself more rights`);
  });

  it("rejects pods/exec, pods/attach and pods/ephemeralcontainers (kubectl debug) in prod", () => {
    const cfg = withRule("prod", { resources: ["pods/exec", "pods/attach", "pods/ephemeralcontainers"], verbs: ["create", "patch"] });
    expectProblem(cfg, `${at}.resources[0]`, '"pods/exec" is not granted in prod');
    expectProblem(cfg, `${at}.resources[1]`, '"pods/attach" is not granted in prod');
    expectProblem(cfg, `${at}.resources[2]`, '"pods/ephemeralcontainers" is not granted in prod');
  });

  it("allows pods/exec in dev", () => {
    expect(problemsOf(withRule("dev", { resources: ["pods/exec"], verbs: ["create"] }))).toEqual([]);
  });
});

describe("exceptions", () => {
  it("rejects an id that is not in the registry", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].exceptions = ["run-as-root-please"];
    expectProblem(cfg, "teams[1].exceptions[0]", '"run-as-root-please" is not in the exceptions registry (policies/exceptions.ts)');
  });

  it("rejects an exception scoped to another namespace", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].exceptions = ["gpu-operator-operands"];
    expectProblem(cfg, "teams[0].exceptions[0]", '"gpu-operator-operands" is scoped to namespace gpu-operator, not recsys');
  });
});

describe("egress allowlist", () => {
  it.each(["169.254.0.0/16", "169.254.169.0/24", "169.254.169.254/32", "169.254.170.23/32"])("rejects %s, which is link-local", (cidr) => {
    const cfg = fixture("prod");
    teamsOf(cfg)[1].egress.allow.push({ cidr, ports: [80] });
    expectProblem(cfg, "teams[1].egress.allow[1].cidr", `${cidr} is link-local (169.254.0.0/16, home of the instance metadata address)`);
  });

  it("rejects 0.0.0.0/0 on a database port: too broad, all private space, and the cluster's own ranges", () => {
    const cfg = fixture("prod");
    teamsOf(cfg)[1].egress.allow.push({ cidr: "0.0.0.0/0", ports: [5432] });
    const at = "teams[1].egress.allow[1].cidr";
    expectProblem(cfg, at, "0.0.0.0/0 spans 4,294,967,296 addresses; allowlist entries are /16 or narrower");
    expectProblem(cfg, at, "0.0.0.0/0 covers the private ranges 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 as a whole");
    expectProblem(cfg, at, `0.0.0.0/0 overlaps the VPC (network.vpcCidr) ${cfg.network.vpcCidr}`);
    expectProblem(cfg, at, "0.0.0.0/0 overlaps the service range (cluster.serviceCidr)");
  });

  it("rejects a CIDR with host bits", () => {
    const cfg = fixture("prod");
    teamsOf(cfg)[1].egress.allow[0].cidr = "10.40.0.1/16";
    expectProblem(cfg, "teams[1].egress.allow[0].cidr", "did you mean 10.40.0.0/16?");
  });
});

describe("schema strictness", () => {
  it("rejects unknown keys inside a team entry", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].foo = 1;
    teamsOf(cfg)[0].quota.gpus = 2;
    const problems = problemsOf(cfg);
    expect(problems).toContainEqual({ path: "teams[0].foo", message: "unknown key" });
    expect(problems).toContainEqual({ path: "teams[0].quota.gpus", message: "unknown key" });
  });

  it("rejects a service that is not in the catalogue", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].services = ["mlflow", "airflow"];
    const problems = expectProblem(cfg, "teams[1].services[1]", /mlflow.*feast.*pipelines.*kserve/);
    expect(problems).toHaveLength(1);
  });
});

describe("all problems at once", () => {
  it("reports five different team problems in one run", () => {
    const cfg = fixture("dev");
    const [recsys, nlp] = teamsOf(cfg);
    recsys.name = "kube-ml";
    recsys.quota.storage = "100Mi";
    nlp.quota.gpu = { gpu: 1.5 };
    nlp.owners = { admin: {} };
    nlp.exceptions = ["nope"];
    nlp.rbac = { extraRules: [{ role: "admin", apiGroups: [""], resources: ["pods"], verbs: ["impersonate"] }] };
    const problems = problemsOf(cfg);
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "teams[0].name",
        "teams[0].quota.storage",
        "teams[1].quota.gpu.gpu",
        "teams[1].owners",
        "teams[1].exceptions[0]",
        "teams[1].rbac.extraRules[0].verbs[0]",
      ]),
    );
    expect(problems).toHaveLength(6);
  });
});

describe("gaps", () => {
  // Regression: owners.*.groups accepted Kubernetes' built-in system: groups. Binding team-edit (secrets read/write)
  // to system:authenticated or system:serviceaccounts hands the namespace to every identity in the cluster,
  // including every other team's service accounts (RBAC-03, namespace isolation).
  it.each(["system:authenticated", "system:serviceaccounts"])("rejects the built-in group %s as a team owner", (group) => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].owners.edit.groups = [group];
    const problems = problemsOf(cfg).filter((p) => p.path.startsWith("teams[0].owners.edit.groups"));
    expect(problems, `${group} was accepted as a team owner group`).toHaveLength(1);
  });
});
