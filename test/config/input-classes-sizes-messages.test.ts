/**
 * The classes of bad input that used to get through, 6-10, the messages a team lead acts on, and what probing
 * some 250 bad stack files found. Every case starts from a compliant fixture stack and breaks one thing.
 */
import { describe, it, expect } from "vitest";
import { EKS_MANAGED_NODE_GROUP_LIMITS } from "../../config/pool-rules";
import { regionPartition } from "../../config/partition";
import { expectProblem, expectValid, fixture, problemsOf, type Cfg, namespaced, stackProblems, teamsOf } from "./fixtures";

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
    expect(["us-east-1", "cn-north-1", "us-gov-west-1"].map(regionPartition)).toEqual(["aws", "aws-cn", "aws-us-gov"]);
  });

  it("rejects an aws-cn admin and team principal in us-east-1", () => {
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
    cfg.access.tls.acmCertificateArn = toCn(cfg.access.tls.acmCertificateArn).replace(":us-east-1:", ":cn-north-1:");
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

  it("a bad name does not hide the pool's GPU sum, nor the team's own other rules", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].name = "Recsys_Team";
    teamsOf(cfg)[1].quota.gpu = { gpu: 5 };
    expectProblem(cfg, "teams[0].name", "is not a DNS-1123 label");
    expectProblem(cfg, "teams[1].quota.gpu.gpu", "hold 9 nominal nvidia.com/gpu units of pool gpu together, but it offers 8");
  });

  it("a bad memory does not hide a fractional GPU share in the same team", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[0].quota.memory = "lots";
    teamsOf(cfg)[0].quota.gpu = { gpu: 0.5 };
    expectProblem(cfg, "teams[0].quota.memory", '"lots" is not a Kubernetes quantity');
    expectProblem(cfg, "teams[0].quota.gpu.gpu", "0.5 is not a whole unit: a unit of pool gpu is a time slice of a shared GPU");
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
    teamsOf(cfg)[0].quota.gpu = { gpu: 1000 };
    const paths = problemsOf(cfg).map((p) => p.path);
    expect(paths).toContain("nodePools[1].colour");
    expect(paths).toContain("nodePools[2].maxSize");
    expect(paths.filter((p) => p.startsWith("teams[0].quota.gpu"))).toEqual([]);
  });
});

describe("messages a team lead can act on", () => {
  it("names teams and pools by name as well as index", () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].quota.gpu = { gpu: 0.5 };
    cfg.nodePools[2].maxSize = 1000;
    const problems = stackProblems(namespaced(cfg));
    expect(problems).toContainEqual(expect.objectContaining({ path: "teams[1].quota.gpu.gpu", where: "teams[1] (nlp).quota.gpu.gpu" }));
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
    expect(messages).not.toContain("together, but it offers");
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
    teamsOf(local)[0].quota.gpu = { gpus: 1e300 };
    expectProblem(local, "teams[0].quota.gpu.gpus", "is above the maximum 100000");
  });
});
