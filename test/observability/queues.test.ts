/** Kueue in Prometheus: the scrape (RBAC, ServiceMonitor), the GPU queues dashboard and the gpu-queues alerts. */
import { describe, it, expect } from "vitest";
import {
  ALERT_GROUPS,
  DASHBOARDS,
  MONITORING_NAMESPACE,
  observabilityObjects,
  type AlertRule,
  type Dashboard,
  type RuleGroup,
} from "../../charts/observability";
import {
  GPU_QUEUES_DASHBOARD,
  KUEUE_ALERT_GROUP,
  KUEUE_METRICS_PORT,
  KUEUE_METRICS_READER,
  KUEUE_METRICS_SERVICE,
  KUEUE_SCRAPE_JOB,
  PROMETHEUS_SERVICE_ACCOUNT,
  kueueScrapeObjects,
} from "../../charts/observability/queues";
import { KUEUE_NAMESPACE } from "../../domain/platform-namespaces";
import { readInventory } from "../../scripts/inventory/store";
import type { KubeObject } from "../../scripts/plan/extract";
import { validateObjects } from "../../scripts/plan/validate";
import { equalityMatchers, parsePromQL } from "./promql";

/**
 * Every metric Kueue v0.19.2 defines, with its type and label names: sigs.k8s.io/kueue@v0.19.2
 * pkg/metrics/metrics.go (InitMetricVectors; Subsystem "kueue" or "multikueue" + Name). Custom labels
 * (CustomMetricLabels feature gate) are off and add none.
 */
