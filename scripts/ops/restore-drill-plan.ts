/**
 * The restore drill's plan as plain data (scripts/ops/restore-drill.ts runs it): which vault, which AWS CLI commands,
 * which recovery point of each resource type, and the restore metadata each type needs, under scratch names.
 * Pure, so the planning is unit-tested without AWS.
 */
import type { EksPlatformConfig } from "../../config";
import { VAULT_TAGS, backupRoleName, type VaultRole } from "../../components/storage/backup";

/** The resource types the platform's backup selection holds (EFS, the PV volumes, RDS) and AWS Backup's names for them. */
export const DRILL_TYPES = ["EFS", "EBS", "RDS"] as const;
export type DrillType = (typeof DRILL_TYPES)[number];

export interface DrillTarget {
  readonly stack: string;
  readonly cluster: string;
  /** The vault restored from and the region everything happens in. */
  readonly vault: VaultRole;
  readonly region: string;
  readonly roleName: string;
  /** Keys the restored file system and volume are encrypted with (aliases the platform creates in that region). */
  readonly keys: { readonly files: string; readonly ebs: string };
  /** What the stack backs up, so a missing recovery point is a finding, not a silence. */
  readonly expected: readonly DrillType[];
  /** Appended to every restored resource's name: `drill-<UTC yyyymmddhhmm>`. */
  readonly suffix: string;
}

export class DrillConfigError extends Error {}

export const drillSuffix = (now: Date): string => `drill-${now.toISOString().slice(0, 16).replace(/[-T:]/g, "")}`;

/** The drill's target from the stack's resolved config: the primary vault, or the copy in the recovery region. */
export function drillTarget(stack: string, cfg: EksPlatformConfig, from: VaultRole, now: Date): DrillTarget {
  if (!cfg.storage.backup.enabled) throw new DrillConfigError(`stack ${stack} has no AWS Backup plan (storage.backup.enabled is false): nothing to restore`);
  const copy = cfg.storage.backup.copy;
  if (from === "copy" && !copy) throw new DrillConfigError(`stack ${stack} copies no backups to a second region (storage.backup.recoveryRegion is unset)`);
  const cluster = cfg.cluster.name;
  const region = from === "copy" && copy ? copy.region : cfg.aws.region;
  // The copy region has only the recovery keys; the backup key there encrypts what is restored there.
  const key = (dataClass: string) => (from === "copy" ? `alias/${cluster}-recovery-backup` : `alias/${cluster}-${dataClass}`);
  const expected: DrillType[] = [
    ...(cfg.storage.sharedFiles.enabled ? (["EFS"] as const) : []),
    "EBS",
    ...(cfg.services.database?.kind === "rds" ? (["RDS"] as const) : []),
  ];
  return {
    stack,
    cluster,
    vault: from,
    region,
    roleName: backupRoleName(cluster),
    keys: { files: key("files"), ebs: key("ebs") },
    expected,
    suffix: drillSuffix(now),
  };
}

/** `aws …` arguments that find the vault by the platform's tags (components/storage/backup.ts). */
export function findVaultArgs(drill: DrillTarget): string[] {
  return [
    "resourcegroupstaggingapi",
    "get-resources",
    "--region",
    drill.region,
    "--resource-type-filters",
    "backup:backup-vault",
    "--tag-filters",
    `Key=${VAULT_TAGS.cluster},Values=${drill.cluster}`,
    `Key=${VAULT_TAGS.role},Values=${drill.vault}`,
    "--query",
    "ResourceTagMappingList[].ResourceARN",
    "--output",
    "json",
  ];
}

export const roleArnArgs = (drill: DrillTarget): string[] => ["iam", "get-role", "--role-name", drill.roleName, "--query", "Role.Arn", "--output", "text"];

export const listPointsArgs = (drill: DrillTarget, vault: string): string[] => [
  "backup",
  "list-recovery-points-by-backup-vault",
  "--region",
  drill.region,
  "--backup-vault-name",
  vault,
  "--output",
  "json",
];

export const savedMetadataArgs = (drill: DrillTarget, vault: string, pointArn: string): string[] => [
  "backup",
  "get-recovery-point-restore-metadata",
  "--region",
  drill.region,
  "--backup-vault-name",
  vault,
  "--recovery-point-arn",
  pointArn,
  "--output",
  "json",
];

export const describeJobArgs = (drill: DrillTarget, jobId: string): string[] => [
  "backup",
  "describe-restore-job",
  "--region",
  drill.region,
  "--restore-job-id",
  jobId,
  "--output",
  "json",
];

/** A vault's name from its ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>). */
export function vaultNameOf(arn: string): string {
  const name = arn.split(":backup-vault:")[1];
  if (!name) throw new Error(`not a backup vault ARN: ${arn}`);
  return name;
}

/** One entry of list-recovery-points-by-backup-vault's RecoveryPoints. */
export interface RecoveryPoint {
  readonly RecoveryPointArn: string;
  readonly ResourceArn: string;
  readonly ResourceType: string;
  readonly CreationDate: string;
  readonly Status: string;
}

