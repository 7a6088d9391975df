/**
 * The one place that reads stack config. It checks every key's namespace, rejects plaintext secrets (key names
 * and credential-shaped values) and unknown keys, validates with the zod schema and the semantic rules, and
 * throws one ConfigError listing every problem. Components never see pulumi.Config or zod.
 */
import { PROJECT } from "../domain/project";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { resolveConfig, type PlatformConfig } from "./defaults";
import { ConfigError, formatPath, type Problem } from "./problems";
import { explainIssue } from "./messages";
import { nodePoolSchema, stackConfigSchema, TOP_LEVEL_KEYS } from "./schema";
import { credentialKeyMessage, plaintextSecrets, REDACTED, redactSecrets, SECRET_KEY_MESSAGE, SECRET_NAME, secretValueKind } from "./secrets";
import { semanticProblems, type CheckOptions, type SemanticInput } from "./semantic";
import { didYouMean } from "./suggest";
import { salvageTeam } from "./teams";
import { accessSchema } from "./access";
import { ACCESS_CLIENT_SECRET_KEY, clientSecretProblems, isOfflinePlan, type ClientSecretState } from "./access-secret";
import { observabilitySchema } from "./observability";
import { REMOTE_WRITE_PASSWORD_KEY, remoteWritePasswordProblems } from "./remote-write-secret";
import { alertingSchema } from "./alerting";
import { ALERTING_SECRETS_KEY, alertingSecretProblems, alertingSecretsState, type AlertingSecretsState } from "./alerting-secrets";

export { PROJECT };

/**
 * Config namespaces a stack file may use: the project's own, and Pulumi's (pulumi:tags,
 * pulumi:disable-default-providers). A key under any other namespace is read by nothing, so a typo there
 * (mlops-platfrom:teams) would silently drop config.
 */
export const CONFIG_NAMESPACES = [PROJECT, "pulumi"] as const;

/**
 * Providers the program creates explicitly. Explicit providers ignore stack config, so `aws:region` or
 * `aws:allowedAccountIds` would look like a setting and change nothing: say where the setting goes instead.
 */
export const EXPLICIT_PROVIDERS: Readonly<Record<string, string>> = {
  aws: "set the region and allowed accounts under mlops-platform:aws, and credentials through the environment (AWS_PROFILE, or the CI's role)",
  kubernetes: "set the kubeconfig and context under mlops-platform:cluster",
  random: "it takes no configuration",
};

/**
 * Provider keys that hold credentials, so only ever `secure:`. Named one by one: a name pattern would also
 * catch harmless settings such as aws:skipCredentialsValidation or a token file's path.
 */
export const PROVIDER_SECRET_KEYS: readonly string[] = ["aws:accessKey", "aws:secretKey", "aws:token"];

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

/**
 * How deep a stack value may nest. The schema's deepest path is a handful of levels; a value nested thousands
 * deep (a 16 KB line of brackets) would otherwise overflow the stack of every recursive check.
 */
export const MAX_VALUE_DEPTH = 32;

/** Whether `value` nests deeper than `limit`, found without recursion. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > limit) return true;
    level = level.flatMap((v) => (v !== null && typeof v === "object" ? Object.values(v) : []));
  }
  return false;
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
 * one place hides no rule elsewhere. Undefined only when the environment, whose tier every rule reads, failed.
 */
export function salvageConfig(plain: Record<string, unknown>): SemanticInput | undefined {
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
  if (partial.environment === undefined) return undefined;
  return { ...(partial as SemanticInput), unparsed };
}

