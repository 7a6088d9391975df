/**
 * docs/operations/eks-upgrade.md matches the code: what it names exists, it quotes the support-window check's
 * own messages and the config keys that check reads, its steps come in the order the plan applies the upgrade
 * (control plane, networking add-ons, node groups, workload add-ons and charts), and its --target URN is the
 * cluster's.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { validateStackConfig } from "../../config/loader";
import { BOOTSTRAP_ADDONS, WORKLOAD_ADDONS } from "../../components/cluster/addons";
import { EKS_VERSIONS } from "../../domain/versions";
import type { PlanResult } from "../../scripts/plan/run";
import { fixtureStackConfig } from "../helpers/stack";
import { ofType, plan, T } from "../components/plan-query";
import { codeOf, configKeys, hasConfigPath, missingReferences, readRunbook } from "./runbook-references";

const doc = readRunbook("eks-upgrade.md");
const { spans, commands } = codeOf(doc);
let prod: PlanResult;
beforeAll(async () => {
  prod = await plan("prod");
}, 120_000);

/** Every URN `urn` depends on, through its own dependsOn and its ancestors' (a component's dependsOn covers its children). */
function dependencies(p: PlanResult, urn: string): Set<string> {
  const byUrn = new Map(p.resources.map((r) => [r.urn, r]));
  const out = new Set<string>();
  const visit = (at: string | null): void => {
    const r = at === null ? undefined : byUrn.get(at);
    if (!r) return;
    for (const d of r.dependsOn) {
      if (out.has(d)) continue;
      out.add(d);
      visit(d);
    }
    visit(r.parent);
  };
  visit(urn);
  return out;
}

/** A stack's problems on a given day (the support-window check judges `cluster.version` against it). */
function problemsOn(day: string, version: string): string[] {
  const config = fixtureStackConfig("dev");
  const values = { ...config.values };
  const cluster = JSON.parse(values["mlops-platform:cluster"]) as Record<string, unknown>;
  values["mlops-platform:cluster"] = JSON.stringify({ ...cluster, version });
  const result = validateStackConfig(values, new Set(config.secretKeys), { today: new Date(`${day}T00:00:00Z`) });
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

describe("docs/operations/eks-upgrade.md", () => {
  it("names only scripts, files and commands that exist, Pulumi always through npm with a stack", () => {
    expect(spans.length + commands.length).toBeGreaterThan(20);
    expect(missingReferences(doc)).toEqual([]);
  });

  it("names config keys the resolved config has, among them the one the support-window check reads", () => {
    const keys = configKeys(spans);
    expect(keys).toContain("cluster.version");
    for (const key of keys) expect(hasConfigPath(key), key).toBe(true);
    for (const field of ["endOfStandardSupport", "addons", "clusterAutoscalerImageTag"]) {
      expect(spans).toContain(field);
      expect(Object.values(EKS_VERSIONS)[0]).toHaveProperty(field);
    }
  });

  it("quotes the check's two messages as it prints them", () => {
    const [newest, end] = Object.entries(EKS_VERSIONS)
      .map(([v, e]) => [v, e.endOfStandardSupport])
      .sort()
      .reverse()[0];
    const known = Object.keys(EKS_VERSIONS).join(", ");
    const dayAfter = new Date(Date.parse(`${end}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(problemsOn(dayAfter, newest)).toContain(`cluster.version: ${newest} left EKS standard support on ${end}; upgrade to a supported version (${known})`);
    expect(problemsOn(end, newest)).toEqual([]);
    expect(problemsOn(end, "1.20")).toContain(`cluster.version: 1.20 is not an EKS version this blueprint pins add-ons for (${known})`);
    expect(spans).toContain("cluster.version: <v> left EKS standard support on <date>; upgrade to a supported version (<known>)");
    expect(spans).toContain("cluster.version: <v> is not an EKS version this blueprint pins add-ons for (<known>)");
  });

  it("orders its steps as the plan applies them: catalogue, check, control plane, add-ons, node groups, charts", () => {
    const steps = [...doc.matchAll(/^## Step (\d): (.+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(steps).toEqual([
      "1 catalogue bump (pull request)",
      "2 check and plan (no credentials)",
      "3 control plane",
      "4 add-ons",
      "5 node groups",
      "6 charts",
    ]);
    const [cluster] = ofType(prod, T.eks);
    const addons = ofType(prod, T.addon);
    const nodeGroups = ofType(prod, T.nodeGroup);
    const charts = ofType(prod, T.chart);
    expect(addons.length * nodeGroups.length * charts.length).toBeGreaterThan(0);
    const addonNamed = (name: string) => addons.filter((a) => a.inputs.addonName === name);
    for (const name of BOOTSTRAP_ADDONS) for (const a of addonNamed(name)) expect(dependencies(prod, a.urn).has(cluster.urn), a.name).toBe(true);
    for (const ng of nodeGroups) for (const name of BOOTSTRAP_ADDONS) expect(dependencies(prod, ng.urn).has(addonNamed(name)[0].urn), ng.name).toBe(true);
    for (const name of WORKLOAD_ADDONS) for (const ng of nodeGroups) expect(dependencies(prod, addonNamed(name)[0].urn).has(ng.urn), name).toBe(true);
    for (const chart of charts)
      expect(
        nodeGroups.some((ng) => dependencies(prod, chart.urn).has(ng.urn)),
        chart.name,
      ).toBe(true);
    for (const name of [...BOOTSTRAP_ADDONS, ...WORKLOAD_ADDONS]) expect(spans, name).toContain(name);
  });

  it("targets the cluster by its URN in step 3", () => {
    const [cluster] = ofType(prod, T.eks);
    const target = commands.map((c) => /--target '([^']+)'/.exec(c)?.[1]).find((t) => t?.includes("aws:eks/cluster:Cluster"));
    expect(target?.replace(/dev/g, "prod").replace("<cluster>", cluster.name)).toBe(cluster.urn);
  });
});
