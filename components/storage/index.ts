import * as pulumi from "@pulumi/pulumi";
import type { StorageConfig } from "../../config/storage";
import { storageObjects } from "../../charts/storage";
import { teamVolumeObjects } from "../../charts/team-volumes";
import { scratchDirectoryObjects } from "../../charts/storage-scratch";
import { createObjectGroup } from "../kubernetes/object-group";
import { inheritedDependsOn } from "../dependencies";
import { Backup, BACKUP_TAG } from "./backup";
import { ModelsReplica } from "./replica";
import { DataBuckets } from "./buckets";
import { Scratch, scratchFileSystems, type ScratchTarget } from "./scratch";
import { SharedFiles } from "./shared-files";

export * from "./lifecycle";
export * from "../../domain/storage-naming";
export * from "../../domain/posix";
export { BACKUP_TAG, VAULT_TAGS, backupRoleName, copyVaultName } from "./backup";
export { teamAccessPoint } from "./shared-files";
export { LUSTRE_PORTS } from "./scratch";
export { ObjectStore, OBJECT_STORE_NAMESPACE } from "./object-store";
export * from "./local-buckets";

export interface StorageArgs {
  readonly storage: StorageConfig;
  readonly clusterName: string;
  readonly accountId: pulumi.Input<string>;
  /** The stack's region (aws.region). */
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  readonly privateSubnetIds: pulumi.Input<string>[];
  /** EKS cluster security group: nodes and pods reach EFS and Lustre only from it. */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  readonly keys: {
    readonly s3: pulumi.Input<string>;
    readonly files: pulumi.Input<string>;
    readonly ebs: pulumi.Input<string>;
    readonly backup: pulumi.Input<string>;
    /** The recovery region's keys, present when something goes there (RecoveryKeys). */
    readonly recoveryBackup?: pulumi.Input<string>;
    readonly recoveryS3?: pulumi.Input<string>;
  };
  readonly teams: readonly string[];
  /** Each team's cost center, tagged on what is the team's alone. @default none */
  readonly teamCostCenters?: Readonly<Record<string, string>>;
  readonly protect: boolean;
  /** Team namespaces must exist before their claims. */
  readonly teamNamespaces: pulumi.Resource[];
}

/**
 * The storage tiers on AWS: object storage (S3), shared files (EFS), scratch (FSx for Lustre), block
 * classes (EBS gp3/io2, snapshots), per-team volumes, and backup.
 */
