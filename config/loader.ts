/**
 * The one place that reads stack config. It checks every key's namespace, rejects plaintext secrets (key names
 * and credential-shaped values) and unknown keys, validates with the zod schema and the semantic rules, and
 * throws one ConfigError listing every problem. Components never see pulumi.Config or zod.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { resolveConfig, type PlatformConfig } from "./defaults";
import { ConfigError, formatPath, type Problem } from "./problems";
import { explainIssue } from "./messages";
import { nodePoolSchema, stackConfigSchema, TOP_LEVEL_KEYS } from "./schema";
import { plaintextSecrets, SECRET_KEY_MESSAGE, SECRET_NAME, secretValueKind } from "./secrets";
import { semanticProblems, type CheckOptions, type SemanticInput } from "./semantic";
import { didYouMean } from "./suggest";
import { salvageTeam } from "./teams";

export const PROJECT = "mlops-platform";

/**
 * Config namespaces a stack file may use besides the project's own: the providers the program uses and
 * Pulumi's. A key under any other namespace is read by nothing, so a typo there would silently drop config.
 */
export const PROVIDER_NAMESPACES = ["aws", "kubernetes", "random", "pulumi"] as const;

// isConfigSecret is exported by the SDK's runtime but left out of its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** The resolved config, or every problem found. */
export type Validation = { ok: true; config: PlatformConfig } | { ok: false; problems: Problem[] };

/** Raw config values as Pulumi hands them over: strings, JSON for objects. */
export type RawConfig = Readonly<Record<string, string>>;

