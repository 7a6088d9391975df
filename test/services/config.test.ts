/**
 * The `services` section and the teams' model monitors: schema and semantic rules (each rejection with its
 * path and message, starting from a fixture stack and breaking one field), tier defaults, and the rules that
 * tie teams, services and the in-cluster object store together.
 */
import { describe, it, expect } from "vitest";
import { serviceProblems, SERVICE_TIER_DEFAULTS } from "../../config/services";
import { expectProblem, expectValid, fixture, problemsOf, validate, type FixtureStack } from "../config/fixtures";

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

describe("teams and the services of their stack", () => {
  it("rejects a team opting into a service the stack disabled, at the service's index", () => {
    const cfg = fixture("prod");
    expect(cfg.teams[0].services).toEqual(["mlflow", "feast", "pipelines", "kserve", "evidently"]);
    cfg.services.feast.enabled = false;
    expect(serviceRelated(cfg)).toEqual([{ path: "teams[0].services[1]", message: '"feast" is not enabled in this stack (services.feast.enabled)' }]);
  });

  it("reports every team that opts into a disabled service", () => {
    const cfg = fixture("prod");
    cfg.services.mlflow = { enabled: false };
    const paths = serviceRelated(cfg).map((p) => p.path);
    expect(paths).toEqual(["teams[0].services[0]", "teams[1].services[0]", "teams[2].services[0]"]);
  });

  it("accepts the opt-in again once the service is enabled (enabled: true or left out)", () => {
    const cfg = fixture("prod");
    cfg.services.feast.enabled = true;
    expectValid(cfg);
  });

  it("rejects a service name that is not a platform service", () => {
    const cfg = fixture("prod");
    cfg.teams[1].services.push("airflow");
    expectProblem(cfg, "teams[1].services[2]", '"airflow" is not one of: mlflow, feast, pipelines, kserve, evidently');
  });

  it("rejects model monitors on a team that did not opt into evidently", () => {
    const cfg = fixture("prod");
    cfg.teams[0].services = ["mlflow", "feast", "pipelines", "kserve"];
    expect(serviceRelated(cfg)).toEqual([{ path: "teams[0].modelMonitors", message: 'needs the team to opt into "evidently" (teams[].services)' }]);
  });

  it("with Evidently disabled, the opt-in itself is the problem", () => {
    const cfg = fixture("prod");
    cfg.services.evidently = { enabled: false };
    expect(serviceRelated(cfg)).toEqual([{ path: "teams[0].services[4]", message: '"evidently" is not enabled in this stack (services.evidently.enabled)' }]);
  });

  it("an empty modelMonitors list needs no evidently", () => {
    const cfg = fixture("prod");
    cfg.teams[0].services = ["mlflow"];
    cfg.teams[0].modelMonitors = [];
    expectValid(cfg);
  });
});

