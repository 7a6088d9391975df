/**
 * The offline plan judges the objects inside upstream charts from the inventory, as `pulumi preview
 * --policy-pack` judges the chart's rendered children: same policies, child URNs under the chart, the chart named
 * in every finding; and a release without a current inventory is reported with the command that refreshes it.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { runPolicies } from "../../scripts/plan/policy";
import type { PlanResult } from "../../scripts/plan/run";
import { staleInventoryLines, upstreamObjects, upstreamRenders } from "../../scripts/plan/upstream";
import { inventoryReport } from "../../scripts/plan/report";
import { blockingProblems } from "../../scripts/plan/blocking";
import { inventoryByKey, type InventoryFile } from "../../scripts/inventory/store";
import { plan } from "../components/plan-query";

let prod: PlanResult;
beforeAll(async () => {
  prod = await plan("prod");
});

const privileged = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "planted-agent", namespace: "monitoring" },
  spec: { template: { metadata: {}, spec: { containers: [{ name: "a", image: "r/a:1", securityContext: { privileged: true } }] } } },
};

describe("the prod fixture's charts", () => {
  it("every chart release the plan deploys has its inventory entry, with objects", () => {
    expect(prod.charts.length).toBeGreaterThan(5);
    expect(prod.upstream.map((r) => r.chart.release)).toEqual(prod.charts.map((c) => c.release));
    for (const r of prod.upstream) expect(r.inventory?.objects.length ?? 0, r.chart.release).toBeGreaterThan(0);
  });

  it("their objects become children of the chart resource, named as helm.v4.Chart names them", () => {
    const objects = upstreamObjects(prod.upstream);
    expect(objects.length).toBeGreaterThan(200);
    const operator = objects.find((o) => o.type === "kubernetes:apps/v1:Deployment" && o.object.metadata.name === "monitoring-kube-prometheus-operator");
    const chart = prod.charts.find((c) => c.release === "monitoring");
    expect(operator?.parent).toBe(chart?.urn);
    expect(operator?.urn).toBe(`${chart?.urn}$kubernetes:apps/v1:Deployment::monitoring:monitoring/monitoring-kube-prometheus-operator`);
    expect(operator?.chart).toBe("kube-prometheus-stack@88.5.3 (release monitoring)");
    const clusterRole = objects.find((o) => o.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole");
    expect(clusterRole?.name).not.toContain("/");
  });

  it("the pack judges them: a privileged DaemonSet in the chart fails prod, reported with its chart", async () => {
    const monitoring = prod.upstream.find((r) => r.chart.release === "monitoring");
    if (!monitoring?.inventory) throw new Error("no monitoring inventory");
    const planted: InventoryFile = { ...monitoring.inventory, objects: [...monitoring.inventory.objects, privileged] };
    const byKey = new Map([...inventoryByKey()].map(([k, v]) => [k, k === monitoring.key ? planted : v]));
    const result = { ...prod, upstream: upstreamRenders(prod.charts, "1.35", byKey) };
    const found = (await runPolicies(result, "prod")).filter((v) => v.urn.endsWith("::monitoring:monitoring/planted-agent"));
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((v) => v.message)).toContain("POD-05: container a must not be privileged");
    for (const v of found) {
      expect(v.chart).toBe("kube-prometheus-stack@88.5.3 (release monitoring)");
      expect(v.urn.startsWith(`${monitoring.chart.urn}$kubernetes:apps/v1:DaemonSet::`)).toBe(true);
    }
    expect(found.find((v) => v.policy === "k8s-pod-security")?.enforcement).toBe("mandatory");
    expect(blockingProblems(result, found)[0]).toMatch(
      /^mandatory policy k8s-pod-security \(monitoring:monitoring\/planted-agent, chart kube-prometheus-stack@88\.5\.3 \(release monitoring\)\): POD-/,
    );
  });
});

describe("a stale inventory", () => {
  it("leaves every release without objects, says which file is missing and how to refresh it, and blocks the plan", () => {
    const stale = { ...prod, upstream: upstreamRenders(prod.charts, prod.config?.cluster.version ?? "1.35", new Map()) };
    expect(upstreamObjects(stale.upstream)).toEqual([]);
    const lines = staleInventoryLines(stale.upstream);
    expect(lines).toHaveLength(prod.charts.length);
    expect(lines[0]).toMatch(
      /^chart \S+@\S+ \(release \S+\) has no inventory for the values this stack passes \(charts\/inventory\/\S+-[0-9a-f]{16}\.json is missing\), so the policy pack cannot see its objects; run `npm run charts:inventory`$/,
    );
    expect(blockingProblems(stale)).toEqual(lines);
    expect(inventoryReport(stale.upstream).every((c) => c.inventory === null && c.objects === 0)).toBe(true);
  });

  it("is what a changed value, a Kubernetes minor or a chart bump produce", () => {
    const current = prod.upstream.filter((r) => r.inventory).length;
    expect(current).toBe(prod.charts.length);
    const bumped = prod.charts.map((c) => (c.release === "monitoring" ? { ...c, version: "99.0.0" } : c));
    expect(staleInventoryLines(upstreamRenders(bumped, "1.35"))).toHaveLength(1);
    const changed = prod.charts.map((c) => (c.release === "gpu-operator" ? { ...c, values: { ...c.values, extra: true } } : c));
    expect(staleInventoryLines(upstreamRenders(changed, "1.35"))).toHaveLength(1);
    expect(staleInventoryLines(upstreamRenders(prod.charts, "1.36"))).toHaveLength(prod.charts.length);
  });

  it("policy.json's chart list names each release's inventory file", () => {
    const report = inventoryReport(prod.upstream);
    expect(report.length).toBe(prod.charts.length);
    for (const c of report) expect(c.inventory).toMatch(new RegExp(`^charts/inventory/${c.release}-[0-9a-f]{16}\\.json$`));
  });
});
