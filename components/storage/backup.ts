import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../aws/iam";

/** Resources carrying this tag are backed up: EFS directly, EBS volumes through the StorageClass tag (OPS-03). */
export const BACKUP_TAG = { key: "mlops.platform/backup", value: "true" } as const;

/** Tags that find the platform's vaults (scripts/ops/restore-drill.ts): the cluster, and which vault. */
export const VAULT_TAGS = { cluster: "mlops.platform/cluster", role: "mlops.platform/vault" } as const;
export type VaultRole = "primary" | "copy";

/** The role AWS Backup backs up and restores as: fixed, so a restore job (runbook, drill) can name it. */
export const backupRoleName = (clusterName: string): string => `${clusterName}-backup`;

/** The copy vault's name: fixed, so the runbook and the drill can name it (2–50 of [A-Za-z0-9_-]). */
export const copyVaultName = (clusterName: string): string => `${clusterName}-recovery`;

export interface BackupCopyArgs {
  /** The recovery region (storage.backup.recoveryRegion). */
  readonly region: string;
  readonly retentionDays: number;
  /** The recovery region's backup key (RecoveryKeys). */
  readonly kmsKeyArn: pulumi.Input<string>;
}

export interface VaultLockArgs {
  readonly minRetentionDays: number;
  readonly maxRetentionDays?: number;
  /** Set: compliance mode after that many days, irreversibly. Unset: governance mode. */
  readonly changeableForDays?: number;
}

export interface BackupArgs {
  /** The cluster name: tags the vaults and names the copy vault. */
  readonly clusterName: string;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** @default 35 */
  readonly retentionDays?: number;
  /** @default "cron(0 3 * * ? *)" */
  readonly schedule?: string;
  /** Copy every recovery point to a vault in the recovery region. @default none */
  readonly copy?: BackupCopyArgs;
  /** AWS Backup Vault Lock on every vault. @default none */
  readonly vaultLock?: VaultLockArgs;
  readonly protect?: boolean;
}

/** The daily rule: kept `retentionDays`, and copied to the recovery region's vault when there is one. */
export function backupRule(vaultName: pulumi.Input<string>, args: BackupArgs, copyVaultArn?: pulumi.Input<string>) {
  return {
    ruleName: "daily",
    targetVaultName: vaultName,
    schedule: args.schedule ?? "cron(0 3 * * ? *)",
    lifecycle: { deleteAfter: args.retentionDays ?? 35 },
    copyActions:
      args.copy && copyVaultArn !== undefined ? [{ destinationVaultArn: copyVaultArn, lifecycle: { deleteAfter: args.copy.retentionDays } }] : undefined,
  };
}

/**
 * An AWS Backup vault (KMS-encrypted), a daily plan, and a tag-based selection of EFS, PV volumes and RDS; optionally
 * a copy of every recovery point in a second region's vault (its own key there) and a vault lock on both vaults.
 */
export class Backup extends pulumi.ComponentResource {
  readonly vaultName: pulumi.Output<string>;
  readonly copyVaultArn?: pulumi.Output<string>;

  constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:Backup", name, {}, opts);
    const child = { parent: this };
    const stateful = { ...child, protect: args.protect, retainOnDelete: args.protect };
    const tags = (role: VaultRole) => ({ [VAULT_TAGS.cluster]: args.clusterName, [VAULT_TAGS.role]: role });
    const vault = new aws.backup.Vault(name, { kmsKeyArn: args.kmsKeyArn, tags: tags("primary") }, stateful);
    const copy = args.copy
      ? new aws.backup.Vault(
          `${name}-copy`,
          { region: args.copy.region, name: copyVaultName(args.clusterName), kmsKeyArn: args.copy.kmsKeyArn, tags: tags("copy") },
          stateful,
        )
      : undefined;
    if (args.vaultLock) {
      new aws.backup.VaultLockConfiguration(name, { backupVaultName: vault.name, ...args.vaultLock }, stateful);
      if (copy) new aws.backup.VaultLockConfiguration(`${name}-copy`, { region: args.copy?.region, backupVaultName: copy.name, ...args.vaultLock }, stateful);
    }
    const plan = new aws.backup.Plan(name, { rules: [backupRule(vault.name, args, copy?.arn)] }, child);
    const role = new aws.iam.Role(
      `${name}-backup`,
      { name: backupRoleName(args.clusterName), assumeRolePolicy: JSON.stringify(serviceTrustPolicy("backup.amazonaws.com")) },
      child,
    );
    for (const policy of ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"]) {
      new aws.iam.RolePolicyAttachment(`${name}-${policy}`, { role: role.name, policyArn: `arn:aws:iam::aws:policy/service-role/${policy}` }, child);
    }
    new aws.backup.Selection(
      name,
      {
        iamRoleArn: role.arn,
        planId: plan.id,
        selectionTags: [{ type: "STRINGEQUALS", key: BACKUP_TAG.key, value: BACKUP_TAG.value }],
      },
      child,
    );
    this.vaultName = vault.name;
    this.copyVaultArn = copy?.arn;
    this.registerOutputs({ vaultName: this.vaultName });
  }
}
