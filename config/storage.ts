/**
 * The `storage` section: block, shared files, scratch, object storage and backup. Field rules here;
 * rules that need the tier live in storageProblems().
 */
import { z } from "zod";
import type { Problem } from "./problems";
import type { Lifecycle } from "../domain/bucket-lifecycle";
import { MAX_DATA_REPOSITORY_ASSOCIATIONS, type DataBucketKind } from "../domain/storage-naming";
import {
  backupRecoveryFields,
  modelsReplicationSchema,
  resolveCopy,
  resolveModelsReplication,
  type BackupCopyConfig,
  type ModelsReplicationConfig,
  type VaultLockConfig,
} from "./recovery";

const days = z.number().int().min(1);

export const lifecycleSchema = z.strictObject({
  /** Current versions move to STANDARD_IA after this many days (S3 minimum 30). */
  infrequentAccessAfterDays: days.optional(),
  /** …and to the archive class after this many days (at least 30 after the IA transition). */
  archiveAfterDays: days.optional(),
  /** GLACIER_IR keeps millisecond reads (artifacts, models); GLACIER needs a restore (cold datasets). */
  archiveClass: z.enum(["GLACIER_IR", "GLACIER"]).optional(),
  /** Old versions are deleted this many days after they stop being current. */
  noncurrentVersionExpireAfterDays: days.optional(),
  /** Incomplete multipart uploads are aborted after this many days (at most 7, S3-06). */
  abortIncompleteUploadAfterDays: days.optional(),
});
export type LifecycleInput = z.infer<typeof lifecycleSchema>;

export const FSX_DEPLOYMENT_TYPES = ["SCRATCH_2", "PERSISTENT_2"] as const;
/**
 * How teams share scratch: "directory" gives each team its own directory /teams/<team> on one file system (its
 * volume mounts that directory only; at most 8 teams, one data repository association each); "file-system" gives
 * each team a file system of its own, sized and typed as the section says.
 */
export const SCRATCH_ISOLATION = ["directory", "file-system"] as const;
export type ScratchIsolation = (typeof SCRATCH_ISOLATION)[number];

export const storageSchema = z.strictObject({
  block: z
    .strictObject({
      /** Reclaim policy of the gp3 and io2 classes. @default Retain in prod, Delete elsewhere */
      reclaimPolicy: z.enum(["Retain", "Delete"]).optional(),
      /** The high-IOPS io2 class. @default { enabled: true, iopsPerGB: 50 } */
      io2: z.strictObject({ enabled: z.boolean().optional(), iopsPerGB: z.number().int().min(1).max(1000).optional() }).optional(),
    })
    .optional(),
  sharedFiles: z.strictObject({ enabled: z.boolean().optional(), throughputMode: z.enum(["elastic", "bursting"]).optional() }).optional(),
  scratch: z
    .strictObject({
      enabled: z.boolean().optional(),
      deploymentType: z.enum(FSX_DEPLOYMENT_TYPES).optional(),
      storageCapacityGiB: z.number().int().optional(),
      /** MB/s per TiB, PERSISTENT_2 only. */
      perUnitStorageThroughput: z.number().int().optional(),
      /** Per team: its own directory on one shared file system, or its own file system. @default "directory" */
      isolation: z.enum(SCRATCH_ISOLATION).optional(),
      /**
       * Sub-prefix of each team's own prefix teams/<team>/ in the datasets bucket that the team's scratch directory
       * imports from and exports to (s3://<datasets>/teams/<team>/<dataPrefix>). @default "scratch/"
       */
      dataPrefix: z
        .string()
        .regex(/^([a-z0-9][a-z0-9._-]*\/)+$/, { message: 'is not a bucket prefix such as "scratch/"' })
        .optional(),
    })
    .optional(),
  buckets: z
    .strictObject({
      datasets: lifecycleSchema.optional(),
      artifacts: lifecycleSchema.optional(),
      /** `replication`: an optional replica of the models bucket in storage.backup.recoveryRegion. */
      models: lifecycleSchema.extend({ replication: modelsReplicationSchema.optional() }).optional(),
      accessLogs: z.strictObject({ expireAfterDays: days.optional() }).optional(),
    })
    .optional(),
  backup: z
    .strictObject({
      enabled: z.boolean().optional(),
      retentionDays: z.number().int().min(1).max(36500).optional(),
      /** AWS Backup schedule expression. @default "cron(0 3 * * ? *)" (03:00 UTC daily) */
      schedule: z
        .string()
        .regex(/^cron\(.+\)$/, { message: "is not an AWS Backup cron(...) expression" })
        .optional(),
      ...backupRecoveryFields,
    })
    .optional(),
  /** local: an in-cluster S3-compatible store from its upstream chart. */
  objectStore: z.strictObject({ enabled: z.boolean().optional() }).optional(),
});
export type StorageInput = z.infer<typeof storageSchema>;

