/**
 * EKS managed add-ons, pinned per Kubernetes version in the version catalogue. The cluster is created with
 * bootstrapSelfManagedAddons=false, so every networking add-on here is explicit, versioned and owned by us.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MANAGED_POLICIES, podIdentityTrustPolicy } from "../aws/iam";
import type { AddonVersion, EksAddonName } from "../../domain/versions";
import type { EksTaint } from "../nodes/templates";
import { nodeMonitoringAgentConfiguration } from "./node-monitoring";

/**
 * VPC CNI settings: enforce NetworkPolicy with the CNI's eBPF agent (EKS-06). Values are strings, as the
 * add-on schema wants. https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html
 */
export function vpcCniConfiguration(): Record<string, unknown> {
  return { enableNetworkPolicy: "true", nodeAgent: { enablePolicyEventLogs: "true" } };
}

/** Add-ons needed before any node can become Ready (networking and Pod Identity). */
export const BOOTSTRAP_ADDONS: readonly EksAddonName[] = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"];
/**
 * Add-ons that schedule pods, so they wait for the system node pool. The node monitoring agent needs no AWS role
 * (it only patches node conditions and writes events) and reports the faults node auto repair acts on.
 */
export const WORKLOAD_ADDONS: readonly EksAddonName[] = ["coredns", "aws-ebs-csi-driver", "snapshot-controller", "eks-node-monitoring-agent"];

/** Which add-ons run under their own Pod Identity role, with which policy (NODE-04: not on the node role). */
export const ADDON_IDENTITIES: Partial<Record<EksAddonName, { serviceAccount: string; policyArn: string }>> = {
  "vpc-cni": { serviceAccount: "aws-node", policyArn: MANAGED_POLICIES.eksCni },
  "aws-ebs-csi-driver": { serviceAccount: "ebs-csi-controller-sa", policyArn: MANAGED_POLICIES.ebsCsi },
  "aws-efs-csi-driver": { serviceAccount: "efs-csi-controller-sa", policyArn: MANAGED_POLICIES.efsCsi },
  // aws-fsx-csi-driver needs no AWS role: the platform provisions Lustre statically, nodes only mount it.
};

/** Add-on configuration values, as JSON the EKS API accepts; `gpuPoolTaints` are the taints of the stack's GPU pools. */
export function addonConfiguration(addon: EksAddonName, gpuPoolTaints: readonly EksTaint[] = []): string | undefined {
  switch (addon) {
    case "vpc-cni":
      return JSON.stringify(vpcCniConfiguration());
    case "coredns":
      // Two replicas spread over AZs; CoreDNS tolerates CriticalAddonsOnly, so it lands on the system pool.
      return JSON.stringify({ replicaCount: 2 });
    case "eks-node-monitoring-agent":
      return JSON.stringify(nodeMonitoringAgentConfiguration(gpuPoolTaints));
    default:
      return undefined;
  }
}

export interface AddonSetArgs {
  readonly clusterName: pulumi.Input<string>;
  readonly addons: readonly EksAddonName[];
  readonly versions: Readonly<Record<EksAddonName, AddonVersion>>;
  /** Kubernetes minor, for add-ons resolved at deploy time. */
  readonly kubernetesVersion: string;
  /** Taints of the GPU pools, which the node monitoring agent's DCGM DaemonSet tolerates. @default [] (the GPU taint only) */
  readonly gpuPoolTaints?: readonly EksTaint[];
}

/** A pinned version, or the deploy-time lookup of the newest compatible one (versions.ts RESOLVE_AT_DEPLOY). */
function addonVersion(addon: EksAddonName, args: AddonSetArgs, parent: pulumi.Resource): pulumi.Input<string> {
  const v = args.versions[addon];
  if (typeof v === "string") return v;
  return aws.eks.getAddonVersionOutput({ addonName: addon, kubernetesVersion: args.kubernetesVersion, mostRecent: true }, { parent }).version;
}

/** Creates the given add-ons (and their Pod Identity roles) as children of `parent`. */
export function createAddons(
  prefix: string,
  args: AddonSetArgs,
  parent: pulumi.Resource,
  dependsOn: pulumi.Input<pulumi.Resource>[] = [],
): { addons: aws.eks.Addon[]; roles: Partial<Record<EksAddonName, aws.iam.Role>> } {
  const roles: Partial<Record<EksAddonName, aws.iam.Role>> = {};
  const addons = args.addons.map((addon) => {
    const identity = ADDON_IDENTITIES[addon];
    let podIdentityAssociations: aws.types.input.eks.AddonPodIdentityAssociation[] | undefined;
    if (identity) {
      const role = new aws.iam.Role(`${prefix}-${addon}`, { assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()) }, { parent });
      roles[addon] = role;
      new aws.iam.RolePolicyAttachment(`${prefix}-${addon}`, { role: role.name, policyArn: identity.policyArn }, { parent });
      podIdentityAssociations = [{ roleArn: role.arn, serviceAccount: identity.serviceAccount }];
    }
    return new aws.eks.Addon(
      `${prefix}-${addon}`,
      {
        clusterName: args.clusterName,
        addonName: addon,
        addonVersion: addonVersion(addon, args, parent),
        configurationValues: addonConfiguration(addon, args.gpuPoolTaints),
        podIdentityAssociations,
        // We own these add-ons' config: overwrite drift on create and update.
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
      },
      { parent, dependsOn },
    );
  });
  return { addons, roles };
}
