/** GPU and node health alerts: PromQL that parses, the series they read, and the runbook they link. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALERT_GROUPS, GPU_HEALTH_ALERT_GROUP, GPU_NODE_RUNBOOK, NODE_MONITORING_CONDITIONS, type AlertRule } from "../../charts/observability";
import { DCGM_METRICS } from "../../charts/gpu-operator";
import { prometheusStackValues } from "../../components/observability";
import { equalityMatchers, parsePromQL } from "./promql";
import { cases } from "../cluster/alert-cases/gpu-health";

const RULES = GPU_HEALTH_ALERT_GROUP.rules;
const rule = (name: string): AlertRule => {
  const found = RULES.find((r) => r.alert === name);
  if (!found) throw new Error(`no alert ${name}; alerts: ${RULES.map((r) => r.alert).join(", ")}`);
  return found;
};
const metrics = (r: AlertRule) => parsePromQL(r.expr).metrics;
const runbook = readFileSync(join(__dirname, "../..", GPU_NODE_RUNBOOK), "utf8");
/** GitHub's anchors of the runbook's headings. */
const anchors = [...runbook.matchAll(/^#+\s+(.+)$/gm)].map((m) =>
  m[1]
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-"),
);

describe("the GPU health alert group", () => {
  it("is one of the platform's alert groups", () => {
    expect(ALERT_GROUPS).toContain(GPU_HEALTH_ALERT_GROUP);
    expect(RULES.length).toBe(8);
  });

  it.each(RULES.map((r) => [r.alert, r] as const))("%s parses and links its runbook section, without a team label", (_name, r) => {
    expect(parsePromQL(r.expr).errors, r.expr).toEqual([]);
    // No team; DCGM alerts name their node (from hostname) so NodeNotReady can inhibit them.
    expect(r.labels.team).toBeUndefined();
    expect(Object.keys(r.labels)).toEqual(r.expr.includes("DCGM_FI_") ? ["severity", "node"] : ["severity"]);
    const url = r.annotations.runbook_url ?? "";
    expect(url.startsWith(`${GPU_NODE_RUNBOOK}#`), url).toBe(true);
    expect(anchors).toContain(url.split("#")[1]);
  });

  it("names every alert of the group in the runbook, and GpuXidError too", () => {
    for (const name of [...RULES.map((r) => r.alert), "GpuXidError"]) expect(runbook, name).toContain(name);
    const xid = ALERT_GROUPS.flatMap((g) => g.rules).find((r) => r.alert === "GpuXidError");
    expect(anchors).toContain(xid?.annotations.runbook_url?.split("#")[1]);
  });
});

describe("node-condition alerts (the node monitoring agent through kube-state-metrics)", () => {
  const condition = (r: AlertRule) => equalityMatchers(r.expr).filter((m) => m.metric === "kube_node_status_condition");

  it("GpuNodeAcceleratorUnhealthy and GpuNodeNotRepaired select AcceleratedHardwareReady=false, the second after auto repair's 10 minutes", () => {
    for (const name of ["GpuNodeAcceleratorUnhealthy", "GpuNodeNotRepaired"]) {
      expect(metrics(rule(name))).toEqual(["kube_node_status_condition"]);
      expect(condition(rule(name))).toEqual([
        { metric: "kube_node_status_condition", label: "condition", value: "AcceleratedHardwareReady" },
        { metric: "kube_node_status_condition", label: "status", value: "false" },
      ]);
    }
    const minutes = (r: AlertRule) => Number(r.for.replace(/m$/, ""));
    expect(minutes(rule("GpuNodeAcceleratorUnhealthy"))).toBeLessThan(10);
    expect(minutes(rule("GpuNodeNotRepaired"))).toBeGreaterThan(30);
    expect(rule("GpuNodeNotRepaired").labels.severity).toBe("critical");
  });

  it("NodeHealthConditionFailing covers the agent's other conditions, not Ready (NodeNotReady has it)", () => {
    expect(NODE_MONITORING_CONDITIONS).toEqual(["KernelReady", "NetworkingReady", "StorageReady", "ContainerRuntimeReady"]);
    expect(rule("NodeHealthConditionFailing").expr).toContain(`condition=~"${NODE_MONITORING_CONDITIONS.join("|")}"`);
    expect(rule("NodeHealthConditionFailing").expr).not.toMatch(/\bReady\|/);
  });

  it("GpuNodeKeepsFailing counts rises of the False series over a day on nodes that still exist", () => {
    const r = rule("GpuNodeKeepsFailing");
    expect(new Set(metrics(r))).toEqual(new Set(["kube_node_status_condition", "kube_node_info"]));
    expect(r.expr).toMatch(/changes\(.*\[24h\]\) - resets\(.*\[24h\]\)\) >= 2 and on \(node\) kube_node_info$/);
  });

  it("GpuPoolRepeatedFailures groups by the pool label kube-state-metrics is allowed to export", () => {
    const r = rule("GpuPoolRepeatedFailures");
    expect(new Set(metrics(r))).toEqual(new Set(["kube_node_status_condition", "kube_node_labels"]));
    expect(parsePromQL(r.expr).labels).toContain("label_mlops_platform_pool");
    const ksm = (prometheusStackValues()["kube-state-metrics"] ?? {}) as { metricLabelsAllowlist?: string[] };
    expect(ksm.metricLabelsAllowlist ?? []).toContain("nodes=[mlops.platform/pool]");
  });
});

describe("DCGM alerts", () => {
  const collected = new Map(DCGM_METRICS.map(([field, type]) => [field, type]));

  it.each([
    ["GpuEccDoubleBitErrors", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "counter"],
    ["GpuRowRemapFailure", "DCGM_FI_DEV_ROW_REMAP_FAILURE", "gauge"],
    ["GpuNvlinkErrors", "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "counter"],
  ])("%s reads %s, which our collectors file publishes as a %s", (name, field, type) => {
    expect(metrics(rule(name))).toEqual([field]);
    expect(collected.get(field)).toBe(type);
    // Counters through increase/rate (they reset when the driver reloads), gauges as they are.
    expect(/\b(increase|rate)\(/.test(rule(name).expr)).toBe(type === "counter");
  });

  it("groups by dcgm-exporter 4.8's lower-case hostname label and the GPU", () => {
    for (const name of ["GpuEccDoubleBitErrors", "GpuRowRemapFailure", "GpuNvlinkErrors"]) {
      expect(rule(name).expr).toMatch(/^max by \(hostname, gpu, UUID\) /);
      expect(parsePromQL(rule(name).expr).labels).not.toContain("Hostname");
    }
  });
});

describe("promtool cases (test/cluster/alert-cases/gpu-health.ts)", () => {
  it("show every alert of the group firing once and silent once, with the rule's severity", () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const r of RULES) {
      const own = cases.filter((c) => c.alert === r.alert);
      expect(own.filter((c) => c.expect.length > 0).length, `${r.alert} fires`).toBeGreaterThan(0);
      expect(own.filter((c) => c.expect.length === 0).length, `${r.alert} stays silent`).toBeGreaterThan(0);
      for (const c of own) for (const e of c.expect) expect(e.labels.severity, c.name).toBe(r.labels.severity);
    }
    expect(new Set(cases.map((c) => c.alert))).toEqual(new Set(RULES.map((r) => r.alert)));
  });
});
