/**
 * zod's own wording ("Invalid input: expected string, received number") turned into guidance a team lead can
 * act on. Used as the per-parse error map of the loader; rules with messages of their own keep them.
 */
import type { z } from "zod";

/** How a YAML value reads to the person who wrote it. */
export function describeValue(value: unknown): string {
  if (value === null) return "empty (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}

const NOUN: Readonly<Record<string, string>> = {
  string: "a text value",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping of keys",
};

function invalidType(expected: string, input: unknown): string {
  if (input === undefined) return "is required";
  if (input === null) return "is empty (null): give it a value or remove the key";
  if (expected === "string" && (typeof input === "number" || typeof input === "boolean")) {
    return `${String(input)} is written unquoted; quote it ("${String(input)}"): this key takes text, and Kubernetes quantities such as cpu: "32" are text`;
  }
  if ((expected === "number" || expected === "int") && typeof input === "string" && input.trim() !== "" && !Number.isNaN(Number(input))) {
    return `"${input}" is quoted; write the number without quotes`;
  }
  if (expected === "int" && typeof input === "number") return `${input} is not a whole number`;
  return `should be ${NOUN[expected] ?? expected}, but is ${describeValue(input)}`;
}

const listOf = (values: readonly unknown[]) => values.map((v) => String(v)).join(", ");

/** The loader's error map: a message for the issues a person meets, undefined to keep zod's. */
export function explainIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return invalidType(String(issue.expected), issue.input);
    case "invalid_value":
      if (issue.input === null || issue.input === undefined) return invalidType("value", issue.input);
      return `${JSON.stringify(issue.input)} is not one of: ${listOf(issue.values)}`;
    case "invalid_union": {
      // A discriminated union (cluster.kind, gpuSharing.mode) reports at the discriminator with the whole object as input.
      const { options, discriminator } = issue as { options?: unknown[]; discriminator?: string };
      if (!options || !discriminator) return undefined;
      const value = (issue.input as Record<string, unknown> | null | undefined)?.[discriminator];
      if (value === null || value === undefined) return invalidType("value", value);
      return `${JSON.stringify(value)} is not one of: ${listOf(options)}`;
    }
    case "too_small":
      if (issue.origin === "array") return `needs at least ${String(issue.minimum)} entr${issue.minimum === 1 ? "y" : "ies"}`;
      if (issue.origin === "number") return `${String(issue.input)} is below the minimum ${issue.inclusive ? "" : "(exclusive) "}${String(issue.minimum)}`;
      return undefined;
    case "too_big":
      if (issue.origin === "number") return `${String(issue.input)} is above the maximum ${String(issue.maximum)}`;
      return undefined;
    default:
      return undefined;
  }
}
