/**
 * Test helpers: stack configs as plain objects, and the test's own fixture stacks.
 *
 * Tests plan and assert against test/fixtures/stacks/Pulumi.<stack>.yaml, never against stacks/: the shipped
 * stack files are the adopters' to edit (accounts, ARNs, region, CIDRs, cluster names), and an edit there must
 * not turn a test red. Only the shipped-stack checks read stacks/ (test/config/shipped-stacks.test.ts and
 * test/config/adopter-edits.test.ts), through `shippedStackConfig`, and they assert nothing about the values
 * in it.
 */
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { listStacks, readStackConfig, stackFilePath, type StackConfig } from "../../scripts/plan/stack-file";

/** The fixture stacks every test plans: copies of the shipped stacks at the time, owned by the tests. */
export const FIXTURE_STACKS_DIR = join(__dirname, "..", "fixtures", "stacks");

/** The fixture stacks' names, sorted: local, dev, staging and prod (one per environment). */
export const fixtureStacks = (): string[] => listStacks(FIXTURE_STACKS_DIR);

/** A plain config object (keys without prefix) → the raw string map the loader reads (keys without prefix). */
export function rawConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** A plain config object → the StackConfig runPlan takes (prefixed keys). */
export function stackConfig(config: Record<string, unknown>, secretKeys: string[] = []): StackConfig {
  const values = Object.fromEntries(Object.entries(rawConfig(config)).map(([k, v]) => [`mlops-platform:${k}`, v]));
  return { values, secretKeys: secretKeys.map((k) => `mlops-platform:${k}`) };
}

/** A fixture stack's `mlops-platform:` block as a plain object (keys without prefix), for tests that start from it. */
export function fixtureStack(stack: string): Record<string, unknown> {
  const doc = parse(readFileSync(stackFilePath(stack, FIXTURE_STACKS_DIR), "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^mlops-platform:/, ""), v]));
}

/** A fixture stack as the StackConfig runPlan takes. */
export function fixtureStackConfig(stack: string): StackConfig {
  return readStackConfig(stack, FIXTURE_STACKS_DIR);
}

/**
 * A shipped stack file (stacks/) as the StackConfig runPlan takes. Only for the shipped-stack checks, which
 * assert that whatever an adopter put there plans cleanly, never what it contains.
 */
export function shippedStackConfig(stack: string): StackConfig {
  return readStackConfig(stack);
}

/** A StackConfig's `mlops-platform:` keys as a plain object (JSON values parsed), to edit and feed back through `stackConfig`. */
export function plainConfig(config: StackConfig): Record<string, unknown> {
  const parseValue = (v: string): unknown => {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  };
  return Object.fromEntries(
    Object.entries(config.values)
      .filter(([k]) => k.startsWith("mlops-platform:"))
      .map(([k, v]) => [k.replace(/^mlops-platform:/, ""), parseValue(v)]),
  );
}

/** Deep copy, so a test can break one field of a compliant fixture. */
export const clone = <T>(v: T): T => structuredClone(v);

/** A fixed day inside the support window of every fixture EKS version. */
export const TODAY = new Date("2026-11-22T00:00:00Z");
