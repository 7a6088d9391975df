/** The models bucket's replication as plain data: the rule and the replication role's policy, pure and unit-tested. */
import { keyThroughService, policyDocument, type PolicyDocument, type ServiceKey } from "../aws/iam";
import type { ModelsReplicationConfig } from "../../config/recovery";

export interface ReplicationEnds {
  readonly sourceBucketArn: string;
  readonly sourceKey: ServiceKey;
  readonly replicaBucketArn: string;
  readonly replicaKey: ServiceKey;
}

/**
 * One rule over the whole bucket: every SSE-KMS object (all of them: the bucket's default is our key) is replicated,
 * re-encrypted with the recovery region's key; delete markers only when asked (off, a deletion leaves the replica whole).
 */
export function replicationRules(cfg: ModelsReplicationConfig, replicaBucketArn: string, replicaKeyArn: string) {
  return [
    {
      id: "models-to-recovery-region",
      status: "Enabled",
      priority: 1,
      filter: {},
      deleteMarkerReplication: { status: cfg.replicateDeletes ? "Enabled" : "Disabled" },
      sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
      destination: {
        bucket: replicaBucketArn,
        storageClass: cfg.storageClass,
        encryptionConfiguration: { replicaKmsKeyId: replicaKeyArn },
      },
    },
  ];
}

/**
 * What S3 may do as the replication role: read versions of the source bucket, write replicas into the replica bucket,
 * and use each bucket's key only through S3 in its own region. Nothing else, no wildcard resource.
 */
export function replicationRolePolicy(ends: ReplicationEnds, replicateDeletes: boolean): PolicyDocument {
  const decrypt = keyThroughService(ends.sourceKey, "s3");
  const encrypt = keyThroughService(ends.replicaKey, "s3");
  return policyDocument(
    { Sid: "ReadSourceConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: ends.sourceBucketArn },
    {
      Sid: "ReadSourceVersions",
      Effect: "Allow",
      Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
      Resource: `${ends.sourceBucketArn}/*`,
    },
    {
      Sid: "WriteReplicas",
      Effect: "Allow",
      Action: ["s3:ReplicateObject", "s3:ReplicateTags", ...(replicateDeletes ? ["s3:ReplicateDelete"] : [])],
      Resource: `${ends.replicaBucketArn}/*`,
    },
    { ...decrypt, Sid: "DecryptSourceThroughS3", Action: "kms:Decrypt" },
    { ...encrypt, Sid: "EncryptReplicaThroughS3", Action: ["kms:Encrypt", "kms:GenerateDataKey"] },
  );
}
