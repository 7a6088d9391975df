/**
 * The one place that reads stack config. It collects the `mlops-platform:` keys, rejects plaintext secrets and
 * unknown keys, validates with the zod schema and the semantic rules, and throws one ConfigError listing every
 * problem. Components never see pulumi.Config or zod.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { resolveConfig, type PlatformConfig } from "./defaults";
import { ConfigError, formatPath, type Problem } from "./problems";
import { stackConfigSchema, TOP_LEVEL_KEYS, type StackConfigInput } from "./schema";
import { semanticProblems, type CheckOptions } from "./semantic";

export const PROJECT = "mlops-platform";

// isConfigSecret is exported by the SDK's runtime but left out of its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** Key names that must only ever hold `secure:` values (SECURITY-BASELINE SEC-01). */
const SECRET_NAME = /password|passwd|(^|[_.-])pass$|secret|token|credential|private.?key|api.?key/i;

/** Maps whose keys are data (label names), not setting names: never read as secret-looking keys. */
const DATA_MAPS = new Set(["labels"]);

/** Raw config values as Pulumi hands them over: strings, JSON for objects. */
export type RawConfig = Readonly<Record<string, string>>;

/** Pulumi hands every value over as a string; only objects and lists arrive JSON-encoded. */
function decode(value: string): unknown {
  if (!/^\s*[[{]/.test(value)) return value; // "4711" stays the string it was written as
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function secretKeyProblems(value: unknown, path: (string | number)[]): Problem[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => secretKeyProblems(v, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const here = [...path, k];
    if (SECRET_NAME.test(k) && !DATA_MAPS.has(String(path[path.length - 1]))) {
      return [{ path: formatPath(here), message: "looks like a secret: set it with `pulumi config set --secret`, never as plain config" }];
    }
    return DATA_MAPS.has(k) ? [] : secretKeyProblems(v, here);
  });
}

function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: "unknown key" }));
    }
    if (issue.code === "invalid_key") {
      // A bad record key (a label name): report the key rule's own words, quoted like semantic.ts does.
      const [parent, key] = [issue.path.slice(0, -1), issue.path[issue.path.length - 1]];
      return issue.issues.map((inner) => ({ path: `${formatPath(parent)}."${String(key)}"`, message: inner.message }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/**
 * Cross-field rules over the sections that did parse, so one run reports schema and semantic problems
 * together. Rules about an invalid section are dropped: its schema problems already stand for it.
 */
function partialSemanticProblems(plain: Record<string, unknown>, opts: CheckOptions): Problem[] {
  const partial: Record<string, unknown> = {};
  const invalid = new Set<string>();
  for (const [key, schema] of Object.entries(stackConfigSchema.shape)) {
    if (!(key in plain)) continue;
    const r = (schema as z.ZodType).safeParse(plain[key]);
    if (r.success) partial[key] = r.data;
    else invalid.add(key);
  }
  if (partial.environment === undefined || partial.cluster === undefined) return [];
  const topKey = (path: string) => /^[^.[]+/.exec(path)?.[0] ?? path;
  return semanticProblems(partial as StackConfigInput, opts).filter((p) => !invalid.has(topKey(p.path)));
}

/**
 * Validates raw config (keys without the project prefix). Returns the resolved config or every problem.
 * `secretKeys` are keys Pulumi marks secret; they are never part of the plain config object.
 */
export function validateConfig(
  raw: RawConfig,
  secretKeys: ReadonlySet<string>,
  opts: CheckOptions = { today: new Date() },
): { ok: true; config: PlatformConfig } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (secretKeys.has(key)) {
      // No key of the schema holds a secret yet; secrets arrive through dedicated keys as features need them.
      problems.push({ path: key, message: TOP_LEVEL_KEYS.includes(key) ? "is plain configuration but was set as a secret; set it without --secret" : "unknown key" });
      continue;
    }
    const decoded = decode(value);
    if (SECRET_NAME.test(key)) {
      problems.push({ path: key, message: "looks like a secret: set it with `pulumi config set --secret`, never as plain config" });
      continue;
    }
    problems.push(...secretKeyProblems(decoded, [key]));
    plain[key] = decoded;
  }
  const parsed = stackConfigSchema.safeParse(plain);
  if (!parsed.success) {
    problems.push(...zodProblems(parsed.error), ...partialSemanticProblems(plain, opts));
    return { ok: false, problems };
  }
  problems.push(...semanticProblems(parsed.data, opts));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: resolveConfig(parsed.data) };
}

/** Reads this stack's config from the Pulumi runtime (real engine or mocks) and validates it. */
export function loadConfig(opts?: CheckOptions): PlatformConfig {
  const prefix = `${PROJECT}:`;
  const raw: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(prefix)) continue;
    const short = key.slice(prefix.length);
    raw[short] = value;
    if (runtimeConfig.isConfigSecret(key)) secretKeys.add(short);
  }
  const result = validateConfig(raw, secretKeys, opts);
  if (!result.ok) throw new ConfigError(pulumi.getStack(), result.problems);
  return result.config;
}
