import * as aws from "@pulumi/aws";
import { DEFAULT_SERVICE_CIDR } from "../../domain/cidr";
import * as pulumi from "@pulumi/pulumi";
import { MANAGED_POLICIES, policyDocument, serviceTrustPolicy } from "../aws/iam";
import type { AddonVersion, EksAddonName } from "../../domain/versions";
import { BOOTSTRAP_ADDONS, createAddons } from "./addons";
import { renderKubeconfig } from "./kubeconfig";
import { EKS_IDP_CONFIG_NAME, type EksOidcSignIn } from "./oidc";

export { renderKubeconfig } from "./kubeconfig";
export { EKS_IDP_CONFIG_NAME, eksOidcSignIn, type EksOidcSignIn } from "./oidc";
export { vpcCniConfiguration, addonConfiguration, BOOTSTRAP_ADDONS, WORKLOAD_ADDONS, ADDON_IDENTITIES, createAddons } from "./addons";

export const CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

export interface ClusterArgs {
  /** Kubernetes minor version, e.g. "1.35"; must be in EKS standard support (EKS-04). No default: upgrades are deliberate. */
  readonly version: string;
  /** Private subnets for the control-plane ENIs, in at least 2 AZs. */
  readonly subnetIds: pulumi.Input<string>[];
  /** Public API endpoint; never in prod. The private endpoint is always on (EKS-01). @default false */
  readonly endpointPublicAccess?: boolean;
  /** CIDRs allowed to the public endpoint; required and without 0.0.0.0/0 when it is on. @default [] */
  readonly publicAccessCidrs?: readonly string[];
  /** Service CIDR (RFC 1918, must not overlap the VPC). @default "172.20.0.0/16" */
  readonly serviceCidr?: string;
  /** Control-plane log types (EKS-02). @default ["api", "audit", "authenticator"] */
  readonly logTypes?: readonly string[];
  /** Retention of /aws/eks/<name>/cluster in days. @default 365 */
  readonly logRetentionDays?: number;
  /** KMS key ARN for envelope encryption of Secrets (EKS-03). */
  readonly secretsKeyArn: pulumi.Input<string>;
  /** KMS key ARN for the control-plane log group. */
  readonly logsKeyArn: pulumi.Input<string>;
  /** IAM principals granted AmazonEKSClusterAdminPolicy through access entries (EKS-05). */
  readonly admins: readonly string[];
  /** Pinned add-on versions for `version` (domain/versions.ts). */
  readonly addonVersions: Readonly<Record<EksAddonName, AddonVersion>>;
  /** AWS region, for the kubeconfig's token command. */
  readonly region: string;
  /** protect + retain-on-delete + EKS deletion protection. @default false (true in prod via config) */
  readonly protect?: boolean;
  /** kubectl sign-in with the company's IdP (eksOidcSignIn(cfg.access)); IAM access entries stay. @default none */
  readonly oidc?: EksOidcSignIn;
}

/** How long EKS may take to associate or disassociate the identity provider (the provider's own default is 40 min). */
export const IDP_CONFIG_TIMEOUT = "45m";

