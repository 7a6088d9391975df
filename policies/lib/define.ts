/**
 * How our policies are declared: a CrossGuard policy plus the controls it answers (docs/security-controls.md)
 * and a severity.
 * Enforcement follows severity and environment (enforcementFor), never a global switch.
 */
import type {
  EnforcementLevel,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

/** The document that defines every control id, relative to the repository root. */
export const BASELINE = "docs/security-controls.md";

export type Environment = "local" | "dev" | "staging" | "prod";

export interface PolicyMeta {
  /** kebab-case, unique in the pack. */
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  /** Control ids of docs/security-controls.md, e.g. ["EKS-01"]. */
  readonly controls: readonly string[];
}

/** Mandatory for high and critical in staging and prod; only critical is mandatory in dev and local. */
export function enforcementFor(severity: Severity, env: Environment): EnforcementLevel {
  if (env === "prod" || env === "staging") return severity === "high" || severity === "critical" ? "mandatory" : "advisory";
  return severity === "critical" ? "mandatory" : "advisory";
}

/** The pack's copy of domain/environments.ts (a test keeps them equal). */
export const ENVIRONMENTS: readonly Environment[] = ["local", "dev", "staging", "prod"];

/**
 * The environment a policy judges by: the policy config's `environment` if set, else the stack name from
 * the URN (stacks are named after environments here), else prod, the strictest.
 */
export function environmentOf(args: { urn: string; getConfig<T extends object>(): T }): Environment {
  const configured = (args.getConfig<{ environment?: string }>() ?? {}).environment;
  const fromUrn = /^urn:pulumi:([^:]+)::/.exec(args.urn)?.[1];
  const env = configured ?? fromUrn;
  return (ENVIRONMENTS as readonly string[]).includes(env ?? "") ? (env as Environment) : "prod";
}

/** The same for a stack policy: its config, else the stack name in its resources' URNs, else prod. */
export function stackEnvironmentOf(args: { resources: readonly { urn: string }[]; getConfig<T extends object>(): T }): Environment {
  return environmentOf({ urn: args.resources[0]?.urn ?? "", getConfig: args.getConfig });
}

const configSchema = { properties: { environment: { type: "string" as const, enum: [...ENVIRONMENTS] } } };

function common(meta: PolicyMeta) {
  return {
    name: meta.name,
    description: meta.description,
    severity: meta.severity,
    tags: [...meta.controls],
    framework: { name: "mlops-platform security baseline", version: "1", reference: BASELINE, specification: meta.controls.join(", ") },
    enforcementLevel: enforcementFor(meta.severity, "prod"),
    configSchema,
  };
}

export type Check = (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => void;

/** A resource policy that applies to the given Pulumi type tokens. */
export function resourcePolicy(meta: PolicyMeta, types: readonly string[], check: Check): ResourceValidationPolicy & { controls: readonly string[] } {
  return {
    ...common(meta),
    controls: meta.controls,
    validateResource: (args, report) => {
      if (types.includes(args.type)) check(args.props, args, report);
    },
  };
}

export function stackPolicy(
  meta: PolicyMeta,
  check: (args: StackValidationArgs, report: ReportViolation) => void,
): StackValidationPolicy & { controls: readonly string[] } {
  return { ...common(meta), controls: meta.controls, validateStack: check };
}

/** Reads a JSON-string or object policy document. */
export function parseDocument(doc: unknown): { Statement?: any[] } | undefined {
  if (typeof doc === "string") {
    try {
      return JSON.parse(doc);
    } catch {
      return undefined;
    }
  }
  return typeof doc === "object" && doc !== null ? (doc as { Statement?: any[] }) : undefined;
}

export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * How the offline plan's mocks mark a value the cloud assigns: `<computed:NAME.ATTR>`. The pack's copy of
 * scripts/plan/mocks.ts COMPUTED_PREFIX (the pack imports nothing outside policies/; a test keeps them equal).
 */
export const COMPUTED_PREFIX = "<computed:";

/** Values not known until deploy (offline placeholders or preview unknowns): check presence, not value. */
export const isComputed = (value: unknown): boolean => (value === undefined ? false : typeof value === "string" && value.startsWith(COMPUTED_PREFIX));

/** A reference (name, id) whose value is known now: a non-empty string that is not a computed placeholder. */
export const isKnownString = (value: unknown): value is string => typeof value === "string" && value !== "" && !isComputed(value);
