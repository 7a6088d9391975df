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

/** Replaces every `secure:` leaf by the placeholder; reports whether it found one. */
function maskSecure(value: unknown): { value: unknown; secret: boolean } {
  if (isSecure(value)) return { value: SECRET_PLACEHOLDER, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(maskSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, maskSecure(v)] as const);
    return { value: Object.fromEntries(entries.map(([k, m]) => [k, m.value])), secret: entries.some(([, m]) => m.secret) };
  }
  return { value, secret: false };
}

/**
 * Converts a parsed stack document's `config:` block. A key with a `secure:` value anywhere inside it is a
 * secret key as a whole, as Pulumi treats it; the offline plan sees "[secret]" in place of each ciphertext.
 */
export function stackConfigFromDocument(doc: unknown): StackConfig {
  const config = (doc as { config?: Record<string, unknown> } | null)?.config ?? {};
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(config)) {
    const { value, secret } = maskSecure(raw);
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) secretKeys.push(key);
  }
  return { values, secretKeys };
}

export function readStackConfig(stack: string, dir = STACKS_DIR): StackConfig {
  const path = stackFilePath(stack, dir);
  if (!existsSync(path)) throw new Error(`no stack file ${path}; stacks: ${listStacks(dir).join(", ")}`);
  return stackConfigFromDocument(parse(readFileSync(path, "utf8")));
}
