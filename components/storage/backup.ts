import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../aws/iam";

/** Resources carrying this tag are backed up: EFS directly, EBS volumes through the StorageClass tag (OPS-03). */
export const BACKUP_TAG = { key: "mlops.platform/backup", value: "true" } as const;

export interface BackupArgs {
  readonly kmsKeyArn: pulumi.Input<string>;
  /** @default 35 */
  readonly retentionDays?: number;
  /** @default "cron(0 3 * * ? *)" */
  readonly schedule?: string;
  readonly protect?: boolean;
}

/** An AWS Backup vault (KMS-encrypted), a daily plan, and a tag-based selection of EFS and PV volumes. */
export class Backup extends pulumi.ComponentResource {
  constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:Backup", name, {}, opts);
    const child = { parent: this };
    const vault = new aws.backup.Vault(name, { kmsKeyArn: args.kmsKeyArn }, { ...child, protect: args.protect, retainOnDelete: args.protect });
    const plan = new aws.backup.Plan(
      name,
      {
        rules: [
          {
            ruleName: "daily",
            targetVaultName: vault.name,
            schedule: args.schedule ?? "cron(0 3 * * ? *)",
            lifecycle: { deleteAfter: args.retentionDays ?? 35 },
          },
        ],
      },
      child,
    );
    const role = new aws.iam.Role(`${name}-backup`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("backup.amazonaws.com")) }, child);
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
    this.registerOutputs({});
  }
}