describe("modelMonitors", () => {
  const withMonitor = (change: (m: any) => void) => {
    const cfg = fixture("prod");
    change(cfg.teams[0].modelMonitors[0]);
    return cfg;
  };

  it("rejects a duplicate monitor name within a team, pointing at the second", () => {
    const cfg = fixture("prod");
    cfg.teams[0].modelMonitors.push({ name: "ranking", reference: "other/a.parquet", current: "other/b.parquet" });
    expect(serviceRelated(cfg)).toEqual([{ path: "teams[0].modelMonitors[1].name", message: '"ranking" duplicates modelMonitors[0].name' }]);
  });

  it("allows the same monitor name in two teams", () => {
    const cfg = fixture("prod");
    cfg.teams[1].services.push("evidently");
    cfg.teams[1].modelMonitors = [{ name: "ranking", reference: "r/a.parquet", current: "r/b.parquet" }];
    expectValid(cfg);
  });

  it("rejects comparing the reference dataset with itself", () => {
    const cfg = withMonitor((m) => (m.current = m.reference));
    expect(serviceRelated(cfg)).toEqual([
      { path: "teams[0].modelMonitors[0].current", message: "is the reference dataset itself; drift compares two different datasets" },
    ]);
  });

  it("rejects a name that is not a DNS label", () => {
    expectProblem(
      withMonitor((m) => (m.name = "Ranking_V2")),
      "teams[0].modelMonitors[0].name",
      "is not a DNS-1123 label",
    );
  });

  it("rejects a schedule that is not five cron fields", () => {
    expectProblem(
      withMonitor((m) => (m.schedule = "0 * *")),
      "teams[0].modelMonitors[0].schedule",
      'is not a five-field cron schedule such as "0 * * * *"',
    );
    expectProblem(
      withMonitor((m) => (m.schedule = "0 * * * * *")),
      "teams[0].modelMonitors[0].schedule",
      "is not a five-field cron schedule",
    );
  });

  it("accepts the descriptors a CronJob knows", () => {
    expectValid(withMonitor((m) => (m.schedule = "@daily")));
    expectValid(withMonitor((m) => (m.schedule = "@every 6h")));
  });

  it.each(["ranking/training.json", "/ranking/training.parquet", "s3://bucket/x.parquet", "Ranking/training.parquet"])(
    "rejects the dataset path %s",
    (path) => {
      expectProblem(
        withMonitor((m) => (m.reference = path)),
        "teams[0].modelMonitors[0].reference",
        'is not a .parquet or .csv path below the team prefix such as "churn/reference.parquet"',
      );
    },
  );

  it("rejects a dataset path that leaves the team prefix", () => {
    expectProblem(
      withMonitor((m) => (m.current = "ranking/../../other-team/data.csv")),
      "teams[0].modelMonitors[0].current",
      "must not leave the team prefix (..)",
    );
  });

  it("accepts .csv and nested paths", () => {
    expectValid(withMonitor((m) => (m.current = "ranking/2026-11/day_1.v2.csv")));
  });

  it("takes a drift share threshold in (0, 1]", () => {
    expectProblem(
      withMonitor((m) => (m.driftShareThreshold = 0)),
      "teams[0].modelMonitors[0].driftShareThreshold",
      "0 must be greater than 0",
    );
    expectProblem(
      withMonitor((m) => (m.driftShareThreshold = 1.01)),
      "teams[0].modelMonitors[0].driftShareThreshold",
      "is above the maximum 1",
    );
    expectValid(withMonitor((m) => (m.driftShareThreshold = 1)));
  });

  it("rejects an unknown key in a monitor", () => {
    expectProblem(
      withMonitor((m) => (m.bucket = "models")),
      "teams[0].modelMonitors[0].bucket",
      "unknown key",
    );
  });

  it("resolves schedule and threshold defaults", () => {
    const cfg = fixture("local");
    const result = validate(cfg);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.teams[0].modelMonitors).toEqual([
      { name: "churn", schedule: "0 * * * *", reference: "churn/reference.parquet", current: "churn/current.parquet", driftShareThreshold: 0.5 },
    ]);
  });
});

describe("extra RBAC rules on External Secrets", () => {
  it.each(["external-secrets.io", "generators.external-secrets.io"])("rejects apiGroup %s, which could read the platform's credentials", (group) => {
    const cfg = fixture("prod");
    cfg.teams[1].rbac = { extraRules: [{ role: "edit", apiGroups: ["batch", group], resources: ["externalsecrets"], verbs: ["create"] }] };
    expect(problemsOf(cfg)).toEqual([
      {
        path: "teams[1].rbac.extraRules[0].apiGroups[1]",
        message: `"${group}" is the platform's: ExternalSecrets in a team namespace could read the platform's credentials`,
      },
    ]);
  });

  it("accepts an extra rule on other API groups", () => {
    const cfg = fixture("prod");
    cfg.teams[1].rbac = { extraRules: [{ role: "edit", apiGroups: ["serving.kserve.io"], resources: ["inferenceservices"], verbs: ["create", "delete"] }] };
    expectValid(cfg);
  });
});

describe("the in-cluster object store and the services that keep data in it", () => {
  it("rejects turning the object store off while MLflow, Feast and Evidently run", () => {
    const cfg = fixture("local");
    cfg.storage.objectStore.enabled = false;
    expect(serviceRelated(cfg)).toEqual([
      {
        path: "storage.objectStore.enabled",
        message: "is false, but mlflow, feast, evidently keep their data in the in-cluster object store; enable it or disable them under services",
      },
    ]);
  });

  it("names only the services still enabled", () => {
    const cfg = fixture("local");
    cfg.storage.objectStore.enabled = false;
    cfg.services.feast = { enabled: false };
    expectProblem(cfg, "storage.objectStore.enabled", "is false, but mlflow, evidently keep their data");
  });

  it("accepts it off when only Pipelines and KServe run (Pipelines brings its own store)", () => {
    const cfg = fixture("local");
    cfg.storage.objectStore.enabled = false;
    cfg.services = { ...cfg.services, mlflow: { enabled: false }, feast: { enabled: false }, evidently: { enabled: false } };
    cfg.teams[0].services = ["pipelines", "kserve"];
    delete cfg.teams[0].modelMonitors;
    expectValid(cfg);
  });

  it("does not apply on EKS, where storage.objectStore is itself rejected", () => {
    const cfg = fixture("dev");
    cfg.storage = { ...cfg.storage, objectStore: { enabled: false } };
    const problems = problemsOf(cfg);
    expect(problems).toContainEqual({ path: "storage.objectStore", message: "is for existing clusters; on EKS the platform's object storage is S3" });
    expect(problems.filter((p) => p.path === "storage.objectStore.enabled")).toEqual([]);
  });
});
