/** The services section of a stack: schema, rules by cluster kind and by tier. */
import { describe, it, expect } from "vitest";
import { serviceProblems, SERVICE_TIER_DEFAULTS } from "../../config/services";
import { expectProblem, expectValid, fixture, problemsOf, type FixtureStack } from "../config/fixtures";

const STACKS: FixtureStack[] = ["local", "dev", "staging", "prod"];
const RDS_SETTING = "is an RDS setting (EKS); an existing cluster runs CloudNativePG: set instances and storageGiB";

/** Every problem reported under `services.` or for a team's services/monitors, to check nothing else fires. */
const serviceRelated = (cfg: Record<string, unknown>) =>
  problemsOf(cfg).filter(
    (p) => p.path.startsWith("services.") || /^teams\[\d+\]\.(services|modelMonitors)/.test(p.path) || p.path.startsWith("storage.objectStore"),
  );

describe("the fixture stacks", () => {
  it.each(STACKS)("%s validates with its services section and model monitors", (stack) => {
    expectValid(fixture(stack));
  });
});

describe("services schema", () => {
  it("rejects an unknown key in services and in services.database", () => {
    const cfg = fixture("prod");
    cfg.services.airflow = { enabled: true };
    cfg.services.database.engine = "aurora";
    const problems = problemsOf(cfg);
    expect(problems).toContainEqual({ path: "services.airflow", message: "unknown key" });
    expect(problems).toContainEqual({ path: "services.database.engine", message: "unknown key" });
  });

  it("rejects an instance class that is not db.<family>.<size>", () => {
    const cfg = fixture("prod");
    cfg.services.database.instanceClass = "r7g.large";
    expectProblem(cfg, "services.database.instanceClass", "is not an RDS instance class such as db.t4g.medium");
  });

  it("rejects a node type that is not cache.<family>.<size>", () => {
    const cfg = fixture("prod");
    cfg.services.feast.onlineStore.nodeType = "r7g.large";
    expectProblem(cfg, "services.feast.onlineStore.nodeType", "is not an ElastiCache node type such as cache.t4g.small");
  });

  it("rejects a KServe mode other than standard or serverless", () => {
    const cfg = fixture("prod");
    cfg.services.kserve.mode = "knative";
    expectProblem(cfg, "services.kserve.mode", '"knative" is not one of: standard, serverless');
  });

  it.each([
    ["database.storageGiB", (c: any) => (c.services.database.storageGiB = 0), "is below the minimum 1"],
    ["database.maxStorageGiB", (c: any) => (c.services.database.maxStorageGiB = 19), "is below the minimum 20"],
    ["database.backupRetentionDays", (c: any) => (c.services.database.backupRetentionDays = 36), "is above the maximum 35"],
    ["database.backupRetentionDays", (c: any) => (c.services.database.backupRetentionDays = 0), "is below the minimum 1"],
    ["mlflow.replicas", (c: any) => (c.services.mlflow.replicas = 0), "is below the minimum 1"],
    ["mlflow.replicas", (c: any) => (c.services.mlflow.replicas = 11), "is above the maximum 10"],
    ["feast.onlineStore.nodes", (c: any) => (c.services.feast.onlineStore.nodes = 7), "is above the maximum 6"],
    ["database.storageGiB", (c: any) => (c.services.database.storageGiB = 100.5), "100.5 is not a whole number"],
  ])("bounds services.%s (%#)", (key, breakIt, message) => {
    const cfg = fixture("prod");
    breakIt(cfg);
    expectProblem(cfg, `services.${key}`, message);
  });

  it("bounds CloudNativePG instances at 1..9", () => {
    const cfg = fixture("local");
    cfg.services.database.instances = 10;
    expectProblem(cfg, "services.database.instances", "is above the maximum 9");
    cfg.services.database.instances = 0;
    expectProblem(cfg, "services.database.instances", "is below the minimum 1");
  });

  it("rejects a non-boolean enabled switch", () => {
    const cfg = fixture("prod");
    cfg.services.evidently = { enabled: "yes" };
    expectProblem(cfg, "services.evidently.enabled", 'should be true or false, but is the text "yes"');
  });
});

describe("services rules that depend on the cluster kind", () => {
  it.each(["instanceClass", "maxStorageGiB", "multiAz", "backupRetentionDays"] as const)("an existing cluster rejects the RDS setting %s", (key) => {
    const cfg = fixture("local");
    cfg.services.database[key] = { instanceClass: "db.t4g.medium", maxStorageGiB: 100, multiAz: true, backupRetentionDays: 7 }[key];
    expectProblem(cfg, `services.database.${key}`, RDS_SETTING);
  });

  it("EKS rejects the CloudNativePG setting instances", () => {
    const cfg = fixture("dev");
    cfg.services.database.instances = 2;
    expectProblem(cfg, "services.database.instances", "is a CloudNativePG setting (existing clusters); RDS uses multiAz");
  });

  it("EKS rejects storage below RDS's 20 GiB minimum; an existing cluster takes less", () => {
    const cfg = fixture("dev");
    cfg.services.database.storageGiB = 19;
    expectProblem(cfg, "services.database.storageGiB", "19 GiB is below RDS's minimum of 20 GiB for gp3");
    cfg.services.database.storageGiB = 20;
    expectValid(cfg);
    const local = fixture("local");
    expect(local.services.database.storageGiB).toBe(10);
    expectValid(local);
  });

  it("an existing cluster rejects an ElastiCache node type", () => {
    const cfg = fixture("local");
    cfg.services.feast = { onlineStore: { nodeType: "cache.t4g.small" } };
    expectProblem(cfg, "services.feast.onlineStore.nodeType", "is an ElastiCache setting (EKS); an existing cluster runs Redis in-cluster");
  });
});

