/** Reads stacks/Pulumi.<stack>.yaml into the string map Pulumi's runtime expects. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const STACKS_DIR = join(__dirname, "..", "..", "stacks");

/** Placeholder for a `secure:` value: the offline plan cannot decrypt it and never needs to. */
export const SECRET_PLACEHOLDER = "[secret]";

export interface StackConfig {
  /** "<namespace>:<key>" → string value (objects as JSON), as PULUMI_CONFIG carries them. */
  readonly values: Record<string, string>;
  readonly secretKeys: string[];
}

export function listStacks(dir = STACKS_DIR): string[] {
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function stackFilePath(stack: string, dir = STACKS_DIR): string {
  return join(dir, `Pulumi.${stack}.yaml`);
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** Converts a parsed stack document's `config:` block. Nested `secure:` values inside objects are masked too. */
export function stackConfigFromDocument(doc: unknown): StackConfig {
  const config = (doc as { config?: Record<string, unknown> } | null)?.config ?? {};
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (isSecure(value)) {
      values[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
    } else {
      values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { values, secretKeys };
}

export function readStackConfig(stack: string, dir = STACKS_DIR): StackConfig {
  const path = stackFilePath(stack, dir);
  if (!existsSync(path)) throw new Error(`no stack file ${path}; stacks: ${listStacks(dir).join(", ")}`);
  return stackConfigFromDocument(parse(readFileSync(path, "utf8")));
}
