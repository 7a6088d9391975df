/** IAM documents as plain data: pure, so tests read them without a cloud. */

export type PolicyStatement = {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Record<string, string | string[]>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
};

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export const policyDocument = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/** A customer key and its region, for grants that use it only through one AWS service. */
export interface ServiceKey {
  readonly arn: string;
  readonly region: string;
}

/**
 * Use of a customer key only through S3 (objects) or Secrets Manager (secret values) in the key's region:
 * a role that may read data encrypted with it cannot call KMS on it directly.
 */
export function keyThroughService(key: ServiceKey, service: "s3" | "secretsmanager"): PolicyStatement {
  return {
    Sid: service === "s3" ? "BucketKeyThroughS3" : "SecretKeyThroughSecretsManager",
    Effect: "Allow",
    Action: service === "s3" ? ["kms:Decrypt", "kms:GenerateDataKey"] : "kms:Decrypt",
    Resource: key.arn,
    Condition: { StringEquals: { "kms:ViaService": `${service}.${key.region}.amazonaws.com` } },
  };
}

/** Trust policy for a role assumed by an AWS service, e.g. eks.amazonaws.com or ec2.amazonaws.com. */
export function serviceTrustPolicy(service: string): PolicyDocument {
  return policyDocument({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
}

/**
 * Trust policy for EKS Pod Identity. The association (cluster, namespace, service account) is what binds the
 * role to one workload; the agent needs both actions.
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 */
export function podIdentityTrustPolicy(): PolicyDocument {
  return policyDocument({
    Effect: "Allow",
    Principal: { Service: "pods.eks.amazonaws.com" },
    Action: ["sts:AssumeRole", "sts:TagSession"],
  });
}

/** ARN of an AWS-managed policy. Commercial partition; GovCloud and China need aws-us-gov / aws-cn. */
export function managedPolicyArn(name: string): string {
  return `arn:aws:iam::aws:policy/${name}`;
}

export const MANAGED_POLICIES = {
  eksCluster: managedPolicyArn("AmazonEKSClusterPolicy"),
  eksWorkerNode: managedPolicyArn("AmazonEKSWorkerNodePolicy"),
  ecrPullOnly: managedPolicyArn("AmazonEC2ContainerRegistryPullOnly"),
  ssmCore: managedPolicyArn("AmazonSSMManagedInstanceCore"),
  eksCni: managedPolicyArn("AmazonEKS_CNI_Policy"),
  ebsCsi: managedPolicyArn("service-role/AmazonEBSCSIDriverPolicy"),
  efsCsi: managedPolicyArn("service-role/AmazonEFSCSIDriverPolicy"),
} as const;

/**
 * Key policy for a customer-managed KMS key: the account administers it through IAM, and named AWS services
 * (for example CloudWatch Logs for encrypted log groups) may use it, scoped by a condition.
 */
export type KeyUser = "logs" | "autoscaling";

export function keyPolicy(accountId: string, region: string, services: readonly KeyUser[] = []): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "AccountAdministersThroughIam",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ];
  if (services.includes("logs")) {
    statements.push({
      Sid: "CloudWatchLogsOfThisAccount",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${accountId}:*` } },
    });
  }
  if (services.includes("autoscaling")) {
    // Managed node groups launch through Auto Scaling, whose service-linked role must be allowed by the key
    // policy itself to create instances with CMK-encrypted volumes.
    const principal = { AWS: `arn:aws:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling` };
    statements.push(
      {
        Sid: "AutoScalingUsesKeyForVolumes",
        Effect: "Allow",
        Principal: principal,
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
      },
      {
        Sid: "AutoScalingGrantsForAttachedVolumes",
        Effect: "Allow",
        Principal: principal,
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    );
  }
  return policyDocument(...statements);
}
