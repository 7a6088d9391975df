/**
 * Custom resources wait for the chart that defines their kind (scripts/plan/crd-order.ts): created after its CRDs
 * and operator, deleted before them on destroy. Kinds and definers come from the chart inventory.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { customResourceUses, unorderedCustomResourceLines } from "../../scripts/plan/crd-order";
import type { PlanResult } from "../../scripts/plan/run";
import { fixtureStacks } from "../helpers/stack";
import { plan } from "../components/plan-query";

const plans = new Map<string, PlanResult>();
beforeAll(async () => {
  for (const stack of fixtureStacks()) plans.set(stack, await plan(stack));
});
const get = (stack: string): PlanResult => {
  const found = plans.get(stack);
  if (!found) throw new Error(`no plan for ${stack}`);
  return found;
};

describe("custom resources and the charts that define their kinds", () => {
  it.each(["local", "dev", "staging", "prod"])("%s: every use waits for its defining chart", (stack) => {
    const uses = customResourceUses(get(stack));
    expect(uses.length).toBeGreaterThan(10);
    expect(uses.filter((u) => !u.ordered)).toEqual([]);
    expect(get(stack).orderProblems).toEqual([]);
  });

  it("finds the uses that matter on destroy: our ServiceMonitors, ExternalSecrets and the runtimes chart's ClusterServingRuntimes", () => {
    const kinds = new Set(customResourceUses(get("prod")).map((u) => `${u.kind} <- ${u.providerChart.split(" ")[0]}`));
    expect(kinds).toContain("monitoring.coreos.com/ServiceMonitor <- kube-prometheus-stack@88.5.3");
    expect(kinds).toContain("external-secrets.io/ExternalSecret <- external-secrets@2.9.0");
    expect(kinds).toContain("serving.kserve.io/ClusterServingRuntime <- kserve-crd@v0.20.0");
  });

  it("a use that no longer waits is a plan problem naming the object's owner, the kind and the chart", () => {
    const prod = get("prod");
    const use = customResourceUses(prod).find((u) => u.kind === "external-secrets.io/ExternalSecret");
    if (!use) throw new Error("no ExternalSecret use");
    // Cut every edge from the consumer and its ancestors to the chart: no dependsOn, no parent.
    const cut = { ...prod, resources: prod.resources.map((r) => (r.urn === use.consumer ? { ...r, dependsOn: [], parent: null } : r)) };
    const lines = unorderedCustomResourceLines(cut);
    expect(lines).toContain(
      `${use.consumer.split("::").pop()} creates external-secrets.io/ExternalSecret but does not wait for external-secrets@2.9.0 (release services-secrets), which defines it: add the chart to its dependsOn`,
    );
  });
});
