/**
 * Recovery in a second region: the AWS Backup copy and vault lock (storage.backup), the RDS automated-backup
 * replication (services.database.backupReplication) and the models bucket's replica (storage.buckets.models.replication).
 * All three go to the one region `storage.backup.recoveryRegion` names. Rules that need the stack's own region live here.
 */
import { z } from "zod";
import type { Problem } from "./problems";
import { awsRegion } from "./primitives";

const retention = z.number().int().min(1).max(36500);

export const backupCopySchema = z.strictObject({
  /** Copy every recovery point to the recovery region's vault. @default true when recoveryRegion is set */
  enabled: z.boolean().optional(),
  /** Days a copy is kept in the recovery region. @default storage.backup.retentionDays */
  retentionDays: retention.optional(),
});

/**
 * AWS Backup Vault Lock on both vaults: recovery points cannot be deleted early, and jobs whose retention falls outside
 * [minRetentionDays, maxRetentionDays] fail. Without changeableForDays the lock is in governance mode (a principal with
 * backup:DeleteBackupVaultLockConfiguration can remove it); with it the lock turns into compliance mode once that many
 * days have passed, and then NOBODY, not AWS support nor the account root, can remove it or shorten retention.
 */
export const vaultLockSchema = z.strictObject({
  /** Shortest retention a recovery point in the vaults may have. */
  minRetentionDays: retention,
  /** Longest retention. @default none (no maximum) */
  maxRetentionDays: retention.optional(),
  /** Days until the lock becomes compliance mode, irreversibly; AWS's cooling-off period is 3 days. @default governance mode */
  changeableForDays: z.number().int().min(3, { message: "is below the 3 days AWS Backup requires before a lock becomes immutable" }).max(36500).optional(),
});

export const REPLICA_STORAGE_CLASSES = ["STANDARD", "STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR"] as const;

export const modelsReplicationSchema = z.strictObject({
  /** @default true when the section is present */
  enabled: z.boolean().optional(),
  /** Storage class of the replicas; archive classes that need a restore before a read are not offered. @default "STANDARD_IA" */
  storageClass: z.enum(REPLICA_STORAGE_CLASSES).optional(),
  /** Replicate delete markers too; off, a deletion in the source leaves the replica's object readable. @default false */
  replicateDeletes: z.boolean().optional(),
});

export const databaseReplicationSchema = z.strictObject({
  /** Replicate each RDS instance's automated backups (snapshots and logs) to the recovery region. @default true in prod */
  enabled: z.boolean().optional(),
  /** Days the replicated backups are kept (point-in-time restore window there). @default services.database.backupRetentionDays */
  retentionDays: z.number().int().min(1).max(35).optional(),
});

/** The recovery region's fields of storage.backup (spread into its schema). */
export const backupRecoveryFields = {
  /** The second region copies, database backup replicas and the models replica go to. @default none; prod must name one */
  recoveryRegion: awsRegion.optional(),
  copy: backupCopySchema.optional(),
  vaultLock: vaultLockSchema.optional(),
};

export type BackupCopyInput = z.infer<typeof backupCopySchema>;
export type VaultLockInput = z.infer<typeof vaultLockSchema>;
export type ModelsReplicationInput = z.infer<typeof modelsReplicationSchema>;
export type DatabaseReplicationInput = z.infer<typeof databaseReplicationSchema>;

export interface BackupCopyConfig {
  readonly region: string;
  readonly retentionDays: number;
}
export interface VaultLockConfig {
  readonly minRetentionDays: number;
  readonly maxRetentionDays?: number;
  readonly changeableForDays?: number;
}
export interface ModelsReplicationConfig {
  readonly region: string;
  readonly storageClass: (typeof REPLICA_STORAGE_CLASSES)[number];
  readonly replicateDeletes: boolean;
}
export interface DatabaseReplicationConfig {
  readonly region: string;
  readonly retentionDays: number;
}

/** Whether a section that is on by default when present (or by tier) is on. */
const on = (section: { enabled?: boolean } | undefined, byDefault: boolean) => (section === undefined ? byDefault : (section.enabled ?? true));

export function resolveCopy(region: string | undefined, input: BackupCopyInput | undefined, planRetentionDays: number): BackupCopyConfig | undefined {
  if (region === undefined || !on(input, true)) return undefined;
  return { region, retentionDays: input?.retentionDays ?? planRetentionDays };
}