/** S3's own rules plus the baseline's: IA ≥ 30 days, archive ≥ 30 days after IA, abort ≤ 7 days. */
export function lifecycleProblems(lifecycle: LifecycleInput, at: string): Problem[] {
  const out: Problem[] = [];
  const ia = lifecycle.infrequentAccessAfterDays;
  const archive = lifecycle.archiveAfterDays;
  if (ia !== undefined && ia < 30) out.push({ path: `${at}.infrequentAccessAfterDays`, message: `${ia} is below S3's minimum of 30 days before STANDARD_IA` });
  if (ia !== undefined && archive !== undefined && archive < ia + 30) {
    out.push({ path: `${at}.archiveAfterDays`, message: `${archive} must be at least 30 days after infrequentAccessAfterDays (${ia}), as S3 requires` });
  }
  if (lifecycle.abortIncompleteUploadAfterDays !== undefined && lifecycle.abortIncompleteUploadAfterDays > 7) {
    out.push({
      path: `${at}.abortIncompleteUploadAfterDays`,
      message: `${lifecycle.abortIncompleteUploadAfterDays} is above the 7 days incomplete uploads may linger (S3-06)`,
    });
  }
  return out;
}

/**
 * FSx for Lustre capacity per deployment type (GiB): 1200, 2400, then steps of 2400.
 * PERSISTENT_2 throughput per TiB: 125, 250, 500 or 1000 MB/s.
 */
export function scratchProblems(storage: NonNullable<StorageInput["scratch"]>, environment: string, at: string, teamCount = 0): Problem[] {
  const out: Problem[] = [];
  if ((storage.isolation ?? "directory") === "directory" && teamCount > MAX_DATA_REPOSITORY_ASSOCIATIONS) {
    out.push({
      path: `${at}.isolation`,
      message: `${teamCount} teams cannot share one file system: each team's directory is linked to its own S3 prefix by a data repository association, and FSx for Lustre allows ${MAX_DATA_REPOSITORY_ASSOCIATIONS} per file system; use isolation "file-system"`,
    });
  }
  const type = storage.deploymentType ?? (environment === "prod" ? "PERSISTENT_2" : "SCRATCH_2");
  const cap = storage.storageCapacityGiB ?? 1200;
  if (!(cap === 1200 || (cap >= 2400 && cap % 2400 === 0))) {
    out.push({ path: `${at}.storageCapacityGiB`, message: `${cap} GiB is not a capacity ${type} accepts (1200, 2400 or a multiple of 2400)` });
  }
  if (type === "PERSISTENT_2" && storage.perUnitStorageThroughput !== undefined && ![125, 250, 500, 1000].includes(storage.perUnitStorageThroughput)) {
    out.push({ path: `${at}.perUnitStorageThroughput`, message: `${storage.perUnitStorageThroughput} MB/s/TiB is not one of 125, 250, 500, 1000` });
  }
  if (type === "SCRATCH_2" && storage.perUnitStorageThroughput !== undefined) {
    out.push({ path: `${at}.perUnitStorageThroughput`, message: "applies to PERSISTENT_2 only; SCRATCH_2 has a fixed 200 MB/s/TiB" });
  }
  if (environment === "prod" && type === "SCRATCH_2") {
    out.push({ path: `${at}.deploymentType`, message: "prod uses PERSISTENT_2: SCRATCH_2 keeps no replica and cannot use a customer-managed key (FS-03)" });
  }
  return out;
}

/** Storage with every default filled. */
export interface StorageConfig {
  readonly reclaimPolicy: "Retain" | "Delete";
  readonly io2IopsPerGB?: number;
  readonly sharedFiles: { readonly enabled: boolean; readonly throughputMode: "elastic" | "bursting" };
  readonly scratch: {
    readonly enabled: boolean;
    readonly deploymentType: "SCRATCH_2" | "PERSISTENT_2";
    readonly storageCapacityGiB: number;
    readonly perUnitStorageThroughput?: number;
    readonly isolation: ScratchIsolation;
    readonly dataPrefix: string;
  };
  readonly lifecycle: Readonly<Record<DataBucketKind, Lifecycle>>;
  readonly accessLogExpireAfterDays: number;
  readonly backup: {
    readonly enabled: boolean;
    readonly retentionDays: number;
    readonly schedule: string;
    /** Every recovery point copied to the recovery region's vault. */
    readonly copy?: BackupCopyConfig;
    readonly vaultLock?: VaultLockConfig;
  };
  /** A replica of the models bucket in the recovery region. */
  readonly modelsReplication?: ModelsReplicationConfig;
  readonly objectStore: { readonly enabled: boolean };
}

