/** Teams and the services of their stack: opt-ins, drift monitors, extra RBAC on External Secrets, the in-cluster object store. */
import { describe, it, expect } from "vitest";
import { expectProblem, expectValid, fixture, problemsOf, validate } from "../config/fixtures";

/** Every problem reported under `services.` or for a team's services/monitors, to check nothing else fires. */
const serviceRelated = (cfg: Record<string, unknown>) =>
  problemsOf(cfg).filter(
    (p) => p.path.startsWith("services.") || /^teams\[\d+\]\.(services|modelMonitors)/.test(p.path) || p.path.startsWith("storage.objectStore"),
  );

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

describe("extra RBAC rules on the platform's API groups", () => {
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

  it.each([
    ["gateway.networking.k8s.io", "httproutes"],
    ["gateway.envoyproxy.io", "securitypolicies"],
  ])("rejects apiGroup %s (%s): the gateway's routes and policies are KServe's and the platform's", (group, resource) => {
    const cfg = fixture("prod");
    cfg.teams[1].rbac = { extraRules: [{ role: "edit", apiGroups: [group], resources: [resource], verbs: ["create", "update"] }] };
    expect(problemsOf(cfg)).toEqual([
      {
        path: "teams[1].rbac.extraRules[0].apiGroups[0]",
        message: `"${group}" is the platform's: a team's routes are KServe's and its SecurityPolicies the platform's: its own routes or policies could take another team's host or open its models`,
      },
    ]);
  });

  it("rejects apiGroup monitoring.coreos.com: a team's own rules or monitors could write series under another team's name", () => {
    const cfg = fixture("prod");
    cfg.teams[1].rbac = { extraRules: [{ role: "edit", apiGroups: ["monitoring.coreos.com"], resources: ["prometheusrules"], verbs: ["create"] }] };
    expect(problemsOf(cfg)).toEqual([
      {
        path: "teams[1].rbac.extraRules[0].apiGroups[0]",
        message:
          "\"monitoring.coreos.com\" is the platform's: PrometheusRules, ServiceMonitors and PodMonitors feed the platform's one Prometheus: a team's own could record or relabel series under another team's name and forge or silence its alerts",
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
  it("rejects turning the object store off while MLflow, Feast, Pipelines and Evidently run", () => {
    const cfg = fixture("local");
    cfg.storage.objectStore.enabled = false;
    expect(serviceRelated(cfg)).toEqual([
      {
        path: "storage.objectStore.enabled",
        message: "is false, but mlflow, feast, pipelines, evidently keep their data in the in-cluster object store; enable it or disable them under services",
      },
    ]);
  });

  it("counts Kubeflow Pipelines among them: each team's install keeps its artifacts there with the team's own key", () => {
    const cfg = fixture("local");
    cfg.storage.objectStore.enabled = false;
    for (const name of ["mlflow", "feast", "evidently"] as const) cfg.services[name] = { enabled: false };
    cfg.services.pipelines = { enabled: true };
    for (const team of cfg.teams) team.services = team.services.filter((s: string) => s === "pipelines");
    expectProblem(cfg, "storage.objectStore.enabled", "is false, but pipelines keep their data in the in-cluster object store");
  });

  it("names only the services still enabled", () => {
    const cfg = fixture("local");
    cfg.storage.objectStore.enabled = false;
    cfg.services.feast = { enabled: false };
    expectProblem(cfg, "storage.objectStore.enabled", "is false, but mlflow, pipelines, evidently keep their data");
  });

  it("accepts it off when only KServe runs", () => {
    const cfg = fixture("local");
    cfg.storage.objectStore.enabled = false;
    cfg.services = { ...cfg.services, mlflow: { enabled: false }, feast: { enabled: false }, pipelines: { enabled: false }, evidently: { enabled: false } };
    for (const team of cfg.teams) team.services = team.services.filter((s: string) => s === "kserve");
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