const KUEUE_METRICS: readonly (readonly [name: string, type: "counter" | "gauge" | "histogram", labels: string])[] = [
  ["kueue_admission_attempts_total", "counter", "result replica_role"],
  ["kueue_admission_attempt_duration_seconds", "histogram", "result replica_role"],
  ["multikueue_workloads_dispatched_total", "counter", "cluster_queue cluster replica_role"],
  ["multikueue_workloads_admitted_total", "counter", "cluster_queue cluster replica_role"],
  ["kueue_admission_cycle_preemption_skips", "gauge", "cluster_queue replica_role"],
  ["kueue_build_info", "gauge", "git_version git_commit build_date go_version compiler platform"],
  ["kueue_pending_workloads", "gauge", "cluster_queue status replica_role"],
  ["kueue_local_queue_pending_workloads", "gauge", "name namespace status replica_role"],
  ["kueue_finished_workloads", "gauge", "cluster_queue replica_role"],
  ["kueue_local_queue_finished_workloads", "gauge", "name namespace replica_role"],
  ["kueue_quota_reserved_workloads_total", "counter", "cluster_queue priority_class replica_role"],
  ["kueue_local_queue_quota_reserved_workloads_total", "counter", "name namespace priority_class replica_role"],
  ["kueue_finished_workloads_total", "counter", "cluster_queue priority_class replica_role"],
  ["kueue_local_queue_finished_workloads_total", "counter", "name namespace priority_class replica_role"],
  ["kueue_quota_reserved_wait_time_seconds", "histogram", "cluster_queue priority_class replica_role"],
  ["kueue_pods_ready_to_evicted_time_seconds", "histogram", "cluster_queue reason underlying_cause replica_role"],
  ["kueue_local_queue_quota_reserved_wait_time_seconds", "histogram", "name namespace priority_class replica_role"],
  ["kueue_admitted_workloads_total", "counter", "cluster_queue priority_class replica_role"],
  ["kueue_local_queue_admitted_workloads_total", "counter", "name namespace priority_class replica_role"],
  ["kueue_admission_wait_time_seconds", "histogram", "cluster_queue priority_class replica_role"],
  ["kueue_ready_wait_time_seconds", "histogram", "cluster_queue priority_class replica_role"],
  ["kueue_admitted_until_ready_wait_time_seconds", "histogram", "cluster_queue priority_class replica_role"],
  ["kueue_local_queue_admission_wait_time_seconds", "histogram", "name namespace priority_class replica_role"],
  ["kueue_admission_checks_wait_time_seconds", "histogram", "cluster_queue priority_class replica_role"],
  ["kueue_local_queue_admission_checks_wait_time_seconds", "histogram", "name namespace priority_class replica_role"],
  ["kueue_local_queue_ready_wait_time_seconds", "histogram", "name namespace priority_class replica_role"],
  ["kueue_local_queue_admitted_until_ready_wait_time_seconds", "histogram", "name namespace priority_class replica_role"],
  ["kueue_workload_creation_latency_seconds", "histogram", "job_kind replica_role"],
  ["kueue_pod_scheduling_gate_removal_seconds", "histogram", "name cluster_queue is_group replica_role"],
  ["kueue_evicted_workloads_total", "counter", "cluster_queue reason underlying_cause priority_class replica_role"],
  ["kueue_replaced_workload_slices_total", "counter", "cluster_queue replica_role"],
  ["kueue_local_queue_evicted_workloads_total", "counter", "name namespace reason underlying_cause priority_class replica_role"],
  ["kueue_evicted_workloads_once_total", "counter", "cluster_queue reason underlying_cause priority_class replica_role"],
  ["kueue_preempted_workloads_total", "counter", "preempting_cluster_queue reason replica_role"],
  ["kueue_workload_eviction_latency_seconds", "histogram", "cluster_queue reason replica_role"],
  ["kueue_reserving_active_workloads", "gauge", "cluster_queue replica_role"],
  ["kueue_local_queue_reserving_active_workloads", "gauge", "name namespace replica_role"],
  ["kueue_admitted_active_workloads", "gauge", "cluster_queue replica_role"],
  ["kueue_local_queue_admitted_active_workloads", "gauge", "name namespace replica_role"],
  ["kueue_cluster_queue_status", "gauge", "cluster_queue status replica_role"],
  ["kueue_local_queue_status", "gauge", "name namespace active replica_role"],
  ["kueue_unadmitted_workloads", "gauge", "cluster_queue reason underlying_cause replica_role"],
  ["kueue_local_queue_unadmitted_workloads", "gauge", "name namespace cluster_queue reason underlying_cause replica_role"],
  ["kueue_cluster_queue_resource_reservation", "gauge", "cohort cluster_queue flavor resource replica_role"],
  ["kueue_cluster_queue_resource_pending", "gauge", "cluster_queue resource replica_role"],
  ["kueue_cluster_queue_resource_usage", "gauge", "cohort cluster_queue flavor resource replica_role"],
  ["kueue_local_queue_resource_reservation", "gauge", "name namespace flavor resource replica_role"],
  ["kueue_local_queue_resource_usage", "gauge", "name namespace flavor resource replica_role"],
  ["kueue_local_queue_admission_fair_sharing_usage", "gauge", "name namespace cluster_queue replica_role"],
  ["kueue_cluster_queue_nominal_quota", "gauge", "cohort cluster_queue flavor resource replica_role"],
  ["kueue_cluster_queue_borrowing_limit", "gauge", "cohort cluster_queue flavor resource replica_role"],
  ["kueue_cluster_queue_lending_limit", "gauge", "cohort cluster_queue flavor resource replica_role"],
  ["kueue_cluster_queue_weighted_share", "gauge", "cluster_queue cohort replica_role"],
  ["kueue_cohort_weighted_share", "gauge", "cohort replica_role"],
  ["kueue_cohort_subtree_quota", "gauge", "cohort flavor resource replica_role"],
  ["kueue_cohort_subtree_admitted_workloads_total", "counter", "cohort priority_class replica_role"],
  ["kueue_cohort_subtree_resource_reservations", "gauge", "cohort flavor resource replica_role"],
  ["kueue_cohort_subtree_admitted_active_workloads", "gauge", "cohort replica_role"],
  ["kueue_cohort_info", "gauge", "cohort parent_cohort root_cohort replica_role"],
  ["kueue_cluster_queue_info", "gauge", "cluster_queue parent_cohort root_cohort replica_role"],
];
/** Labels Prometheus adds to every scraped series (ServiceMonitor target labels), and histogram buckets' `le`. */
const TARGET_LABELS = ["job", "namespace", "instance", "pod", "service", "endpoint", "container"];
/** Series a Prometheus scrape makes itself, not Kueue: `up` is the target's health. */
const SCRAPE_METRICS = ["up"];

