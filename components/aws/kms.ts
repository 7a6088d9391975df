import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withTypeAliases } from "../aliases";
import { keyPolicy, type KeyUser } from "./iam";

export interface DataKeyArgs {
  /** What the key protects, one key per data class (eks-secrets, logs, ebs …); becomes the alias. */
  readonly dataClass: string;
  readonly accountId: pulumi.Input<string>;
  /** The region the key serves (its policy names the region's service principals). */
  readonly region: string;
  /** Make the key in `region` itself rather than the provider's region (the recovery region's keys). @default false */
  readonly inOwnRegion?: boolean;
  /** AWS services that encrypt with the key on the account's behalf. @default [] */
  readonly services?: readonly KeyUser[];
  /** 30 in prod so a mistaken deletion can be cancelled for a month; 7 elsewhere. @default 30 */
  readonly deletionWindowInDays?: number;
  readonly protect?: boolean;
}

/** A customer-managed KMS key with rotation on and an alias `alias/<prefix>-<dataClass>`. */
export function createDataKey(prefix: string, args: DataKeyArgs, opts: pulumi.CustomResourceOptions): aws.kms.Key {
  const region = args.inOwnRegion ? args.region : undefined;
  const key = new aws.kms.Key(
    `${prefix}-${args.dataClass}`,
    {
      region,
      description: `${prefix}: ${args.dataClass}`,
      enableKeyRotation: true,
      deletionWindowInDays: args.deletionWindowInDays ?? 30,
      policy: pulumi.output(args.accountId).apply((id) => JSON.stringify(keyPolicy(id, args.region, args.services ?? []))),
    },
    { ...opts, protect: args.protect, retainOnDelete: args.protect },
  );
  new aws.kms.Alias(`${prefix}-${args.dataClass}`, { region, name: `alias/${prefix}-${args.dataClass}`, targetKeyId: key.keyId }, opts);
  return key;
}

export type DataClass = "eks-secrets" | "logs" | "ebs" | "s3" | "files" | "backup" | "databases";

export interface KmsKeysArgs {
  readonly accountId: pulumi.Input<string>;
  readonly region: string;
  /** Key deletion waiting period. @default 30 */
  readonly deletionWindowInDays?: number;
  /** protect + retain-on-delete on every key. @default false */
  readonly protect?: boolean;
}

/**
 * One customer-managed key per data class (IAM-04): eks-secrets, logs, ebs, s3, files (EFS, FSx), backup,
 * databases (RDS, ElastiCache, and the Secrets Manager secrets of the services' credentials).
 */
export class KmsKeys extends pulumi.ComponentResource {
  readonly keys: Record<DataClass, aws.kms.Key>;

  constructor(name: string, args: KmsKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    // Typed mlops:security:KmsKeys before tokens followed the folder; the alias keeps deployed URNs.
    super("mlops:aws:KmsKeys", name, {}, withTypeAliases(opts, "mlops:security:KmsKeys"));
    const make = (dataClass: DataClass, services: readonly KeyUser[] = []) => createDataKey(name, { ...args, dataClass, services }, { parent: this });
    this.keys = {
      "eks-secrets": make("eks-secrets"),
      logs: make("logs", ["logs"]),
      ebs: make("ebs", ["autoscaling"]),
      s3: make("s3"),
      files: make("files"),
      backup: make("backup"),
      databases: make("databases"),
    };
    this.registerOutputs({});
  }
}

/** What the recovery region keeps: AWS Backup copies, replicated RDS backups, the models bucket's replica. */
export type RecoveryDataClass = "backup" | "databases" | "s3";

export interface RecoveryKeysArgs {
  readonly accountId: pulumi.Input<string>;
  /** The recovery region (storage.backup.recoveryRegion). */
  readonly region: string;
  /** Only the classes something in the recovery region uses. */
  readonly classes: readonly RecoveryDataClass[];
  /** Key deletion waiting period. @default 30 */
  readonly deletionWindowInDays?: number;
  /** protect + retain-on-delete on every key. @default false */
  readonly protect?: boolean;
}

/**
 * The customer keys of the recovery region, one per data class like the stack's own (IAM-04): a KMS key is regional,
 * so what is copied there is re-encrypted with a key there. Aliases `alias/<prefix>-recovery-<dataClass>`.
 */
export class RecoveryKeys extends pulumi.ComponentResource {
  readonly keys: Partial<Record<RecoveryDataClass, aws.kms.Key>> = {};

  constructor(name: string, args: RecoveryKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:aws:RecoveryKeys", name, {}, opts);
    for (const dataClass of args.classes) {
      this.keys[dataClass] = createDataKey(name, { ...args, dataClass: `recovery-${dataClass}`, inOwnRegion: true }, { parent: this });
    }
    this.registerOutputs({});
  }
}
