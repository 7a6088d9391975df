/** AWS partitions: a principal of one partition can never act in a region of another. */

/** The partition of an AWS region: the first field after `arn:` of every ARN in it. */
export function regionPartition(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** The partition an ARN belongs to (`arn:aws-cn:iam::…` → aws-cn). */
export const arnPartition = (arn: string): string => arn.split(":")[1] ?? "";

export function partitionMessage(arn: string, partition: string): string {
  return `is in AWS partition ${arnPartition(arn)}, but the stack's region (aws.region) is in partition ${partition}; a principal of another partition can never sign in to this cluster`;
}