export function resolveStorage(
  input: StorageInput | undefined,
  environment: string,
  onEks: boolean,
  defaults: Readonly<Record<DataBucketKind, Lifecycle>>,
): StorageConfig {
  const prod = environment === "prod";
  const bucket = (kind: DataBucketKind): Lifecycle => {
    const own = input?.buckets?.[kind];
    // A bucket that sets any transition owns its whole transition list; other fields fall back one by one.
    const ownsTransitions = own?.infrequentAccessAfterDays !== undefined || own?.archiveAfterDays !== undefined;
    const d = defaults[kind];
    return {
      infrequentAccessAfterDays: ownsTransitions ? own?.infrequentAccessAfterDays : d.infrequentAccessAfterDays,
      archiveAfterDays: ownsTransitions ? own?.archiveAfterDays : d.archiveAfterDays,
      archiveClass: own?.archiveClass ?? d.archiveClass,
      noncurrentVersionExpireAfterDays: own?.noncurrentVersionExpireAfterDays ?? d.noncurrentVersionExpireAfterDays,
      abortIncompleteUploadAfterDays: own?.abortIncompleteUploadAfterDays ?? d.abortIncompleteUploadAfterDays,
    };
  };
  const backupOn = onEks && (input?.backup?.enabled ?? prod);
  const retentionDays = input?.backup?.retentionDays ?? 35;
  const recoveryRegion = onEks ? input?.backup?.recoveryRegion : undefined;
  return {
    reclaimPolicy: input?.block?.reclaimPolicy ?? (prod ? "Retain" : "Delete"),
    io2IopsPerGB: input?.block?.io2?.enabled === false ? undefined : (input?.block?.io2?.iopsPerGB ?? 50),
    sharedFiles: { enabled: onEks && (input?.sharedFiles?.enabled ?? true), throughputMode: input?.sharedFiles?.throughputMode ?? "elastic" },
    scratch: {
      enabled: onEks && (input?.scratch?.enabled ?? false),
      deploymentType: input?.scratch?.deploymentType ?? (prod ? "PERSISTENT_2" : "SCRATCH_2"),
      storageCapacityGiB: input?.scratch?.storageCapacityGiB ?? 1200,
      perUnitStorageThroughput: input?.scratch?.perUnitStorageThroughput,
      isolation: input?.scratch?.isolation ?? "directory",
      dataPrefix: input?.scratch?.dataPrefix ?? "scratch/",
    },
    lifecycle: { datasets: bucket("datasets"), artifacts: bucket("artifacts"), models: bucket("models") },
    accessLogExpireAfterDays: input?.buckets?.accessLogs?.expireAfterDays ?? 365,
    backup: {
      enabled: backupOn,
      retentionDays,
      schedule: input?.backup?.schedule ?? "cron(0 3 * * ? *)",
      copy: backupOn ? resolveCopy(recoveryRegion, input?.backup?.copy, retentionDays) : undefined,
      vaultLock: backupOn ? input?.backup?.vaultLock : undefined,
    },
    modelsReplication: resolveModelsReplication(recoveryRegion, input?.buckets?.models?.replication),
    objectStore: { enabled: !onEks && (input?.objectStore?.enabled ?? true) },
  };
}

/** Rules over the storage section that need the tier, the cluster kind or the number of teams. */
export function storageProblems(input: StorageInput | undefined, environment: string, onEks: boolean, teamCount = 0): Problem[] {
  if (!input) return [];
  const out: Problem[] = [];
  if (onEks && input.objectStore !== undefined)
    out.push({ path: "storage.objectStore", message: "is for existing clusters; on EKS the platform's object storage is S3" });
  if (!onEks) {
    for (const key of ["sharedFiles", "scratch", "buckets", "backup"] as const) {
      if (input[key] !== undefined)
        out.push({ path: `storage.${key}`, message: "needs an EKS cluster (AWS); an existing cluster uses its own storage and storage.objectStore" });
    }
  }
  for (const kind of ["datasets", "artifacts", "models"] as const) {
    const l = input.buckets?.[kind];
    if (l) out.push(...lifecycleProblems(l, `storage.buckets.${kind}`));
  }
  // Only an enabled scratch tier is built (resolveStorage), so only then are its settings checked.
  if (input.scratch?.enabled === true) out.push(...scratchProblems(input.scratch, environment, "storage.scratch", teamCount));
  if (environment === "prod" && input.backup?.enabled === false)
    out.push({ path: "storage.backup.enabled", message: "prod keeps an AWS Backup plan for EFS and EBS volumes (OPS-03)" });
  if (environment === "prod" && input.block?.reclaimPolicy === "Delete")
    out.push({ path: "storage.block.reclaimPolicy", message: "prod keeps volumes when their claims go: use Retain" });
  return out;
}
