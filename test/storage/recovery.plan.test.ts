/**
 * Recovery in a second region under the offline plan: prod's fixture names us-west-2, so its backups are copied to a
 * vault there under a key there, its RDS backups are replicated there, and its models bucket has a replica there;
 * a vault lock variant locks both vaults; dev, without a recovery region, has none of it.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { replicaBucketName, replicaLogBucketName } from "../../domain/storage-naming";
import type { PlanResult } from "../../scripts/plan/run";
import { clone, fixtureStack, stackConfig } from "../helpers/stack";
import { input, ofType, one, plan, type Res } from "../components/plan-query";

const T = {
  key: "aws:kms/key:Key",
  alias: "aws:kms/alias:Alias",
  vault: "aws:backup/vault:Vault",
  plan: "aws:backup/plan:Plan",
  lock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  rdsReplica: "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
  bucket: "aws:s3/bucket:Bucket",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
} as const;
const RECOVERY = "us-west-2";
const ACCOUNT = "<computed:account-id>";

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  plans.prod = await plan("prod");
  plans.dev = await plan("dev");
  const locked = clone(fixtureStack("prod")) as any;
  locked.storage.backup.vaultLock = { minRetentionDays: 7, maxRetentionDays: 400, changeableForDays: 3 };
  plans.locked = await plan("prod", stackConfig(locked));
});

const inRecovery = (p: PlanResult) => p.resources.filter((r) => r.custom && r.inputs.region === RECOVERY);
const statefulIn = (r: Res) =>
  expect({ name: r.name, protect: r.protect, retainOnDelete: r.retainOnDelete }).toEqual({ name: r.name, protect: true, retainOnDelete: true });

describe("the recovery region's keys (prod)", () => {
  it("one key per data class there, rotated, protected, each with its alias there", () => {
    const keys = ofType(plans.prod, T.key).filter((k) => k.inputs.region === RECOVERY);
    expect(keys.map((k) => k.name).sort()).toEqual(["mlops-prod-recovery-backup", "mlops-prod-recovery-databases", "mlops-prod-recovery-s3"]);
    for (const key of keys) {
      expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
      statefulIn(key);
      expect(one(plans.prod, T.alias, key.name).inputs).toMatchObject({ region: RECOVERY, name: `alias/${key.name}` });
    }
  });
});

describe("AWS Backup copy (prod)", () => {
  it("a copy vault in the recovery region under its key there, named and tagged for the drill", () => {
    const copy = one(plans.prod, T.vault, "storage-backup-copy");
    expect(copy.inputs).toMatchObject({
      region: RECOVERY,
      name: "mlops-prod-recovery",
      kmsKeyArn: "<computed:mlops-prod-recovery-backup.arn>",
      tags: { "mlops.platform/cluster": "mlops-prod", "mlops.platform/vault": "copy" },
    });
    statefulIn(copy);
    expect(one(plans.prod, T.vault, "storage-backup").inputs).toMatchObject({ tags: { "mlops.platform/vault": "primary" } });
  });

  it("the daily rule copies every recovery point there, kept as long as the copy says", () => {
    expect(input(one(plans.prod, T.plan, "storage-backup"), "rules")).toEqual([
      {
        ruleName: "daily",
        targetVaultName: "<computed:storage-backup.name>",
        schedule: "cron(0 3 * * ? *)",
        lifecycle: { deleteAfter: 35 },
        copyActions: [{ destinationVaultArn: "<computed:storage-backup-copy.arn>", lifecycle: { deleteAfter: 35 } }],
      },
    ]);
  });

  it("no vault lock unless configured", () => {
    expect(ofType(plans.prod, T.lock)).toEqual([]);
  });

  it("a configured lock locks both vaults, each in its region, protected", () => {
    const locks = ofType(plans.locked, T.lock);
    expect(locks.map((l) => l.name).sort()).toEqual(["storage-backup", "storage-backup-copy"]);
    const settings = { minRetentionDays: 7, maxRetentionDays: 400, changeableForDays: 3 };
    expect(one(plans.locked, T.lock, "storage-backup").inputs).toMatchObject({ backupVaultName: "<computed:storage-backup.name>", ...settings });
    expect(one(plans.locked, T.lock, "storage-backup").inputs.region).toBeUndefined();
    expect(one(plans.locked, T.lock, "storage-backup-copy").inputs).toMatchObject({ region: RECOVERY, ...settings });
    locks.forEach(statefulIn);
  });
});

describe("RDS automated backups replication (prod)", () => {
  it("each RDS instance's backups go to the recovery region under its databases key there, kept 14 days", () => {
    const replicas = ofType(plans.prod, T.rdsReplica);
    expect(replicas.map((r) => r.name).sort()).toEqual(["services-pipelines-mysql", "services-postgres"]);
    for (const r of replicas) {
      expect(r.inputs).toEqual({
        region: RECOVERY,
        sourceDbInstanceArn: `<computed:${r.name}.arn>`,
        kmsKeyId: "<computed:mlops-prod-recovery-databases.arn>",
        retentionPeriod: 14,
      });
      statefulIn(r);
    }
  });
});

describe("models bucket replica (prod)", () => {
  it("a hardened replica bucket there under the recovery s3 key", () => {
    const replica = one(plans.prod, T.bucket, "storage-models-replica");
    expect(replica.inputs).toMatchObject({ region: RECOVERY, bucket: replicaBucketName("mlops-prod", ACCOUNT), forceDestroy: false });
    statefulIn(replica);
    expect(input(one(plans.prod, T.sse, "storage-models-replica"), "rules")).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "<computed:mlops-prod-recovery-s3.arn>" }, bucketKeyEnabled: true },
    ]);
  });

  it("one replication rule on the models bucket: KMS objects, the replica's class and key, no delete markers", () => {
    const config = one(plans.prod, T.replication, "storage-models-replica");
    expect(config.inputs.bucket).toBe(`mlops-prod-models-${ACCOUNT}`);
    expect(config.inputs.rules).toEqual([
      {
        id: "models-to-recovery-region",
        status: "Enabled",
        priority: 1,
        filter: {},
        deleteMarkerReplication: { status: "Disabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: "<computed:storage-models-replica.arn>",
          storageClass: "STANDARD_IA",
          encryptionConfiguration: { replicaKmsKeyId: "<computed:mlops-prod-recovery-s3.arn>" },
        },
      },
    ]);
    // Versioning on both buckets first, and the role's rights.
    expect(config.dependsOn.some((urn) => urn.endsWith("::storage-buckets-models"))).toBe(true);
    expect(config.dependsOn.some((urn) => urn.endsWith("::storage-models-replica"))).toBe(true);
  });

  it("the replica logs to its own log bucket in the recovery region (S3 logs only within a region)", () => {
    expect(one(plans.prod, "aws:s3/bucketLogging:BucketLogging", "storage-models-replica").inputs).toEqual({
      region: RECOVERY,
      bucket: replicaBucketName("mlops-prod", ACCOUNT),
      targetBucket: replicaLogBucketName("mlops-prod", ACCOUNT),
      targetPrefix: "models-replica/",
    });
  });

  it("the replication role reads only the models bucket, writes only the replica, each key only through S3 in its region", () => {
    const doc = JSON.parse(String(one(plans.prod, T.rolePolicy, "storage-models-replica-replication").inputs.policy));
    const resources = doc.Statement.flatMap((st: any) => [st.Resource].flat());
    expect(resources).not.toContain("*");
    const via = doc.Statement.filter((st: any) => String(st.Action).startsWith("kms:")).map((st: any) => st.Condition.StringEquals["kms:ViaService"]);
    expect(via).toEqual(["s3.us-east-1.amazonaws.com", `s3.${RECOVERY}.amazonaws.com`]);
  });

  it("every resource in the recovery region is found", () => {
    const there = inRecovery(plans.prod);
    expect(there.length).toBeGreaterThan(15);
    expect(there.filter((r) => r.name.startsWith("storage-models-replica")).length).toBeGreaterThanOrEqual(12);
  });
});

describe("dev without a recovery region", () => {
  it("has nothing in a second region", () => {
    expect(inRecovery(plans.dev)).toEqual([]);
    expect(ofType(plans.dev, T.rdsReplica)).toEqual([]);
    expect(ofType(plans.dev, T.replication)).toEqual([]);
  });
});
