/**
 * IAM for the platform services, as pure documents. Each service role reaches one prefix of one data bucket
 * (IAM-03) and is assumable only through Pod Identity by the service's own namespace and service accounts.
 */
import { keyThroughService, policyDocument, type PolicyDocument, type ServiceKey as BucketKey } from "../../aws/iam";
import { dataBucketName, type DataBucketKind } from "../../../domain/storage-naming";

const OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/** Where a service keeps its objects: one prefix of one data bucket. */
export interface BucketPrefix {
  readonly bucket: DataBucketKind;
  /** Ends with "/". */
  readonly prefix: string;
}

/** Pod Identity trust for the given service accounts of one namespace; each statement pins both tags. */
export function serviceTrustPolicy(namespace: string, serviceAccounts: readonly string[]): PolicyDocument {
  return policyDocument({
    Effect: "Allow",
    Principal: { Service: "pods.eks.amazonaws.com" },
    Action: ["sts:AssumeRole", "sts:TagSession"],
    Condition: { StringEquals: { "aws:RequestTag/kubernetes-namespace": namespace, "aws:RequestTag/kubernetes-service-account": [...serviceAccounts] } },
  });
}

/** Objects below one prefix of one data bucket, listing limited to that prefix. */
export function servicePrefixPolicy(where: BucketPrefix, clusterName: string, accountId: string, key: BucketKey): PolicyDocument {
  const bucket = `arn:aws:s3:::${dataBucketName(clusterName, where.bucket, accountId)}`;
  return policyDocument(
    { Sid: "OwnPrefixObjects", Effect: "Allow", Action: OBJECT_ACTIONS, Resource: `${bucket}/${where.prefix}*` },
    {
      Sid: "ListOwnPrefix",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucket,
      Condition: { StringLike: { "s3:prefix": [where.prefix, `${where.prefix}*`] } },
    },
    { Sid: "BucketLocation", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: bucket },
    keyThroughService(key, "s3"),
  );
}

/** The name prefix of every Secrets Manager secret the platform creates for a cluster. */
export function secretNamePrefix(clusterName: string): string {
  return `${clusterName}/mlops/`;
}

/**
 * External Secrets' controller: read the platform's own secrets (by name prefix) and the RDS-managed master
 * secret (all encrypted with the databases key), decrypting only through Secrets Manager. Nothing else.
 */
export function secretsReaderPolicy(
  clusterName: string,
  accountId: string,
  region: string,
  extraSecretArns: readonly string[],
  key: BucketKey,
): PolicyDocument {
  const own = `arn:aws:secretsmanager:${region}:${accountId}:secret:${secretNamePrefix(clusterName)}*`;
  return policyDocument(
    {
      Sid: "ReadPlatformSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: [own, ...extraSecretArns],
    },
    keyThroughService(key, "secretsmanager"),
  );
}