/** Exported series names (a histogram is _bucket, _sum and _count) and their label names. */
const EXPORTED = new Map<string, Set<string>>(
  KUEUE_METRICS.flatMap(([name, type, labels]) => {
    const names = type === "histogram" ? ["_bucket", "_sum", "_count"].map((suffix) => name + suffix) : [name];
    const set = new Set([...labels.split(" "), ...(type === "histogram" ? ["le"] : [])]);
    return names.map((series) => [series, set] as const);
  }),
);

type Obj = KubeObject & { metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };
const LABELS = { team: "platform", "cost-center": "ml" };
const scrape = kueueScrapeObjects(LABELS) as Obj[];
const byKind = (kind: string): Obj => {
  const found = scrape.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};

// Typed here, not in queues.ts, where importing dashboards.ts or alerts.ts would close an import cycle.
const DASHBOARD: Dashboard = GPU_QUEUES_DASHBOARD;
const GROUP: RuleGroup = KUEUE_ALERT_GROUP;
const RULES = GROUP.rules;
const rule = (name: string): AlertRule => {
  const found = RULES.find((r) => r.alert === name);
  if (!found) throw new Error(`no alert ${name}`);
  return found;
};
const panelExprs = DASHBOARD.panels.flatMap((p) => p.targets.map((t) => t.expr));
const panel = (title: RegExp) => {
  const found = DASHBOARD.panels.find((p) => title.test(p.title));
  if (!found) throw new Error(`no panel ${title}`);
  return found.targets.map((t) => t.expr);
};
/** The metric selectors of the template variables' label_values(…) queries. */
const variableExprs = DASHBOARD.templating.list
  .map((v) => String(v.definition ?? ""))
  .filter((d) => d.startsWith("label_values("))
  .map((d) => d.replace(/^label_values\((.*),\s*\w+\)$/, "$1"));
const ALL_EXPRS = [...panelExprs, ...RULES.map((r) => r.expr), ...variableExprs];
/** Every `kueue_…{…}` selector in an expression, with its matchers' text. */
const kueueSelectors = (expr: string) => [...expr.matchAll(/\b(kueue_[a-z_]+)(\{[^}]*\})?/g)].map((m) => ({ metric: m[1], matchers: m[2] ?? "" }));

describe("the Kueue metrics allowlist", () => {
  it("lists each metric of metrics.go once, all prefixed kueue_ or multikueue_", () => {
    expect(KUEUE_METRICS).toHaveLength(60);
    expect(new Set(KUEUE_METRICS.map(([name]) => name)).size).toBe(KUEUE_METRICS.length);
    for (const [name] of KUEUE_METRICS) expect(name).toMatch(/^(multi)?kueue_[a-z_]+$/);
  });

  it.each(ALL_EXPRS.map((e) => [e] as const))("reads only metrics Kueue exports (or up), with their own labels: %s", (expr) => {
    const parsed = parsePromQL(expr);
    expect(parsed.errors).toEqual([]);
    expect(parsed.metrics.length).toBeGreaterThan(0);
    const allowed = new Set([...TARGET_LABELS]);
    for (const metric of parsed.metrics) {
      if (SCRAPE_METRICS.includes(metric)) continue;
      const labels = EXPORTED.get(metric);
      expect(labels, `${metric} is not a Kueue v0.19.2 metric`).toBeDefined();
      for (const label of labels ?? []) allowed.add(label);
    }
    for (const label of parsed.labels) expect(allowed, `${label} in ${expr}`).toContain(label);
  });

  it("every matcher names a label of its own metric (preemptions are by preempting_cluster_queue)", () => {
    for (const expr of ALL_EXPRS)
      for (const { metric, matchers } of kueueSelectors(expr))
        for (const [, label] of matchers.matchAll(/([a-z_]+)\s*(?:=~|!=|!~|=)/g))
          expect(EXPORTED.get(metric), `${metric}{${label}} in ${expr}`).toContain(label);
  });

  it("leaves out a follower replica's copies of the gauges in every query", () => {
    for (const expr of [...panelExprs, ...RULES.map((r) => r.expr)])
      for (const { metric, matchers } of kueueSelectors(expr)) expect(matchers, `${metric} in ${expr}`).toContain('replica_role!="follower"');
  });
});

