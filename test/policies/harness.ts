/**
 * Calls CrossGuard policies directly, as the Pulumi engine would, with argument bags built here.
 * @pulumi/policy ships no test helpers: validateResource / validateStack are plain
 * functions of (args, reportViolation), so a test builds the args and collects what the policy reports.
 */
import type {
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { RESOURCE_POLICIES } from "../../policies/all";

export const PROJECT = "mlops-platform";

export interface ResourceCase {
  readonly urn?: string;
  readonly name?: string;
  readonly protect?: boolean;
  readonly parent?: string;
  /**
   * The policy config's `environment` (what --policy-pack-config passes). Default "prod";
   * null: no config at all, so the policy falls back to the stack name in the URN.
   */
  readonly environment?: string | null;
  /** The stack name used in the default URN. Default: the environment, else "prod". */
  readonly stack?: string;
}

export const urnOf = (stack: string, type: string, name: string): string => `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;

function optsOf(protect: boolean, parent?: string): PolicyResourceOptions {
  return {
    protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    parent,
  };
}

const notApplicable = (reason?: string): never => {
  throw new Error(`notApplicable: ${reason ?? ""}`);
};

const configOf =
  (environment: string | null | undefined) =>
  <T extends object>(): T =>
    (environment === null ? {} : { environment: environment ?? "prod" }) as unknown as T;

/** isType/asType as the engine answers them: by the class's Pulumi type token. */
function typeStubs(type: string, props: Record<string, unknown>) {
  const matches = (cls: unknown) => (cls as { __pulumiType?: string } | undefined)?.__pulumiType === type;
  return { isType: (cls: unknown) => matches(cls), asType: (cls: unknown) => (matches(cls) ? props : undefined) };
}

export function resourceArgs(type: string, props: Record<string, unknown>, c: ResourceCase = {}): ResourceValidationArgs {
  const stack = c.stack ?? (typeof c.environment === "string" ? c.environment : "prod");
  const name = c.name ?? "x";
  return {
    type,
    props,
    urn: c.urn ?? urnOf(stack, type, name),
    name,
    opts: optsOf(c.protect ?? false, c.parent),
    getConfig: configOf(c.environment),
    notApplicable,
    stackTags: new Map(),
    ...typeStubs(type, props),
  } as unknown as ResourceValidationArgs;
}

function collector(): { messages: { message: string; urn?: string }[]; report: ReportViolation } {
  const messages: { message: string; urn?: string }[] = [];
  return { messages, report: (message: string, urn?: string) => void messages.push({ message, urn }) };
}

function expectSync(result: unknown): void {
  if (result instanceof Promise) throw new Error("the harness expects synchronous policies; this one returned a Promise");
}

/** The messages one resource policy reports for one resource. */
export function violations(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, c: ResourceCase = {}): string[] {
  const args = resourceArgs(type, props, c);
  const { messages, report } = collector();
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  for (const v of validations) if (v) expectSync(v(args, report));
  return messages.map((m) => m.message);
}

/** What every resource policy of the pack says about one resource: "<policy>: <message>". */
export function packViolations(type: string, props: Record<string, unknown>, c: ResourceCase = {}): string[] {
  return RESOURCE_POLICIES.flatMap((p) => violations(p, type, props, c).map((m) => `${p.name}: ${m}`));
}

export interface StackItem {
  readonly type: string;
  readonly props: Record<string, unknown>;
  /** Default: "x". */
  readonly name?: string;
  /** Default: urn:pulumi:<stack>::mlops-platform::<type>::<name>. */
  readonly urn?: string;
  readonly protect?: boolean;
  /** The parent's URN; resolved to the parent's PolicyResource when it is in the list. */
  readonly parent?: string;
}

export function stackArgs(items: readonly StackItem[], environment: string | null = "prod", stack?: string): StackValidationArgs {
  const s = stack ?? environment ?? "prod";
  const resources = items.map((i) => {
    const name = i.name ?? "x";
    return {
      type: i.type,
      props: i.props,
      urn: i.urn ?? urnOf(s, i.type, name),
      name,
      opts: optsOf(i.protect ?? false, i.parent),
      dependencies: [],
      propertyDependencies: {},
      ...typeStubs(i.type, i.props),
    } as unknown as PolicyResource & { parent?: PolicyResource };
  });
  const byUrn = new Map(resources.map((r) => [r.urn, r] as const));
  items.forEach((i, n) => (resources[n].parent = i.parent ? byUrn.get(i.parent) : undefined));
  return { resources, getConfig: configOf(environment), notApplicable, stackTags: new Map() } as unknown as StackValidationArgs;
}

/** What one stack policy reports, with the URN each report names. */
export function stackReports(
  policy: StackValidationPolicy,
  items: readonly StackItem[],
  environment: string | null = "prod",
  stack?: string,
): { message: string; urn?: string }[] {
  const { messages, report } = collector();
  expectSync(policy.validateStack(stackArgs(items, environment, stack), report));
  return messages;
}

/** The messages one stack policy reports. */
export function stackViolations(policy: StackValidationPolicy, items: readonly StackItem[], environment: string | null = "prod", stack?: string): string[] {
  return stackReports(policy, items, environment, stack).map((m) => m.message);
}

/** Deep copy with one change applied, so every case starts from the compliant fixture. */
export function mutate<T>(fixture: T, change: (draft: T) => void): T {
  const draft = structuredClone(fixture);
  change(draft);
  return draft;
}
