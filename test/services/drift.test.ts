/** Model drift monitoring: the teams' CronJobs, the script they run, and the dashboard and alerts over its metrics. */
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import {
  DRIFT_SCRAPE_JOB,
  DRIFT_SCRIPT_CONFIGMAP,
  DRIFT_SCRIPT_FILE,
  MODEL_DRIFT_DASHBOARD,
  MODEL_DRIFT_RULES,
  STALE_AFTER_HOURS,
  modelDriftObservabilityObjects,
  modelMonitorObjects,
  type ModelMonitorArgs,
} from "../../charts/services/drift";
import { evidentlyUrl } from "../../charts/services/evidently";
import { DASHBOARD_LABEL, MONITORING_NAMESPACE } from "../../charts/observability";
import { TEAM_WORKLOAD_SERVICE_ACCOUNT, teamLabels } from "../../charts/team";
import { teamPrefix } from "../../domain/storage-naming";
import { QUEUE_NAME_LABEL } from "../../domain/queues";
import { imageRef } from "../../domain/versions";
import { resolveTeam, teamSchema, type TeamConfig } from "../../config/teams";
import type { KubeObject } from "../../scripts/plan/extract";
import { validateObjects } from "../../scripts/plan/validate";
import { equalityMatchers, parsePromQL } from "../observability/promql";

type Obj = KubeObject & { spec?: any; data?: Record<string, string>; [k: string]: any };

const team: TeamConfig = resolveTeam(
  teamSchema.parse({
    name: "fraud",
    costCenter: "cc-42",
    owners: { admin: { groups: ["fraud-admins"] } },
    quota: { cpu: "16", memory: "64Gi", gpu: 0, storage: "100Gi", persistentVolumeClaims: 10, pods: 50 },
    limits: { defaultRequest: { cpu: "500m", memory: "1Gi" }, default: { cpu: "2", memory: "4Gi" } },
    services: ["evidently"],
    modelMonitors: [
      { name: "churn", reference: "churn/reference.parquet", current: "churn/current.parquet" },
      { name: "scoring", schedule: "15 3 * * *", reference: "scoring/train.csv", current: "scoring/2026-11/live.csv", driftShareThreshold: 0.3 },
    ],
  }),
  ["experiments"],
);
const ARGS: ModelMonitorArgs = { datasetsBucket: "mlops-prod-datasets-123456789012", evidentlySecretName: "evidently-writer" };
const build = (a: Partial<ModelMonitorArgs> = {}) => modelMonitorObjects(team, { ...ARGS, ...a }) as Obj[];
const cronJobs = (a: Partial<ModelMonitorArgs> = {}) => build(a).filter((o) => o.kind === "CronJob");
const cronJob = (name: string, a: Partial<ModelMonitorArgs> = {}) => {
  const c = cronJobs(a).find((o) => o.metadata?.name === name);
  if (!c) throw new Error(`no CronJob ${name}`);
  return c;
};
const pod = (c: Obj) => c.spec.jobTemplate.spec.template.spec;
const report = (c: Obj) => pod(c).containers.find((x: { name: string }) => x.name === "report");
const envOf = (container: { env: { name: string; value?: string; valueFrom?: unknown }[] }) =>
  Object.fromEntries(container.env.map((e) => [e.name, e.value ?? e.valueFrom]));

/** What the script really does, read from its source: pushed metric names, env it reads, push path. */
const SCRIPT = readFileSync(DRIFT_SCRIPT_FILE, "utf8");
const METRICS_BLOCK = /METRICS = \{([\s\S]*?)\n\}/.exec(SCRIPT)?.[1] ?? "";
const PUSHED = [...METRICS_BLOCK.matchAll(/"(mlops_[a-z_]+)":/g)].map((m) => m[1]);
const ENV_READ = [...SCRIPT.matchAll(/env\("([A-Z_]+)"\)/g)].map((m) => m[1]);
const PUSH_LABELS = ["model"]; // the grouping key: /metrics/job/<job>/model/<model>
/** Labels the queries may read: the pushed grouping key, the scrape's `team` (from the namespace) and its `job`. */
const QUERY_LABELS = [...PUSH_LABELS, "team", "job"];

