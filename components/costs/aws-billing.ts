/**
 * The AWS side of cost attribution on an EKS stack: `team` and `cost-center` activated as cost allocation tags, an
 * AWS Budget per configured cost center, and optionally the CUR 2.0 data export into a hardened bucket of the
 * stack's own. Billing settings belong to the payer account; see the README ("What it costs") for what AWS needs
 * beyond this program.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EksPlatformConfig } from "../../config";
import type { BudgetConfig } from "../../config/costs";
import { regionPartition } from "../../config/partition";
import {
  ALLOCATION_TAG_KEYS,
  EXPORT_LIFECYCLE,
  budgetArgs,
  exportArgs,
  exportBucketName,
  exportBucketPolicy,
  exportKeyPolicy,
  accessLogBucketName,
  primaryBillingView,
} from "./aws-billing-spec";

export interface AwsBillingArgs {
  /** The cluster name: budgets, the export and its bucket are named after it. */
  readonly clusterName: string;
  readonly accountId: pulumi.Input<string>;
  /** The stack's region: where the export bucket lives (the export itself is a us-east-1 service). */
  readonly region: string;
  /** The region's partition (arn:<partition>:…). @default "aws" */
  readonly partition?: string;
  /** Activate `team` and `cost-center` as cost allocation tags. @default false */
  readonly allocationTags?: boolean;
  /** One AWS Budget each (cfg.costs.budgets). @default [] */
  readonly budgets?: readonly BudgetConfig[];
  /** The CUR 2.0 export with split cost allocation data. @default false */
  readonly dataExport?: boolean;
  /** The access-log bucket the export bucket logs to (the storage's, S3-07). Required when dataExport is on. */
  readonly accessLogBucket?: pulumi.Input<string>;
  /** Deletion window of the export bucket's key: 30 in prod. @default 30 */
  readonly keyDeletionWindowInDays?: number;
  /** protect + retain-on-delete for the export bucket and its key. @default false */
  readonly protect?: boolean;
}

export class AwsBilling extends pulumi.ComponentResource {
  readonly budgetNames: pulumi.Output<string>[] = [];
  readonly exportBucket?: pulumi.Output<string>;

  constructor(name: string, args: AwsBillingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:costs:AwsBilling", name, {}, opts);
    const child = { parent: this };
    // A payer-account setting, global (no per-resource region in @pulumi/aws 7): AWS lists a key only after tagged usage.
    // Deleting the resource deactivates the tag for the whole account, every other stack's budgets included: a destroy
    // leaves it active.
    if (args.allocationTags === true)
      for (const key of ALLOCATION_TAG_KEYS)
        new aws.costexplorer.CostAllocationTag(`${name}-${key}`, { tagKey: key, status: "Active" }, { ...child, retainOnDelete: true });
    for (const budget of args.budgets ?? []) {
      const created = new aws.budgets.Budget(`${name}-${budget.costCenter}`, budgetArgs(args.clusterName, budget), child);
      this.budgetNames.push(created.name);
    }
    if (args.dataExport === true) this.exportBucket = this.createExport(name, args);
    this.registerOutputs({ budgetNames: this.budgetNames, exportBucket: this.exportBucket });
  }

  /** The bucket (public access blocked, ACLs off, SSE-KMS with its own key, versioned, TLS only, logged) and the export. */
  private createExport(name: string, args: AwsBillingArgs): pulumi.Output<string> {
    if (args.accessLogBucket === undefined) throw new Error("AwsBilling: dataExport needs accessLogBucket (S3-07)");
    const partition = args.partition ?? "aws";
    const accountId = pulumi.output(args.accountId);
    const stateful = { parent: this, protect: args.protect, retainOnDelete: args.protect };
    const child = { parent: this };
    const key = new aws.kms.Key(
      `${name}-export`,
      {
        description: `${args.clusterName}: CUR 2.0 export`,
        enableKeyRotation: true,
        deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
        policy: accountId.apply((id) => JSON.stringify(exportKeyPolicy(id, partition))),
      },
      stateful,
    );
    new aws.kms.Alias(`${name}-export`, { name: `alias/${args.clusterName}-billing-export`, targetKeyId: key.keyId }, child);
    const bucket = new aws.s3.Bucket(
      `${name}-export`,
      { bucket: accountId.apply((id) => exportBucketName(args.clusterName, id)), forceDestroy: false, tags: { "mlops.platform/bucket": "billing-export" } },
      stateful,
    );
    const companion = `${name}-export`;
    new aws.s3.BucketPublicAccessBlock(
      companion,
      { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new aws.s3.BucketOwnershipControls(companion, { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    const sse = new aws.s3.BucketServerSideEncryptionConfiguration(
      companion,
      { bucket: bucket.bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }] },
      child,
    );
    new aws.s3.BucketVersioning(companion, { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } }, child);
    new aws.s3.BucketLifecycleConfiguration(companion, { bucket: bucket.bucket, rules: EXPORT_LIFECYCLE }, child);
    new aws.s3.BucketLogging(companion, { bucket: bucket.bucket, targetBucket: args.accessLogBucket, targetPrefix: "billing-export/" }, child);
    const policy = new aws.s3.BucketPolicy(
      companion,
      {
        bucket: bucket.bucket,
        policy: pulumi.all([bucket.arn, accountId]).apply(([arn, id]) => JSON.stringify(exportBucketPolicy(arn, id, partition))),
      },
      child,
    );
    // Data Exports checks the bucket policy when the export is created: policy and encryption first.
    new aws.bcmdata.Export(
      companion,
      {
        export: pulumi
          .all([bucket.bucket, accountId])
          .apply(([bucketName, id]) =>
            exportArgs({ clusterName: args.clusterName, bucket: bucketName, bucketRegion: args.region, billingViewArn: primaryBillingView(partition, id) }),
          ),
      },
      { parent: this, dependsOn: [policy, sse] },
    );
    return bucket.bucket;
  }
}

/**
 * The cost lines of the EKS platform: nothing when the stack asks for none of it. After the storage, whose
 * access-log bucket the export bucket logs to.
 */
export function createAwsBilling(cfg: EksPlatformConfig, accountId: pulumi.Output<string>, opts: pulumi.ComponentResourceOptions): AwsBilling | undefined {
  const { costs, cluster } = cfg;
  if (!costs.allocationTags && costs.budgets.length === 0 && !costs.dataExport) return undefined;
  return new AwsBilling(
    "costs-aws",
    {
      clusterName: cluster.name,
      accountId,
      region: cfg.aws.region,
      partition: regionPartition(cfg.aws.region),
      allocationTags: costs.allocationTags,
      budgets: costs.budgets,
      dataExport: costs.dataExport,
      accessLogBucket: accountId.apply((id) => accessLogBucketName(cluster.name, id)),
      keyDeletionWindowInDays: cfg.environment === "prod" ? 30 : 7,
      protect: cluster.protect,
    },
    opts,
  );
}
