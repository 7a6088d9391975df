/** DataBuckets under the offline plan: four hardened buckets per EKS stack, prod protected, dev not. */
import { describe, it, expect, beforeAll } from "vitest";
import { lifecycleRules, tlsOnlyPolicy, accessLogBucketPolicy } from "../../components/storage/lifecycle";
import { dataBucketName } from "../../domain/storage-naming";
import type { PlanResult } from "../../scripts/plan/run";
import { childrenOf, input, one, ofType, plan } from "../components/plan-query";

const S3 = {
  bucket: "aws:s3/bucket:Bucket",
  pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  logging: "aws:s3/bucketLogging:BucketLogging",
} as const;
const ACCOUNT = "<computed:account-id>";
const DATA = ["datasets", "artifacts", "models"] as const;
const ALL = [...DATA, "access-logs"] as const;

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  plans.prod = await plan("prod");
  plans.dev = await plan("dev");
});

describe.each(["prod", "dev"])("DataBuckets (%s)", (stack) => {
  const p = () => plans[stack];
  const cluster = `mlops-${stack}`;
  const physical = (role: (typeof ALL)[number]) => (role === "access-logs" ? `${cluster}-logs-${ACCOUNT}` : dataBucketName(cluster, role, ACCOUNT));

  it("is a child of the Storage component and holds exactly four buckets", () => {
    const buckets = one(p(), "mlops:storage:DataBuckets", "storage-buckets");
    expect(buckets.parent).toBe(one(p(), "mlops:storage:Storage", "storage").urn);
    const own = childrenOf(p(), buckets).filter((r) => r.type === S3.bucket);
    expect(own.map((b) => b.name).sort()).toEqual(ALL.map((r) => `storage-buckets-${r}`).sort());
    // Besides them only prod's models replica and its log bucket (recovery.plan.test.ts).
    expect(ofType(p(), S3.bucket).filter((b) => !b.name.startsWith("storage-models-replica"))).toHaveLength(4);
  });

  it.each(ALL)("%s: physical name, role tag and forceDestroy false", (role) => {
    const b = one(p(), S3.bucket, `storage-buckets-${role}`);
    expect(b.inputs).toMatchObject({ bucket: physical(role), forceDestroy: false, tags: { "mlops.platform/bucket": role } });
  });

  it.each(ALL)("%s: public access fully blocked and ACLs off", (role) => {
    const pab = one(p(), S3.pab, `storage-buckets-${role}`);
    expect(pab.inputs).toEqual({ bucket: physical(role), blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(input(one(p(), S3.ownership, `storage-buckets-${role}`), "rule")).toEqual({ objectOwnership: "BucketOwnerEnforced" });
  });

  it.each(ALL)("%s: SSE-KMS with the s3 key and bucket keys (SSE-S3 for the log bucket, which S3 log delivery requires), versioning on", (role) => {
    const expected =
      role === "access-logs"
        ? [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }]
        : [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: `<computed:${cluster}-s3.arn>` }, bucketKeyEnabled: true }];
    expect(input(one(p(), S3.sse, `storage-buckets-${role}`), "rules")).toEqual(expected);
    expect(input(one(p(), S3.versioning, `storage-buckets-${role}`), "versioningConfiguration")).toEqual({ status: "Enabled" });
  });

  it.each(DATA)("%s: lifecycle equals lifecycleRules of the resolved config", (kind) => {
    const lc = one(p(), S3.lifecycle, `storage-buckets-${kind}`);
    expect(lc.inputs.bucket).toBe(physical(kind));
    expect(lc.inputs.rules).toEqual(lifecycleRules(p().config!.storage.lifecycle[kind]));
  });

  it("the access-log bucket expires logs after the configured days", () => {
    const rules = input<{ expiration: { days: number } }[]>(one(p(), S3.lifecycle, "storage-buckets-access-logs"), "rules");
    expect(rules[0].expiration.days).toBe(p().config!.storage.accessLogExpireAfterDays);
  });

  it.each(DATA)("%s: TLS-only bucket policy on its own ARN", (kind) => {
    const policy = one(p(), S3.policy, `storage-buckets-${kind}`);
    expect(policy.inputs.bucket).toBe(physical(kind));
    expect(JSON.parse(policy.inputs.policy as string)).toEqual(tlsOnlyPolicy(`<computed:storage-buckets-${kind}.arn>`));
  });

  it("the access-log bucket's policy adds the logging service of this account", () => {
    const policy = one(p(), S3.policy, "storage-buckets-access-logs");
    expect(JSON.parse(policy.inputs.policy as string)).toEqual(accessLogBucketPolicy("<computed:storage-buckets-access-logs.arn>", ACCOUNT));
  });

  it("data buckets log to the access-log bucket under their own prefix; the log bucket does not log to itself", () => {
    const logging = ofType(p(), S3.logging).filter((l) => !l.name.startsWith("storage-models-replica"));
    expect(logging.map((l) => l.name).sort()).toEqual(DATA.map((k) => `storage-buckets-${k}`).sort());
    for (const kind of DATA) {
      expect(one(p(), S3.logging, `storage-buckets-${kind}`).inputs).toEqual({
        bucket: physical(kind),
        targetBucket: physical("access-logs"),
        targetPrefix: `${kind}/`,
      });
    }
  });

  it("every bucket resource uses the explicit AWS provider", () => {
    for (const type of Object.values(S3))
      for (const r of ofType(p(), type)) expect(r.provider).toBe("urn:pulumi:" + stack + "::mlops-platform::pulumi:providers:aws::aws");
  });
});

describe("bucket protection", () => {
  it("prod buckets are protected and retained on delete", () => {
    for (const b of ofType(plans.prod, S3.bucket)) {
      expect(b.protect, b.name).toBe(true);
      expect(b.retainOnDelete, b.name).toBe(true);
      expect(b.inputs.forceDestroy).toBe(false);
    }
  });

  it("dev buckets are neither protected nor force-destroyable", () => {
    for (const b of ofType(plans.dev, S3.bucket)) {
      expect(b.protect, b.name).toBe(false);
      expect(b.inputs.forceDestroy).toBe(false);
    }
  });

  it("dev's own datasets lifecycle is what the stack file says", () => {
    expect(input(one(plans.dev, S3.lifecycle, "storage-buckets-datasets"), "rules")).toEqual([
      expect.objectContaining({
        transitions: [
          { days: 30, storageClass: "STANDARD_IA" },
          { days: 60, storageClass: "GLACIER" },
        ],
        noncurrentVersionExpiration: { noncurrentDays: 7 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      }),
    ]);
  });
});
