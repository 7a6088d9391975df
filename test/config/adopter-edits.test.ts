/**
 * What an adopter does to a shipped stack file before the first `pulumi up` (README: "Edit the stack file
 * first"), applied to every shipped stack: on EKS another cluster name, another AWS account in every ARN and in
 * allowedAccountIds, another region with its AZ names, another private VPC range and other narrow public
 * endpoint CIDRs; on an existing cluster another cluster name, context and kubeconfig. Each edited stack must
 * still pass the shipped-stack checks (test/config/shipped-stacks.test.ts): nothing in the program or the
 * policies may depend on the documentation values the stacks ship with.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { overlaps, parseCidr } from "../../domain/cidr";
import { DEFAULT_SERVICE_CIDR } from "../../config/defaults";
import { listStacks } from "../../scripts/plan/stack-file";
import { checkStack, expectClean, type StackCheck } from "../helpers/plan-checks";
import { clone, plainConfig, shippedStackConfig, stackConfig } from "../helpers/stack";

// Plain YAML objects: the edit pokes at arbitrary fields, so `any` is the honest type here.
type Cfg = Record<string, any>;

const ACCOUNT_SHIFT = 135_792_468_013n;
/** Another 12-digit account for each account id (a bijection, never the identity). */
const otherAccount = (id: string): string => ((BigInt(id) + ACCOUNT_SHIFT) % 1_000_000_000_000n).toString().padStart(12, "0");

/** Every `arn:<partition>:<service>:<region>:<account>:…` string anywhere in the value, with its account replaced. */
function replaceArnAccounts(value: unknown): unknown {
  if (typeof value === "string")
    return value.replace(/^(arn:[^:]+:[^:]*:[^:]*:)(\d{12})(:)/, (_, head: string, id: string, tail: string) => `${head}${otherAccount(id)}${tail}`);
  if (Array.isArray(value)) return value.map(replaceArnAccounts);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceArnAccounts(v)]));
  return value;
}

/** IAM role and user names get the adopter's prefix, as their own naming scheme would have it. */
const renamePrincipal = (arn: string): string => arn.replace(/^(arn:[^:]+:iam::\d{12}:(?:role|user)\/(?:.*\/)?)([^/]+)$/, "$1acme-$2");

/** Another private range of the same size, clear of the old one and of every other range the stack names. */
function otherVpcCidr(current: string, taken: readonly string[]): string {
  const parsed = parseCidr(current);
  const prefix = parsed.ok ? parsed.cidr.prefix : 16;
  const avoid = [current, ...taken].map(parseCidr).flatMap((c) => (c.ok ? [c.cidr] : []));
  const candidates = ["192.168.0.0", "172.16.0.0", "10.200.0.0", "10.100.0.0"].map(
    (base) => `${base}/${Math.max(prefix, base.startsWith("192.") ? 16 : base.startsWith("172.") ? 12 : 8)}`,
  );
  const free = candidates.find((c) => {
    const cidr = parseCidr(c);
    return cidr.ok && !avoid.some((a) => overlaps(a, cidr.cidr));
  });
  if (!free) throw new Error(`no free private range for ${current}`);
  return free;
}

const OTHER_REGIONS = ["us-east-2", "eu-central-1"];
const OTHER_ENDPOINT_CIDRS = ["192.0.2.10/32", "192.0.2.20/32", "198.51.100.128/28", "203.0.113.64/27"];

/**
 * The edit an adopter makes to a stack file's `mlops-platform:` block (keys without prefix). Pure: returns an
 * edited copy and leaves its argument alone.
 */
