/** The restore drill's pure planning (scripts/ops/restore-drill-plan.ts): target, CLI arguments, point choice, metadata. */
import { describe, it, expect } from "vitest";
import { isEksPlatform, type EksPlatformConfig } from "../../config";
import {
  DrillConfigError,
  cleanupCommand,
  drillSuffix,
  drillTarget,
  findVaultArgs,
  jobState,
  latestPoints,
  listPointsArgs,
  restoreMetadata,
  scratchName,
  shellLine,
  startRestoreArgs,
  vaultNameOf,
  type RecoveryPoint,
} from "../../scripts/ops/restore-drill-plan";
import { dryRun, parseDrillArgs } from "../../scripts/ops/restore-drill";
import { UsageError } from "../../scripts/cli/args";
import { fixture, validate, type Cfg } from "../config/fixtures";

const NOW = new Date("2026-11-22T03:45:12Z");

function eks(cfg: Cfg): EksPlatformConfig {
  const result = validate(cfg);
  if (!result.ok || !isEksPlatform(result.config)) throw new Error(`fixture does not validate: ${JSON.stringify(result)}`);
  return result.config;
}
const prod = () => drillTarget("prod", eks(fixture("prod")), "primary", NOW);
const copy = () => drillTarget("prod", eks(fixture("prod")), "copy", NOW);

const point = (type: string, date: string, status = "COMPLETED"): RecoveryPoint => ({
  RecoveryPointArn: `arn:aws:backup:us-east-1:111122223333:recovery-point:${type}-${date}`,
  ResourceArn: `arn:aws:${type.toLowerCase()}:us-east-1:111122223333:thing/${type}`,
  ResourceType: type,
  CreationDate: date,
  Status: status,
});

describe("drill target", () => {
  it("prod: the primary vault in the stack's region, the platform's backup role and keys, every type it backs up", () => {
    expect(prod()).toEqual({
      stack: "prod",
      cluster: "mlops-prod",
      vault: "primary",
      region: "us-east-1",
      roleName: "mlops-prod-backup",
      keys: { files: "alias/mlops-prod-files", ebs: "alias/mlops-prod-ebs" },
      expected: ["EFS", "EBS", "RDS"],
      suffix: "drill-202611220345",
    });
  });

  it("--from copy: the recovery region and its backup key", () => {
    expect(copy()).toMatchObject({
      vault: "copy",
      region: "us-west-2",
      keys: { files: "alias/mlops-prod-recovery-backup", ebs: "alias/mlops-prod-recovery-backup" },
    });
  });

  it("refuses a stack without backups, and a copy drill without a recovery region", () => {
    expect(() => drillTarget("dev", eks(fixture("dev")), "primary", NOW)).toThrow(
      new DrillConfigError("stack dev has no AWS Backup plan (storage.backup.enabled is false): nothing to restore"),
    );
    const staging = fixture("staging");
    staging.storage = { ...staging.storage, backup: { enabled: true } };
    expect(() => drillTarget("staging", eks(staging), "copy", NOW)).toThrow("copies no backups to a second region");
  });
});

describe("aws CLI arguments", () => {
  it("finds the vault by the platform's tags, in the target's region", () => {
    expect(findVaultArgs(copy())).toEqual([
      "resourcegroupstaggingapi",
      "get-resources",
      "--region",
      "us-west-2",
      "--resource-type-filters",
      "backup:backup-vault",
      "--tag-filters",
      "Key=mlops.platform/cluster,Values=mlops-prod",
      "Key=mlops.platform/vault,Values=copy",
      "--query",
      "ResourceTagMappingList[].ResourceARN",
      "--output",
      "json",
    ]);
    expect(vaultNameOf("arn:aws:backup:us-west-2:111122223333:backup-vault:mlops-prod-recovery")).toBe("mlops-prod-recovery");
    expect(() => vaultNameOf("arn:aws:s3:::bucket")).toThrow("not a backup vault ARN");
    expect(listPointsArgs(prod(), "v")).toEqual([
      "backup",
      "list-recovery-points-by-backup-vault",
      "--region",
      "us-east-1",
      "--backup-vault-name",
      "v",
      "--output",
      "json",
    ]);
  });

  it("starts a restore job with the point, the role, the type, an idempotency token and the metadata as JSON", () => {
    const args = startRestoreArgs(prod(), { RecoveryPointArn: "arn:rp", ResourceType: "EFS" }, "arn:role", { newFileSystem: "true" });
    expect(args).toEqual([
      "backup",
      "start-restore-job",
      "--region",
      "us-east-1",
      "--recovery-point-arn",
      "arn:rp",
      "--iam-role-arn",
      "arn:role",
      "--resource-type",
      "EFS",
      "--idempotency-token",
      "drill-202611220345-efs",
      "--metadata",
      '{"newFileSystem":"true"}',
    ]);
    expect(shellLine(args.slice(-2))).toBe(`aws --metadata '{"newFileSystem":"true"}'`);
    expect(shellLine(["x", "it's"])).toBe(`aws x 'it'\\''s'`);
  });
});

