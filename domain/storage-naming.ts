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

/**
 * Scratch (FSx for Lustre) layout: every team's directory sits under /teams on its file system, whether the
 * file system is shared or the team's own, so a team volume always mounts `<mountName>/teams/<team>` and its
 * S3 link is always a prefix the team's identity may use.
 */
export const SCRATCH_TEAMS_DIR = "/teams";

/** The team's directory on its scratch file system (a data repository association's fileSystemPath). */
export function scratchTeamPath(team: string): string {
  return `${SCRATCH_TEAMS_DIR}/${team}`;
}

/** The Lustre mount name of the team's directory: the file system's mount name, then the path (`abcdefgh/teams/nlp`). */
export function scratchTeamMountName(fileSystemMountName: string, team: string): string {
  return `${fileSystemMountName}${scratchTeamPath(team)}`;
}

/** Where the team's scratch directory is linked in S3: its sub-prefix `dataPrefix` of teams/<team>/ in the datasets bucket. */
export function scratchDataRepositoryPath(datasetsBucket: string, team: string, dataPrefix: string): string {
  return `s3://${datasetsBucket}/${teamPrefix(team)}${dataPrefix}`;
}

/** FSx for Lustre allows at most 8 data repository associations per file system (CreateDataRepositoryAssociation). */
export const MAX_DATA_REPOSITORY_ASSOCIATIONS = 8;

/**
 * The models bucket's replica in the recovery region, and the bucket its access logs go to there (S3 logs only to a
 * bucket in the same region). Short words, so 40 + 1 + 7 + 1 + 12 characters fit S3's 63.
 */
export function replicaBucketName(clusterName: string, accountId: string): string {
  return `${clusterName}-replica-${accountId}`;
}
export function replicaLogBucketName(clusterName: string, accountId: string): string {
  return `${clusterName}-replogs-${accountId}`;
}