describe("the Kueue scrape", () => {
  it("is a ClusterRole, its binding to Prometheus and a ServiceMonitor, all with the platform's labels", () => {
    expect(scrape.map((o) => o.kind)).toEqual(["ClusterRole", "ClusterRoleBinding", "ServiceMonitor"]);
    for (const o of scrape) expect(o.metadata.labels, o.kind).toEqual(LABELS);
  });

  it("the ClusterRole allows get on /metrics and nothing else", () => {
    const role = byKind("ClusterRole");
    expect(role.metadata.name).toBe(KUEUE_METRICS_READER);
    expect(role.rules).toEqual([{ nonResourceURLs: ["/metrics"], verbs: ["get"] }]);
    expect(role.aggregationRule).toBeUndefined();
  });

  it("binds it to Prometheus's service account only", () => {
    expect(byKind("ClusterRoleBinding")).toMatchObject({
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: KUEUE_METRICS_READER },
      subjects: [{ kind: "ServiceAccount", name: PROMETHEUS_SERVICE_ACCOUNT, namespace: MONITORING_NAMESPACE }],
    });
    expect(byKind("ClusterRoleBinding").subjects).toHaveLength(1);
  });

  it("names the service account kube-prometheus-stack's Prometheus runs as (chart inventory facts)", () => {
    const charts = readInventory().filter((f) => f.chart === "kube-prometheus-stack");
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) {
      const objects = chart.objects as Obj[];
      expect(objects).toContainEqual(
        expect.objectContaining({ kind: "ServiceAccount", metadata: { name: PROMETHEUS_SERVICE_ACCOUNT, namespace: MONITORING_NAMESPACE } }),
      );
      const binding = objects.find((o) => o.kind === "ClusterRoleBinding" && o.roleRef?.name === `${chart.release}-kube-prometheus-prometheus`);
      expect(binding?.subjects).toEqual([{ kind: "ServiceAccount", name: PROMETHEUS_SERVICE_ACCOUNT, namespace: MONITORING_NAMESPACE }]);
    }
  });

  it("the ServiceMonitor selects Kueue's metrics Service in kueue-system and scrapes it over HTTPS with Prometheus's token", () => {
    // Kueue chart 0.19.2 (templates for the metrics Service): kueue-controller-manager-metrics-service, port
    // "https" 8443, labels app.kubernetes.io/{name,instance}=kueue and app.kubernetes.io/component=metrics-service.
    expect([KUEUE_NAMESPACE, KUEUE_METRICS_SERVICE, KUEUE_METRICS_PORT]).toEqual(["kueue-system", "kueue-controller-manager-metrics-service", "https"]);
    const monitor = byKind("ServiceMonitor");
    expect(monitor.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(monitor.metadata).toMatchObject({ name: "kueue", namespace: MONITORING_NAMESPACE });
    expect(monitor.spec).toEqual({
      namespaceSelector: { matchNames: ["kueue-system"] },
      selector: { matchLabels: { "app.kubernetes.io/name": "kueue", "app.kubernetes.io/instance": "kueue", "app.kubernetes.io/component": "metrics-service" } },
      endpoints: [
        {
          port: "https",
          path: "/metrics",
          scheme: "https",
          interval: "30s",
          bearerTokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token",
          tlsConfig: { insecureSkipVerify: true },
          honorLabels: true,
        },
      ],
    });
  });

  it("validates against the schemas (the operator's ServiceMonitor CRD included)", async () => {
    expect(await validateObjects(scrape, "1.35")).toEqual([]);
  });

  it("is part of the observability objects, with the chart's common labels", () => {
    const { resources } = observabilityObjects({ commonLabels: LABELS });
    const ours = (resources as Obj[]).filter((o) => o.metadata.name === KUEUE_METRICS_READER || (o.kind === "ServiceMonitor" && o.metadata.name === "kueue"));
    expect(ours.map((o) => o.kind).sort()).toEqual(["ClusterRole", "ClusterRoleBinding", "ServiceMonitor"]);
    for (const o of ours) expect(o.metadata.labels).toMatchObject(LABELS);
  });
});