function adopterEdit(config: Record<string, unknown>): Cfg {
  const cfg = replaceArnAccounts(clone(config)) as Cfg;
  const env = String(cfg.environment ?? "env");
  const cluster = cfg.cluster ?? {};
  cluster.name = cluster.name === `acme-ml-${env}` ? `acme-ai-${env}` : `acme-ml-${env}`;
  if (cluster.kind === "existing") {
    cluster.context = cluster.context === "k3d-acme-ml" ? "acme-onprem" : "k3d-acme-ml";
    cluster.kubeconfig = cluster.kubeconfig === "~/.kube/acme.yaml" ? "/etc/acme/kubeconfig" : "~/.kube/acme.yaml";
    return cfg;
  }
  if (Array.isArray(cluster.admins)) cluster.admins = cluster.admins.map(renamePrincipal);
  if (Array.isArray(cluster.endpoint?.publicAccessCidrs)) {
    cluster.endpoint.publicAccessCidrs = cluster.endpoint.publicAccessCidrs.map(
      (c: string, i: number) => OTHER_ENDPOINT_CIDRS.filter((o) => o !== c)[i % (OTHER_ENDPOINT_CIDRS.length - 1)],
    );
  }
  if (cfg.aws) {
    const region = OTHER_REGIONS.find((r) => r !== cfg.aws.region)!;
    cfg.aws.region = region;
    if (Array.isArray(cfg.aws.allowedAccountIds))
      cfg.aws.allowedAccountIds = cfg.aws.allowedAccountIds.map((id: string) => (/^\d{12}$/.test(id) ? otherAccount(id) : id));
    // Their private ECR moves with them.
    if (Array.isArray(cfg.guardrails?.imageRegistries))
      cfg.guardrails.imageRegistries = cfg.guardrails.imageRegistries.map((r: string) =>
        r.replace(/^(\d{12})\.dkr\.ecr\.[a-z0-9-]+\./, (_: string, id: string) => `${otherAccount(id)}.dkr.ecr.${region}.`),
      );
    // ACM certificates are regional: theirs is requested in their region.
    if (typeof cfg.access?.tls?.acmCertificateArn === "string")
      cfg.access.tls.acmCertificateArn = cfg.access.tls.acmCertificateArn.replace(/^(arn:[^:]+:acm:)[^:]+:/, `$1${region}:`);
    if (Array.isArray(cfg.network?.availabilityZones))
      cfg.network.availabilityZones = cfg.network.availabilityZones.map((_: string, i: number) => `${region}${"abcdef"[i]}`);
  }
  if (typeof cfg.network?.vpcCidr === "string") {
    const teamRanges = ((cfg.teams ?? []) as Cfg[]).flatMap((t) => ((t.egress?.allow ?? []) as Cfg[]).map((a) => String(a.cidr)));
    cfg.network.vpcCidr = otherVpcCidr(cfg.network.vpcCidr, [cluster.serviceCidr ?? DEFAULT_SERVICE_CIDR, ...teamRanges]);
  }
  for (const team of (cfg.teams ?? []) as Cfg[]) {
    for (const role of Object.values((team.owners ?? {}) as Record<string, Cfg>)) {
      if (Array.isArray(role?.iamPrincipals)) role.iamPrincipals = role.iamPrincipals.map(renamePrincipal);
    }
  }
  return cfg;
}

const accountsIn = (value: unknown): string[] => [...JSON.stringify(value).matchAll(/\b\d{12}\b/g)].map((m) => m[0]);

