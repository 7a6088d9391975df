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
  if (typeof value === "string") return `the text ${quoted(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** A value as it appears in a message: quoted, and cut at 40 characters so a huge value stays readable. */
export const quoted = (value: unknown): string => {
  const text = typeof value === "string" ? value : String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
};

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
    // YAML has already turned 1.30 into 1.3 and 0123 into 123: ask for the value as meant, not as read.
    return `is written unquoted, so YAML reads it as the ${typeof input} ${String(input)}; this key takes text: put the value in quotes as you mean it`;
  }
  if ((expected === "number" || expected === "int") && typeof input === "string" && input.trim() !== "" && Number.isFinite(Number(input))) {
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
      return `${quoted(issue.input)} is not one of: ${listOf(issue.values)}`;
    case "invalid_union": {
      // A discriminated union (cluster.kind, gpuSharing.mode) reports at the discriminator with the whole object as input.
      const { options, discriminator } = issue as { options?: unknown[]; discriminator?: string };
      if (!options || !discriminator) return undefined;
      const value = (issue.input as Record<string, unknown> | null | undefined)?.[discriminator];
      if (value === null || value === undefined) return invalidType("value", value);
      return `${quoted(value)} is not one of: ${listOf(options)}`;
    }
    case "too_small":
      if (issue.origin === "array") return `needs at least ${String(issue.minimum)} entr${issue.minimum === 1 ? "y" : "ies"}`;
      if (issue.origin === "number") {
        return issue.inclusive
          ? `${String(issue.input)} is below the minimum ${String(issue.minimum)}`
          : `${String(issue.input)} must be greater than ${String(issue.minimum)}`;
      }
      if (issue.origin === "string") return Number(issue.minimum) === 1 ? "must not be empty" : `needs at least ${String(issue.minimum)} characters`;
      return undefined;
    case "too_big":
      if (issue.origin === "number" || issue.origin === "int") return `${String(issue.input)} is above the maximum ${String(issue.maximum)}`;
      if (issue.origin === "string") return `is longer than ${String(issue.maximum)} characters`;
      if (issue.origin === "array") return `has more than ${String(issue.maximum)} entries`;
      return undefined;
    default:
      return undefined;
  }
}
