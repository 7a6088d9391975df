import type { PolicyResource } from "@pulumi/policy";
import { isKnownString, resourcePolicy, stackPolicy } from "../lib/define";

/** Current and deprecated (BucketV2) bucket types of @pulumi/aws 7. */
export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

/**
 * Whether a bucket-level resource (block, policy, versioning …) belongs to `bucket`: by a known bucket name
 * or id; where its bucket reference is unknown (computed in a real preview), by our convention of naming the
 * companion exactly like its bucket, or by being the bucket's child.
 */
export function belongsTo(resource: PolicyResource, bucket: PolicyResource): boolean {
  if (isKnownString(resource.props.bucket)) return resource.props.bucket === bucket.props.bucket || resource.props.bucket === bucket.props.id;
  return resource.name === bucket.name || (resource.parent !== undefined && resource.parent.urn === bucket.urn);
}

const BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const s3PublicAccessBlock = stackPolicy(
  {
    name: "s3-public-access-block",
    description: "Every bucket has a public access block with all four flags on.",
    severity: "critical",
    controls: ["S3-01"],
  },
  (args, report) => {
    const blocks = args.resources.filter((r) => r.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    for (const b of blocks) {
      const off = BLOCK_FLAGS.filter((f) => b.props[f] !== true);
      if (off.length > 0) report(`public access block ${b.name} leaves ${off.join(", ")} off`, b.urn);
    }
    for (const bucket of args.resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
      // The block references the bucket by name or id; either may be computed, so match by parent and name too.
      const covered = blocks.some((b) => belongsTo(b, bucket));
      if (!covered) report(`bucket ${bucket.name} has no BucketPublicAccessBlock`, bucket.urn);
    }
  },
);

export const s3Encryption = resourcePolicy(
  {
    name: "s3-encryption",
    description:
      "Bucket default encryption is SSE-KMS with a customer key and bucket keys on; only the server-access-log bucket uses SSE-S3, the one encryption S3 log delivery accepts.",
    severity: "high",
    controls: ["S3-02"],
  },
  [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  (props, args, report) => {
    // DataBuckets names the log bucket's companions <component>-access-logs; S3 cannot deliver logs to SSE-KMS.
    if (args.name.endsWith("-access-logs")) {
      for (const rule of props.rules ?? []) {
        if (rule.applyServerSideEncryptionByDefault?.sseAlgorithm !== "AES256")
          report("the access-log bucket uses SSE-S3 (AES256): S3 server access logging cannot write to SSE-KMS buckets");
      }
      return;
    }
    for (const rule of props.rules ?? []) {
      const d = rule.applyServerSideEncryptionByDefault ?? {};
      if (d.sseAlgorithm !== "aws:kms" && d.sseAlgorithm !== "aws:kms:dsse") report(`sseAlgorithm must be aws:kms (got ${d.sseAlgorithm})`);
      if (!d.kmsMasterKeyId) report("a customer-managed kmsMasterKeyId is required");
      if (rule.bucketKeyEnabled !== true) report("bucketKeyEnabled must be true");
    }
  },
);
