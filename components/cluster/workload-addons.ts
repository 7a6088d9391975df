import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../aws/iam";
import type { AddonVersion, EksAddonName } from "../../domain/versions";
import { WORKLOAD_ADDONS, createAddons } from "./addons";
import { inheritedDependsOn } from "../dependencies";
import type { EksTaint } from "../nodes/templates";

export interface WorkloadAddonsArgs {
  readonly clusterName: pulumi.Input<string>;
  readonly versions: Readonly<Record<EksAddonName, AddonVersion>>;
  readonly kubernetesVersion: string;
  /** Storage CSI drivers beyond EBS. @default [] */
  readonly storageDrivers?: readonly ("aws-efs-csi-driver" | "aws-fsx-csi-driver")[];
  /** The key EBS volumes are encrypted with; the EBS CSI role gets exactly the grants it needs on it. */
  readonly ebsKmsKeyArn: pulumi.Input<string>;
  /** Taints of the GPU pools, tolerated by the node monitoring agent's DCGM DaemonSet. @default [] (the GPU taint only) */
  readonly gpuPoolTaints?: readonly EksTaint[];
}

/**
 * Key use for the EBS CSI driver with a customer key (aws-ebs-csi-driver docs, "KMS"): data-key operations
 * and grants for attached volumes, on this key only.
 */
export function ebsCsiKeyPolicy(keyArn: string) {
  return policyDocument(
    { Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource: keyArn },
    {
      Effect: "Allow",
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: keyArn,
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  );
}

/** Add-ons with pods (CoreDNS, CSI drivers, snapshot controller, node monitoring agent), created once the system pool exists. */
export class WorkloadAddons extends pulumi.ComponentResource {
  constructor(name: string, args: WorkloadAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cluster:WorkloadAddons", name, {}, opts);
    const addons = [...WORKLOAD_ADDONS, ...(args.storageDrivers ?? [])];
    // Add-ons with pods wait for the nodes they run on (the component's dependsOn).
    const created = createAddons(
      name,
      { clusterName: args.clusterName, addons, versions: args.versions, kubernetesVersion: args.kubernetesVersion, gpuPoolTaints: args.gpuPoolTaints },
      this,
      inheritedDependsOn(opts),
    );
    const ebsRole = created.roles["aws-ebs-csi-driver"];
    if (ebsRole) {
      new aws.iam.RolePolicy(
        `${name}-aws-ebs-csi-driver-kms`,
        {
          role: ebsRole.id,
          policy: pulumi.output(args.ebsKmsKeyArn).apply((arn) => JSON.stringify(ebsCsiKeyPolicy(arn))),
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
