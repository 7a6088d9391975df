/** Dashboards as code: valid Grafana JSON, PromQL that parses, and metrics the exporters actually publish. */
import { describe, it, expect } from "vitest";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ALERT_GROUPS, DASHBOARDS, type Dashboard } from "../../charts/observability";
import { DCGM_METRICS, dcgmMetricsCsv } from "../../charts/gpu-operator";
import { prometheusStackValues } from "../../components/observability";
import { equalityMatchers, parsePromQL } from "./promql";

const byUid = (uid: string): Dashboard => DASHBOARDS.find((d) => d.uid === uid)!;
const exprs = (d: Dashboard) => d.panels.flatMap((p) => p.targets.map((t) => t.expr));
const metricsOf = (d: Dashboard) => new Set(exprs(d).flatMap((e) => parsePromQL(e).metrics));
const allExprs = [...DASHBOARDS.flatMap(exprs), ...ALERT_GROUPS.flatMap((g) => g.rules.map((r) => r.expr))];

describe("Grafana dashboard JSON", () => {
  it("ships the five platform dashboards with unique uids", () => {
    expect(DASHBOARDS.map((d) => d.uid).sort()).toEqual(["mlops-capacity", "mlops-gpu-queues", "mlops-gpus", "mlops-storage", "mlops-teams"]);
  });

  describe.each(DASHBOARDS.map((d) => [d.uid, d] as const))("%s", (_uid, d) => {
    it("round-trips through JSON with uid, title, numeric schemaVersion and panels", () => {
      const json = JSON.parse(JSON.stringify(d)) as Record<string, unknown>;
      expect(json).toEqual(d);
      expect(d.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
      expect(d.title.length).toBeGreaterThan(0);
      expect(typeof d.schemaVersion).toBe("number");
      expect(Number.isInteger(d.schemaVersion)).toBe(true);
      expect(d.panels.length).toBeGreaterThan(0);
    });

    it("has unique positive panel ids", () => {
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toBeGreaterThan(0);
    });

    it("lays panels out within 24 columns without overlaps", () => {
      for (const p of d.panels) {
        const g = p.gridPos;
        expect(g.x, p.title).toBeGreaterThanOrEqual(0);
        expect(g.w, p.title).toBeGreaterThan(0);
        expect(g.h, p.title).toBeGreaterThan(0);
        expect(g.x + g.w, p.title).toBeLessThanOrEqual(24);
      }
      for (const [i, a] of d.panels.entries()) {
        for (const b of d.panels.slice(i + 1)) {
          const apart =
            a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
            b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
            a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
            b.gridPos.y + b.gridPos.h <= a.gridPos.y;
          expect(apart, `${a.title} overlaps ${b.title}`).toBe(true);
        }
      }
    });

    it("queries the ${datasource} variable, which templating defines", () => {
      for (const p of d.panels) expect(p.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
      const v = d.templating.list.find((t) => t.name === "datasource");
      expect(v).toMatchObject({ type: "datasource", query: "prometheus" });
    });

    it("gives every target a refId unique in its panel and a non-empty expr that parses as PromQL", () => {
      for (const p of d.panels) {
        expect(p.targets.length, p.title).toBeGreaterThan(0);
        expect(new Set(p.targets.map((t) => t.refId)).size).toBe(p.targets.length);
        for (const t of p.targets) {
          expect(t.refId).toMatch(/^[A-Z]+$/);
          expect(t.expr.trim()).not.toBe("");
          const parsed = parsePromQL(t.expr);
          expect(parsed.errors, `${p.title}: ${t.expr}`).toEqual([]);
          expect(parsed.metrics.length, t.expr).toBeGreaterThan(0);
        }
      }
    });
  });
});

describe("what the dashboards show", () => {
  it("GPUs: utilization, framebuffer used and free, power and XID errors from DCGM", () => {
    const m = metricsOf(byUid("mlops-gpus"));
    for (const name of ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_XID_ERRORS"])
      expect(m).toContain(name);
  });

  it("teams: kube_resourcequota used against hard for CPU, memory and GPU requests", () => {
    const matchers = exprs(byUid("mlops-teams"))
      .flatMap(equalityMatchers)
      .filter((x) => x.metric === "kube_resourcequota");
    for (const resource of ["requests.cpu", "requests.memory", "requests.nvidia.com/gpu"]) {
      expect(matchers).toContainEqual({ metric: "kube_resourcequota", label: "resource", value: resource });
    }
    expect(matchers.filter((x) => x.label === "type").map((x) => x.value)).toEqual(expect.arrayContaining(["used", "hard"]));
  });

  it("capacity: node readiness, allocatable and requested resources from kube-state-metrics", () => {
    const m = metricsOf(byUid("mlops-capacity"));
    for (const name of ["kube_node_status_condition", "kube_node_status_allocatable", "kube_pod_container_resource_requests", "kube_node_labels"])
      expect(m).toContain(name);
    // kube-state-metrics sanitizes extended resource names: nvidia.com/gpu → nvidia_com_gpu.
    const gpu = exprs(byUid("mlops-capacity"))
      .flatMap(equalityMatchers)
      .filter((x) => x.label === "resource" && x.value.includes("gpu"));
    expect(gpu.length).toBeGreaterThan(0);
    for (const x of gpu) expect(x.value).toBe("nvidia_com_gpu");
  });

  it("storage: kubelet volume stats joined with kube_persistentvolumeclaim_info", () => {
    const m = metricsOf(byUid("mlops-storage"));
    for (const name of ["kubelet_volume_stats_used_bytes", "kubelet_volume_stats_capacity_bytes", "kube_persistentvolumeclaim_info"]) expect(m).toContain(name);
  });

  it("every node label a dashboard reads (label_*) is exported by kube-state-metrics", () => {
    // kube_node_labels carries no label_* series unless kube-state-metrics' --metric-labels-allowlist names
    // them (kube-prometheus-stack: kube-state-metrics.metricLabelsAllowlist). "Nodes per pool" groups by
    // label_mlops_platform_pool, so without the allowlist it shows one unnamed series.
    const used = [
      ...new Set(
        DASHBOARDS.flatMap(exprs)
          .flatMap((e) => parsePromQL(e).labels)
          .filter((l) => l.startsWith("label_")),
      ),
    ];
    expect(used).toEqual(["label_mlops_platform_pool"]);
    const ksm = (prometheusStackValues()["kube-state-metrics"] ?? {}) as { metricLabelsAllowlist?: string[] };
    const allow = (ksm.metricLabelsAllowlist ?? []).filter((a) => a.startsWith("nodes="));
    expect(
      allow.some((a) => /mlops\.platform\/pool|\[\*\]/.test(a)),
      "kube-state-metrics.metricLabelsAllowlist lacks nodes=[mlops.platform/pool]",
    ).toBe(true);
  });
});

describe("DCGM metrics against the exporter's collectors file", () => {
  const collected = new Set(DCGM_METRICS.map(([field]) => field));

  it("every DCGM_* metric used by a dashboard or an alert is in DCGM_METRICS", () => {
    const used = new Set(allExprs.flatMap((e) => parsePromQL(e).metrics).filter((m) => m.startsWith("DCGM_")));
    expect(used.size).toBeGreaterThan(0);
    for (const m of used) expect(collected, m).toContain(m);
  });

  it("names the node by dcgm-exporter 4.8's `hostname` label, never the `Hostname` it had before (NVIDIA/dcgm-exporter#655)", () => {
    const dcgmExprs = allExprs.filter((e) => parsePromQL(e).metrics.some((m) => m.startsWith("DCGM_")));
    expect(dcgmExprs.length).toBeGreaterThan(0);
    for (const e of dcgmExprs) expect(parsePromQL(e).labels, e).not.toContain("Hostname");
    expect(dcgmExprs.filter((e) => parsePromQL(e).labels.includes("hostname")).length).toBeGreaterThan(0);
    const legends = DASHBOARDS.flatMap((d) => d.panels.flatMap((p) => p.targets.map((t) => t.legendFormat)));
    expect(legends.filter((l) => l.includes("{{Hostname}}"))).toEqual([]);
  });

  it("lists each field once with a Prometheus type", () => {
    expect(collected.size).toBe(DCGM_METRICS.length);
    for (const [field, type, help] of DCGM_METRICS) {
      expect(field).toMatch(/^DCGM_FI_[A-Z0-9_]+$/);
      expect(["gauge", "counter"]).toContain(type);
      expect(help.length).toBeGreaterThan(0);
    }
  });

  it("dcgmMetricsCsv() lines have exactly 3 comma-separated fields", () => {
    // dcgm-exporter reads the file with Go's encoding/csv (Comment '#') and rejects any record that does not
    // have exactly 3 fields ("malformed CSV record … expected 3 fields"), so one help text with commas stops
    // the exporter. DCGM_FI_DEV_CLOCKS_EVENT_REASONS's help "(thermal, power, …)" has two.
    const lines = dcgmMetricsCsv()
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#"));
    expect(lines).toHaveLength(DCGM_METRICS.length);
    const bad = lines.filter((l) => l.split(",").length !== 3);
    expect(bad).toEqual([]);
  });

  it("starts with a comment line and ends with a newline", () => {
    const csv = dcgmMetricsCsv();
    expect(csv.startsWith("#")).toBe(true);
    expect(csv.endsWith("\n")).toBe(true);
  });
});

describe("kube-prometheus-stack values file", () => {
  it("is the file prometheusStackValues() builds on", () => {
    const file = parse(readFileSync(join(__dirname, "../../charts/values/kube-prometheus-stack.yaml"), "utf8")) as Record<string, unknown>;
    expect(prometheusStackValues()).toMatchObject(file);
  });
});
