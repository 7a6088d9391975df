/**
 * The AWS side of cost attribution under the offline plan: allocation tags activated, one Budget per cost center
 * with its tag filter and notifications, the CUR 2.0 export with its hardened bucket only when enabled, nothing on
 * an existing cluster. Fixture stacks of the tests' own, varied here.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { ALLOCATION_TAG_KEYS, EXPORT_COLUMNS, exportBucketPolicy, exportKeyPolicy, exportQuery } from "../../components/costs/aws-billing-spec";
import type { PlanResult } from "../../scripts/plan/run";
import { mandatory, runPolicies } from "../../scripts/plan/policy";
import { fixtureStack, stackConfig } from "../helpers/stack";
import { childrenOf, one, ofType, plan, type Res } from "../components/plan-query";

const T = {
  billing: "mlops:costs:AwsBilling",
  tag: "aws:costexplorer/costAllocationTag:CostAllocationTag",
  budget: "aws:budgets/budget:Budget",
  export: "aws:bcmdata/export:Export",
  bucket: "aws:s3/bucket:Bucket",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  logging: "aws:s3/bucketLogging:BucketLogging",
  key: "aws:kms/key:Key",
} as const;
const ACCOUNT = "<computed:account-id>";
const TOPIC = "arn:aws:sns:us-east-1:111122223333:budget-alerts";

/** The prod fixture with budgets for the platform and one team, one to an SNS topic, and the export on. */
function prodWithCosts() {
  const cfg = fixtureStack("prod");
  cfg.costs = {
    budgets: [
      { costCenter: "ml-platform", monthlyUsd: 12000, notify: { emails: ["platform-team@example.com"] } },
      { costCenter: "cc-4711", monthlyUsd: 9000.5, alerts: [{ percent: 50, on: "actual" }], notify: { snsTopicArns: [TOPIC] } },
    ],
    dataExport: { enabled: true },
  };
  return stackConfig(cfg);
}

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  plans.prod = await plan("prod", prodWithCosts());
  plans.dev = await plan("dev");
  plans.local = await plan("local");
});

const own = (p: PlanResult, type: string): Res[] => childrenOf(p, one(p, T.billing, "costs-aws")).filter((r) => r.type === type);

describe("cost allocation tags", () => {
  it.each(["prod", "dev"])("%s activates team and cost-center (on by default on EKS)", (stack) => {
    const tags = own(plans[stack], T.tag);
    expect(tags.map((t) => t.inputs).sort((a, b) => String(a.tagKey).localeCompare(String(b.tagKey)))).toEqual(
      [...ALLOCATION_TAG_KEYS].sort().map((tagKey) => ({ tagKey, status: "Active" })),
    );
    // A destroy must not deactivate the tags the account's other stacks and budgets rely on.
    for (const tag of tags) expect(tag.retainOnDelete, String(tag.inputs.tagKey)).toBe(true);
  });
});

describe("AWS Budgets", () => {
  it("one budget per configured cost center, monthly, in US dollars, filtered on its cost-center tag", () => {
    const budgets = own(plans.prod, T.budget);
    expect(budgets.map((b) => b.name).sort()).toEqual(["costs-aws-cc-4711", "costs-aws-ml-platform"]);
    expect(one(plans.prod, T.budget, "costs-aws-cc-4711").inputs).toMatchObject({
      name: "mlops-prod-cc-4711",
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: "9000.50",
      limitUnit: "USD",
      costFilters: [{ name: "TagKeyValue", values: ["user:cost-center$cc-4711"] }],
    });
  });

  it("notifies per alert: the defaults (80 % actual, 100 % forecast) to emails, configured alerts to the SNS topic", () => {
    expect(one(plans.prod, T.budget, "costs-aws-ml-platform").inputs.notifications).toEqual([
      {
        notificationType: "ACTUAL",
        comparisonOperator: "GREATER_THAN",
        threshold: 80,
        thresholdType: "PERCENTAGE",
        subscriberEmailAddresses: ["platform-team@example.com"],
      },
      {
        notificationType: "FORECASTED",
        comparisonOperator: "GREATER_THAN",
        threshold: 100,
        thresholdType: "PERCENTAGE",
        subscriberEmailAddresses: ["platform-team@example.com"],
      },
    ]);
    expect(one(plans.prod, T.budget, "costs-aws-cc-4711").inputs.notifications).toEqual([
      { notificationType: "ACTUAL", comparisonOperator: "GREATER_THAN", threshold: 50, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [TOPIC] },
    ]);
  });

  it("a stack without budgets has none", () => {
    expect(ofType(plans.dev, T.budget)).toEqual([]);
  });
});

