/**
 * The OpenCost objects the offline plan writes for the opencost fixture stack (its namespace, NetworkPolicies and
 * RBAC) are accepted by a real API server as written, without a Pod Security warning. The chart's own objects are
 * not in the written plan: the plan judges them from the inventory (facts, not manifests), so they are not applied.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal, type KubeResponse } from "../../scripts/cluster/kube-client";
import type { KubeObject } from "../../scripts/plan/extract";
import { MONITORING_NAMESPACE, OPENCOST_NAMESPACE } from "../../domain/platform-namespaces";
import { COST_DASHBOARDS } from "../../charts/observability";
import { adminClient, applyOrder, applyServed, describeObject, writtenPlan } from "./planned";

const admin = adminClient();
let objects: KubeObject[] = [];
let applied = new Map<string, KubeResponse>();
let dashboards: KubeObject[] = [];
let appliedDashboards = new Map<string, KubeResponse>();

const COST_DASHBOARD_NAMES = COST_DASHBOARDS.map((d) => `dashboard-${d.uid}`);

const isOpenCost = (o: KubeObject): boolean =>
  o.metadata?.namespace === OPENCOST_NAMESPACE ||
  (o.kind === "Namespace" && o.metadata?.name === OPENCOST_NAMESPACE) ||
  (["ClusterRole", "ClusterRoleBinding"].includes(o.kind) && o.metadata?.name === "opencost");

beforeAll(async () => {
  const plan = await writtenPlan("opencost");
  objects = plan.objects.filter(isOpenCost).sort(applyOrder);
  ({ applied } = await applyServed(admin, objects));
  // The money dashboards are ConfigMaps in the monitoring namespace, which the chart's release makes at deploy time.
  await admin.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: MONITORING_NAMESPACE } });
  dashboards = plan.objects.filter((o) => o.kind === "ConfigMap" && COST_DASHBOARD_NAMES.includes(o.metadata?.name ?? ""));
  ({ applied: appliedDashboards } = await applyServed(admin, dashboards));
});
afterAll(() => admin.close());

describe("OpenCost's planned objects on a real API server", () => {
  it("applies the namespace, its NetworkPolicies and the RBAC, each accepted as written and without warnings", () => {
    expect(objects.length).toBeGreaterThan(5);
    expect(applied.size).toBe(objects.length);
    const kinds = [...new Set(objects.map((o) => o.kind))].sort();
    expect(kinds).toEqual(["ClusterRole", "ClusterRoleBinding", "Namespace", "NetworkPolicy", "Role", "RoleBinding"]);
    const refused = [...applied].filter(([, r]) => r.status >= 300).map(([name, r]) => `${name}: ${r.status} ${refusal(r)}`);
    expect(refused).toEqual([]);
    const warned = [...applied].filter(([, r]) => r.warnings.length > 0).map(([name, r]) => `${name}: ${r.warnings.join("; ")}`);
    expect(warned).toEqual([]);
  });

  it("the server keeps the ClusterRole read-only and free of ConfigMaps and Secrets", () => {
    const role = applied.get(describeObject(objects.find((o) => o.kind === "ClusterRole") as KubeObject));
    const rules = (role?.body?.rules ?? []) as { resources: string[]; verbs: string[] }[];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.resources.filter((r) => r === "configmaps" || r === "secrets")).toEqual([]);
      expect(rule.verbs.filter((v) => !["get", "list", "watch"].includes(v))).toEqual([]);
    }
  });
});

describe("the money dashboards on a real API server", () => {
  it("accepts both dashboard ConfigMaps as written, each carrying its dashboard JSON", () => {
    expect(dashboards.map((o) => o.metadata?.name).sort()).toEqual([...COST_DASHBOARD_NAMES].sort());
    const refused = [...appliedDashboards].filter(([, r]) => r.status >= 300).map(([name, r]) => `${name}: ${r.status} ${refusal(r)}`);
    expect(refused).toEqual([]);
    for (const [name, response] of appliedDashboards) {
      const data = Object.values((response.body?.data ?? {}) as Record<string, string>);
      expect(data, name).toHaveLength(1);
      expect(JSON.parse(data[0] ?? "{}").panels.length, name).toBeGreaterThan(3);
    }
  });
});