describe("the GPU queues dashboard", () => {
  const d = DASHBOARD;

  it("is one of the platform's dashboards, whose shared checks (JSON, ids, layout, datasource, PromQL) cover it", () => {
    expect(d.uid).toBe("mlops-gpu-queues");
    expect(DASHBOARDS.filter((other) => other.uid === d.uid)).toEqual([d]);
  });

  it("has datasource, cluster_queue and flavor variables, and filters every queue panel on them", () => {
    expect(d.templating.list.map((v) => v.name)).toEqual(["datasource", "cluster_queue", "flavor"]);
    for (const expr of panelExprs) {
      if (expr.includes("cohort!=")) continue; // the cohort panel sums every member queue
      expect(expr, expr).toMatch(/cluster_queue=~"\$cluster_queue"/);
    }
    for (const expr of panelExprs.filter((e) => e.includes("flavor, resource"))) expect(expr).toContain('flavor=~"$flavor"');
  });

  it("pending workloads: kueue_pending_workloads, active and inadmissible", () => {
    const matchers = panel(/^Pending workloads/).flatMap(equalityMatchers);
    expect(matchers.filter((m) => m.label === "status").map((m) => m.value)).toEqual(["active", "inadmissible"]);
    expect(new Set(matchers.map((m) => m.metric))).toEqual(new Set(["kueue_pending_workloads"]));
  });

  it("time to admission: quantiles of kueue_admission_wait_time_seconds buckets, by queue and le", () => {
    const exprs = panel(/^Time to admission/);
    expect(exprs.map((e) => e.match(/^histogram_quantile\((0\.\d+),/)?.[1])).toEqual(["0.5", "0.9", "0.99"]);
    for (const e of exprs) {
      expect(parsePromQL(e).metrics).toEqual(["kueue_admission_wait_time_seconds_bucket"]);
      expect(e).toContain("sum by (cluster_queue, le) (rate(");
    }
  });

  it("usage against nominal quota, per queue and flavor, for GPU resources only", () => {
    const [ratio] = panel(/usage \/ nominal quota/);
    expect(parsePromQL(ratio).metrics).toEqual(["kueue_cluster_queue_resource_usage", "kueue_cluster_queue_nominal_quota"]);
    expect(ratio).toMatch(/\/ \(max by \(cluster_queue, flavor, resource\) \(kueue_cluster_queue_nominal_quota\{[^}]*\}\) > 0\)$/);
    for (const expr of ALL_EXPRS)
      for (const { metric, matchers } of kueueSelectors(expr).filter((s) => /nominal_quota|resource_(usage|reservation|pending)/.test(s.metric)))
        expect(matchers, `${metric} in ${expr}`).toContain('resource=~"nvidia.com/.*"');
  });

  it("borrowed GPUs are usage above nominal (Kueue exports no borrowed amount)", () => {
    expect([...EXPORTED.keys()].filter((m) => m.includes("borrowed"))).toEqual([]);
    const [borrowed] = panel(/^Borrowed GPUs/);
    expect(borrowed).toMatch(/resource_usage\{[^}]*\}\) - max by \(cluster_queue, flavor, resource\) \(kueue_cluster_queue_nominal_quota\{[^}]*\}\) > 0$/);
  });

  it("preemptions, evictions and admissions per queue", () => {
    expect(parsePromQL(panel(/^Preemptions/)[0]).labels).toEqual(["preempting_cluster_queue", "reason", "replica_role"]);
    expect(parsePromQL(panel(/^Evictions/)[0]).metrics).toEqual(["kueue_evicted_workloads_total"]);
    expect(parsePromQL(panel(/^Admitted workloads per hour/)[0]).metrics).toEqual(["kueue_admitted_workloads_total"]);
    expect(parsePromQL(panel(/^Admitted workloads running/)[0]).metrics).toEqual(["kueue_admitted_active_workloads"]);
  });

  it("reads no node labels (dashboards.test.ts allows label_mlops_platform_pool only)", () => {
    for (const expr of panelExprs) expect(parsePromQL(expr).labels.filter((l) => l.startsWith("label_"))).toEqual([]);
  });
});

