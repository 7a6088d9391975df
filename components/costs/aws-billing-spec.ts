/**
 * The AWS side of cost attribution as plain data: which tag keys become cost allocation tags, an AWS Budget per
 * cost center, and the CUR 2.0 data export with its bucket and key policies. Pure and unit-tested; the
 * component (aws-billing.ts) only turns these into resources.
 */
import type { BudgetConfig } from "../../config/costs";
import { policyDocument, type PolicyDocument, type PolicyStatement } from "../aws/iam";
import { tlsOnlyPolicy } from "../storage/lifecycle";

/**
 * The tag keys every AWS resource carries (provider defaultTags) that bills are split by. Activated as user-defined
 * cost allocation tags, they appear in Cost Explorer, Budgets and the CUR as `user:team` and `user:cost-center`.
 */
export const ALLOCATION_TAG_KEYS = ["team", "cost-center"] as const;

/** A budget's filter on the cost-center tag: AWS Budgets' TagKeyValue form `user:<key>$<value>`. */
export const costCenterFilter = (costCenter: string) => ({ name: "TagKeyValue", values: [`user:cost-center$${costCenter}`] });

/** AWS Budgets names are unique per account: the cluster name keeps two stacks in one account apart. */
export const budgetName = (clusterName: string, costCenter: string): string => `${clusterName}-${costCenter}`;

/** One notification per alert, each to every email address and SNS topic of the budget. */
export function budgetNotifications(budget: BudgetConfig) {
  return budget.alerts.map((alert) => ({
    notificationType: alert.on === "actual" ? "ACTUAL" : "FORECASTED",
    comparisonOperator: "GREATER_THAN",
    threshold: alert.percent,
    thresholdType: "PERCENTAGE",
    ...(budget.emails.length > 0 ? { subscriberEmailAddresses: [...budget.emails] } : {}),
    ...(budget.snsTopicArns.length > 0 ? { subscriberSnsTopicArns: [...budget.snsTopicArns] } : {}),
  }));
}

/** A monthly cost budget in US dollars over what carries the cost center's tag. */
export function budgetArgs(clusterName: string, budget: BudgetConfig) {
  return {
    name: budgetName(clusterName, budget.costCenter),
    budgetType: "COST",
    timeUnit: "MONTHLY",
    limitAmount: budget.monthlyUsd.toFixed(2),
    limitUnit: "USD",
    costFilters: [costCenterFilter(budget.costCenter)],
    notifications: budgetNotifications(budget),
  };
}

/** The storage's access-log bucket, as DataBuckets names it (components/storage/buckets.ts); a plan test keeps them equal. */
export const accessLogBucketName = (clusterName: string, accountId: string): string => `${clusterName}-logs-${accountId}`;

/** The export's bucket: named by convention like the data buckets (40 + 9 + 12 characters fit S3's 63). */
export const exportBucketName = (clusterName: string, accountId: string): string => `${clusterName}-billing-${accountId}`;
export const exportName = (clusterName: string): string => `${clusterName}-cur2`;
export const EXPORT_PREFIX = "cur2";

/**
 * The CUR 2.0 columns exported: line item identity and time, account, product and usage, cost, the resource and its
 * tags (`resource_tags` holds `user:team` and `user:cost-center`), and the split line items AWS adds for EKS pods
 * when split cost allocation data is on. Data Exports takes an explicit column list.
 */
export const EXPORT_COLUMNS = [
  "identity_line_item_id",
  "identity_time_interval",
  "bill_billing_period_start_date",
  "bill_payer_account_id",
  "line_item_usage_account_id",
  "line_item_line_item_type",
  "line_item_product_code",
  "line_item_usage_type",
  "line_item_operation",
  "line_item_resource_id",
  "line_item_usage_start_date",
  "line_item_usage_end_date",
  "line_item_usage_amount",
  "line_item_unblended_cost",
  "pricing_public_on_demand_cost",
  "resource_tags",
  "split_line_item_parent_resource_id",
  "split_line_item_split_usage",
  "split_line_item_split_usage_ratio",
  "split_line_item_actual_usage",
  "split_line_item_split_cost",
  "split_line_item_unused_cost",
] as const;

