import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { servicePrefixPolicy, serviceTrustPolicy, type BucketPrefix } from "./iam";

/** What a service role needs to know of the AWS side. */
export interface ServiceAwsContext {
  readonly clusterName: string;
  readonly eksClusterName: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly region: string;
  /** The data buckets' key. */
  readonly bucketKeyArn: pulumi.Input<string>;
}

/**
 * One IAM role for a platform service: its own prefix of one data bucket, assumable through Pod Identity by
 * the named service accounts of its namespace only (one association each).
 */
export function createServiceRole(
  name: string,
  args: {
    readonly namespace: string;
    readonly serviceAccounts: readonly string[];
    readonly where: BucketPrefix;
    readonly aws: ServiceAwsContext;
    readonly description: string;
  },
  opts: { parent: pulumi.Resource },
): { role: aws.iam.Role; associations: aws.eks.PodIdentityAssociation[] } {
  const role = new aws.iam.Role(
    name,
    { description: args.description, assumeRolePolicy: JSON.stringify(serviceTrustPolicy(args.namespace, args.serviceAccounts)) },
    opts,
  );
  new aws.iam.RolePolicy(
    name,
    {
      role: role.id,
      policy: pulumi
        .all([args.aws.accountId, args.aws.bucketKeyArn])
        .apply(([id, key]) => JSON.stringify(servicePrefixPolicy(args.where, args.aws.clusterName, id, { arn: key, region: args.aws.region }))),
    },
    opts,
  );
  // Pod Identity injects credentials when a pod is created: pods of these accounts wait for the associations.
  const associations = args.serviceAccounts.map(
    (sa) =>
      new aws.eks.PodIdentityAssociation(
        `${name}-${sa}`,
        { clusterName: args.aws.eksClusterName, namespace: args.namespace, serviceAccount: sa, roleArn: role.arn },
        opts,
      ),
  );
  return { role, associations };
}
