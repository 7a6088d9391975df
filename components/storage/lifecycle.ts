/** Bucket lifecycle rules and policies as plain data: pure and unit-tested. */
import { policyDocument, type PolicyDocument } from "../aws/iam";

export interface Lifecycle {
  readonly infrequentAccessAfterDays?: number;
  readonly archiveAfterDays?: number;
  readonly archiveClass: "GLACIER_IR" | "GLACIER";
  readonly noncurrentVersionExpireAfterDays: number;
  readonly abortIncompleteUploadAfterDays: number;
}

/** Tier defaults per data bucket: datasets go cold, artifacts and models stay instantly readable. */
export const DEFAULT_LIFECYCLE: Readonly<Record<"datasets" | "artifacts" | "models", Lifecycle>> = {
  datasets: { infrequentAccessAfterDays: 30, archiveAfterDays: 180, archiveClass: "GLACIER", noncurrentVersionExpireAfterDays: 30, abortIncompleteUploadAfterDays: 7 },
  artifacts: { infrequentAccessAfterDays: 60, archiveAfterDays: 365, archiveClass: "GLACIER_IR", noncurrentVersionExpireAfterDays: 90, abortIncompleteUploadAfterDays: 7 },
  models: { infrequentAccessAfterDays: 90, archiveClass: "GLACIER_IR", noncurrentVersionExpireAfterDays: 365, abortIncompleteUploadAfterDays: 7 },
};

/** One rule over the whole bucket: transitions in increasing order, noncurrent expiry, abort of incomplete uploads. */
export function lifecycleRules(l: Lifecycle) {
  const transitions = [
    ...(l.infrequentAccessAfterDays !== undefined ? [{ days: l.infrequentAccessAfterDays, storageClass: "STANDARD_IA" }] : []),
    ...(l.archiveAfterDays !== undefined ? [{ days: l.archiveAfterDays, storageClass: l.archiveClass }] : []),
  ];
  return [
    {
      id: "tiering",
      status: "Enabled",
      filter: {},
      transitions,
      noncurrentVersionExpiration: { noncurrentDays: l.noncurrentVersionExpireAfterDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: l.abortIncompleteUploadAfterDays },
    },
  ];
}

/** Access-log bucket: logs expire; no tiering needed for short-lived objects. */
export function accessLogRules(expireAfterDays: number) {
  return [
    { id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: expireAfterDays }, noncurrentVersionExpiration: { noncurrentDays: 7 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
  ];
}

/** Deny any request without TLS, or with TLS older than 1.2 (S3-04). */
export function tlsOnlyPolicy(bucketArn: string): PolicyDocument {
  const resources = [bucketArn, `${bucketArn}/*`];
  return policyDocument(
    { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: resources, Condition: { Bool: { "aws:SecureTransport": "false" } } },
    { Sid: "DenyOldTls", Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: resources, Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
  );
}

/** Server access logs land in the log bucket: the logging service may write there, only from this account. */
export function accessLogBucketPolicy(bucketArn: string, accountId: string): PolicyDocument {
  const tls = tlsOnlyPolicy(bucketArn);
  tls.Statement.push({
    Sid: "S3ServerAccessLogs",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `${bucketArn}/*`,
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  });
  return tls;
}
