/**
 * Every registry entry is used as scoped: with the registry emptied, the fixture stacks' plans (upstream chart
 * objects included) produce at least one finding for each control an entry lists and for each workload or cluster
 * object it names. An entry wider than its need fails here, so scopes stay exact.
 */
import { describe, it, expect, beforeAll, vi } from "vitest";
import type { PolicyException } from "../../policies/exceptions";
import { clusterObject, exemption } from "../../policies/lib/exceptions";
import { runPolicies, type Violation } from "../../scripts/plan/policy";
import { fixtureStacks } from "../helpers/stack";
import { plan } from "../components/plan-query";

const registry = vi.hoisted(() => ({ entries: undefined as PolicyException[] | undefined }));
vi.mock("../../policies/exceptions", async (original) => {
  const actual = await original<typeof import("../../policies/exceptions")>();
  return {
    ...actual,
    get EXCEPTIONS() {
      return registry.entries ?? actual.EXCEPTIONS;
    },
  };
});

interface Finding {
  readonly namespace?: string;
  /** A workload's name, or `Kind/name` for a cluster-scoped object (as the registry names it). */
  readonly name: string;
  readonly control: string;
  /** The chart the object comes from, for objects inside upstream charts. */
  readonly chart?: string;
}

/** The object a violation is about, from its URN: `ns/name` or `name`, behind `release:` for chart objects. */
function findingOf(violation: Violation): Finding | undefined {
  const control = /^([A-Z0-9]+-\d+): /.exec(violation.message)?.[1];
  if (!control || !violation.urn.includes("$kubernetes:")) return undefined;
  const last = violation.urn.slice(violation.urn.lastIndexOf("::") + 2);
  const kind = violation.urn.slice(0, violation.urn.lastIndexOf("::")).split(":").pop() ?? "";
  const object = violation.chart ? last.slice(last.indexOf(":") + 1) : last;
  const [namespace, name] = object.includes("/") ? object.split("/") : [undefined, clusterObject(kind, object)];
  return { namespace, name, control, chart: violation.chart };
}

let actual: readonly PolicyException[];
const findings: Finding[] = [];
const DAY = "2026-12-07";

beforeAll(async () => {
  actual = (await vi.importActual<typeof import("../../policies/exceptions")>("../../policies/exceptions")).EXCEPTIONS;
  registry.entries = [];
  for (const stack of fixtureStacks()) {
    const result = await plan(stack);
    const environment = result.config?.environment ?? "prod";
    for (const v of await runPolicies(result, environment)) {
      const f = findingOf(v);
      if (f) findings.push(f);
    }
  }
  // Namespaces: a privileged namespace needs an entry with NS-01 for some workload in it.
  registry.entries = undefined;
}, 120_000);

const covers = (entry: PolicyException, f: Finding) => exemption(f.namespace, f.name, f.control, DAY, [entry]) !== undefined;

describe("the exceptions registry, used as scoped", () => {
  it("the emptied registry leaves findings to match", () => {
    expect(actual.length).toBeGreaterThan(0);
    expect(findings.length).toBeGreaterThan(10);
  });

  it("every control an entry lists relaxes a finding (for workloads no plan shows: their namespace's NS-01)", () => {
    const unused = actual.flatMap((e) =>
      // Workloads no plan shows have no findings; only their namespace's NS-01 can be held to one.
      e.controls
        .filter((c) => !e.scope.notPlanned || c === "NS-01")
        .filter((c) => !(c === "NS-01" && findings.some((f) => f.control === "NS-01" && f.name === clusterObject("Namespace", e.scope.namespace))))
        .filter((c) => !findings.some((f) => f.control === c && covers(e, f)))
        .map((c) => `${e.id}: ${c}`),
    );
    expect(unused).toEqual([]);
  });

  it("every workload and cluster object an entry names has a finding it relaxes (workloads no plan shows excepted)", () => {
    const unused = actual.flatMap((e) => [
      ...(e.scope.notPlanned ? [] : e.scope.workloads)
        .filter((w) => !findings.some((f) => covers({ ...e, scope: { ...e.scope, workloads: [w], clusterObjects: [] } }, f)))
        .map((w) => `${e.id}: workload ${w}`),
      // A cluster object must be one an upstream chart renders: our own cluster objects are fixed, never excepted.
      ...(e.scope.clusterObjects ?? [])
        .filter(
          (o) =>
            !findings.some(
              (f) => f.namespace === undefined && f.chart !== undefined && covers({ ...e, scope: { ...e.scope, workloads: [], clusterObjects: [o] } }, f),
            ),
        )
        .map((o) => `${e.id}: cluster object ${o}`),
    ]);
    expect(unused).toEqual([]);
  });
});