/** Pulumi hands every value over as a string; only objects, lists and an empty (null) value arrive as JSON. */
function decode(value: string): unknown {
  if (value === "null") return null;
  if (!/^\s*[[{]/.test(value)) return value; // "4711" stays the string it was written as
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    if (issue.code === "unrecognized_keys") {
      const hint = (key: string) => (issue.path.length === 0 ? didYouMean(key, TOP_LEVEL_KEYS) : "");
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: `unknown key${hint(key)}` }));
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
 * The config as far as it parsed: each section on its own, teams and node pools item by item, so a problem in
 * one place hides no rule elsewhere. Undefined when the environment or cluster, which every rule needs, failed.
 */
export function salvageConfig(plain: Record<string, unknown>): { input: SemanticInput; unparsed: ReadonlySet<string> } | undefined {
  const partial: Record<string, unknown> = {};
  const unparsed = new Set<string>();
  for (const [key, schema] of Object.entries(stackConfigSchema.shape)) {
    if (!(key in plain)) continue;
    const value = plain[key];
    const r = (schema as z.ZodType).safeParse(value);
    if (r.success) partial[key] = r.data;
    else if (key === "teams" && Array.isArray(value)) partial.teams = value.map(salvageTeam);
    else if (key === "nodePools" && Array.isArray(value)) partial.nodePools = value.map((p) => nodePoolSchema.safeParse(p).data);
    else unparsed.add(key);
  }
  if (partial.environment === undefined || partial.cluster === undefined) return undefined;
  return { input: { ...(partial as SemanticInput), unparsed }, unparsed };
}

/** Cross-field rules over what parsed. Rules about a section that failed are dropped: its schema problems stand for it. */
function salvagedSemanticProblems(plain: Record<string, unknown>, opts: CheckOptions): Problem[] {
  const salvaged = salvageConfig(plain);
  if (!salvaged) return [];
  const topKey = (path: string) => /^[^.[]+/.exec(path)?.[0] ?? path;
  return semanticProblems(salvaged.input, opts).filter((p) => !salvaged.unparsed.has(topKey(p.path)));
}

/** `teams[2].quota.gpu` → `teams[2] (vision).quota.gpu`: a lead finds a team by its name, not its index. */
function withNames(problems: Problem[], raw: RawConfig): Problem[] {
  const lists = { teams: raw.teams === undefined ? undefined : decode(raw.teams), nodePools: raw.nodePools === undefined ? undefined : decode(raw.nodePools) };
  const nameOf = (list: "teams" | "nodePools", index: number): string | undefined => {
    const items = lists[list];
    const item = (Array.isArray(items) ? items[index] : undefined) as { name?: unknown } | undefined;
    const name = item?.name;
    return typeof name === "string" && name.length <= 63 && secretValueKind(name) === undefined ? name : undefined;
  };
  return problems.map((p) => {
    const m = /^(teams|nodePools)\[(\d+)\](.*)$/.exec(p.path);
    const name = m ? nameOf(m[1] as "teams" | "nodePools", Number(m[2])) : undefined;
    return m && name !== undefined ? { ...p, where: `${m[1]}[${m[2]}] (${name})${m[3]}` } : p;
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
): Validation {
  const problems: Problem[] = [];
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (secretKeys.has(key)) {
      // No key of the schema holds a secret yet; secrets arrive through dedicated keys as features need them.
      problems.push({ path: key, message: TOP_LEVEL_KEYS.includes(key) ? "is plain configuration but was set as a secret; set it without --secret" : `unknown key${didYouMean(key, TOP_LEVEL_KEYS)}` });
      continue;
    }
    if (SECRET_NAME.test(key)) {
      problems.push({ path: key, message: SECRET_KEY_MESSAGE });
      continue;
    }
    const decoded = decode(value);
    const leaks = plaintextSecrets(decoded, [key]);
    problems.push(...leaks.values, ...leaks.keys);
    // A key holding a credential is left out whole, so no later message can echo the value.
    if (leaks.values.length > 0) continue;
    plain[key] = decoded;
  }
  const parsed = stackConfigSchema.safeParse(plain, { error: explainIssue });
  if (!parsed.success) problems.push(...zodProblems(parsed.error));
  problems.push(...salvagedSemanticProblems(plain, opts));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, config: resolveConfig(parsed.data) };
}

/**
 * Validates a stack's whole config, every namespace (keys as `<namespace>:<key>`): project keys through
 * validateConfig, provider keys for plaintext secrets, and any other namespace as the typo it is.
 */
export function validateStackConfig(
  all: RawConfig,
  secretKeys: ReadonlySet<string>,
  opts: CheckOptions = { today: new Date() },
): Validation {
  const problems: Problem[] = [];
  const raw: Record<string, string> = {};
  const projectSecrets = new Set<string>();
  const namespaces = [PROJECT, ...PROVIDER_NAMESPACES];
  for (const [key, value] of Object.entries(all)) {
    const colon = key.indexOf(":");
    if (colon < 0) {
      problems.push({ path: key, message: `has no namespace; write it as "${PROJECT}:${key}"` });
      continue;
    }
    const [namespace, short] = [key.slice(0, colon), key.slice(colon + 1)];
    if (namespace === PROJECT) {
      raw[short] = value;
      if (secretKeys.has(key)) projectSecrets.add(short);
    } else if (!(PROVIDER_NAMESPACES as readonly string[]).includes(namespace)) {
      problems.push({
        path: key,
        message: `is under the config namespace "${namespace}", which nothing in this program reads${didYouMean(namespace, namespaces)}; the known namespaces are ${namespaces.join(", ")}`,
      });
    } else if (!secretKeys.has(key)) {
      if (SECRET_NAME.test(short)) problems.push({ path: key, message: SECRET_KEY_MESSAGE });
      else {
        const leaks = plaintextSecrets(decode(value), [key]);
        problems.push(...leaks.values, ...leaks.keys);
      }
    }
  }
  const result = validateConfig(raw, projectSecrets, opts);
  if (result.ok && problems.length === 0) return result;
  return { ok: false, problems: [...problems, ...(result.ok ? [] : withNames(result.problems, raw))] };
}

/** Reads this stack's config from the Pulumi runtime (real engine or mocks) and validates it. */
export function loadConfig(opts?: CheckOptions): PlatformConfig {
  const all = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(all).filter((key) => runtimeConfig.isConfigSecret(key)));
  const result = validateStackConfig(all, secretKeys, opts);
  if (!result.ok) throw new ConfigError(pulumi.getStack(), result.problems);
  return result.config;
}
