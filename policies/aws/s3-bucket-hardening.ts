import { stackPolicy } from "../lib/define";
import type { PolicyResource } from "@pulumi/policy";
import { asArray, parseDocument } from "../lib/define";
import { BUCKET_TYPES, belongsTo } from "./s3-buckets";

/** A Deny of requests whose aws:SecureTransport is false (S3-04). */
export function deniesPlainHttp(st: any): boolean {
  return st?.Effect === "Deny" && String(st.Condition?.Bool?.["aws:SecureTransport"]) === "false";
}

/** A Deny of requests below TLS 1.2 (S3-04). */
export function deniesOldTls(st: any): boolean {
  const below = st?.Condition?.NumericLessThan?.["s3:TlsVersion"];
  return st?.Effect === "Deny" && below !== undefined && Number(below) >= 1.2;
}

const isLogBucket = (bucket: PolicyResource) => bucket.props.tags?.["mlops.platform/bucket"] === "access-logs";

export const s3BucketHardening = stackPolicy(
  {
    name: "s3-bucket-hardening",
    description:
      "Every bucket: default encryption, versioning on, a bucket policy denying non-TLS and TLS < 1.2, ACLs off (BucketOwnerEnforced), a lifecycle that aborts incomplete uploads, and access logging (except the log bucket itself).",
    severity: "high",
    controls: ["S3-02", "S3-03", "S3-04", "S3-05", "S3-06", "S3-07"],
  },
  (args, report) => {
    const of = (type: string, bucket: PolicyResource) => args.resources.filter((r) => r.type === type && belongsTo(r, bucket));
    for (const bucket of args.resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
      const versioning = [...of("aws:s3/bucketVersioning:BucketVersioning", bucket), ...of("aws:s3/bucketVersioningV2:BucketVersioningV2", bucket)];
      if (!versioning.some((v) => v.props.versioningConfiguration?.status === "Enabled"))
        report(`bucket ${bucket.name}: versioning is not Enabled`, bucket.urn);
      const statements = of("aws:s3/bucketPolicy:BucketPolicy", bucket).flatMap((p) => asArray(parseDocument(p.props.policy)?.Statement));
      if (!statements.some(deniesPlainHttp)) report(`bucket ${bucket.name}: no bucket policy denies requests without TLS (aws:SecureTransport)`, bucket.urn);
      const sse = [
        ...of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket),
        ...of("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", bucket),
      ];
      if (sse.length === 0) report(`bucket ${bucket.name}: no default encryption configuration (SSE-KMS, S3-02)`, bucket.urn);
      if (!statements.some(deniesOldTls)) report(`bucket ${bucket.name}: the bucket policy does not deny TLS older than 1.2 (s3:TlsVersion)`, bucket.urn);
      const ownership = of("aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket);
      if (!ownership.some((o) => o.props.rule?.objectOwnership === "BucketOwnerEnforced"))
        report(`bucket ${bucket.name}: ACLs must be off (BucketOwnerEnforced)`, bucket.urn);
      const lifecycles = [
        ...of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket),
        ...of("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", bucket),
      ];
      const aborts = lifecycles.some((l) =>
        (l.props.rules ?? []).some((r: any) => r.status === "Enabled" && (r.abortIncompleteMultipartUpload?.daysAfterInitiation ?? 99) <= 7),
      );
      if (!aborts) report(`bucket ${bucket.name}: no lifecycle rule aborts incomplete multipart uploads within 7 days`, bucket.urn);
      if (!isLogBucket(bucket)) {
        const logging = [...of("aws:s3/bucketLogging:BucketLogging", bucket), ...of("aws:s3/bucketLoggingV2:BucketLoggingV2", bucket)];
        if (logging.length === 0) report(`bucket ${bucket.name}: server access logging is off`, bucket.urn);
      }
    }
  },
);
