/**
 * The Observability component under mocks with the `costs` section of an EKS stack and of an existing cluster: the
 * money dashboards and the cost PrometheusRule join the content group (after the chart) only when allocation is on.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { COST_DASHBOARDS, COST_RULE_NAME } from "../../charts/observability";
import { Observability, type ObservabilityCostsArgs } from "../../components/observability";
import { resolveCosts } from "../../config/costs";
import { parseYamlStream } from "../../scripts/plan/extract";
import { planMocks } from "../../scripts/plan/mocks";
import { Recorder, type PlannedResource } from "../../scripts/plan/recorder";

type Obj = { kind: string; metadata: { name: string }; spec?: { groups: { name: string; rules: { record?: string; labels?: Record<string, string> }[] }[] } };

const CASES: Record<string, ObservabilityCostsArgs | undefined> = {
  eks: {
    config: resolveCosts({ budgets: [{ costCenter: "ml-1", monthlyUsd: 900 }] }, true),
    platformCostCenter: "ml-1",
    sharedCosts: [{ item: "EKS control plane", monthlyUsd: 73 }],
    priceDate: "2026-12-07",
  },
  existing: {
    config: resolveCosts(
      { allocation: { idle: "quota-share", prices: { cpuCoreHour: 0.03, memoryGiBHour: 0.004, gpuHour: 1.2, storageGiBMonth: 0.1 } } },
      false,
    ),
    platformCostCenter: "ml-2",
    sharedCosts: [],
  },
  "existing without prices (allocation off)": { config: resolveCosts(undefined, false), platformCostCenter: "ml-3", sharedCosts: [] },
  "no costs argument": undefined,
};

const planned: Record<string, PlannedResource[]> = {};
beforeAll(async () => {
  await pulumi.runtime.setMocks(planMocks, "mlops-platform", "test", false);
  for (const [name, costs] of Object.entries(CASES)) {
    const recorder = new Recorder();
    recorder.attach();
    new Observability(`mon-${name.replace(/\W+/g, "-")}`, { costs });
    await Recorder.settle();
    planned[name] = [...recorder.resources];
  }
});

const content = (name: string) => {
  const group = planned[name].filter((r) => r.type === "kubernetes:yaml/v2:ConfigGroup" && r.name.endsWith("-content"));
  expect(group, name).toHaveLength(1);
  const chart = planned[name].find((r) => r.type === "kubernetes:helm.sh/v4:Chart");
  expect(group[0].dependsOn).toContain(chart?.urn);
  return parseYamlStream(group[0].inputs.yaml as string) as Obj[];
};

describe.each(["eks", "existing"])("Observability with cost allocation on (%s)", (name) => {
  it("adds the money dashboards as sidecar ConfigMaps and the cost PrometheusRule", () => {
    const objs = content(name);
    expect(objs.length).toBeGreaterThan(0);
    const names = objs.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const d of COST_DASHBOARDS) expect(names).toContain(`ConfigMap/dashboard-${d.uid}`);
    expect(names).toContain(`PrometheusRule/${COST_RULE_NAME}`);
  });

  it("books idle cost by the stack's rule and budgets the configured cost centers", () => {
    const rule = content(name).find((o) => o.metadata.name === COST_RULE_NAME);
    const rules = (rule?.spec?.groups ?? []).flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThan(0);
    const quota = rules.some((r) => r.record === "mlops:team_quota");
    expect(quota).toBe(name === "existing");
    const budgets = rules.filter((r) => r.record === "mlops:cost_center_budget_monthly_usd").map((r) => r.labels?.cost_center);
    expect(budgets).toEqual(name === "eks" ? ["ml-1"] : []);
    // Shared costs are series of their own, dated; a stack with none gets no group for them.
    const shared = rules.filter((r) => r.record === "mlops:platform_shared_cost_monthly_usd").map((r) => r.labels);
    expect(shared).toEqual(name === "eks" ? [{ item: "EKS control plane", price_date: "2026-12-07" }] : []);
    if (name === "existing") expect(rule?.spec?.groups.map((g) => g.name)).not.toContain("mlops-cost-shared");
  });
});

describe.each(["existing without prices (allocation off)", "no costs argument"])("Observability without cost allocation (%s)", (name) => {
  it("adds no money dashboard and no cost rule", () => {
    const objs = content(name);
    expect(objs.length).toBeGreaterThan(0);
    const names = objs.map((o) => o.metadata.name);
    for (const d of COST_DASHBOARDS) expect(names).not.toContain(`dashboard-${d.uid}`);
    expect(names).not.toContain(COST_RULE_NAME);
  });
});