describe("the gpu-queues alerts", () => {
  it("are a group of ALERT_GROUPS, so the platform's PrometheusRule carries them", () => {
    expect(ALERT_GROUPS).toContain(GROUP);
    expect(GROUP.name).toBe("gpu-queues");
    expect(RULES.map((r) => r.alert)).toEqual(["KueueTeamStarving", "KueueQuotaNeverUsed", "KueueControllerDown"]);
    const promRule = observabilityObjects().resources.find((o) => o.kind === "PrometheusRule") as Obj;
    expect(promRule.spec.groups.map((g: { name: string }) => g.name)).toContain("gpu-queues");
  });

  it.each(RULES.map((r) => [r.alert, r] as const))("%s parses, has a for, a severity and annotations over $labels", (_name, r) => {
    expect(parsePromQL(r.expr).errors, r.expr).toEqual([]);
    expect(r.for).toMatch(/^\d+[smh]$/);
    expect(["critical", "warning"]).toContain(r.labels.severity);
    expect(r.annotations.summary).toContain("$labels.");
    expect(r.annotations.description).toContain("$labels.");
  });

  it("KueueTeamStarving: pending GPU requests for 30m while the cohort has nominal quota nobody reserves, same flavor and resource", () => {
    const r = rule("KueueTeamStarving");
    expect([r.for, r.labels.severity]).toEqual(["30m", "warning"]);
    expect(new Set(parsePromQL(r.expr).metrics)).toEqual(
      new Set(["kueue_cluster_queue_nominal_quota", "kueue_cluster_queue_resource_reservation", "kueue_cluster_queue_resource_pending"]),
    );
    const expr = r.expr.replace(/\s+/g, " ");
    // Free quota per cohort: summed over member queues, nominal minus reservation, only where positive.
    expect(expr).toMatch(/^\(sum by \(cohort, flavor, resource\) \(max by \(cohort, cluster_queue, flavor, resource\) \(kueue_cluster_queue_nominal_quota\{/);
    expect(expr).toMatch(
      /\) - sum by \(cohort, flavor, resource\) \(max by \(cohort, cluster_queue, flavor, resource\) \(kueue_cluster_queue_resource_reservation\{[^}]*\}\)\) > 0\)/,
    );
    // …joined to each queue that lists the flavor, on cohort, flavor and resource, keeping the queue's labels…
    expect(expr).toContain(
      "* on (cohort, flavor, resource) group_right () (group by (cohort, cluster_queue, flavor, resource) (kueue_cluster_queue_nominal_quota{",
    );
    // …and kept only where that queue has pending requests for the resource.
    expect(expr).toMatch(/and on \(cluster_queue, resource\) \(max by \(cluster_queue, resource\) \(kueue_cluster_queue_resource_pending\{[^}]*\}\) > 0\)\)$/);
    expect(expr.match(/cohort!=""/g)).toHaveLength(3);
  });

  it("KueueQuotaNeverUsed: GPU nominal quota > 0, held for 7 days, never reserved in them", () => {
    const r = rule("KueueQuotaNeverUsed");
    expect([r.for, r.labels.severity]).toEqual(["1h", "warning"]);
    expect(r.expr).toMatch(/kueue_cluster_queue_nominal_quota\{[^}]*\}\) > 0\)/);
    expect(r.expr).toMatch(/kueue_cluster_queue_nominal_quota\{[^}]*\} offset 7d\) > 0\)/);
    expect(r.expr).toMatch(/max_over_time\(kueue_cluster_queue_resource_reservation\{[^}]*\}\[7d\]\)\) == 0\)$/);
    expect(r.expr.match(/and on \(cluster_queue, flavor, resource\)/g)).toHaveLength(2);
  });

  it("KueueControllerDown: critical after 10m with no Kueue target up, or none at all", () => {
    const r = rule("KueueControllerDown");
    expect([r.for, r.labels.severity]).toEqual(["10m", "critical"]);
    expect(KUEUE_SCRAPE_JOB).toBe(KUEUE_METRICS_SERVICE);
    const selector = `up{job="${KUEUE_METRICS_SERVICE}", namespace="kueue-system"}`;
    expect(r.expr).toBe(`(sum by (job, namespace) (${selector}) == 0) or absent(${selector})`);
    expect(r.annotations.description).toMatch(/fail closed/);
  });
});