export const exportQuery = (): string => `SELECT ${EXPORT_COLUMNS.join(", ")} FROM COST_AND_USAGE_REPORT`;

/** The export of the primary billing view, hourly, per resource, with split cost allocation data for EKS pods. */
export function exportArgs(args: { clusterName: string; bucket: string; bucketRegion: string; billingViewArn: string }) {
  return {
    name: exportName(args.clusterName),
    description: `CUR 2.0 of ${args.clusterName}: hourly, per resource, EKS pods split by namespace`,
    dataQueries: [
      {
        queryStatement: exportQuery(),
        tableConfigurations: {
          COST_AND_USAGE_REPORT: {
            BILLING_VIEW_ARN: args.billingViewArn,
            TIME_GRANULARITY: "HOURLY",
            INCLUDE_RESOURCES: "TRUE",
            INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY: "FALSE",
            INCLUDE_SPLIT_COST_ALLOCATION_DATA: "TRUE",
          },
        },
      },
    ],
    destinationConfigurations: [
      {
        s3Destinations: [
          {
            s3Bucket: args.bucket,
            s3Prefix: EXPORT_PREFIX,
            s3Region: args.bucketRegion,
            s3OutputConfigurations: [{ outputType: "CUSTOM", format: "PARQUET", compression: "PARQUET", overwrite: "OVERWRITE_REPORT" }],
          },
        ],
      },
    ],
    refreshCadences: [{ frequency: "SYNCHRONOUS" }],
  };
}

/** The account's primary billing view, which a CUR 2.0 export must name. */
export const primaryBillingView = (partition: string, accountId: string): string => `arn:${partition}:billing::${accountId}:billingview/primary`;

/** Who may deliver: Data Exports (and legacy CUR, which AWS's documented policy names too) of this account only. */
function deliveryCondition(partition: string, accountId: string) {
  return {
    StringLike: {
      "aws:SourceAccount": accountId,
      "aws:SourceArn": [`arn:${partition}:cur:us-east-1:${accountId}:definition/*`, `arn:${partition}:bcm-data-exports:us-east-1:${accountId}:export/*`],
    },
  };
}

const DELIVERY_SERVICES = ["billingreports.amazonaws.com", "bcm-data-exports.amazonaws.com"];

/** TLS only (S3-04) plus AWS's documented Data Exports statement: write objects and read the bucket policy. */
export function exportBucketPolicy(bucketArn: string, accountId: string, partition = "aws"): PolicyDocument {
  const doc = tlsOnlyPolicy(bucketArn);
  doc.Statement.push({
    Sid: "EnableAWSDataExportsToWriteToS3AndCheckPolicy",
    Effect: "Allow",
    Principal: { Service: DELIVERY_SERVICES },
    Action: ["s3:PutObject", "s3:GetBucketPolicy"],
    Resource: [`${bucketArn}/*`, bucketArn],
    Condition: deliveryCondition(partition, accountId),
  });
  return doc;
}

/** The export bucket's own key: the account administers it through IAM; the delivery services encrypt with it. */
export function exportKeyPolicy(accountId: string, partition = "aws"): PolicyDocument {
  const deliver: PolicyStatement = {
    Sid: "DataExportsEncryptDeliveries",
    Effect: "Allow",
    Principal: { Service: DELIVERY_SERVICES },
    // Decrypt too: S3 reads the data key back to complete multipart uploads into an SSE-KMS bucket.
    Action: ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"],
    Resource: "*",
    Condition: deliveryCondition(partition, accountId),
  };
  return policyDocument(
    { Sid: "AccountAdministersThroughIam", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
    deliver,
  );
}

/** Exports are small and overwritten in place; old versions go after 30 days, incomplete uploads after 1. */
export const EXPORT_LIFECYCLE = [
  {
    id: "noncurrent-and-incomplete",
    status: "Enabled",
    filter: {},
    noncurrentVersionExpiration: { noncurrentDays: 30 },
    abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
  },
];