describe("recovery point choice", () => {
  it("takes the newest COMPLETED point of each type and reports an expected type that has none", () => {
    const points = [
      point("RDS", "2026-11-20T03:00:00Z"),
      point("RDS", "2026-11-21T03:00:00Z"),
      point("RDS", "2026-11-22T03:00:00Z", "PARTIAL"),
      point("EBS", "2026-11-21T03:10:00Z"),
      point("DynamoDB", "2026-11-21T03:10:00Z"),
    ];
    const { chosen, missing } = latestPoints(points, ["EFS", "EBS", "RDS"]);
    expect(chosen.map((p) => `${p.ResourceType}@${p.CreationDate}`)).toEqual(["EBS@2026-11-21T03:10:00Z", "RDS@2026-11-21T03:00:00Z"]);
    expect(missing).toEqual(["EFS"]);
  });
});

describe("restore metadata per type", () => {
  it("EFS: a new, encrypted file system under the files key, from the saved file system id", () => {
    expect(restoreMetadata("EFS", { "file-system-id": "fs-0abc", PerformanceMode: "generalPurpose" }, prod())).toEqual({
      "file-system-id": "fs-0abc",
      newFileSystem: "true",
      Encrypted: "true",
      KmsKeyId: "alias/mlops-prod-files",
      PerformanceMode: "generalPurpose",
      CreationToken: "mlops-prod-drill-202611220345",
    });
  });

  it("EBS: the saved settings, encrypted under the ebs key; an AZ of the recovery region for a copy", () => {
    const saved = { availabilityZone: "us-east-1b", volumeType: "gp3", volumeSize: "100" };
    expect(restoreMetadata("EBS", saved, prod())).toEqual({ ...saved, encrypted: "true", kmsKeyId: "alias/mlops-prod-ebs" });
    expect(restoreMetadata("EBS", saved, copy())).toMatchObject({ availabilityZone: "us-west-2a", kmsKeyId: "alias/mlops-prod-recovery-backup" });
  });

  it("RDS: a new instance under a scratch identifier, single-AZ, deletable; the source region's network, parameter and option groups and key dropped in the recovery region", () => {
    const saved = {
      DBInstanceIdentifier: "mlops-prod-postgres",
      DBSubnetGroupName: "sg-db",
      VpcSecurityGroupIds: '["sg-1"]',
      DBParameterGroupName: "mlops-prod-postgres-tls",
      OptionGroupName: "default:postgres-16",
      KmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/src",
      Engine: "postgres",
    };
    expect(restoreMetadata("RDS", saved, prod())).toEqual({
      ...saved,
      DBInstanceIdentifier: "mlops-prod-postgres-drill-202611220345",
      MultiAZ: "false",
      DeletionProtection: "false",
    });
    expect(Object.keys(restoreMetadata("RDS", saved, copy())).sort()).toEqual(["DBInstanceIdentifier", "DeletionProtection", "Engine", "MultiAZ"]);
  });

  it("scratch names stay within the limit and never end in a hyphen", () => {
    const long = "a".repeat(70);
    expect(scratchName(long, "drill-202611220345")).toHaveLength(63);
    expect(scratchName(long, "drill-202611220345").endsWith("-drill-202611220345")).toBe(true);
    expect(scratchName("db", "drill-1")).toBe("db-drill-1");
    expect(drillSuffix(new Date("2027-01-02T09:05:59Z"))).toBe("drill-202701020905");
  });
});

describe("jobs and clean-up", () => {
  it("reads describe-restore-job's Status", () => {
    expect(["PENDING", "RUNNING", "COMPLETED", "ABORTED", "FAILED"].map(jobState)).toEqual(["running", "running", "completed", "failed", "failed"]);
  });

  it("prints, never runs, how to delete what the drill made", () => {
    expect(cleanupCommand(prod(), "RDS", "arn:aws:rds:us-east-1:1:db:mlops-prod-postgres-drill-1")).toEqual([
      "rds",
      "delete-db-instance",
      "--region",
      "us-east-1",
      "--db-instance-identifier",
      "mlops-prod-postgres-drill-1",
      "--skip-final-snapshot",
    ]);
    expect(cleanupCommand(prod(), "EFS", "arn:aws:elasticfilesystem:us-east-1:1:file-system/fs-0abc")).toContain("fs-0abc");
    expect(cleanupCommand(prod(), "EBS", "arn:aws:ec2:us-east-1:1:volume/vol-0abc")).toEqual([
      "ec2",
      "delete-volume",
      "--region",
      "us-east-1",
      "--volume-id",
      "vol-0abc",
    ]);
  });
});

describe("command line and dry run", () => {
  it("parses --stack, --from and --execute strictly", () => {
    expect(parseDrillArgs(["--stack", "prod"])).toMatchObject({ stack: "prod", from: "primary", execute: false });
    expect(parseDrillArgs(["--stack", "prod", "--from", "copy", "--execute"])).toMatchObject({ from: "copy", execute: true });
    expect(() => parseDrillArgs([])).toThrow(new UsageError("--stack is required"));
    expect(() => parseDrillArgs(["--stack", "prod", "--from", "elsewhere"])).toThrow("--from elsewhere: use primary or copy");
    expect(() => parseDrillArgs(["--stack", "prod", "dev"])).toThrow(UsageError);
  });

  it("prints a start-restore-job per expected type, each with its scratch name", () => {
    const lines = dryRun(prod());
    const starts = lines.filter((l) => l.startsWith("aws backup start-restore-job"));
    expect(starts).toHaveLength(3);
    expect(starts.map((l) => l.match(/--resource-type (\w+)/)?.[1])).toEqual(["EFS", "EBS", "RDS"]);
    expect(starts[2]).toContain('"DBInstanceIdentifier":"mlops-prod-postgres-drill-202611220345"');
  });
});
