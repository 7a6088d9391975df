import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RdsConfig } from "../../../config/services";
import { BACKUP_TAG } from "../../storage/backup";
import { RDS_ENGINES, type RdsEngine } from "../../../domain/versions";

/** The master user; its password is generated and rotated by RDS in Secrets Manager, never seen here (DB-07). */
export const MASTER_USERNAME = "mlops_admin";

export interface ManagedDatabaseArgs {
  /** RDS instance identifier, unique per account and region: derive it from the cluster name. */
  readonly identifier: string;
  /** @default "postgres" */
  readonly engine?: RdsEngine;
  readonly config: RdsConfig;
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets only (DB-02). */
  readonly subnetIds: pulumi.Input<string>[];
  /** The EKS cluster security group: the only source allowed to the database port. */
  readonly clientSecurityGroupId: pulumi.Input<string>;
  /** Customer key for storage, Performance Insights and the master secret (DB-01). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** protect, deletion protection and a final snapshot. @default false */
  readonly protect?: boolean;
  /** Tag the instance for the AWS Backup selection (OPS-03). @default false */
  readonly backup?: boolean;
  /** The recovery region's databases key, for the automated backups' replica (config.backupReplication). @default none */
  readonly recoveryKmsKeyArn?: pulumi.Input<string>;
}

/** Parameters per engine: TLS only (DB-06), strong password hashing, slow statements logged. */
export const DATABASE_PARAMETERS: Readonly<Record<RdsEngine, Readonly<Record<string, string>>>> = {
  postgres: { "rds.force_ssl": "1", password_encryption: "scram-sha-256", log_min_duration_statement: "1000" },
  // ML Metadata's client (Kubeflow Pipelines) speaks mysql_native_password only; 8.4 defaults to caching_sha2.
  // Set before the instance is created: the master user takes the plugin the policy names at creation.
  mysql: { require_secure_transport: "1", authentication_policy: "*:mysql_native_password", slow_query_log: "1", long_query_time: "1" },
};

/** Parameters that only take effect after a reboot. */
const STATIC_PARAMETERS = new Set(["rds.force_ssl"]);

/** The RDS instance's settings as pure data, so tests read them without the cloud. */
export function databaseInstanceSettings(name: string, cfg: RdsConfig, protect: boolean, engine: RdsEngine = "postgres") {
  const e = RDS_ENGINES[engine];
  return {
    engine: e.engine,
    // Major pinned; RDS applies minor versions in the maintenance window (autoMinorVersionUpgrade, DB-06).
    engineVersion: e.majorVersion,
    instanceClass: cfg.instanceClass,
    allocatedStorage: cfg.storageGiB,
    maxAllocatedStorage: cfg.maxStorageGiB,
    storageType: "gp3",
    storageEncrypted: true,
    multiAz: cfg.multiAz,
    publiclyAccessible: false,
    port: e.port,
    username: MASTER_USERNAME,
    manageMasterUserPassword: true,
    backupRetentionPeriod: cfg.backupRetentionDays,
    backupWindow: "02:00-02:30",
    maintenanceWindow: "sun:03:00-sun:04:00",
    copyTagsToSnapshot: true,
    deletionProtection: protect,
    skipFinalSnapshot: !protect,
    finalSnapshotIdentifier: protect ? `${name}-final` : undefined,
    autoMinorVersionUpgrade: true,
    enabledCloudwatchLogsExports: engine === "postgres" ? ["postgresql", "upgrade"] : ["error", "slowquery"],
    performanceInsightsEnabled: true,
    performanceInsightsRetentionPeriod: 7,
  };
}

/**
 * A database of the platform on AWS: one RDS instance (on the Postgres one MLflow, Feast's registry and
 * Evidently each get their own database and role), private, encrypted with our key, TLS only, reachable on
 * its port from the cluster security group alone, its master password managed by RDS in Secrets Manager.
 */
export class ManagedDatabase extends pulumi.ComponentResource {
  readonly address: pulumi.Output<string>;
  readonly port: number;
  /** ARN of the RDS-managed master secret (JSON with username and password). */
  readonly masterSecretArn: pulumi.Output<string>;

  constructor(name: string, args: ManagedDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:ManagedDatabase", name, {}, opts);
    const child = { parent: this };
    const protect = args.protect ?? false;
    const engine = args.engine ?? "postgres";
    const e = RDS_ENGINES[engine];
    this.port = e.port;
    const subnets = new aws.rds.SubnetGroup(name, { subnetIds: args.subnetIds, description: "Private subnets of the platform VPC" }, child);
    const sg = new aws.ec2.SecurityGroup(
      `${name}-${engine}`,
      { vpcId: args.vpcId, description: `${engine} from the EKS cluster security group only`, egress: [] },
      child,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-${engine}`,
      {
        securityGroupId: sg.id,
        referencedSecurityGroupId: args.clientSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: e.port,
        toPort: e.port,
        description: `${engine} from the EKS cluster security group`,
      },
      child,
    );
    const params = new aws.rds.ParameterGroup(
      name,
      {
        family: e.parameterGroupFamily,
        description: "TLS only, strong password hashing, slow statements logged",
        parameters: Object.entries(DATABASE_PARAMETERS[engine]).map(([n, value]) => ({
          name: n,
          value,
          applyMethod: STATIC_PARAMETERS.has(n) ? "pending-reboot" : "immediate",
        })),
      },
      child,
    );
    const db = new aws.rds.Instance(
      name,
      {
        ...databaseInstanceSettings(args.identifier, args.config, protect, engine),
        identifier: args.identifier,
        kmsKeyId: args.kmsKeyArn,
        masterUserSecretKmsKeyId: args.kmsKeyArn,
        performanceInsightsKmsKeyId: args.kmsKeyArn,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [sg.id],
        parameterGroupName: params.name,
        tags: args.backup ? { [BACKUP_TAG.key]: BACKUP_TAG.value } : {},
      },
      { ...child, protect, retainOnDelete: protect },
    );
    const replication = args.config.backupReplication;
    if (replication) {
      if (args.recoveryKmsKeyArn === undefined) throw new Error(`ManagedDatabase ${name}: backup replication needs recoveryKmsKeyArn`);
      // Snapshots and transaction logs copied to the recovery region: a point-in-time restore there (docs/operations/restore.md).
      new aws.rds.InstanceAutomatedBackupsReplication(
        name,
        { region: replication.region, sourceDbInstanceArn: db.arn, kmsKeyId: args.recoveryKmsKeyArn, retentionPeriod: replication.retentionDays },
        { ...child, protect, retainOnDelete: protect },
      );
    }
    this.address = db.address;
    // RDS creates the master secret with the instance; the first (only) entry names it.
    this.masterSecretArn = db.masterUserSecrets.apply((s) => s[0].secretArn);
    this.registerOutputs({ address: this.address });
  }
}