describe("CUR 2.0 export", () => {
  it("exports hourly, per resource, with split cost allocation data, as Parquet overwritten into the stack's bucket", () => {
    const exp = one(plans.prod, T.export, "costs-aws-export").inputs.export as Record<string, any>;
    expect(exp.name).toBe("mlops-prod-cur2");
    expect(exp.dataQueries).toEqual([
      {
        queryStatement: exportQuery(),
        tableConfigurations: {
          COST_AND_USAGE_REPORT: {
            BILLING_VIEW_ARN: `arn:aws:billing::${ACCOUNT}:billingview/primary`,
            TIME_GRANULARITY: "HOURLY",
            INCLUDE_RESOURCES: "TRUE",
            INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY: "FALSE",
            INCLUDE_SPLIT_COST_ALLOCATION_DATA: "TRUE",
          },
        },
      },
    ]);
    expect(exp.destinationConfigurations).toEqual([
      {
        s3Destinations: [
          {
            s3Bucket: `mlops-prod-billing-${ACCOUNT}`,
            s3Prefix: "cur2",
            s3Region: "us-east-1",
            s3OutputConfigurations: [{ outputType: "CUSTOM", format: "PARQUET", compression: "PARQUET", overwrite: "OVERWRITE_REPORT" }],
          },
        ],
      },
    ]);
    expect(exp.refreshCadences).toEqual([{ frequency: "SYNCHRONOUS" }]);
  });

  it("the query selects the tags and the split line items, from CUR 2.0's table", () => {
    expect(exportQuery()).toMatch(/^SELECT .+ FROM COST_AND_USAGE_REPORT$/);
    expect(EXPORT_COLUMNS).toContain("resource_tags");
    expect(EXPORT_COLUMNS.filter((c) => c.startsWith("split_line_item_")).length).toBeGreaterThan(3);
  });

  it("its bucket is encrypted with its own rotating key, protected in prod, and logs to the storage's log bucket", () => {
    const bucket = one(plans.prod, T.bucket, "costs-aws-export");
    expect(bucket.inputs).toMatchObject({ bucket: `mlops-prod-billing-${ACCOUNT}`, forceDestroy: false });
    expect(bucket.protect).toBe(true);
    expect(one(plans.prod, T.key, "costs-aws-export").inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(one(plans.prod, T.sse, "costs-aws-export").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "<computed:costs-aws-export.arn>" }, bucketKeyEnabled: true },
    ]);
    const logBucket = one(plans.prod, T.bucket, "storage-buckets-access-logs").inputs.bucket;
    expect(one(plans.prod, T.logging, "costs-aws-export").inputs).toMatchObject({ targetBucket: logBucket, targetPrefix: "billing-export/" });
  });

  it("its bucket policy is TLS-only plus Data Exports' delivery from this account's exports", () => {
    const policy = JSON.parse(one(plans.prod, T.policy, "costs-aws-export").inputs.policy as string);
    expect(policy).toEqual(exportBucketPolicy("<computed:costs-aws-export.arn>", ACCOUNT));
    const delivery = policy.Statement.find((s: { Sid: string }) => s.Sid === "EnableAWSDataExportsToWriteToS3AndCheckPolicy");
    expect(delivery.Principal.Service).toContain("bcm-data-exports.amazonaws.com");
    expect(delivery.Condition.StringLike["aws:SourceArn"]).toContain(`arn:aws:bcm-data-exports:us-east-1:${ACCOUNT}:export/*`);
  });

  it("the key lets only the delivery services of this account's exports encrypt", () => {
    const statements = exportKeyPolicy("111122223333").Statement;
    expect(statements.map((s) => s.Sid)).toEqual(["AccountAdministersThroughIam", "DataExportsEncryptDeliveries"]);
    expect(statements[1].Action).toEqual(["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]);
    expect(statements[1].Condition?.StringLike["aws:SourceAccount"]).toBe("111122223333");
  });

  it("is absent unless enabled: no export, no billing bucket, no billing key", () => {
    expect(ofType(plans.dev, T.export)).toEqual([]);
    expect(own(plans.dev, T.bucket)).toEqual([]);
    expect(own(plans.dev, T.key)).toEqual([]);
  });

  it("the variant with budgets and the export passes the policy pack with nothing mandatory", async () => {
    expect(mandatory(await runPolicies(plans.prod, "prod"))).toEqual([]);
  });
});

describe("existing clusters", () => {
  it("create none of it", () => {
    expect(plans.local.resources.length).toBeGreaterThan(0);
    expect(plans.local.resources.filter((r) => r.type === T.billing || r.type.startsWith("aws:"))).toEqual([]);
  });
});
