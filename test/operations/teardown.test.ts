/**
 * docs/operations/teardown.md lists exactly what the code protects and retains per tier (from the fixture
 * stacks' offline plans), the KMS deletion windows the plans set, and names only what exists.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PlanResult } from "../../scripts/plan/run";
import { ofType, plan, T } from "../components/plan-query";
import { codeOf, configKeys, hasConfigPath, missingReferences, readRunbook } from "./runbook-references";

const doc = readRunbook("teardown.md");
const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  for (const stack of ["prod", "staging", "dev", "local"]) plans[stack] = await plan(stack);
}, 240_000);

const optionsOf = (protect: boolean, retain: boolean): string => [protect ? "protect" : "", retain ? "retainOnDelete" : ""].filter(Boolean).join(", ");

/** `type|options` of every resource the plan protects or retains. */
const kept = (p: PlanResult): Set<string> =>
  new Set(p.resources.filter((r) => r.protect || r.retainOnDelete).map((r) => `${r.type}|${optionsOf(r.protect, r.retainOnDelete)}`));

/** `type|options` of the rows of the table under a heading. */
function table(heading: string): Set<string> {
  const section = doc.split(`## ${heading}\n`)[1]?.split(/^## /m)[0] ?? "";
  return new Set([...section.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)].map((m) => `${m[1]}|${m[2].trim()}`));
}

describe("docs/operations/teardown.md", () => {
  const everyTier = table("What every EKS tier keeps");

  it("lists what prod protects and retains, type by type with its options", () => {
    const prod = kept(plans.prod);
    expect(prod.size).toBeGreaterThan(5);
    expect(table("What prod keeps")).toEqual(new Set([...prod].filter((k) => !everyTier.has(k))));
    for (const k of everyTier) expect(prod.has(k), k).toBe(true);
  });

  it("lists what dev and staging keep, and the local stack keeps nothing", () => {
    expect(everyTier.size).toBeGreaterThan(0);
    expect(kept(plans.dev)).toEqual(everyTier);
    expect(kept(plans.staging)).toEqual(everyTier);
    expect(plans.local.resources.length).toBeGreaterThan(0);
    expect(kept(plans.local)).toEqual(new Set());
  });

  it("names every prod key and the KMS deletion windows the plans set", () => {
    const prodKeys = ofType(plans.prod, T.kmsKey);
    expect(prodKeys.length).toBeGreaterThan(0);
    const row = doc.split("\n").find((line) => line.startsWith("| `aws:kms/key:Key`")) ?? "";
    for (const k of prodKeys) expect(row, k.name).toContain(k.name.replace(`${plans.prod.config?.cluster.name}-`, ""));
    const windows = (p: PlanResult) => new Set(ofType(p, T.kmsKey).map((k) => k.inputs.deletionWindowInDays));
    expect(windows(plans.prod)).toEqual(new Set([30]));
    expect(windows(plans.dev)).toEqual(new Set([7]));
    expect(doc).toContain("pending\ndeletion for 7 days");
    expect(doc).toContain("prod's window is **30 days**");
  });

  it("names only scripts, files, config keys and commands that exist, and the cluster's URN", () => {
    expect(missingReferences(doc)).toEqual([]);
    const { spans, commands } = codeOf(doc);
    const keys = configKeys(spans);
    expect(keys).toContain("cluster.protect");
    for (const key of keys) expect(hasConfigPath(key), key).toBe(true);
    const [cluster] = ofType(plans.prod, T.eks);
    const target = commands.map((c) => /--target '([^']+)'/.exec(c)?.[1]).find(Boolean);
    expect(target?.replace("<cluster>", cluster.name)).toBe(cluster.urn);
  });
});