describe("services rules of the tier", () => {
  it("rejects an autoscaling ceiling below the allocated storage, equal is fine", () => {
    const cfg = fixture("prod");
    cfg.services.database.maxStorageGiB = 99;
    expectProblem(cfg, "services.database.maxStorageGiB", "99 is below storageGiB; the autoscaling ceiling must be at least the allocated storage");
    cfg.services.database.maxStorageGiB = 100;
    expectValid(cfg);
  });

  it("compares the ceiling with the tier's default storage when storageGiB is not set", () => {
    const cfg = fixture("prod");
    delete cfg.services.database.storageGiB;
    cfg.services.database.maxStorageGiB = SERVICE_TIER_DEFAULTS.prod.storageGiB - 1;
    expectProblem(cfg, "services.database.maxStorageGiB", `${SERVICE_TIER_DEFAULTS.prod.storageGiB - 1} is below storageGiB`);
    cfg.services.database.maxStorageGiB = SERVICE_TIER_DEFAULTS.prod.storageGiB;
    expectValid(cfg);
  });

  it("prod runs the database Multi-AZ; dev may not", () => {
    const cfg = fixture("prod");
    cfg.services.database.multiAz = false;
    expectProblem(cfg, "services.database.multiAz", "prod runs the database Multi-AZ (DB-05)");
    const dev = fixture("dev");
    expect(dev.services.database.multiAz).toBe(false);
    expectValid(dev);
  });

  it("prod keeps database backups at least 7 days", () => {
    const cfg = fixture("prod");
    cfg.services.database.backupRetentionDays = 6;
    expectProblem(cfg, "services.database.backupRetentionDays", "6 is below the 7 days prod keeps database backups (DB-03)");
    cfg.services.database.backupRetentionDays = 7;
    expectValid(cfg);
    const dev = fixture("dev");
    dev.services.database.backupRetentionDays = 1;
    expectValid(dev);
  });

  it("prod on an existing cluster runs at least 2 Postgres instances and 2 MLflow replicas", () => {
    const cfg = fixture("local");
    cfg.environment = "prod";
    expect(serviceRelated(cfg)).toEqual([
      { path: "services.database.instances", message: "prod runs at least 2 Postgres instances" },
      { path: "services.mlflow.replicas", message: "prod runs at least 2 MLflow replicas" },
    ]);
    cfg.services.database.instances = 2;
    cfg.services.mlflow.replicas = 2;
    // Prod also lists its image registries (config/guardrails.ts).
    cfg.guardrails = { imageRegistries: ["registry.example.com"] };
    // And signs people in with the company's IdP, its certificate from a real CA (no Dex, no self-signed CA).
    cfg.access.identityProvider = fixture("dev").access.identityProvider;
    cfg.access.tls = { issuer: { kind: "ClusterIssuer", name: "corp-ca" } };
    // And tells someone of its alerts (config/alerting.ts).
    cfg.alerting = { receivers: [{ name: "platform", kind: "webhook" }], platform: { receiver: "platform" } };
    expectValid(cfg);
  });

  it("prod needs 2 online-store nodes for failover; dev runs one", () => {
    const cfg = fixture("prod");
    cfg.services.feast.onlineStore.nodes = 1;
    expectProblem(cfg, "services.feast.onlineStore.nodes", "prod needs at least 2 nodes for automatic failover across AZs (DB-05)");
    const dev = fixture("dev");
    expect(dev.services.feast.onlineStore.nodes).toBe(1);
    expectValid(dev);
  });

  it("prod rejects a single MLflow replica", () => {
    const cfg = fixture("prod");
    cfg.services.mlflow.replicas = 1;
    expectProblem(cfg, "services.mlflow.replicas", "prod runs at least 2 MLflow replicas");
  });

  it.each(["serverless", "standard"])("rejects the %s mode on a disabled KServe", (mode) => {
    const cfg = fixture("staging");
    cfg.services.kserve = { enabled: false, mode };
    cfg.teams[0].services = cfg.teams[0].services.filter((s: string) => s !== "kserve");
    expect(serviceRelated(cfg)).toEqual([{ path: "services.kserve.mode", message: "is set but KServe is disabled" }]);
  });

  it("serviceProblems reports nothing for an absent section", () => {
    for (const env of ["local", "dev", "staging", "prod"] as const) {
      expect(serviceProblems(undefined, env, env !== "local")).toEqual([]);
    }
  });
});
