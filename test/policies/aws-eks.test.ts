/** EKS control plane policies: endpoint, logging, secrets encryption, versions, access entries, vpc-cni. */
import { describe, it, expect } from "vitest";
import { eksAccessEntries } from "../../policies/aws/eks-access-entries";
import { eksControlPlaneLogging } from "../../policies/aws/eks-control-plane-logging";
import { eksEndpointAccess } from "../../policies/aws/eks-endpoint-access";
import { eksSecretsEncryption } from "../../policies/aws/eks-secrets-encryption";
import { eksVersionsPinned } from "../../policies/aws/eks-versions-pinned";
import { vpcCniNetworkPolicy } from "../../policies/aws/vpc-cni-network-policy";
import { environmentOf } from "../../policies/lib/define";
import { mutate, packViolations, resourceArgs, violations } from "./harness";

const CLUSTER_T = "aws:eks/cluster:Cluster";
const ADDON_T = "aws:eks/addon:Addon";
const ENTRY_T = "aws:eks/accessEntry:AccessEntry";
const ASSOC_T = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
const NODEGROUP_T = "aws:eks/nodeGroup:NodeGroup";
const CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

/** The prod cluster as the offline plan records it: the key ARN is computed in the same run. */
const CLUSTER = {
  name: "mlops-prod",
  version: "1.35",
  roleArn: "<computed:mlops-prod-cluster.arn>",
  accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
  enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
  encryptionConfig: { provider: { keyArn: "<computed:mlops-prod-eks-secrets.arn>" }, resources: ["secrets"] },
  vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: ["<computed:a.id>", "<computed:b.id>", "<computed:c.id>"] },
};
/** A dev cluster with a public endpoint limited to an office range. */
const DEV_CLUSTER = mutate(CLUSTER, (c) => {
  c.name = "mlops-dev";
  c.enabledClusterLogTypes = ["api", "audit", "authenticator"];
  Object.assign(c.vpcConfig, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
});

const PROD_PUBLIC = "prod clusters must not have a public API endpoint (endpointPublicAccess=false)";
const NO_CIDRS = "a public API endpoint needs a non-empty publicAccessCidrs";

describe("compliant clusters", () => {
  it("the prod cluster passes every policy of the pack", () => {
    expect(packViolations(CLUSTER_T, CLUSTER, { protect: true, name: "mlops-prod" })).toEqual([]);
  });
  it("the dev cluster (public endpoint for listed CIDRs, 3 log types) passes every policy", () => {
    expect(packViolations(CLUSTER_T, DEV_CLUSTER, { environment: "dev", name: "mlops-dev" })).toEqual([]);
  });
});

describe("environmentOf: config first, then the URN's stack, else prod", () => {
  const env = (environment: string | null, stack?: string) => environmentOf(resourceArgs(CLUSTER_T, {}, { environment, stack }));
  it.each([
    ["dev", undefined, "dev"],
    ["dev", "prod", "dev"],
    [null, "staging", "staging"],
    [null, "local", "local"],
    [null, "sandbox", "prod"],
    ["qa", "dev", "prod"],
  ] as const)("config %s, stack %s → %s", (config, stack, expected) => {
    expect(env(config, stack)).toBe(expected);
  });
});

describe("eks-endpoint-access (EKS-01)", () => {
  const check = (props: object, environment: string | null = "prod", stack?: string) =>
    violations(eksEndpointAccess, CLUSTER_T, props as Record<string, unknown>, { environment, stack });

  it("requires private access everywhere", () => {
    expect(check(mutate(CLUSTER, (c) => (c.vpcConfig.endpointPrivateAccess = false)))).toEqual(["endpointPrivateAccess must be true"]);
    expect(
      check(
        mutate(DEV_CLUSTER, (c) => delete (c.vpcConfig as Partial<typeof c.vpcConfig>).endpointPrivateAccess),
        "dev",
      ),
    ).toEqual(["endpointPrivateAccess must be true"]);
  });
  it("forbids a public endpoint in prod even with listed CIDRs", () => {
    expect(check(DEV_CLUSTER, "prod")).toEqual([PROD_PUBLIC]);
  });
  it("treats an unset endpointPublicAccess as public (the AWS default)", () => {
    expect(check(mutate(CLUSTER, (c) => delete (c.vpcConfig as Partial<typeof c.vpcConfig>).endpointPublicAccess))).toEqual([PROD_PUBLIC, NO_CIDRS]);
    expect(
      check(
        mutate(CLUSTER, (c) => delete (c.vpcConfig as Partial<typeof c.vpcConfig>).endpointPublicAccess),
        "dev",
      ),
    ).toEqual([NO_CIDRS]);
  });
  it("outside prod needs a non-empty CIDR list", () => {
    expect(
      check(
        mutate(DEV_CLUSTER, (c) => ((c.vpcConfig as Record<string, unknown>).publicAccessCidrs = [])),
        "dev",
      ),
    ).toEqual([NO_CIDRS]);
  });
  it.each(["0.0.0.0/0", "::/0"])("outside prod never allows %s", (cidr) => {
    const open = mutate(DEV_CLUSTER, (c) => ((c.vpcConfig as Record<string, unknown>).publicAccessCidrs = ["203.0.113.0/24", cidr]));
    expect(check(open, "staging")).toEqual([`publicAccessCidrs contains ${cidr}: the API endpoint would be open to the internet`]);
  });
  it("reads the environment from the URN's stack name when there is no config", () => {
    expect(check(DEV_CLUSTER, null, "dev")).toEqual([]);
    expect(check(DEV_CLUSTER, null, "prod")).toEqual([PROD_PUBLIC]);
  });
  it("falls back to prod for an unknown environment", () => {
    expect(check(DEV_CLUSTER, null, "sandbox")).toEqual([PROD_PUBLIC]);
    expect(check(DEV_CLUSTER, "qa")).toEqual([PROD_PUBLIC]);
  });
  it("ignores other resource types", () => {
    expect(violations(eksEndpointAccess, NODEGROUP_T, { vpcConfig: {} })).toEqual([]);
  });
});

describe("eks-control-plane-logging (EKS-02)", () => {
  const check = (types: string[] | undefined, environment = "prod") =>
    violations(eksControlPlaneLogging, CLUSTER_T, { ...CLUSTER, enabledClusterLogTypes: types }, { environment });

  it("prod needs all five log types", () => {
    expect(check(["api", "audit", "authenticator", "controllerManager"])).toEqual(["enabledClusterLogTypes lacks scheduler"]);
    expect(check(["api", "audit", "authenticator"])).toEqual(["enabledClusterLogTypes lacks controllerManager, scheduler"]);
  });
  it("reports every missing type when logging is off", () => {
    expect(check(undefined)).toEqual(["enabledClusterLogTypes lacks api, audit, authenticator, controllerManager, scheduler"]);
  });
  it("elsewhere api, audit and authenticator suffice", () => {
    expect(check(["api", "audit", "authenticator"], "dev")).toEqual([]);
    expect(check(["api", "authenticator"], "dev")).toEqual(["enabledClusterLogTypes lacks audit"]);
  });
  it("reads prod from the URN", () => {
    expect(violations(eksControlPlaneLogging, CLUSTER_T, DEV_CLUSTER, { environment: null, stack: "prod" })).toEqual([
      "enabledClusterLogTypes lacks controllerManager, scheduler",
    ]);
  });
});

describe("eks-secrets-encryption (EKS-03)", () => {
  const check = (encryptionConfig: unknown) => violations(eksSecretsEncryption, CLUSTER_T, { ...CLUSTER, encryptionConfig });
  const RESOURCES = 'encryptionConfig.resources must include "secrets"';

  it("requires an encryption config covering secrets", () => {
    expect(check(undefined)).toEqual([RESOURCES]);
    expect(check({ provider: { keyArn: "arn:aws:kms:us-east-1:1:key/k" }, resources: [] })).toEqual([RESOURCES]);
    expect(check({ provider: { keyArn: "arn:aws:kms:us-east-1:1:key/k" } })).toEqual([RESOURCES]);
  });
  it("requires a key reference", () => {
    expect(check({ resources: ["secrets"] })).toEqual(["encryptionConfig.provider.keyArn must name a customer-managed key"]);
    expect(check({ resources: ["secrets"], provider: { keyArn: "" } })).toEqual(["encryptionConfig.provider.keyArn must name a customer-managed key"]);
  });
  it("accepts a computed key ARN (presence, not value)", () => {
    expect(check({ resources: ["secrets"], provider: { keyArn: "<computed:k.arn>" } })).toEqual([]);
  });
});

describe("eks-versions-pinned (EKS-04, OPS-04)", () => {
  it("the cluster and node groups set version", () => {
    expect(violations(eksVersionsPinned, CLUSTER_T, { ...CLUSTER, version: undefined })).toEqual(["version must be set explicitly"]);
    expect(violations(eksVersionsPinned, NODEGROUP_T, { version: "1.35" })).toEqual([]);
    expect(violations(eksVersionsPinned, NODEGROUP_T, { clusterName: "mlops-prod" })).toEqual(["version must be set explicitly"]);
  });
  it("add-ons set addonVersion", () => {
    expect(violations(eksVersionsPinned, ADDON_T, { addonName: "coredns", addonVersion: "v1.14.2-eksbuild.4" })).toEqual([]);
    expect(violations(eksVersionsPinned, ADDON_T, { addonName: "coredns" })).toEqual(["add-on coredns has no addonVersion"]);
  });
});

describe("eks-access-entries (EKS-05, RBAC-01)", () => {
  const cluster = (accessConfig: unknown) => violations(eksAccessEntries, CLUSTER_T, { ...CLUSTER, accessConfig });
  const BOOTSTRAP = "accessConfig.bootstrapClusterCreatorAdminPermissions must be false";

  it("requires API authentication mode", () => {
    expect(cluster({ authenticationMode: "API_AND_CONFIG_MAP", bootstrapClusterCreatorAdminPermissions: false })).toEqual([
      'accessConfig.authenticationMode must be "API" (got API_AND_CONFIG_MAP)',
    ]);
  });
  it("names the CONFIG_MAP default and the creator-admin default when accessConfig is missing", () => {
    expect(cluster(undefined)).toEqual(['accessConfig.authenticationMode must be "API" (got CONFIG_MAP default)', BOOTSTRAP]);
  });
  it("forbids implicit creator admin", () => {
    expect(cluster({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true })).toEqual([BOOTSTRAP]);
    expect(cluster({ authenticationMode: "API" })).toEqual([BOOTSTRAP]);
  });
  it("no access entry maps to system:masters", () => {
    const entry = { clusterName: "mlops-prod", principalArn: "arn:aws:iam::1:role/recsys-leads", type: "STANDARD" };
    expect(violations(eksAccessEntries, ENTRY_T, { ...entry, kubernetesGroups: ["mlops:team:recsys:admin"] })).toEqual([]);
    expect(violations(eksAccessEntries, ENTRY_T, { ...entry, kubernetesGroups: ["mlops:team:recsys:admin", "system:masters"] })).toEqual([
      "an access entry maps to system:masters",
    ]);
  });
  it("AmazonEKSClusterAdminPolicy only at cluster scope", () => {
    const assoc = { clusterName: "mlops-prod", principalArn: "arn:aws:iam::1:role/platform-admin", policyArn: CLUSTER_ADMIN };
    expect(violations(eksAccessEntries, ASSOC_T, { ...assoc, accessScope: { type: "cluster" } })).toEqual([]);
    expect(violations(eksAccessEntries, ASSOC_T, { ...assoc, accessScope: { type: "namespace", namespaces: ["recsys"] } })).toEqual([
      "AmazonEKSClusterAdminPolicy is only granted cluster-wide to platform admins, never per namespace",
    ]);
  });
  it("other access policies may be namespace-scoped", () => {
    const edit = { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", accessScope: { type: "namespace", namespaces: ["recsys"] } };
    expect(violations(eksAccessEntries, ASSOC_T, edit)).toEqual([]);
  });
});

describe("vpc-cni-network-policy (EKS-06, NS-04)", () => {
  const cni = (configurationValues?: string) =>
    violations(vpcCniNetworkPolicy, ADDON_T, { addonName: "vpc-cni", addonVersion: "v1.21.1-eksbuild.7", configurationValues });
  const MISSING = 'vpc-cni configurationValues must set enableNetworkPolicy to "true"; without it NetworkPolicies are not enforced';

  it('passes with enableNetworkPolicy "true"', () => {
    expect(cni('{"enableNetworkPolicy":"true","nodeAgent":{"enablePolicyEventLogs":"true"}}')).toEqual([]);
  });
  it("fails when configurationValues is missing or empty", () => {
    expect(cni(undefined)).toEqual([MISSING]);
    expect(cni("")).toEqual([MISSING]);
    expect(cni("{}")).toEqual([MISSING]);
  });
  it('fails on "false" and on a boolean (the add-on schema types it as a string)', () => {
    expect(cni('{"enableNetworkPolicy":"false"}')).toEqual([MISSING]);
    expect(cni('{"enableNetworkPolicy":true}')).toEqual([MISSING]);
  });
  it("reports configurationValues that are not JSON", () => {
    expect(cni("enableNetworkPolicy: true")).toEqual(["vpc-cni configurationValues is not JSON"]);
  });
  it("leaves computed configurationValues to the deploy-time preview", () => {
    expect(cni("<computed:vpc-cni-values.json>")).toEqual([]);
    expect(packViolations(ADDON_T, { addonName: "vpc-cni", addonVersion: "v1.21.1-eksbuild.7", configurationValues: "<computed:x>" })).toEqual([]);
    expect(cni("computed: not a placeholder")).toEqual(["vpc-cni configurationValues is not JSON"]);
  });
  it("ignores other add-ons", () => {
    expect(violations(vpcCniNetworkPolicy, ADDON_T, { addonName: "coredns", addonVersion: "v1", configurationValues: "not json" })).toEqual([]);
  });
});