/** The newest completed recovery point of each drill type; a type the stack backs up but has none of is reported. */
export function latestPoints(points: readonly RecoveryPoint[], expected: readonly DrillType[]): { chosen: RecoveryPoint[]; missing: DrillType[] } {
  const chosen: RecoveryPoint[] = [];
  const missing: DrillType[] = [];
  for (const type of DRILL_TYPES) {
    const done = points.filter((p) => p.ResourceType === type && p.Status === "COMPLETED");
    const newest = done.reduce<RecoveryPoint | undefined>(
      (a, b) => (a === undefined || Date.parse(b.CreationDate) > Date.parse(a.CreationDate) ? b : a),
      undefined,
    );
    if (newest) chosen.push(newest);
    else if (expected.includes(type)) missing.push(type);
  }
  return { chosen, missing };
}

/** A scratch name: the original's, then the suffix, cut to `max` characters and never ending in a hyphen. */
export function scratchName(original: string, suffix: string, max = 63): string {
  const head = original.slice(0, Math.max(1, max - suffix.length - 1));
  return `${head}-${suffix}`.replace(/-+$/, "");
}

/**
 * What names objects of the source region, which the recovery region does not have: the network placement (RDS then
 * uses that region's default VPC), the platform's TLS-only parameter group, an option group, and the source key.
 */
const SOURCE_REGION_KEYS = ["DBSubnetGroupName", "VpcSecurityGroupIds", "AvailabilityZone", "DBParameterGroupName", "OptionGroupName", "KmsKeyId"];

/**
 * The metadata start-restore-job takes for each type: what the recovery point was saved with (get-recovery-point-
 * restore-metadata), overridden so the restore makes NEW resources under scratch names and our keys, never touching
 * the originals. EFS and EBS keys per the StartRestoreJob API; RDS per AWS Backup's RDS restore (DBInstanceIdentifier).
 */
export function restoreMetadata(type: DrillType, saved: Readonly<Record<string, string>>, drill: DrillTarget): Record<string, string> {
  switch (type) {
    case "EFS":
      return {
        "file-system-id": saved["file-system-id"] ?? "<file-system-id>",
        newFileSystem: "true",
        Encrypted: "true",
        KmsKeyId: drill.keys.files,
        PerformanceMode: saved.PerformanceMode ?? "generalPurpose",
        CreationToken: scratchName(drill.cluster, drill.suffix),
      };
    case "EBS":
      return {
        ...saved,
        encrypted: "true",
        kmsKeyId: drill.keys.ebs,
        ...(drill.vault === "copy" || saved.availabilityZone === undefined ? { availabilityZone: `${drill.region}a` } : {}),
      };
    case "RDS": {
      const kept = Object.fromEntries(Object.entries(saved).filter(([k]) => drill.vault === "primary" || !SOURCE_REGION_KEYS.includes(k)));
      return {
        ...kept,
        DBInstanceIdentifier: scratchName(saved.DBInstanceIdentifier ?? `${drill.cluster}-postgres`, drill.suffix),
        MultiAZ: "false",
        DeletionProtection: "false",
      };
    }
  }
}

export function startRestoreArgs(
  drill: DrillTarget,
  point: Pick<RecoveryPoint, "RecoveryPointArn" | "ResourceType">,
  roleArn: string,
  metadata: Record<string, string>,
): string[] {
  return [
    "backup",
    "start-restore-job",
    "--region",
    drill.region,
    "--recovery-point-arn",
    point.RecoveryPointArn,
    "--iam-role-arn",
    roleArn,
    "--resource-type",
    point.ResourceType,
    "--idempotency-token",
    `${drill.suffix}-${point.ResourceType.toLowerCase()}`,
    "--metadata",
    JSON.stringify(metadata),
  ];
}

/** A restore job's state from describe-restore-job's Status. */
export function jobState(status: string): "running" | "completed" | "failed" {
  if (status === "COMPLETED") return "completed";
  if (status === "ABORTED" || status === "FAILED") return "failed";
  return "running";
}

/** How to remove what a completed drill made (printed, never run: someone looks first). */
export function cleanupCommand(drill: DrillTarget, type: DrillType, createdArn: string): string[] {
  const id = createdArn.split(/[:/]/).pop() ?? createdArn;
  if (type === "RDS") return ["rds", "delete-db-instance", "--region", drill.region, "--db-instance-identifier", id, "--skip-final-snapshot"];
  if (type === "EFS") return ["efs", "delete-file-system", "--region", drill.region, "--file-system-id", id];
  return ["ec2", "delete-volume", "--region", drill.region, "--volume-id", id];
}

/** An `aws` command line a person can paste: arguments with shell metacharacters single-quoted. */
export function shellLine(args: readonly string[]): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
  return ["aws", ...args].map(quote).join(" ");
}

export const PROVES = [
  "the vault holds a completed recovery point of every resource type the stack backs up, and which is newest (its age is your real RPO)",
  "AWS Backup can restore each into a new resource with our keys, as the platform's backup role (permissions, KMS grants, quotas)",
  "how long each restore takes (the job's duration is a floor for your RTO)",
  "with --from copy: the same from the recovery region's copy, under the recovery region's key",
];

export const DOES_NOT_PROVE = [
  "that the data is consistent or that the services run on it: connect to the scratch database and count rows, mount the file system",
  "that the services can be switched to the restored resources (docs/operations/restore.md walks through that)",
  "that S3 objects come back: buckets are versioned and the models bucket replicated, not in AWS Backup (restore.md, S3)",
  "that the whole stack can be rebuilt from its Pulumi state (restore.md, whole stack)",
];
