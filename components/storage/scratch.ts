import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ScratchArgs {
  readonly vpcId: pulumi.Input<string>;
  /** FSx for Lustre lives in one subnet (one AZ): training nodes in that AZ read fastest. */
  readonly subnetId: pulumi.Input<string>;
  readonly clientSecurityGroupId: pulumi.Input<string>;
  /** SCRATCH_2 (dev: cheap, no replica) or PERSISTENT_2 (prod: replicated, customer key, backups). */
  readonly deploymentType: "SCRATCH_2" | "PERSISTENT_2";
  /** GiB: 1200, 2400 or a multiple of 2400 (checked in config). */
  readonly storageCapacityGiB: number;
  /** PERSISTENT_2 only: 125, 250, 500 or 1000 MB/s per TiB. @default 125 */
  readonly perUnitStorageThroughput?: number;
  /** The datasets bucket and prefix linked for import and export, e.g. s3://bucket/lustre/. */
  readonly dataRepositoryPath: pulumi.Input<string>;
  /** Customer key (PERSISTENT_2; SCRATCH_2 is always encrypted with an FSx-managed key). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** protect + retain-on-delete for PERSISTENT_2. @default false */
  readonly protect?: boolean;
}

/** Lustre client ports: 988, and 1018-1023 between servers and clients (NET-04). */
export const LUSTRE_PORTS: readonly [number, number][] = [
  [988, 988],
  [1018, 1023],
];

/**
 * High-throughput scratch on FSx for Lustre, linked to the datasets bucket: objects under the prefix appear
 * as files and new files flow back. SCRATCH_2 links through import/export paths; PERSISTENT_2 through a
 * data repository association with automatic import and export.
 */
export class Scratch extends pulumi.ComponentResource {
  readonly fileSystemId: pulumi.Output<string>;
  readonly dnsName: pulumi.Output<string>;
  readonly mountName: pulumi.Output<string>;

  constructor(name: string, args: ScratchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:Scratch", name, {}, opts);
    const child = { parent: this };
    const persistent = args.deploymentType === "PERSISTENT_2";
    const sg = new aws.ec2.SecurityGroup(
      `${name}-lustre`,
      {
        vpcId: args.vpcId,
        description: "Lustre from cluster nodes and between file servers",
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
      },
      child,
    );
    for (const [from, to] of LUSTRE_PORTS) {
      // Lustre servers also open connections to clients: allow those ports back to the cluster security group.
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-to-clients-${from}`,
        {
          securityGroupId: sg.id,
          referencedSecurityGroupId: args.clientSecurityGroupId,
          ipProtocol: "tcp",
          fromPort: from,
          toPort: to,
          description: "Lustre to cluster nodes",
        },
        child,
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-clients-from-lustre-${from}`,
        {
          securityGroupId: args.clientSecurityGroupId,
          referencedSecurityGroupId: sg.id,
          ipProtocol: "tcp",
          fromPort: from,
          toPort: to,
          description: "Lustre servers to clients",
        },
        child,
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-clients-${from}`,
        {
          securityGroupId: sg.id,
          referencedSecurityGroupId: args.clientSecurityGroupId,
          ipProtocol: "tcp",
          fromPort: from,
          toPort: to,
          description: "Lustre from the EKS cluster security group",
        },
        child,
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-servers-${from}`,
        { securityGroupId: sg.id, referencedSecurityGroupId: sg.id, ipProtocol: "tcp", fromPort: from, toPort: to, description: "Lustre between file servers" },
        child,
      );
    }
    const fs = new aws.fsx.LustreFileSystem(
      name,
      {
        deploymentType: args.deploymentType,
        storageCapacity: args.storageCapacityGiB,
        subnetIds: args.subnetId,
        securityGroupIds: [sg.id],
        fileSystemTypeVersion: "2.15",
        dataCompressionType: "LZ4",
        copyTagsToBackups: true,
        ...(persistent
          ? { perUnitStorageThroughput: args.perUnitStorageThroughput ?? 125, kmsKeyId: args.kmsKeyArn, automaticBackupRetentionDays: 7 }
          : { importPath: args.dataRepositoryPath, exportPath: args.dataRepositoryPath, autoImportPolicy: "NEW_CHANGED_DELETED" }),
        tags: { Name: name },
      },
      { ...child, protect: persistent && args.protect, retainOnDelete: persistent && args.protect },
    );
    if (persistent) {
      new aws.fsx.DataRepositoryAssociation(
        name,
        {
          fileSystemId: fs.id,
          fileSystemPath: "/datasets",
          dataRepositoryPath: args.dataRepositoryPath,
          batchImportMetaDataOnCreate: true,
          s3: { autoImportPolicy: { events: ["NEW", "CHANGED", "DELETED"] }, autoExportPolicy: { events: ["NEW", "CHANGED", "DELETED"] } },
        },
        child,
      );
    }
    this.fileSystemId = fs.id;
    this.dnsName = fs.dnsName;
    this.mountName = fs.mountName;
    this.registerOutputs({ fileSystemId: this.fileSystemId });
  }
}
