import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolConfig } from "../../config";
import { MANAGED_POLICIES, serviceTrustPolicy } from "../aws/iam";
import { inheritedDependsOn } from "../dependencies";
import { amiTypeFor, launchTemplateData, nodeTemplateTags, poolLabels, poolTaints } from "./templates";

export * from "./templates";

export interface NodePoolsArgs {
  readonly clusterName: pulumi.Input<string>;
  /** Kubernetes version of the control plane; node groups never run newer (EKS-04). */
  readonly version: string;
  /** Private subnets, all AZs: every group spans them (NET-02). */
  readonly subnetIds: pulumi.Input<string>[];
  readonly pools: readonly NodePoolConfig[];
  /** KMS key for root volumes (NODE-03). */
  readonly ebsKeyArn: pulumi.Input<string>;
  /** Cost tags for instances and volumes (OPS-01). */
  readonly tags: Readonly<Record<string, string>>;
  /** Attach AmazonSSMManagedInstanceCore for shell access without SSH keys. @default true */
  readonly ssmAccess?: boolean;
}

/**
 * EKS managed node groups, one per configured pool, over launch templates we own. The node role carries only
 * what the kubelet needs (NODE-04); the CNI's permissions sit on its own Pod Identity role.
 */
export class NodePools extends pulumi.ComponentResource {
  readonly nodeGroups: Record<string, aws.eks.NodeGroup> = {};
  readonly nodeRoleArn: pulumi.Output<string>;

  constructor(name: string, args: NodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:nodes:NodePools", name, {}, opts);
    const child = { parent: this };
    const role = new aws.iam.Role(`${name}-node`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")) }, child);
    const policies = [MANAGED_POLICIES.eksWorkerNode, MANAGED_POLICIES.ecrPullOnly, ...(args.ssmAccess === false ? [] : [MANAGED_POLICIES.ssmCore])];
    const attachments = policies.map(
      (policyArn) => new aws.iam.RolePolicyAttachment(`${name}-node-${policyArn.split("/").pop()}`, { role: role.name, policyArn }, child),
    );

    for (const pool of args.pools) {
      const data = launchTemplateData(pool, args.tags);
      const template = new aws.ec2.LaunchTemplate(
        `${name}-${pool.name}`,
        {
          description: `${pool.role} pool ${pool.name}`,
          metadataOptions: data.metadataOptions,
          blockDeviceMappings: data.blockDeviceMappings.map((m) => ({ ...m, ebs: { ...m.ebs, kmsKeyId: args.ebsKeyArn } })),
          tagSpecifications: data.tagSpecifications.map((t) => ({ resourceType: t.resourceType, tags: { ...t.tags } })),
          updateDefaultVersion: true,
        },
        child,
      );
      const nodeGroup = new aws.eks.NodeGroup(
        `${name}-${pool.name}`,
        {
          clusterName: args.clusterName,
          nodeGroupNamePrefix: `${pool.name}-`,
          version: args.version,
          nodeRoleArn: role.arn,
          subnetIds: args.subnetIds,
          amiType: amiTypeFor(pool),
          instanceTypes: [...pool.instanceTypes],
          capacityType: pool.capacityType === "spot" ? "SPOT" : "ON_DEMAND",
          scalingConfig: { minSize: pool.minSize, desiredSize: pool.desiredSize, maxSize: pool.maxSize },
          labels: poolLabels(pool),
          taints: poolTaints(pool).map((t) => ({ ...t })),
          launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
          updateConfig: { maxUnavailable: 1 },
          // EKS node auto repair cordons, then reboots or replaces, a node whose Ready condition fails for 30 minutes; it
          // sees GPU, kernel, network and storage faults only through the node monitoring agent add-on's conditions
          // (WorkloadAddons), after 10 minutes for AcceleratedHardwareReady. It stops while more than 20% of a group
          // over five nodes is unhealthy (docs/operations/gpu-node-failing.md).
          nodeRepairConfig: { enabled: true },
          // EKS tags each group's ASG for cluster-autoscaler auto-discovery itself; tags here stay on the node group.
          tags: { "mlops.platform/pool": pool.name },
        },
        {
          ...child,
          // Nodes join only once the networking add-ons exist (the component's dependsOn).
          dependsOn: [...attachments, ...inheritedDependsOn(opts)],
          // cluster-autoscaler owns the desired size after creation; Pulumi would fight it on every run.
          ignoreChanges: ["scalingConfig.desiredSize"],
        },
      );
      this.nodeGroups[pool.name] = nodeGroup;
      // Node-group tags do not reach the ASG EKS creates, so autoscaler hints go on the ASG directly.
      const asgName = nodeGroup.resources.apply((r) => r[0].autoscalingGroups[0].name);
      for (const [key, value] of Object.entries(nodeTemplateTags(pool))) {
        new aws.autoscaling.Tag(
          `${name}-${pool.name}-${key.split("/").pop()}`,
          {
            autoscalingGroupName: asgName,
            tag: { key, value, propagateAtLaunch: false },
          },
          child,
        );
      }
    }

    this.nodeRoleArn = role.arn;
    this.registerOutputs({ nodeRoleArn: this.nodeRoleArn });
  }
}
