/** Test helpers: stack configs as plain objects, and the shipped stack files. */
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { stackConfigFromDocument, stackFilePath, type StackConfig } from "../../scripts/plan/stack-file";

/** A plain config object (keys without prefix) → the raw string map the loader reads (keys without prefix). */
export function rawConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** A plain config object → the StackConfig runPlan takes (prefixed keys). */
export function stackConfig(config: Record<string, unknown>, secretKeys: string[] = []): StackConfig {
  const values = Object.fromEntries(Object.entries(rawConfig(config)).map(([k, v]) => [`mlops-platform:${k}`, v]));
  return { values, secretKeys: secretKeys.map((k) => `mlops-platform:${k}`) };
}

/** A shipped stack file's `mlops-platform:` block as a plain object, for fixtures that start from it. */
export function shippedStack(stack: string): Record<string, unknown> {
  const doc = parse(readFileSync(stackFilePath(stack), "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^mlops-platform:/, ""), v]));
}

export function shippedStackConfig(stack: string): StackConfig {
  return stackConfigFromDocument(parse(readFileSync(stackFilePath(stack), "utf8")));
}

/** Deep copy, so a test can break one field of a compliant fixture. */
export const clone = <T>(v: T): T => structuredClone(v);

/** A fixed day inside the support window of every shipped EKS version. */
export const TODAY = new Date("2026-11-22T00:00:00Z");
