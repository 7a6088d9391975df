/** Bucket lifecycle rules and policies as plain data: pure and unit-tested. */
import { policyDocument, type PolicyDocument } from "../aws/iam";
import type { Lifecycle } from "../../domain/bucket-lifecycle";

export { DEFAULT_LIFECYCLE, type Lifecycle } from "../../domain/bucket-lifecycle";

/** One rule over the whole bucket: transitions in increasing order, noncurrent expiry, abort of incomplete uploads. */
export function lifecycleRules(lifecycle: Lifecycle) {
  const transitions = [
    ...(lifecycle.infrequentAccessAfterDays !== undefined ? [{ days: lifecycle.infrequentAccessAfterDays, storageClass: "STANDARD_IA" }] : []),
    ...(lifecycle.archiveAfterDays !== undefined ? [{ days: lifecycle.archiveAfterDays, storageClass: lifecycle.archiveClass }] : []),
  ];
  return [
    {
      id: "tiering",
      status: "Enabled",
      filter: {},
      transitions,
      noncurrentVersionExpiration: { noncurrentDays: lifecycle.noncurrentVersionExpireAfterDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: lifecycle.abortIncompleteUploadAfterDays },
    },
  ];
}

/** Access-log bucket: logs expire; no tiering needed for short-lived objects. */
export function accessLogRules(expireAfterDays: number) {
  return [
    {
      id: "expire-logs",
      status: "Enabled",
      filter: {},
      expiration: { days: expireAfterDays },
      noncurrentVersionExpiration: { noncurrentDays: 7 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    },
  ];
}

/** Deny any request without TLS, or with TLS older than 1.2 (S3-04). */
export function tlsOnlyPolicy(bucketArn: string): PolicyDocument {
  const resources = [bucketArn, `${bucketArn}/*`];
  return policyDocument(
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "s3:*",
      Resource: resources,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyOldTls",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "s3:*",
      Resource: resources,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
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
