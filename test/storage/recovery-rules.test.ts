/**
 * The recovery settings' rules (config/recovery.ts), one test per rule: the compliant prod fixture validates, then one
 * field is broken and exactly that rule answers at its path; and what the settings resolve to.
 */
import { describe, it, expect } from "vitest";
import type { PlatformConfig } from "../../config/defaults";
import { expectProblem, expectValid, fixture, validate, type Cfg } from "../config/fixtures";

/** The resolved config of a compliant test stack. */
function resolved(cfg: Cfg): PlatformConfig {
  const result = validate(cfg);
  expect(result.ok ? [] : result.problems).toEqual([]);
  if (!result.ok) throw new Error("the config should validate");
  return result.config;
}

describe("recovery region", () => {
  it("must differ from the stack's own region", () => {
    const cfg = fixture("prod");
    cfg.storage.backup.recoveryRegion = cfg.aws.region;
    expectProblem(cfg, "storage.backup.recoveryRegion", "is the stack's own region (us-east-1): a copy there does not outlive the region");
  });

  it("is required in prod", () => {
    const cfg = fixture("prod");
    delete cfg.storage.backup.recoveryRegion;
    delete cfg.storage.buckets.models.replication;
    expectProblem(cfg, "storage.backup.recoveryRegion", "prod copies its backups, database backups and (optionally) models to a second region");
  });

  it("is needed by a copy, a database replication or a models replica asked for outside prod", () => {
    const cfg = fixture("dev");
    cfg.storage = { ...cfg.storage, backup: { enabled: true, copy: { enabled: true } }, buckets: { models: { replication: {} } } };
    cfg.services = { ...cfg.services, database: { ...cfg.services?.database, backupReplication: { enabled: true } } };
    expectProblem(cfg, "storage.backup.copy.enabled", "the copy needs storage.backup.recoveryRegion");
    expectProblem(cfg, "storage.buckets.models.replication", "replication needs storage.backup.recoveryRegion");
    expectProblem(cfg, "services.database.backupReplication.enabled", "replication needs storage.backup.recoveryRegion");
    cfg.storage.backup.recoveryRegion = "us-west-2";
    expectValid(cfg);
  });

  it("is not an AWS region name when malformed", () => {
    const cfg = fixture("prod");
    cfg.storage.backup.recoveryRegion = "west";
    expectProblem(cfg, "storage.backup.recoveryRegion", "is not an AWS region name");
  });
});

describe("prod keeps its second copies", () => {
  it("rejects turning the copy off", () => {
    const cfg = fixture("prod");
    cfg.storage.backup.copy = { enabled: false };
    expectProblem(cfg, "storage.backup.copy.enabled", "prod keeps a copy of every recovery point in the recovery region");
  });

  it("rejects turning the database backup replication off", () => {
    const cfg = fixture("prod");
    cfg.services.database.backupReplication = { enabled: false };
    expectProblem(cfg, "services.database.backupReplication.enabled", "prod replicates the databases' automated backups to the recovery region");
  });

  it("rejects a copy or lock while AWS Backup is off", () => {
    const cfg = fixture("dev");
    cfg.storage = { ...cfg.storage, backup: { enabled: false, recoveryRegion: "us-west-2", vaultLock: { minRetentionDays: 7 } } };
    expectProblem(cfg, "storage.backup.vaultLock", "is set but AWS Backup is off (storage.backup.enabled)");
  });
});

describe("vault lock", () => {
  it("accepts a lock around the plan's and the copy's retention", () => {
    const cfg = fixture("prod");
    cfg.storage.backup.vaultLock = { minRetentionDays: 35, maxRetentionDays: 35, changeableForDays: 3 };
    expectValid(cfg);
  });

  it("rejects a maximum below the minimum", () => {
    const cfg = fixture("prod");
    cfg.storage.backup.vaultLock = { minRetentionDays: 30, maxRetentionDays: 20 };
    expectProblem(cfg, "storage.backup.vaultLock.maxRetentionDays", "20 is below minRetentionDays (30)");
  });

  it("rejects a plan retention outside the lock's range", () => {
    const cfg = fixture("prod");
    cfg.storage.backup.vaultLock = { minRetentionDays: 60 };
    expectProblem(cfg, "storage.backup.retentionDays", "the backup plan keeps recovery points 35 days, below the lock's minimum of 60");
    cfg.storage.backup.vaultLock = { minRetentionDays: 7, maxRetentionDays: 30 };
    expectProblem(cfg, "storage.backup.retentionDays", "the backup plan keeps recovery points 35 days, above the lock's maximum of 30");
  });

  it("rejects a copy retention outside the lock's range", () => {
    const cfg = fixture("prod");
    cfg.storage.backup.copy = { retentionDays: 400 };
    cfg.storage.backup.vaultLock = { minRetentionDays: 7, maxRetentionDays: 365 };
    expectProblem(cfg, "storage.backup.copy.retentionDays", "the copy keeps recovery points 400 days, above the lock's maximum of 365");
  });

  it("rejects a compliance-mode grace period shorter than AWS's 3 days", () => {
    const cfg = fixture("prod");
    cfg.storage.backup.vaultLock = { minRetentionDays: 7, changeableForDays: 2 };
    expectProblem(cfg, "storage.backup.vaultLock.changeableForDays", "is below the 3 days AWS Backup requires");
  });
});

describe("existing clusters", () => {
  it("reject the RDS backup replication", () => {
    const cfg = fixture("local");
    cfg.services = { ...cfg.services, database: { backupReplication: { enabled: true } } };
    expectProblem(cfg, "services.database.backupReplication", "is an RDS setting (EKS)");
  });
});

describe("resolved recovery settings", () => {
  it("prod copies, replicates its databases and its models to the one recovery region", () => {
    const cfg = resolved(fixture("prod"));
    expect(cfg.storage.backup.copy).toEqual({ region: "us-west-2", retentionDays: 35 });
    expect(cfg.storage.modelsReplication).toEqual({ region: "us-west-2", storageClass: "STANDARD_IA", replicateDeletes: false });
    expect(cfg.services.database).toMatchObject({ backupReplication: { region: "us-west-2", retentionDays: 14 } });
    expect(cfg.storage.backup.vaultLock).toBeUndefined();
  });

  it("outside prod a recovery region brings the copy but not the database replication or the models replica", () => {
    const input = fixture("staging");
    input.storage = { ...input.storage, backup: { enabled: true, recoveryRegion: "us-west-2", copy: { retentionDays: 90 } } };
    const cfg = resolved(input);
    expect(cfg.storage.backup.copy).toEqual({ region: "us-west-2", retentionDays: 90 });
    expect(cfg.storage.modelsReplication).toBeUndefined();
    expect(cfg.services.database).toMatchObject({ kind: "rds" });
    expect(cfg.services.database).not.toHaveProperty("backupReplication.region");
  });
});