export class Storage extends pulumi.ComponentResource {
  readonly buckets: DataBuckets;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:Storage", name, {}, opts);
    const s = args.storage;
    const child = { parent: this };
    this.buckets = new DataBuckets(
      `${name}-buckets`,
      {
        clusterName: args.clusterName,
        accountId: args.accountId,
        keyArn: args.keys.s3,
        lifecycle: s.lifecycle,
        accessLogExpireAfterDays: s.accessLogExpireAfterDays,
        protect: args.protect,
      },
      child,
    );
    const efs = s.sharedFiles.enabled
      ? new SharedFiles(
          `${name}-files`,
          {
            vpcId: args.vpcId,
            subnetIds: args.privateSubnetIds,
            clientSecurityGroupId: args.clusterSecurityGroupId,
            kmsKeyArn: args.keys.files,
            teams: args.teams,
            throughputMode: s.sharedFiles.throughputMode,
            protect: args.protect,
          },
          child,
        )
      : undefined;
    const fsx = s.scratch.enabled
      ? new Scratch(
          `${name}-scratch`,
          {
            vpcId: args.vpcId,
            subnetId: args.privateSubnetIds[0],
            clientSecurityGroupId: args.clusterSecurityGroupId,
            deploymentType: s.scratch.deploymentType,
            storageCapacityGiB: s.scratch.storageCapacityGiB,
            perUnitStorageThroughput: s.scratch.perUnitStorageThroughput,
            teams: args.teams,
            teamCostCenters: args.teamCostCenters,
            isolation: s.scratch.isolation,
            datasetsBucket: this.buckets.bucketNames.datasets,
            dataPrefix: s.scratch.dataPrefix,
            kmsKeyArn: args.keys.files,
            protect: args.protect,
          },
          child,
        )
      : undefined;
    if (s.backup.enabled) {
      const copy = s.backup.copy;
      const copyKey = args.keys.recoveryBackup;
      if (copy && copyKey === undefined) throw new Error("Storage: a backup copy to the recovery region needs keys.recoveryBackup");
      new Backup(
        `${name}-backup`,
        {
          clusterName: args.clusterName,
          kmsKeyArn: args.keys.backup,
          retentionDays: s.backup.retentionDays,
          schedule: s.backup.schedule,
          copy: copy && copyKey !== undefined ? { ...copy, kmsKeyArn: copyKey } : undefined,
          vaultLock: s.backup.vaultLock,
          protect: args.protect,
        },
        child,
      );
    }
    const replicaKey = args.keys.recoveryS3;
    if (s.modelsReplication) {
      if (replicaKey === undefined) throw new Error("Storage: the models replica needs keys.recoveryS3");
      new ModelsReplica(
        `${name}-models-replica`,
        {
          clusterName: args.clusterName,
          accountId: args.accountId,
          region: args.region,
          replication: s.modelsReplication,
          source: {
            bucketName: this.buckets.bucketNames.models,
            bucketArn: this.buckets.bucketArns.models,
            keyArn: args.keys.s3,
            versioning: this.buckets.versioning.models,
          },
          replicaKeyArn: replicaKey,
          lifecycle: s.lifecycle.models,
          accessLogExpireAfterDays: s.accessLogExpireAfterDays,
          protect: args.protect,
        },
        child,
      );
    }

    const classes = pulumi.all([args.keys.ebs, efs?.fileSystemId]).apply(([ebsKey, efsId]) =>
      storageObjects({
        ebsKmsKeyArn: ebsKey,
        reclaimPolicy: s.reclaimPolicy,
        io2IopsPerGB: s.io2IopsPerGB,
        efsFileSystemId: efsId,
        volumeTags: s.backup.enabled ? { [BACKUP_TAG.key]: BACKUP_TAG.value } : {},
      }),
    );
    // Classes wait for the component's dependsOn: the snapshot controller's CRDs and the CSI drivers.
    createObjectGroup(`${name}-classes`, classes, { parent: this, dependsOn: inheritedDependsOn(opts) });
    const groups = fsx ? scratchFileSystems(args.teams, s.scratch.isolation) : [];
    const scratchTargets = fsx ? pulumi.all(fsx.fileSystems) : pulumi.output({} as Record<string, ScratchTarget>);
    if (efs || fsx) {
      const volumes = pulumi.all([efs?.fileSystemId, pulumi.all(efs?.accessPointIds ?? {}), scratchTargets]).apply(([efsId, aps, targets]) =>
        teamVolumeObjects({
          teams: args.teams,
          efs: efsId ? { fileSystemId: efsId, accessPointIds: aps } : undefined,
          // Each team's volume is on the file system that holds its directory.
          fsx: fsx ? Object.fromEntries(groups.flatMap((g) => g.teams.map((team) => [team, targets[g.key]]))) : undefined,
          reclaimPolicy: s.reclaimPolicy,
        }),
      );
      createObjectGroup(`${name}-team-volumes`, volumes, { parent: this, dependsOn: [...args.teamNamespaces, ...inheritedDependsOn(opts)] });
    }
    if (fsx) {
      // After the associations, which create the teams' directories as root: the Job gives each to its team.
      const directories = scratchTargets.apply((targets) =>
        scratchDirectoryObjects(
          groups.map((g) => ({ key: g.key, teams: g.teams, ...targets[g.key] })),
          s.reclaimPolicy,
        ),
      );
      createObjectGroup(`${name}-scratch-directories`, directories, { parent: this, dependsOn: [...fsx.associations, ...inheritedDependsOn(opts)] });
    }
    this.registerOutputs({});
  }
}