export function resolveModelsReplication(region: string | undefined, input: ModelsReplicationInput | undefined): ModelsReplicationConfig | undefined {
  if (region === undefined || !on(input, false)) return undefined;
  return { region, storageClass: input?.storageClass ?? "STANDARD_IA", replicateDeletes: input?.replicateDeletes ?? false };
}

export function resolveDatabaseReplication(
  region: string | undefined,
  input: DatabaseReplicationInput | undefined,
  prod: boolean,
  backupRetentionDays: number,
): DatabaseReplicationConfig | undefined {
  if (region === undefined || !on(input, prod)) return undefined;
  return { region, retentionDays: input?.retentionDays ?? backupRetentionDays };
}

/** What the recovery rules read: the sections' inputs and the stack's own region. */
export interface RecoveryInput {
  readonly environment: string;
  readonly onEks: boolean;
  /** aws.region; undefined on existing clusters. */
  readonly region?: string;
  /** storage.backup (its schema spreads backupRecoveryFields). */
  readonly backup?: {
    readonly enabled?: boolean;
    readonly retentionDays?: number;
    readonly recoveryRegion?: string;
    readonly copy?: BackupCopyInput;
    readonly vaultLock?: VaultLockInput;
  };
  readonly modelsReplication?: ModelsReplicationInput;
  readonly databaseReplication?: DatabaseReplicationInput;
}

function lockProblems(lock: VaultLockInput, planDays: number, copyDays: number | undefined): Problem[] {
  const at = "storage.backup.vaultLock";
  const out: Problem[] = [];
  const max = lock.maxRetentionDays;
  if (max !== undefined && max < lock.minRetentionDays)
    out.push({ path: `${at}.maxRetentionDays`, message: `${max} is below minRetentionDays (${lock.minRetentionDays})` });
  const judge = (days: number, what: string, path: string) => {
    if (days < lock.minRetentionDays)
      out.push({ path, message: `${what} keeps recovery points ${days} days, below the lock's minimum of ${lock.minRetentionDays}: every job would fail` });
    else if (max !== undefined && days > max)
      out.push({ path, message: `${what} keeps recovery points ${days} days, above the lock's maximum of ${max}: every job would fail` });
  };
  judge(planDays, "the backup plan", "storage.backup.retentionDays");
  if (copyDays !== undefined) judge(copyDays, "the copy", "storage.backup.copy.retentionDays");
  return out;
}

/** Rules over the recovery settings: a region other than the stack's, prod's second copies, and a lock the plan can live with. */
export function recoveryProblems(input: RecoveryInput): Problem[] {
  if (!input.onEks) return []; // storage.backup and storage.buckets are rejected on existing clusters already.
  const out: Problem[] = [];
  const prod = input.environment === "prod";
  const b = input.backup;
  const region = b?.recoveryRegion;
  const copy = b?.copy;
  const lock = b?.vaultLock;
  const backupOn = b?.enabled ?? prod;
  if (region !== undefined && region === input.region)
    out.push({ path: "storage.backup.recoveryRegion", message: `is the stack's own region (${region}): a copy there does not outlive the region` });
  if (prod && region === undefined)
    out.push({
      path: "storage.backup.recoveryRegion",
      message: "prod copies its backups, database backups and (optionally) models to a second region: name it, for example us-west-2",
    });
  const needsRegion = (path: string, what: string) => out.push({ path, message: `${what} needs storage.backup.recoveryRegion, the region it goes to` });
  if (region === undefined && copy?.enabled === true) needsRegion("storage.backup.copy.enabled", "the copy");
  if (region === undefined && input.databaseReplication?.enabled === true) needsRegion("services.database.backupReplication.enabled", "replication");
  if (region === undefined && input.modelsReplication !== undefined && input.modelsReplication.enabled !== false)
    needsRegion("storage.buckets.models.replication", "replication");
  if (prod && copy?.enabled === false)
    out.push({ path: "storage.backup.copy.enabled", message: "prod keeps a copy of every recovery point in the recovery region" });
  if (prod && input.databaseReplication?.enabled === false)
    out.push({ path: "services.database.backupReplication.enabled", message: "prod replicates the databases' automated backups to the recovery region" });
  if (!backupOn) {
    for (const key of ["copy", "vaultLock"] as const)
      if (b?.[key] !== undefined) out.push({ path: `storage.backup.${key}`, message: "is set but AWS Backup is off (storage.backup.enabled)" });
  }
  if (lock) {
    const planDays = b?.retentionDays ?? 35;
    const copyOn = region !== undefined && copy?.enabled !== false;
    out.push(...lockProblems(lock, planDays, copyOn ? (copy?.retentionDays ?? planDays) : undefined));
  }
  return out;
}
