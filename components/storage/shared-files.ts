import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { teamPosixId } from "../../domain/posix";

export interface SharedFilesArgs {
  readonly vpcId: pulumi.Input<string>;
  /** One mount target per private subnet (one per AZ). */
  readonly subnetIds: pulumi.Input<string>[];
  /** The EKS cluster security group: the only source allowed to NFS (NET-04). */
  readonly clientSecurityGroupId: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Teams that get an access point confined to /teams/<team> under their own POSIX identity. @default [] */
  readonly teams?: readonly string[];
  /** @default "elastic" */
  readonly throughputMode?: "elastic" | "bursting";
  /** protect + retain-on-delete. @default false */
  readonly protect?: boolean;
}

/** Access point settings per team: own root directory, own uid/gid, group-readable (FS-02). */
export function teamAccessPoint(team: string) {
  const id = teamPosixId(team);
  return {
    posixUser: { uid: id, gid: id },
    rootDirectory: { path: `/teams/${team}`, creationInfo: { ownerUid: id, ownerGid: id, permissions: "0750" } },
  };
}

/**
 * Shared files on EFS: regional, KMS-encrypted, backed up, reachable on 2049 only from the cluster security
 * group; an access point per team.
 */
export class SharedFiles extends pulumi.ComponentResource {
  readonly fileSystemId: pulumi.Output<string>;
  readonly fileSystemArn: pulumi.Output<string>;
  readonly accessPointIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: SharedFilesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:SharedFiles", name, {}, opts);
    const child = { parent: this };
    const sg = new aws.ec2.SecurityGroup(`${name}-nfs`, { vpcId: args.vpcId, description: "NFS from cluster nodes and pods only", egress: [] }, child);
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-nfs`,
      {
        securityGroupId: sg.id,
        referencedSecurityGroupId: args.clientSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: 2049,
        toPort: 2049,
        description: "NFS from the EKS cluster security group",
      },
      child,
    );
    const fs = new aws.efs.FileSystem(
      name,
      {
        encrypted: true,
        kmsKeyId: args.kmsKeyArn,
        performanceMode: "generalPurpose",
        throughputMode: args.throughputMode ?? "elastic",
        lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }, { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" }],
        tags: { Name: name, "mlops.platform/backup": "true" },
      },
      { ...child, protect: args.protect, retainOnDelete: args.protect },
    );
    new aws.efs.BackupPolicy(name, { fileSystemId: fs.id, backupPolicy: { status: "ENABLED" } }, child);
    args.subnetIds.forEach((subnetId, i) => new aws.efs.MountTarget(`${name}-${i}`, { fileSystemId: fs.id, subnetId, securityGroups: [sg.id] }, child));
    for (const team of args.teams ?? []) {
      const ap = new aws.efs.AccessPoint(`${name}-${team}`, { fileSystemId: fs.id, ...teamAccessPoint(team), tags: { team, Name: `${name}-${team}` } }, child);
      this.accessPointIds[team] = ap.id;
    }
    this.fileSystemId = fs.id;
    this.fileSystemArn = fs.arn;
    this.registerOutputs({ fileSystemId: this.fileSystemId });
  }
}
