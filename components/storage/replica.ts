import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ModelsReplicationConfig } from "../../config/recovery";
import { serviceTrustPolicy } from "../aws/iam";
import { replicaBucketName, replicaLogBucketName } from "../../domain/storage-naming";
import { hardenedBucket } from "./buckets";
import { accessLogBucketPolicy, accessLogRules, lifecycleRules, tlsOnlyPolicy, type Lifecycle } from "./lifecycle";
import { replicationRolePolicy, replicationRules } from "./replication";

export interface ModelsReplicaArgs {
  readonly clusterName: string;
  readonly accountId: pulumi.Input<string>;
  /** The stack's region (the source bucket's). */
  readonly region: string;
  readonly replication: ModelsReplicationConfig;
  readonly source: {
    readonly bucketName: pulumi.Input<string>;
    readonly bucketArn: pulumi.Input<string>;
    readonly keyArn: pulumi.Input<string>;
    /** Replication needs versioning on first. */
    readonly versioning: pulumi.Resource;
  };
  /** The recovery region's s3 key (RecoveryKeys). */
  readonly replicaKeyArn: pulumi.Input<string>;
  /** The models bucket's lifecycle: old versions of replicas expire like the source's. */
  readonly lifecycle: Lifecycle;
  readonly accessLogExpireAfterDays: number;
  readonly protect?: boolean;
}

/**
 * A replica of the models bucket in the recovery region, hardened like every platform bucket (its own access-log
 * bucket there: S3 logs only within a region), and the replication rule with its role scoped to the two buckets and keys.
 */
export class ModelsReplica extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;

  constructor(name: string, args: ModelsReplicaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:ModelsReplica", name, {}, opts);
    const child = { parent: this };
    const region = args.replication.region;
    const accountId = pulumi.output(args.accountId);
    const common = { region, keyArn: args.replicaKeyArn, protect: args.protect };
    const { bucket: logs } = hardenedBucket(
      this,
      `${name}-access-logs`,
      accountId.apply((id) => replicaLogBucketName(args.clusterName, id)),
      {
        ...common,
        role: "access-logs",
      },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-access-logs`,
      { region, bucket: logs.bucket, rules: accessLogRules(args.accessLogExpireAfterDays) },
      child,
    );
    new aws.s3.BucketPolicy(
      `${name}-access-logs`,
      { region, bucket: logs.bucket, policy: pulumi.all([logs.arn, accountId]).apply(([arn, id]) => JSON.stringify(accessLogBucketPolicy(arn, id))) },
      child,
    );
    const { bucket: replica, versioning } = hardenedBucket(
      this,
      name,
      accountId.apply((id) => replicaBucketName(args.clusterName, id)),
      {
        ...common,
        role: "models-replica",
      },
    );
    // Replicas keep their storage class; only old versions expire and stale uploads are aborted.
    new aws.s3.BucketLifecycleConfiguration(
      name,
      { region, bucket: replica.bucket, rules: lifecycleRules({ ...args.lifecycle, infrequentAccessAfterDays: undefined, archiveAfterDays: undefined }) },
      child,
    );
    new aws.s3.BucketPolicy(name, { region, bucket: replica.bucket, policy: replica.arn.apply((arn) => JSON.stringify(tlsOnlyPolicy(arn))) }, child);
    new aws.s3.BucketLogging(name, { region, bucket: replica.bucket, targetBucket: logs.bucket, targetPrefix: "models-replica/" }, child);

    const role = new aws.iam.Role(`${name}-replication`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("s3.amazonaws.com")) }, child);
    const policy = new aws.iam.RolePolicy(
      `${name}-replication`,
      {
        role: role.id,
        policy: pulumi
          .all([args.source.bucketArn, args.source.keyArn, replica.arn, args.replicaKeyArn])
          .apply(([sourceArn, sourceKey, replicaArn, replicaKey]) =>
            JSON.stringify(
              replicationRolePolicy(
                {
                  sourceBucketArn: sourceArn,
                  sourceKey: { arn: sourceKey, region: args.region },
                  replicaBucketArn: replicaArn,
                  replicaKey: { arn: replicaKey, region },
                },
                args.replication.replicateDeletes,
              ),
            ),
          ),
      },
      child,
    );
    new aws.s3.BucketReplicationConfig(
      name,
      {
        bucket: args.source.bucketName,
        role: role.arn,
        rules: pulumi.all([replica.arn, args.replicaKeyArn]).apply(([arn, key]) => replicationRules(args.replication, arn, key)),
      },
      { ...child, dependsOn: [args.source.versioning, versioning, policy] },
    );
    this.bucketName = replica.bucket;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
