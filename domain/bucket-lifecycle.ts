/** How long bucket objects stay in each S3 storage class: the data the config defaults and the bucket rules share. */
export interface Lifecycle {
  readonly infrequentAccessAfterDays?: number;
  readonly archiveAfterDays?: number;
  readonly archiveClass: "GLACIER_IR" | "GLACIER";
  readonly noncurrentVersionExpireAfterDays: number;
  readonly abortIncompleteUploadAfterDays: number;
}

/** Tier defaults per data bucket: datasets go cold, artifacts and models stay instantly readable. */
export const DEFAULT_LIFECYCLE: Readonly<Record<"datasets" | "artifacts" | "models", Lifecycle>> = {
  datasets: {
    infrequentAccessAfterDays: 30,
    archiveAfterDays: 180,
    archiveClass: "GLACIER",
    noncurrentVersionExpireAfterDays: 30,
    abortIncompleteUploadAfterDays: 7,
  },
  artifacts: {
    infrequentAccessAfterDays: 60,
    archiveAfterDays: 365,
    archiveClass: "GLACIER_IR",
    noncurrentVersionExpireAfterDays: 90,
    abortIncompleteUploadAfterDays: 7,
  },
  models: { infrequentAccessAfterDays: 90, archiveClass: "GLACIER_IR", noncurrentVersionExpireAfterDays: 365, abortIncompleteUploadAfterDays: 7 },
};