describe("drift_report.py (as read by the tests)", () => {
  it("pushes the four gauges, in the grouping key model alone: the scrape, not the push, says which team", () => {
    expect(PUSHED.sort()).toEqual([
      "mlops_model_drift_last_run_timestamp_seconds",
      "mlops_model_drift_share",
      "mlops_model_drift_threshold",
      "mlops_model_drifted_columns",
    ]);
    expect(SCRIPT).toContain("url = f\"{gateway.rstrip('/')}/metrics/job/{PUSH_JOB}/model/{quote(model, safe='')}\"");
    expect(SCRIPT).not.toMatch(/\/team\//);
    expect(SCRIPT).toMatch(/method="PUT"/);
    expect(SCRIPT).not.toMatch(/prometheus_client/);
  });

  it("runs the drift preset with the threshold and uploads without the data into project <team>-<model>", () => {
    expect(SCRIPT).toMatch(/DataDriftPreset\(drift_share=threshold\)/);
    expect(SCRIPT).toMatch(/evidently:metric_v2:DriftedColumnsCount/);
    expect(SCRIPT).toMatch(/add_run\(project\.id, snapshot, include_data=False\)/);
    expect(SCRIPT).toContain('f"{team}-{model}"');
  });
});

describe("modelMonitorObjects", () => {
  it("builds nothing for a team without monitors", () => {
    expect(modelMonitorObjects({ ...team, modelMonitors: [] }, ARGS)).toEqual([]);
  });

  it("builds the script ConfigMap, one CronJob per monitor, named drift-<monitor>, and the team's Pushgateway, in the team namespace", () => {
    const objs = build();
    expect(objs.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      `ConfigMap/${DRIFT_SCRIPT_CONFIGMAP}`,
      "CronJob/drift-churn",
      "CronJob/drift-scoring",
      "Deployment/model-drift-pushgateway",
      "Service/model-drift-pushgateway",
    ]);
    for (const o of objs) expect(o.metadata?.namespace).toBe("fraud");
    expect(objs[0].data).toEqual({ "drift_report.py": SCRIPT });
  });

  it("labels the jobs with the team labels and app.kubernetes.io/name model-drift, pods included", () => {
    for (const o of build().filter((x) => x.kind === "ConfigMap" || x.kind === "CronJob"))
      expect(o.metadata).toMatchObject({ labels: { ...teamLabels(team), "app.kubernetes.io/name": "model-drift" } });
    for (const c of cronJobs())
      expect(c.spec.jobTemplate.spec.template.metadata.labels).toMatchObject({ ...teamLabels(team), "app.kubernetes.io/name": "model-drift" });
  });

  it("queues every drift Job through the team's LocalQueue: the jobTemplate, not the CronJob, carries the queue label", () => {
    expect(cronJobs()).toHaveLength(2);
    for (const c of cronJobs()) {
      expect(c.spec.jobTemplate.metadata.labels).toMatchObject({ ...teamLabels(team), [QUEUE_NAME_LABEL]: "fraud" });
      // Kueue's batch/job integration reads the label on the Job; a CronJob is nothing Kueue admits.
      expect((c.metadata as { labels?: Record<string, string> }).labels).not.toHaveProperty([QUEUE_NAME_LABEL]);
    }
  });

  it("schedules each monitor (hourly by default), never overlapping, with bounded history", () => {
    expect(cronJob("drift-churn").spec.schedule).toBe("0 * * * *");
    expect(cronJob("drift-scoring").spec.schedule).toBe("15 3 * * *");
    for (const c of cronJobs()) {
      expect(c.spec.concurrencyPolicy).toBe("Forbid");
      expect(c.spec.successfulJobsHistoryLimit).toBeGreaterThan(0);
      expect(c.spec.failedJobsHistoryLimit).toBeGreaterThan(0);
      expect(pod(c).restartPolicy).toBe("Never");
    }
  });

  it("runs as the team's workload service account (its Pod Identity role reads the team prefix)", () => {
    for (const c of cronJobs()) expect(pod(c).serviceAccountName).toBe(TEAM_WORKLOAD_SERVICE_ACCOUNT);
  });

  it("copies reference and current from the team's prefix of the datasets bucket to /data with the AWS CLI", () => {
    const c = cronJob("drift-scoring");
    const init = pod(c).initContainers;
    expect(init.map((x: { image: string }) => x.image)).toEqual([imageRef("awsCli"), imageRef("awsCli")]);
    expect(init.map((x: { args: string[] }) => x.args.slice(0, 4))).toEqual([
      ["s3", "cp", `s3://${ARGS.datasetsBucket}/${teamPrefix("fraud")}scoring/train.csv`, "/data/reference.csv"],
      ["s3", "cp", `s3://${ARGS.datasetsBucket}/${teamPrefix("fraud")}scoring/2026-11/live.csv`, "/data/current.csv"],
    ]);
    const env = envOf(report(c));
    expect([env.REFERENCE_PATH, env.CURRENT_PATH]).toEqual(["/data/reference.csv", "/data/current.csv"]);
    const parquet = envOf(report(cronJob("drift-churn")));
    expect([parquet.REFERENCE_PATH, parquet.CURRENT_PATH]).toEqual(["/data/reference.parquet", "/data/current.parquet"]);
  });

  it("never reads outside teams/<team>/ of the bucket", () => {
    for (const c of cronJobs()) {
      for (const x of pod(c).initContainers) {
        const uris = (x.args as string[]).filter((a) => a.startsWith("s3://"));
        expect(uris).toHaveLength(1);
        expect(uris[0].startsWith(`s3://${ARGS.datasetsBucket}/teams/fraud/`)).toBe(true);
      }
    }
  });

  it("passes --endpoint-url only when an S3 endpoint is set, and static keys only as the named Secret's mounted credentials file", () => {
    for (const c of cronJobs()) {
      for (const x of pod(c).initContainers) {
        expect(x.args).not.toContain("--endpoint-url");
        expect(Object.keys(envOf(x))).not.toContain("AWS_SHARED_CREDENTIALS_FILE");
        expect(Object.keys(envOf(x))).not.toContain("AWS_ACCESS_KEY_ID");
      }
      expect(pod(c).volumes.map((v: { name: string }) => v.name)).not.toContain("object-store-credentials");
    }
    const local = { s3Endpoint: "http://seaweedfs-s3.object-store.svc:8333", s3CredentialsSecret: "s3-keys", region: "us-east-1" };
    for (const c of cronJobs(local)) {
      expect(pod(c).volumes).toContainEqual({
        name: "object-store-credentials",
        secret: { secretName: "s3-keys", defaultMode: 0o440, items: [{ key: "credentials", path: "credentials" }] },
      });
      for (const x of pod(c).initContainers) {
        const i = x.args.indexOf("--endpoint-url");
        expect(i).toBeGreaterThan(0);
        expect(x.args[i + 1]).toBe(local.s3Endpoint);
        const env = envOf(x);
        expect(env.AWS_SHARED_CREDENTIALS_FILE).toBe("/etc/object-store/credentials");
        expect(x.volumeMounts).toContainEqual({ name: "object-store-credentials", mountPath: "/etc/object-store", readOnly: true });
        expect(env).not.toHaveProperty("AWS_ACCESS_KEY_ID");
        expect(env).not.toHaveProperty("AWS_SECRET_ACCESS_KEY");
        expect(env.AWS_REGION).toBe("us-east-1");
      }
      // The report step reads no S3: it does not get the store's keys.
      expect(report(c).volumeMounts.map((m: { name: string }) => m.name)).not.toContain("object-store-credentials");
    }
  });

  it("takes no variable from a Secret in any step: the write secret is a mounted file the script reads (EVIDENTLY_SECRET_FILE)", () => {
    for (const c of cronJobs({ s3CredentialsSecret: "s3-keys" })) {
      for (const x of [...pod(c).initContainers, ...pod(c).containers]) {
        expect(
          x.env.filter((e: { valueFrom?: unknown }) => e.valueFrom),
          x.name,
        ).toEqual([]);
        expect(x.envFrom, x.name).toBeUndefined();
      }
      const r = report(c);
      expect(envOf(r).EVIDENTLY_SECRET_FILE).toBe("/etc/evidently/secret");
      expect(r.volumeMounts).toContainEqual({ name: "evidently", mountPath: "/etc/evidently", readOnly: true });
      expect(pod(c).volumes).toContainEqual({
        name: "evidently",
        secret: { secretName: ARGS.evidentlySecretName, defaultMode: 0o440, items: [{ key: "secret", path: "secret" }] },
      });
      for (const x of pod(c).initContainers)
        expect(
          x.volumeMounts.map((m: { name: string }) => m.name),
          x.name,
        ).not.toContain("evidently");
    }
    expect(SCRIPT).toContain('read_secret(env("EVIDENTLY_SECRET_FILE"))');
    expect(SCRIPT).not.toMatch(/env\("EVIDENTLY_SECRET"\)/);
  });

  it("runs the mounted script in the evidently image with every variable the script reads", () => {
    const c = cronJob("drift-scoring");
    const r = report(c);
    expect(r.image).toBe(imageRef("evidently"));
    expect(r.command).toEqual(["python", "/scripts/drift_report.py"]);
    const scripts = pod(c).volumes.find((v: { name: string }) => v.name === r.volumeMounts.find((m: { mountPath: string }) => m.mountPath === "/scripts").name);
    expect(scripts.configMap.name).toBe(DRIFT_SCRIPT_CONFIGMAP);
    const env = envOf(r);
    expect(ENV_READ.length).toBeGreaterThan(5);
    for (const name of ENV_READ) expect(env[name], name).toBeDefined();
    expect(env).toMatchObject({ TEAM: "fraud", MODEL: "scoring", DRIFT_SHARE_THRESHOLD: "0.3", EVIDENTLY_URL: evidentlyUrl("fraud") });
    expect(envOf(report(cronJob("drift-churn"))).DRIFT_SHARE_THRESHOLD).toBe("0.5");
    expect(env).not.toHaveProperty("EVIDENTLY_SECRET");
    // Its own namespace's Pushgateway, never a shared one.
    expect(env.PUSHGATEWAY_URL).toBe("http://model-drift-pushgateway.fraud.svc:9091");
  });

  it("runs every container restricted, HOME=/tmp on an emptyDir, resources within the team's LimitRange", () => {
    for (const c of cronJobs()) {
      const spec = pod(c);
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      const volumes = Object.fromEntries(spec.volumes.map((v: { name: string }) => [v.name, v]));
      for (const x of [...spec.initContainers, ...spec.containers]) {
        expect(x.securityContext, x.name).toEqual({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(envOf(x).HOME, x.name).toBe("/tmp");
        const tmp = x.volumeMounts.find((m: { mountPath: string }) => m.mountPath === "/tmp");
        expect(volumes[tmp.name].emptyDir, x.name).toBeDefined();
        for (const m of x.volumeMounts.filter((m: { readOnly?: boolean }) => !m.readOnly))
          expect(volumes[m.name].emptyDir, `${x.name} ${m.mountPath}`).toBeDefined();
        expect(x.resources).toEqual({ requests: { ...team.limits.defaultRequest }, limits: { ...team.limits.default } });
      }
    }
  });
});

describe("the model-drift dashboard and alerts", () => {
  const exprs = MODEL_DRIFT_DASHBOARD.panels.flatMap((p) => p.targets.map((t) => t.expr));
  const ruleExprs = MODEL_DRIFT_RULES.rules.map((r) => r.expr);
  const rule = (name: string) => MODEL_DRIFT_RULES.rules.find((r) => r.alert === name)!;

  it("every query and rule parses as PromQL and reads only metrics the script pushes", () => {
    for (const e of [...exprs, ...ruleExprs]) {
      const parsed = parsePromQL(e);
      expect(parsed.errors, e).toEqual([]);
      expect(parsed.metrics.length, e).toBeGreaterThan(0);
      for (const m of parsed.metrics) expect(PUSHED, `${m} in ${e}`).toContain(m);
    }
  });

  it("groups and matches only on the pushed grouping key, the scrape's team and its job", () => {
    for (const e of [...exprs, ...ruleExprs]) for (const l of parsePromQL(e).labels) expect(QUERY_LABELS, `${l} in ${e}`).toContain(l);
  });

  it("reads every drift series through the drift scrape's job, so `team` is the one it set from the namespace", () => {
    const definitions = MODEL_DRIFT_DASHBOARD.templating.list.flatMap((v) => ("definition" in v ? [String(v.definition)] : []));
    const variables = definitions.map((d) => d.replace(/^label_values\((.*), \w+\)$/, "$1"));
    const all = [...exprs, ...ruleExprs, ...variables];
    expect(variables.length).toBe(2);
    for (const e of all) {
      const selectors = parsePromQL(e).metrics.length;
      const jobs = equalityMatchers(e).filter((m) => m.label === "job");
      expect(selectors, e).toBeGreaterThan(0);
      // One job matcher per vector selector, each naming the drift scrape.
      expect(jobs.length, e).toBe((e.match(/mlops_model_/g) ?? []).length);
      for (const m of jobs) expect(m.value, e).toBe(DRIFT_SCRAPE_JOB);
      expect(e, e).not.toMatch(/exported_/);
    }
    expect(DRIFT_SCRAPE_JOB).toBe("monitoring/model-drift-pushgateway");
  });

  it("shows every pushed metric somewhere", () => {
    const used = new Set(exprs.flatMap((e) => parsePromQL(e).metrics));
    for (const m of PUSHED) expect(used, m).toContain(m);
  });

  it("is valid dashboard JSON: unique positive panel ids, 24-column layout, the datasource variable", () => {
    expect(JSON.parse(JSON.stringify(MODEL_DRIFT_DASHBOARD))).toEqual(MODEL_DRIFT_DASHBOARD);
    const ids = MODEL_DRIFT_DASHBOARD.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of MODEL_DRIFT_DASHBOARD.panels) {
      expect(p.id).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      expect(p.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
      expect(new Set(p.targets.map((t) => t.refId)).size).toBe(p.targets.length);
    }
    const vars = MODEL_DRIFT_DASHBOARD.templating.list.map((v) => v.name);
    expect(vars).toEqual(["datasource", "team", "model"]);
  });

  it("ModelDriftDetected fires when the drift share reaches the model's threshold, matched on team and model", () => {
    const r = rule("ModelDriftDetected");
    expect(r.expr).toBe(
      'max by (team, model) (mlops_model_drift_share{job="monitoring/model-drift-pushgateway"}) >= on (team, model) max by (team, model) (mlops_model_drift_threshold{job="monitoring/model-drift-pushgateway"})',
    );
    expect(r.labels.severity).toBe("warning");
    expect(r.for).toMatch(/^\d+[sm]$/);
    for (const text of [r.annotations.summary, r.annotations.description]) {
      expect(text).toContain("{{ $labels.team }}");
      expect(text).toContain("{{ $labels.model }}");
    }
  });

  it("ModelDriftReportStale fires after more than 26 hours without a report", () => {
    const r = rule("ModelDriftReportStale");
    expect(STALE_AFTER_HOURS).toBe(26);
    expect(r.expr).toBe('time() - max by (team, model) (mlops_model_drift_last_run_timestamp_seconds{job="monitoring/model-drift-pushgateway"}) > 26 * 3600');
    expect(r.labels.severity).toBe("warning");
    expect(r.annotations.summary).toContain("26h");
  });

  it("ships as a sidecar ConfigMap and a PrometheusRule in monitoring", () => {
    const [cm, rules] = modelDriftObservabilityObjects({ "cost-center": "platform" }) as Obj[];
    expect(cm).toMatchObject({
      kind: "ConfigMap",
      metadata: { name: "dashboard-model-drift", namespace: MONITORING_NAMESPACE, labels: { ...DASHBOARD_LABEL, "cost-center": "platform" } },
    });
    expect(JSON.parse(cm.data!["model-drift.json"])).toEqual(MODEL_DRIFT_DASHBOARD);
    expect(rules).toMatchObject({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: "model-drift", namespace: MONITORING_NAMESPACE },
    });
    expect(JSON.parse(JSON.stringify(rules.spec.groups))).toEqual([MODEL_DRIFT_RULES]);
  });
});

describe("schema", () => {
  it("validates the monitor and observability objects against the schemas for Kubernetes 1.35", async () => {
    const all = [...build({ s3Endpoint: "http://s3.local:8333", s3CredentialsSecret: "s3-keys" }), ...(modelDriftObservabilityObjects({}, ["fraud"]) as Obj[])];
    expect(all.map((o) => o.kind)).toEqual(["ConfigMap", "CronJob", "CronJob", "Deployment", "Service", "ConfigMap", "PrometheusRule", "ServiceMonitor"]);
    expect(await validateObjects(all, "1.35")).toEqual([]);
  });

  it("the schema check catches a broken CronJob (concurrencyPolicy must be a string)", async () => {
    const broken = structuredClone(cronJob("drift-churn"));
    broken.spec.concurrencyPolicy = 1;
    expect((await validateObjects([broken], "1.35")).length).toBeGreaterThan(0);
  });
});