/** Cross-field rules over what parsed. Rules about a section that failed are dropped: its schema problems stand for it. */
function salvagedSemanticProblems(plain: Record<string, unknown>, opts: CheckOptions): Problem[] {
  const salvaged = salvageConfig(plain);
  if (!salvaged) return [];
  const topKey = (path: string) => /^[^.[]+/.exec(path)?.[0] ?? path;
  return semanticProblems(salvaged, opts).filter((p) => !salvaged.unparsed?.has(topKey(p.path)));
}

/** `teams[2].quota.gpu` → `teams[2] (vision).quota.gpu`: a lead finds a team by its name, not its index. */
function withNames(problems: Problem[], raw: RawConfig): Problem[] {
  const lists = { teams: raw.teams === undefined ? undefined : decode(raw.teams), nodePools: raw.nodePools === undefined ? undefined : decode(raw.nodePools) };
  const nameOf = (list: "teams" | "nodePools", index: number): string | undefined => {
    const items = lists[list];
    const item = (Array.isArray(items) ? items[index] : undefined) as { name?: unknown } | undefined;
    const name = item?.name;
    return typeof name === "string" && name !== "" && name.length <= 63 && secretValueKind(name) === undefined ? name : undefined;
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
export function validateConfig(raw: RawConfig, secretKeys: ReadonlySet<string>, opts: CheckOptions = { today: new Date() }): Validation {
  const problems: Problem[] = [];
  const plain: Record<string, unknown> = {};
  const reported = new Set<string>();
  let clientSecret: ClientSecretState = "absent";
  let remoteWritePassword: ClientSecretState = "absent";
  let receiverSecrets: AlertingSecretsState = { state: "absent" };
  for (const [key, value] of Object.entries(raw)) {
    const keyKind = secretValueKind(key);
    if (keyKind) {
      problems.push({ path: "config", message: credentialKeyMessage(keyKind) });
      continue;
    }
    if (key === ACCESS_CLIENT_SECRET_KEY) {
      // A secret key: its value never enters the plain config, so no message can echo it.
      clientSecret = secretKeys.has(key) ? "secret" : "plain";
      continue;
    }
    if (key === REMOTE_WRITE_PASSWORD_KEY) {
      remoteWritePassword = secretKeys.has(key) ? "secret" : "plain";
      continue;
    }
    if (key === ALERTING_SECRETS_KEY) {
      // The receivers' credentials: only the names they are held under are kept, never a value.
      receiverSecrets = alertingSecretsState(decode(value), secretKeys.has(key));
      continue;
    }
    if (secretKeys.has(key)) {
      // Plain settings only: secrets arrive through dedicated keys (accessClientSecret above), never inside the schema.
      reported.add(key); // and no "is required" for the key set the wrong way
      problems.push({
        path: key,
        message: TOP_LEVEL_KEYS.includes(key)
          ? "is plain configuration but was set as a secret; set it without --secret"
          : `unknown key${didYouMean(key, [...TOP_LEVEL_KEYS, ACCESS_CLIENT_SECRET_KEY, REMOTE_WRITE_PASSWORD_KEY, ALERTING_SECRETS_KEY])}`,
      });
      continue;
    }
    if (SECRET_NAME.test(key)) {
      reported.add(key);
      problems.push({ path: key, message: SECRET_KEY_MESSAGE });
      continue;
    }
    const decoded = decode(value);
    if (nestsDeeperThan(decoded, MAX_VALUE_DEPTH)) {
      problems.push({ path: key, message: `nests deeper than ${MAX_VALUE_DEPTH} levels; no setting of this program is that deep` });
      continue;
    }
    const leaks = plaintextSecrets(decoded, [key]);
    problems.push(...leaks.values, ...leaks.keys);
    for (const leak of [...leaks.values, ...leaks.keys]) reported.add(leak.path);
    // A credential is replaced before validation goes on, so no later message can echo it.
    plain[key] = leaks.values.length > 0 ? redactSecrets(decoded) : decoded;
  }
  const parsed = stackConfigSchema.safeParse(plain, { error: explainIssue });
  // Judged against the access section when it parsed; a broken one reports its own problems.
  const access = accessSchema.safeParse(plain.access).data?.identityProvider;
  if (plain.access === undefined || access !== undefined) problems.push(...clientSecretProblems(clientSecret, access, opts.missingSecrets ?? "plan"));
  // Judged against the section when it parsed (or is absent); a broken one reports its own problems.
  const observability = observabilitySchema.optional().safeParse(plain.observability);
  // A plaintext password is reported whatever the section says; the rest is judged against a section that parsed.
  if (remoteWritePassword === "plain" || observability.success)
    problems.push(...remoteWritePasswordProblems(remoteWritePassword, observability.data?.prometheus?.remoteWrite, opts.missingSecrets ?? "plan"));
  const alerting = alertingSchema.safeParse(plain.alerting).data;
  // A plaintext credential is reported whatever the section says; the rest is judged against a section that parsed.
  if (receiverSecrets.state === "plain" || plain.alerting === undefined || alerting !== undefined)
    problems.push(...alertingSecretProblems(receiverSecrets, alerting, opts.missingSecrets ?? "plan"));
  const later = parsed.success ? semanticProblems(parsed.data, opts) : [...zodProblems(parsed.error), ...salvagedSemanticProblems(plain, opts)];
  // Where a secret was reported, its placeholder or its unknown key says nothing more.
  problems.push(...later.filter((p) => !reported.has(p.path) && !p.path.includes(REDACTED)));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, config: resolveConfig(parsed.data) };
}

/**
 * Validates a stack's whole config, every namespace (keys as `<namespace>:<key>`): project keys through
 * validateConfig; provider namespaces and unknown ones (a typo) as errors; every value for plaintext secrets.
 */
export function validateStackConfig(all: RawConfig, secretKeys: ReadonlySet<string>, opts: CheckOptions = { today: new Date() }): Validation {
  const problems: Problem[] = [];
  const raw: Record<string, string> = {};
  const projectSecrets = new Set<string>();
  for (const [key, value] of Object.entries(all)) {
    const keyKind = secretValueKind(key);
    if (keyKind) {
      problems.push({ path: "config", message: credentialKeyMessage(keyKind) });
      continue;
    }
    const colon = key.indexOf(":");
    const [namespace, short] = colon < 0 ? ["", key] : [key.slice(0, colon), key.slice(colon + 1)];
    if (colon < 0) {
      const hint =
        key === PROJECT || key in EXPLICIT_PROVIDERS
          ? `"${key}" is a namespace, not a key: write each key as "${key}:<key>" directly under config:`
          : `write it as "${PROJECT}:${key}"`;
      problems.push({ path: key === "" ? '""' : key, message: `has no namespace; ${hint}` });
    } else if (namespace === PROJECT) {
      raw[short] = value;
      if (secretKeys.has(key)) projectSecrets.add(short);
      continue;
    } else if (namespace in EXPLICIT_PROVIDERS) {
      problems.push({
        path: key,
        message: `is ${namespace} provider config, which nothing reads: the program creates its ${namespace} provider explicitly; ${EXPLICIT_PROVIDERS[namespace]}`,
      });
    } else if (!(CONFIG_NAMESPACES as readonly string[]).includes(namespace)) {
      problems.push({
        path: key,
        message: `is under the config namespace "${namespace}", which nothing in this program reads${didYouMean(namespace, [...CONFIG_NAMESPACES])}; stack config goes under ${CONFIG_NAMESPACES.join(" or ")}`,
      });
    }
    // Values outside the project's keys are scanned too: a credential there is as leaked as anywhere.
    if (secretKeys.has(key)) continue;
    const decoded = decode(value);
    if (PROVIDER_SECRET_KEYS.includes(key)) problems.push({ path: key, message: SECRET_KEY_MESSAGE });
    else if (!nestsDeeperThan(decoded, MAX_VALUE_DEPTH)) problems.push(...plaintextSecrets(decoded, [key]).values);
  }
  const result = validateConfig(raw, projectSecrets, opts);
  if (result.ok && problems.length === 0) return result;
  return { ok: false, problems: [...problems, ...(result.ok ? [] : withNames(result.problems, raw))] };
}

/** Reads this stack's config from the Pulumi runtime (real engine or mocks) and validates it. */
export function loadConfig(opts?: CheckOptions): PlatformConfig {
  const all = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(all).filter((key) => runtimeConfig.isConfigSecret(key)));
  // Offline (runtime mocks) nothing is decrypted, so a missing secret is planned; a real engine would have it.
  const result = validateStackConfig(all, secretKeys, {
    today: new Date(),
    ...opts,
    missingSecrets: opts?.missingSecrets ?? (isOfflinePlan() ? "plan" : "refuse"),
  });
  if (!result.ok) throw new ConfigError(pulumi.getStack(), result.problems);
  return result.config;
}
