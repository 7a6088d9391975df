/** Alert rules: PromQL that parses, the platform's alert catalogue, and a PrometheusRule the operator's schema accepts. */
import { describe, it, expect } from "vitest";
import { ALERT_GROUPS, MONITORING_NAMESPACE, observabilityObjects, type AlertRule } from "../../charts/observability";
import { NAMESPACE_TEAM, withNamespaceTeam } from "../../charts/observability/alerts";
import type { KubeObject } from "../../scripts/plan/extract";
import { validateObjects } from "../../scripts/plan/validate";
import { equalityMatchers, parsePromQL } from "./promql";

const RULES: AlertRule[] = ALERT_GROUPS.flatMap((g) => g.rules);
const rule = (name: string): AlertRule => {
  const r = RULES.find((x) => x.alert === name);
  if (!r) throw new Error(`no alert ${name}; alerts: ${RULES.map((x) => x.alert).join(", ")}`);
  return r;
};
const metrics = (r: AlertRule) => parsePromQL(r.expr).metrics;

describe("the PromQL helper", () => {
  it("flags broken expressions and finds metric names", () => {
    expect(parsePromQL("sum(rate(foo[5m])").errors.length).toBeGreaterThan(0);
    expect(parsePromQL("up ==").errors.length).toBeGreaterThan(0);
    expect(parsePromQL('a{x="1"} / on (x) b').metrics).toEqual(["a", "b"]);
  });
});

describe("ALERT_GROUPS", () => {
  it("has unique group names and unique alert names", () => {
    const groups = ALERT_GROUPS.map((g) => g.name);
    expect(new Set(groups).size).toBe(groups.length);
    expect(new Set(RULES.map((r) => r.alert)).size).toBe(RULES.length);
  });

  it.each(RULES.map((r) => [r.alert, r] as const))("%s: parses, has for, severity, summary and description", (_name, r) => {
    expect(parsePromQL(r.expr).errors, r.expr).toEqual([]);
    expect(metrics(r).length).toBeGreaterThan(0);
    expect(r.for).toMatch(/^\d+[smh]$/);
    expect(["critical", "warning"]).toContain(r.labels.severity);
    expect(r.annotations.summary.trim()).not.toBe("");
    expect(r.annotations.description.trim()).not.toBe("");
    expect(r.alert).toMatch(/^[A-Z][A-Za-z0-9]+$/);
  });

  it("alerts on XID errors (critical, immediately)", () => {
    const r = rule("GpuXidError");
    expect(metrics(r)).toEqual(["DCGM_FI_DEV_XID_ERRORS"]);
    expect(r.labels.severity).toBe("critical");
  });

  it("alerts on thermal or power throttling from the clock-event reasons", () => {
    const r = rule("GpuThermalOrPowerThrottling");
    expect(metrics(r)).toEqual(["DCGM_FI_DEV_CLOCKS_EVENT_REASONS"]);
    // Bits 0x20, 0x40, 0x80: (reasons mod 256) >= 32 holds exactly when one of them is set.
    for (let v = 0; v < 1024; v++) expect(v % 256 >= 32, String(v)).toBe((v & 0xe0) !== 0);
  });

  it("alerts on GPU memory pressure from framebuffer used and free", () => {
    const r = rule("GpuMemoryPressure");
    expect(new Set(metrics(r))).toEqual(new Set(["DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE"]));
    expect(r.expr).toMatch(/>\s*0\.9\d*\s*$/);
  });

  it("alerts on nodes that are not Ready", () => {
    const r = rule("NodeNotReady");
    expect(metrics(r)).toEqual(["kube_node_status_condition"]);
    expect(equalityMatchers(r.expr)).toEqual(
      expect.arrayContaining([
        { metric: "kube_node_status_condition", label: "condition", value: "Ready" },
        { metric: "kube_node_status_condition", label: "status", value: "true" },
      ]),
    );
    expect(r.labels.severity).toBe("critical");
  });

  it("alerts when a team uses over 90% of a quota", () => {
    const r = rule("TeamQuotaNearlyExhausted");
    // kube_namespace_labels only names the namespace's team (withNamespaceTeam).
    expect(metrics(r)).toEqual(["kube_resourcequota", "kube_namespace_labels"]);
    expect(new Set(equalityMatchers(r.expr).map((m) => m.value))).toEqual(new Set(["hard", "used"]));
    expect(r.expr).toMatch(/>\s*0\.9\)/);
  });

  it("alerts on claims that are almost full (available / capacity)", () => {
    const r = rule("PersistentVolumeNearlyFull");
    expect(metrics(r)).toEqual(["kubelet_volume_stats_available_bytes", "kubelet_volume_stats_capacity_bytes", "kube_namespace_labels"]);
    expect(r.expr).toMatch(/kubelet_volume_stats_available_bytes\s*\/\s*kubelet_volume_stats_capacity_bytes/);
  });

  it("gives the per-namespace team alerts their namespace's team, from its team label, and keeps the platform's namespaces", () => {
    for (const name of ["TeamQuotaNearlyExhausted", "PersistentVolumeNearlyFull"]) {
      const r = rule(name);
      const inner = /^\((.*)\) \* on \(namespace\) group_left \(team\) /.exec(r.expr)?.[1] ?? "";
      expect(inner, name).not.toBe("");
      expect(r.expr).toBe(withNamespaceTeam(inner));
    }
    expect(parsePromQL(NAMESPACE_TEAM).labels).toEqual(expect.arrayContaining(["label_team", "namespace", "team"]));
    expect(parsePromQL(withNamespaceTeam("up")).errors).toEqual([]);
  });

  it("gives platform alerts no team label", () => {
    for (const name of ["GpuXidError", "NodeNotReady", "ScrapeTargetDown"]) expect(rule(name).labels, name).not.toHaveProperty("team");
  });

  it("alerts on failing scrape targets (up == 0)", () => {
    const r = rule("ScrapeTargetDown");
    expect(r.expr.replace(/\s+/g, " ").trim()).toBe("up == 0");
  });
});

describe("the PrometheusRule object", () => {
  const objects = observabilityObjects();
  const all = [...objects.namespaces, ...objects.resources] as KubeObject[];
  const promRule = () => all.find((o) => o.kind === "PrometheusRule") as KubeObject & { spec: { groups: unknown } };

  it("carries exactly ALERT_GROUPS in the monitoring namespace", () => {
    expect(promRule()).toMatchObject({ apiVersion: "monitoring.coreos.com/v1", metadata: { name: "mlops-platform", namespace: MONITORING_NAMESPACE } });
    expect(JSON.parse(JSON.stringify(promRule().spec.groups))).toEqual(JSON.parse(JSON.stringify(ALERT_GROUPS)));
  });

  it("validates, with every other observability object, against the schemas for Kubernetes 1.35", async () => {
    expect(all.map((o) => o.kind)).toEqual(expect.arrayContaining(["Namespace", "ConfigMap", "PrometheusRule", "ServiceMonitor"]));
    expect(await validateObjects(all, "1.35")).toEqual([]);
  });

  it("the schema check does catch a broken rule (for must be a duration string)", async () => {
    const broken = structuredClone(promRule()) as KubeObject & { spec: { groups: { rules: Record<string, unknown>[] }[] } };
    broken.spec.groups[0].rules[0].for = 10;
    expect((await validateObjects([broken], "1.35")).length).toBeGreaterThan(0);
  });
});
