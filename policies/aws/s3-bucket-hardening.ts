import { stackPolicy } from "../lib/define";
import type { PolicyResource } from "@pulumi/policy";

/** Bucket-level resources refer to their bucket by name (or a computed id): match either, or the naming convention. */
function belongsTo(r: PolicyResource, bucket: PolicyResource): boolean {
  return (r.props.bucket !== undefined && (r.props.bucket === bucket.props.bucket || r.props.bucket === bucket.props.id)) || r.name.startsWith(`${bucket.name}-`);
}

const isLogBucket = (b: PolicyResource) => b.props.tags?.["mlops.platform/bucket"] === "access-logs";

export const s3BucketHardening = stackPolicy(
  {
    name: "s3-bucket-hardening",
    description: "Every bucket: versioning on, TLS-only bucket policy, ACLs off (BucketOwnerEnforced), a lifecycle that aborts incomplete uploads, and access logging (except the log bucket itself).",
    severity: "high",
    controls: ["S3-03", "S3-04", "S3-05", "S3-06", "S3-07"],
  },
  (args, report) => {
    const of = (type: string, bucket: PolicyResource) => args.resources.filter((r) => r.type === type && belongsTo(r, bucket));
    for (const bucket of args.resources.filter((r) => r.type === "aws:s3/bucket:Bucket")) {
      const versioning = [...of("aws:s3/bucketVersioning:BucketVersioning", bucket), ...of("aws:s3/bucketVersioningV2:BucketVersioningV2", bucket)];
      if (!versioning.some((v) => v.props.versioningConfiguration?.status === "Enabled")) report(`bucket ${bucket.name}: versioning is not Enabled`, bucket.urn);
      const policies = of("aws:s3/bucketPolicy:BucketPolicy", bucket).map((p) => String(p.props.policy ?? ""));
      if (!policies.some((p) => p.includes("aws:SecureTransport"))) report(`bucket ${bucket.name}: no bucket policy denies requests without TLS (aws:SecureTransport)`, bucket.urn);
      const ownership = of("aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket);
      if (!ownership.some((o) => o.props.rule?.objectOwnership === "BucketOwnerEnforced")) report(`bucket ${bucket.name}: ACLs must be off (BucketOwnerEnforced)`, bucket.urn);
      const lifecycles = [...of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket), ...of("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", bucket)];
      const aborts = lifecycles.some((l) => (l.props.rules ?? []).some((r: any) => r.status === "Enabled" && (r.abortIncompleteMultipartUpload?.daysAfterInitiation ?? 99) <= 7));
      if (!aborts) report(`bucket ${bucket.name}: no lifecycle rule aborts incomplete multipart uploads within 7 days`, bucket.urn);
      if (!isLogBucket(bucket)) {
        const logging = [...of("aws:s3/bucketLogging:BucketLogging", bucket), ...of("aws:s3/bucketLoggingV2:BucketLoggingV2", bucket)];
        if (logging.length === 0) report(`bucket ${bucket.name}: server access logging is off`, bucket.urn);
      }
    }
  },
);
