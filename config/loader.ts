/**
 * The one place that reads stack config. It collects the `mlops-platform:` keys, rejects plaintext secrets and
 * unknown keys, validates with the zod schema and the semantic rules, and throws one ConfigError listing every
 * problem. Components never see pulumi.Config or zod.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { resolveConfig, type PlatformConfig } from "./defaults";
import { ConfigError, formatPath, type Problem } from "./problems";
import { stackConfigSchema, TOP_LEVEL_KEYS } from "./schema";
import { semanticProblems, type CheckOptions } from "./semantic";

export const PROJECT = "mlops-platform";

// isConfigSecret is exported by the SDK's runtime but left out of its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** Key names that must only ever hold `secure:` values (SECURITY-BASELINE SEC-01). */
const SECRET_NAME = /pass(word)?|secret|token|credential|private.?key|api.?key/i;

/** Raw config values as Pulumi hands them over: strings, JSON for objects. */
export type RawConfig = Readonly<Record<string, string>>;

function decode(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value; // a plain string value
  }
}

function secretKeyProblems(value: unknown, path: (string | number)[]): Problem[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => secretKeyProblems(v, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const here = [...path, k];
    if (SECRET_NAME.test(k)) {
      return [{ path: formatPath(here), message: "looks like a secret: set it with `pulumi config set --secret`, never as plain config" }];
    }
    return secretKeyProblems(v, here);
  });
}

function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: "unknown key" }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
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
      if (!TOP_LEVEL_KEYS.includes(key)) problems.push({ path: key, message: "unknown key" });
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
  if (!parsed.success) return { ok: false, problems: [...problems, ...zodProblems(parsed.error)] };
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
