import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accessLogBucketPolicy, accessLogRules, lifecycleRules, tlsOnlyPolicy, type Lifecycle } from "./lifecycle";
import { DATA_BUCKET_KINDS, dataBucketName, type DataBucketKind } from "../../domain/storage-naming";

export interface DataBucketsArgs {
  /** The cluster name; bucket names follow domain/storage-naming.ts so IAM can name them first. */
  readonly clusterName: string;
  readonly accountId: pulumi.Input<string>;
  /** KMS key for SSE-KMS (S3-02). */
  readonly keyArn: pulumi.Input<string>;
  /** Lifecycle per data bucket (validated in config). */
  readonly lifecycle: Readonly<Record<DataBucketKind, Lifecycle>>;
  /** Expiry of server access logs. @default 365 */
  readonly accessLogExpireAfterDays?: number;
  /** protect + retain-on-delete; forceDestroy stays false regardless. @default false */
  readonly protect?: boolean;
}

/**
 * The platform's object storage: datasets, artifacts and models, plus the bucket their access logs go to.
 * Every bucket: public access blocked, SSE-KMS with bucket keys, versioning, ACLs off, TLS-only policy,
 * lifecycle, and access logging (S3-01..07).
 */
export class DataBuckets extends pulumi.ComponentResource {
  readonly bucketNames: Record<DataBucketKind, pulumi.Output<string>> = {} as Record<DataBucketKind, pulumi.Output<string>>;
  readonly bucketArns: Record<DataBucketKind, pulumi.Output<string>> = {} as Record<DataBucketKind, pulumi.Output<string>>;
  /** Each data bucket's versioning: a replication rule waits for it. */
  readonly versioning: Record<DataBucketKind, aws.s3.BucketVersioning> = {} as Record<DataBucketKind, aws.s3.BucketVersioning>;
  /** The server access log bucket's name. */
  readonly logBucketName: pulumi.Output<string>;

  constructor(name: string, args: DataBucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:DataBuckets", name, {}, opts);
    const accountId = pulumi.output(args.accountId);
    const { bucket: logs } = hardenedBucket(
      this,
      `${name}-access-logs`,
      accountId.apply((id) => `${args.clusterName}-logs-${id}`),
      { ...args, role: "access-logs" },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-access-logs`,
      { bucket: logs.bucket, rules: accessLogRules(args.accessLogExpireAfterDays ?? 365) },
      { parent: this },
    );
    new aws.s3.BucketPolicy(
      `${name}-access-logs`,
      {
        bucket: logs.bucket,
        policy: pulumi.all([logs.arn, accountId]).apply(([arn, id]) => JSON.stringify(accessLogBucketPolicy(arn, id))),
      },
      { parent: this },
    );

    for (const kind of DATA_BUCKET_KINDS) {
      const { bucket, versioning } = hardenedBucket(
        this,
        `${name}-${kind}`,
        accountId.apply((id) => dataBucketName(args.clusterName, kind, id)),
        { ...args, role: kind },
      );
      new aws.s3.BucketLifecycleConfiguration(`${name}-${kind}`, { bucket: bucket.bucket, rules: lifecycleRules(args.lifecycle[kind]) }, { parent: this });
      new aws.s3.BucketPolicy(
        `${name}-${kind}`,
        { bucket: bucket.bucket, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyPolicy(arn))) },
        { parent: this },
      );
      new aws.s3.BucketLogging(`${name}-${kind}`, { bucket: bucket.bucket, targetBucket: logs.bucket, targetPrefix: `${kind}/` }, { parent: this });
      this.versioning[kind] = versioning;
      this.bucketNames[kind] = bucket.bucket;
      this.bucketArns[kind] = bucket.arn;
    }
    this.logBucketName = logs.bucket;
    this.registerOutputs({ bucketNames: this.bucketNames });
  }
}

/** The bucket, and its versioning (replication needs it on first). */
export interface HardenedBucket {
  readonly bucket: aws.s3.Bucket;
  readonly versioning: aws.s3.BucketVersioning;
}

export interface HardenedBucketArgs {
  /** What the bucket holds (its `mlops.platform/bucket` tag); "access-logs" gets SSE-S3, the rest our key. */
  readonly role: string;
  readonly keyArn: pulumi.Input<string>;
  readonly protect?: boolean;
  /** A region other than the provider's (the models replica). @default the provider's */
  readonly region?: string;
}

/** A bucket with its always-on protections: public access block, SSE-KMS, versioning, ACLs off. */
export function hardenedBucket(parent: pulumi.Resource, name: string, physicalName: pulumi.Input<string>, args: HardenedBucketArgs): HardenedBucket {
  const { region, role } = args;
  const stateful = { parent, protect: args.protect, retainOnDelete: args.protect };
  const bucket = new aws.s3.Bucket(name, { region, bucket: physicalName, forceDestroy: false, tags: { "mlops.platform/bucket": role } }, stateful);
  const child = { parent };
  new aws.s3.BucketPublicAccessBlock(
    name,
    { region, bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    child,
  );
  new aws.s3.BucketOwnershipControls(name, { region, bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
  // S3 delivers server access logs only to buckets encrypted with SSE-S3; every other bucket uses our key.
  const sse = role === "access-logs" ? { sseAlgorithm: "AES256" } : { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.keyArn };
  new aws.s3.BucketServerSideEncryptionConfiguration(
    name,
    { region, bucket: bucket.bucket, rules: [{ applyServerSideEncryptionByDefault: sse, bucketKeyEnabled: role !== "access-logs" }] },
    child,
  );
  const versioning = new aws.s3.BucketVersioning(name, { region, bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } }, child);
  return { bucket, versioning };
}
