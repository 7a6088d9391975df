/**
 * Names of the platform's data buckets. Fixed by convention so that IAM policies (team roles, service roles)
 * can name them before and independently of the storage component that creates them.
 * S3 names are global: the account id makes them unique; 40 + 1 + 9 + 1 + 12 characters fit the 63 limit.
 */
export const DATA_BUCKET_KINDS = ["datasets", "artifacts", "models"] as const;
export type DataBucketKind = (typeof DATA_BUCKET_KINDS)[number];

export function dataBucketName(clusterName: string, kind: DataBucketKind, accountId: string): string {
  return `${clusterName}-${kind}-${accountId}`;
}

/** The prefix every team owns inside every data bucket. */
export function teamPrefix(team: string): string {
  return `teams/${team}/`;
}