/**
 * An EKS control plane with secure defaults: private endpoint, API authentication mode without implicit
 * creator admin, KMS-encrypted Secrets, control-plane logs to an encrypted group created first, and the
 * networking add-ons (VPC CNI with NetworkPolicy enforcement, kube-proxy, Pod Identity agent) pinned.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly bootstrapAddons: aws.eks.Addon[];
  /** Admin access entries and their policy associations: Kubernetes calls wait for them. */
  readonly adminAccess: pulumi.Resource[] = [];
  readonly eksCluster: aws.eks.Cluster;
  /** The security group EKS creates for the control plane and managed nodes; data tiers admit only it. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  /**
   * The issuer of the cluster's service-account tokens (identities[0].oidcs[0].issuer, public, keys at <issuer>/keys):
   * model endpoints verify in-cluster callers' tokens against it.
   */
  readonly oidcIssuer: pulumi.Output<string>;
  /** The OIDC identity provider config, when `oidc` is set. Nothing waits on it: it takes up to 40 minutes. */
  readonly identityProvider?: aws.eks.IdentityProviderConfig;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cluster:Cluster", name, {}, opts);
    const child = { parent: this };
    const stateful = { parent: this, protect: args.protect, retainOnDelete: args.protect };

    // EKS writes to this group; creating it first lets us own retention and encryption (EKS-02).
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane`,
      {
        name: `/aws/eks/${name}/cluster`,
        retentionInDays: args.logRetentionDays ?? 365,
        kmsKeyId: args.logsKeyArn,
      },
      stateful,
    );

    const role = new aws.iam.Role(`${name}-cluster`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks.amazonaws.com")) }, child);
    const policy = new aws.iam.RolePolicyAttachment(`${name}-cluster`, { role: role.name, policyArn: MANAGED_POLICIES.eksCluster }, child);
    // EKS encrypts Secrets with the cluster role's identity: it needs these actions on exactly this key.
    const keyAccess = new aws.iam.RolePolicy(
      `${name}-cluster-secrets-key`,
      {
        role: role.id,
        policy: pulumi
          .output(args.secretsKeyArn)
          .apply((keyArn) =>
            JSON.stringify(policyDocument({ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: keyArn })),
          ),
      },
      child,
    );

    const cluster = new aws.eks.Cluster(
      name,
      {
        name,
        version: args.version,
        roleArn: role.arn,
        vpcConfig: {
          subnetIds: args.subnetIds,
          endpointPrivateAccess: true,
          endpointPublicAccess: args.endpointPublicAccess ?? false,
          publicAccessCidrs: args.endpointPublicAccess ? [...(args.publicAccessCidrs ?? [])] : undefined,
        },
        kubernetesNetworkConfig: { serviceIpv4Cidr: args.serviceCidr ?? DEFAULT_SERVICE_CIDR, ipFamily: "ipv4" },
        enabledClusterLogTypes: [...(args.logTypes ?? ["api", "audit", "authenticator"])],
        encryptionConfig: { resources: ["secrets"], provider: { keyArn: args.secretsKeyArn } },
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
        // Every add-on is a pinned managed add-on below, not an unversioned self-managed one.
        bootstrapSelfManagedAddons: false,
        // STANDARD: a version leaving standard support fails the config check instead of silently costing extended support.
        upgradePolicy: { supportType: "STANDARD" },
        deletionProtection: args.protect ?? false,
      },
      { ...stateful, dependsOn: [logGroup, policy, keyAccess] },
    );

    args.admins.forEach((principal, i) => {
      const entry = new aws.eks.AccessEntry(`${name}-admin-${i}`, { clusterName: cluster.name, principalArn: principal, type: "STANDARD" }, child);
      this.adminAccess.push(entry);
      const association = new aws.eks.AccessPolicyAssociation(
        `${name}-admin-${i}`,
        {
          clusterName: cluster.name,
          principalArn: entry.principalArn,
          policyArn: CLUSTER_ADMIN_POLICY,
          accessScope: { type: "cluster" },
        },
        child,
      );
      this.adminAccess.push(association);
    });

    if (args.oidc) this.identityProvider = identityProviderConfig(name, cluster, args.oidc, { parent: this, protect: args.protect });

    this.bootstrapAddons = createAddons(
      name,
      { clusterName: cluster.name, addons: BOOTSTRAP_ADDONS, versions: args.addonVersions, kubernetesVersion: args.version },
      this,
    ).addons;

    this.eksCluster = cluster;
    this.clusterSecurityGroupId = cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId);
    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.oidcIssuer = cluster.identities.apply((identities) => {
      const issuer = identities?.[0]?.oidcs?.[0]?.issuer;
      if (!issuer) throw new Error(`EKS cluster ${name} reports no OIDC issuer`);
      return issuer;
    });
    // No credential inside (tokens come from `aws eks get-token`), so it need not be a secret.
    this.kubeconfig = pulumi
      .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
      .apply(([clusterName, endpoint, ca]) => renderKubeconfig({ clusterName, endpoint, certificateAuthority: ca?.data ?? "", region: args.region }));
    this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint });
  }
}
export { WorkloadAddons, ebsCsiKeyPolicy, type WorkloadAddonsArgs } from "./workload-addons";
export { nodeMonitoringAgentConfiguration, tolerationsFor, type Toleration } from "./node-monitoring";

/**
 * EKS takes one identity provider config per cluster and replaces it on any change (every oidc field forces a new
 * one): the old one goes first, or the new one's association fails. Protected like the cluster, so in prod a
 * changed prefix or claim stops at the plan until someone unprotects it on purpose (group bindings change with it).
 */
function identityProviderConfig(
  name: string,
  cluster: aws.eks.Cluster,
  oidc: EksOidcSignIn,
  opts: pulumi.CustomResourceOptions,
): aws.eks.IdentityProviderConfig {
  return new aws.eks.IdentityProviderConfig(
    `${name}-oidc`,
    { clusterName: cluster.name, oidc: { identityProviderConfigName: EKS_IDP_CONFIG_NAME, ...oidc } },
    { ...opts, deleteBeforeReplace: true, customTimeouts: { create: IDP_CONFIG_TIMEOUT, delete: IDP_CONFIG_TIMEOUT } },
  );
}
