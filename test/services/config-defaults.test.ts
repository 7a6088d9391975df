/** The `services` section's tier defaults (resolveServices) and serviceEnabled. */
import { describe, it, expect } from "vitest";
import { resolveServices, serviceEnabled, type ServicesInput } from "../../config/services";
import { fixture, validate } from "../config/fixtures";

describe("tier defaults (resolveServices)", () => {
  it.each([
    [
      "dev",
      { kind: "rds", instanceClass: "db.t4g.medium", storageGiB: 20, maxStorageGiB: 80, multiAz: false, backupRetentionDays: 7 },
      1,
      { nodeType: "cache.t4g.small", nodes: 1 },
    ],
    [
      "staging",
      { kind: "rds", instanceClass: "db.t4g.large", storageGiB: 50, maxStorageGiB: 200, multiAz: true, backupRetentionDays: 7 },
      2,
      { nodeType: "cache.t4g.medium", nodes: 2 },
    ],
    [
      "prod",
      { kind: "rds", instanceClass: "db.r7g.large", storageGiB: 100, maxStorageGiB: 400, multiAz: true, backupRetentionDays: 14 },
      2,
      { nodeType: "cache.r7g.large", nodes: 2 },
    ],
  ] as const)("%s on EKS: RDS, replicas and online store from the tier", (env, database, replicas, onlineStore) => {
    const s = resolveServices(undefined, env, true);
    expect(s.database).toEqual(database);
    expect(s.mlflow).toEqual({ enabled: true, replicas });
    expect(s.feast).toEqual({ enabled: true, onlineStore });
  });

  it("local (existing cluster): one CloudNativePG instance of 20 GiB and one MLflow replica", () => {
    const s = resolveServices(undefined, "local", false);
    expect(s.database).toEqual({ kind: "in-cluster", instances: 1, storageGiB: 20 });
    expect(s.mlflow.replicas).toBe(1);
  });

  it("the database kind follows the cluster kind, not the environment", () => {
    expect(resolveServices(undefined, "prod", false).database).toMatchObject({ kind: "in-cluster", instances: 3 });
    expect(resolveServices(undefined, "dev", true).database?.kind).toBe("rds");
  });

  it("runs all five services by default, KServe in standard mode", () => {
    const s = resolveServices(undefined, "dev", true);
    expect([s.mlflow.enabled, s.feast.enabled, s.pipelines.enabled, s.kserve.enabled, s.evidently.enabled]).toEqual([true, true, true, true, true]);
    expect(s.kserve.mode).toBe("standard");
    expect(resolveServices({ kserve: { mode: "serverless" } }, "dev", true).kserve).toEqual({ enabled: true, mode: "serverless" });
  });

  it("sets the storage ceiling to 4× the storage unless given", () => {
    expect(resolveServices({ database: { storageGiB: 50 } }, "dev", true).database).toMatchObject({ storageGiB: 50, maxStorageGiB: 200 });
    expect(resolveServices({ database: { storageGiB: 50, maxStorageGiB: 60 } }, "dev", true).database).toMatchObject({ storageGiB: 50, maxStorageGiB: 60 });
  });

  it("explicit values win over the tier", () => {
    const s = resolveServices(
      { database: { instanceClass: "db.m7g.xlarge", multiAz: true, backupRetentionDays: 30 }, mlflow: { replicas: 3 }, feast: { onlineStore: { nodes: 3 } } },
      "dev",
      true,
    );
    expect(s.database).toMatchObject({ instanceClass: "db.m7g.xlarge", multiAz: true, backupRetentionDays: 30 });
    expect(s.mlflow.replicas).toBe(3);
    expect(s.feast.onlineStore).toEqual({ nodeType: "cache.t4g.small", nodes: 3 });
    expect(resolveServices({ database: { instances: 3, storageGiB: 8 } }, "local", false).database).toEqual({
      kind: "in-cluster",
      instances: 3,
      storageGiB: 8,
    });
  });

  const off = { enabled: false };
  it("has no database when only KServe runs", () => {
    expect(resolveServices({ mlflow: off, feast: off, pipelines: off, evidently: off }, "prod", true).database).toBeUndefined();
    expect(resolveServices({ mlflow: off, feast: off, pipelines: off, evidently: off }, "local", false).database).toBeUndefined();
  });

  it.each(["mlflow", "feast", "pipelines", "evidently"] as const)("keeps the database when %s alone runs", (service) => {
    const input: ServicesInput = { mlflow: off, feast: off, pipelines: off, evidently: off, kserve: off, [service]: { enabled: true } };
    expect(resolveServices(input, "prod", true).database).toMatchObject({ kind: "rds" });
  });

  it("resolves the prod stack file end to end", () => {
    const result = validate(fixture("prod"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.services).toEqual({
      database: {
        kind: "rds",
        instanceClass: "db.r7g.large",
        storageGiB: 100,
        maxStorageGiB: 1000,
        multiAz: true,
        backupRetentionDays: 14,
        // The automated backups' replica in storage.backup.recoveryRegion, on by default in prod.
        backupReplication: { region: "us-west-2", retentionDays: 14 },
      },
      mlflow: { enabled: true, replicas: 2 },
      feast: { enabled: true, onlineStore: { nodeType: "cache.r7g.large", nodes: 2 } },
      pipelines: { enabled: true },
      kserve: { enabled: true, mode: "standard" },
      evidently: { enabled: true },
    });
  });

  it("resolves the local stack end to end to an in-cluster database", () => {
    const result = validate(fixture("local"));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.services.database).toEqual({ kind: "in-cluster", instances: 1, storageGiB: 10 });
  });
});

describe("serviceEnabled", () => {
  it("answers per service, and false for names that are not services", () => {
    const s = resolveServices({ feast: { enabled: false } }, "dev", true);
    expect(serviceEnabled(s, "mlflow")).toBe(true);
    expect(serviceEnabled(s, "feast")).toBe(false);
    expect(serviceEnabled(s, "database")).toBe(false);
    expect(serviceEnabled(s, "airflow")).toBe(false);
  });
});