describe("adopterEdit (pure)", () => {
  const eks = {
    environment: "prod",
    aws: { region: "us-east-1", allowedAccountIds: ["444455556666"] },
    network: { vpcCidr: "10.30.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"] },
    cluster: {
      kind: "eks",
      name: "mlops-prod",
      serviceCidr: "172.20.0.0/16",
      endpoint: { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
      admins: ["arn:aws:iam::444455556666:role/platform-admin"],
    },
    teams: [{ name: "recsys", owners: { admin: { groups: ["recsys-leads"], iamPrincipals: ["arn:aws:iam::444455556666:role/recsys-admin"] } } }],
  };

  it("moves an EKS stack to another name, account, region, VPC range and endpoint CIDRs", () => {
    const before = clone(eks);
    const edited = adopterEdit(eks);
    expect(eks).toEqual(before);
    const other = otherAccount("444455556666");
    expect(other).toMatch(/^\d{12}$/);
    expect(other).not.toBe("444455556666");
    expect(edited).toEqual({
      environment: "prod",
      aws: { region: "us-east-2", allowedAccountIds: [other] },
      network: { vpcCidr: "192.168.0.0/16", availabilityZones: ["us-east-2a", "us-east-2b", "us-east-2c"] },
      cluster: {
        kind: "eks",
        name: "acme-ml-prod",
        serviceCidr: "172.20.0.0/16",
        endpoint: { publicAccess: true, publicAccessCidrs: ["192.0.2.10/32"] },
        admins: [`arn:aws:iam::${other}:role/acme-platform-admin`],
      },
      teams: [{ name: "recsys", owners: { admin: { groups: ["recsys-leads"], iamPrincipals: [`arn:aws:iam::${other}:role/acme-recsys-admin`] } } }],
    });
    expect(accountsIn(edited)).not.toContain("444455556666");
  });

  it("moves the gateway's ACM certificate to the new region and account", () => {
    const arn = "arn:aws:acm:us-east-1:444455556666:certificate/0b8e2c6a-4f1d-4e8a-9c3b-5d7e1f2a6b90";
    const edited = adopterEdit({ ...eks, access: { tls: { acmCertificateArn: arn } } });
    expect(edited.access.tls.acmCertificateArn).toBe(`arn:aws:acm:us-east-2:${otherAccount("444455556666")}:certificate/0b8e2c6a-4f1d-4e8a-9c3b-5d7e1f2a6b90`);
  });

  it("moves an existing-cluster stack to another cluster name, context and kubeconfig", () => {
    const edited = adopterEdit({
      environment: "local",
      cluster: { kind: "existing", name: "mlops-local", version: "1.35", kubeconfig: "~/.kube/config", context: "kind-mlops" },
    });
    expect(edited.cluster).toEqual({ kind: "existing", name: "acme-ml-local", version: "1.35", kubeconfig: "~/.kube/acme.yaml", context: "k3d-acme-ml" });
  });

  it("changes something again when applied twice", () => {
    const once = adopterEdit(eks);
    const twice = adopterEdit(once);
    expect(twice.cluster.name).not.toBe(once.cluster.name);
    expect(twice.aws.region).not.toBe(once.aws.region);
    expect(twice.network.vpcCidr).not.toBe(once.network.vpcCidr);
  });
});

describe("every shipped stack, edited as an adopter would", () => {
  const STACKS = listStacks();
  const edited = new Map<string, { before: Cfg; after: Cfg; check: StackCheck }>();

  beforeAll(async () => {
    for (const stack of STACKS) {
      const shipped = shippedStackConfig(stack);
      const before = plainConfig(shipped);
      const after = adopterEdit(before);
      const ours = (k: string) => k.startsWith("mlops-platform:");
      const edits = stackConfig(
        after,
        shipped.secretKeys.filter(ours).map((k) => k.replace(/^mlops-platform:/, "")),
      );
      // The stack is renamed too (prod → prod-acme), and keys of other namespaces in the file come along unchanged.
      const config = {
        values: { ...edits.values, ...Object.fromEntries(Object.entries(shipped.values).filter(([k]) => !ours(k))) },
        secretKeys: [...edits.secretKeys, ...shipped.secretKeys.filter((k) => !ours(k))],
      };
      edited.set(stack, { before, after, check: await checkStack(`${stack}-acme`, config) });
    }
  });

  it("finds at least one shipped stack", () => {
    expect(STACKS.length).toBeGreaterThan(0);
  });

  it.each(STACKS)("%s: the edit changes the cluster name and, on EKS, the account, region and network", (stack) => {
    const { before, after } = edited.get(stack)!;
    expect(after).not.toEqual(before);
    expect(after.cluster.name).not.toBe(before.cluster.name);
    if (before.cluster.kind === "eks") {
      expect(after.aws.region).not.toBe(before.aws.region);
      expect(after.network.vpcCidr).not.toBe(before.network.vpcCidr);
      for (const az of after.network.availabilityZones) expect(az.startsWith(after.aws.region)).toBe(true);
      const old = new Set(accountsIn(before));
      expect(accountsIn(after).length).toBeGreaterThan(0);
      for (const id of accountsIn(after)) expect(old.has(id), `account ${id} survived the edit`).toBe(false);
    } else {
      expect(after.cluster.context).not.toBe(before.cluster.context);
      expect(after.cluster.kubeconfig).not.toBe(before.cluster.kubeconfig);
    }
  });

  it.each(STACKS)("%s still plans cleanly and passes every mandatory policy", (stack) => {
    const { after, check } = edited.get(stack)!;
    expectClean(check);
    expect(check.result.config!.cluster.name).toBe(after.cluster.name);
    if (after.aws) expect(check.result.config!.aws?.region).toBe(after.aws.region);
  });
});
