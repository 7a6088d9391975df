/**
 * Runs the CrossGuard pack offline over a plan: every recorded resource, plus every Kubernetes object of
 * our ConfigGroups as the child resource a real preview would show. Same policy code as
 * `pulumi preview --policy-pack policies`; only the argument bags are built here.
 */
import type { PolicyResource, ResourceValidationArgs, Severity, StackValidationArgs } from "@pulumi/policy";
import { RESOURCE_POLICIES, STACK_POLICIES } from "../../policies/all";
import { enforcementFor, type Environment } from "../../policies/lib/define";
import { kubernetesType } from "../../policies/lib/k8s";
import type { PlanResult } from "./run";
import { upstreamObjects } from "./upstream";

export interface Violation {
  readonly policy: string;
  readonly severity: Severity;
  readonly enforcement: "mandatory" | "advisory";
  readonly urn: string;
  readonly message: string;
  /** For an object inside an upstream chart: the chart it comes from (from charts/inventory/). */
  readonly chart?: string;
}

export interface PolicySubject {
  type: string;
  name: string;
  urn: string;
  props: Record<string, any>;
  protect: boolean;
  parent?: string;
  chart?: string;
  /** The explicit provider the resource was registered with, as CrossGuard passes it to resource policies. */
  provider?: { type: string; name: string; urn: string; props: Record<string, any> };
}

function subjects(result: PlanResult): PolicySubject[] {
  const providers = new Map(
    result.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, { type: r.type, name: r.name, urn: r.urn, props: r.inputs }]),
  );
  const fromResources = result.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.inputs,
    protect: r.protect,
    parent: r.parent ?? undefined,
    provider: r.provider === null ? undefined : providers.get(r.provider),
  }));
  const fromObjects = result.objects.map(({ source, object }) => {
    const type = kubernetesType(object.apiVersion, object.kind);
    const name = `${object.metadata?.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata?.name ?? "unnamed"}`;
    return { type, name, urn: `${source}$${type}::${name}`, props: object as Record<string, any>, protect: false, parent: source };
  });
  const fromCharts = upstreamObjects(result.upstream).map(({ type, name, urn, parent, chart, object }) => ({
    type,
    name,
    urn,
    props: object,
    protect: false,
    parent,
    chart,
  }));
  return [...fromResources, ...fromObjects, ...fromCharts];
}

const notApplicable = (reason?: string): never => {
  throw new Error(`notApplicable: ${reason ?? ""}`);
};

function opts(subject: PolicySubject) {
  return {
    protect: subject.protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    parent: subject.parent,
  };
}

export async function runPolicies(result: PlanResult, environment: Environment, plant: PolicySubject[] = []): Promise<Violation[]> {
  const all = [...subjects(result), ...plant];
  const getConfig = <T extends object>() => ({ environment }) as unknown as T;
  const violations: Violation[] = [];
  const chartOf = new Map(all.flatMap((s) => (s.chart ? [[s.urn, s.chart] as const] : [])));
  const collect = (policy: { name: string; severity?: Severity }, defaultUrn: string) => (message: string, urn?: string) => {
    const severity = policy.severity ?? "medium";
    violations.push({
      policy: policy.name,
      severity,
      enforcement: enforcementFor(severity, environment) === "mandatory" ? "mandatory" : "advisory",
      urn: urn ?? defaultUrn,
      message,
      ...(chartOf.has(urn ?? defaultUrn) ? { chart: chartOf.get(urn ?? defaultUrn) } : {}),
    });
  };
  for (const s of all) {
    const args = {
      type: s.type,
      props: s.props,
      urn: s.urn,
      name: s.name,
      opts: opts(s),
      provider: s.provider,
      getConfig,
      notApplicable,
      stackTags: new Map(),
      isType: () => false,
      asType: () => undefined,
    } as unknown as ResourceValidationArgs;
    for (const policy of RESOURCE_POLICIES) {
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const v of validations) if (v) await v(args, collect(policy, s.urn));
    }
  }
  const byUrn = new Map<string, PolicyResource>();
  const resources: PolicyResource[] = all.map((s) => {
    const r = {
      type: s.type,
      props: s.props,
      urn: s.urn,
      name: s.name,
      opts: opts(s),
      isType: () => false,
      asType: () => undefined,
    } as unknown as PolicyResource;
    byUrn.set(s.urn, r);
    return r;
  });
  all.forEach((s, i) => ((resources[i] as { parent?: PolicyResource }).parent = s.parent ? byUrn.get(s.parent) : undefined));
  const stackArgs = { resources, getConfig, notApplicable, stackTags: new Map() } as unknown as StackValidationArgs;
  for (const policy of STACK_POLICIES)
    await policy.validateStack(stackArgs, collect(policy, `urn:pulumi:${result.stack}::mlops-platform::pulumi:pulumi:Stack::mlops-platform-${result.stack}`));
  return violations;
}

export const mandatory = (violations: readonly Violation[]) => violations.filter((v) => v.enforcement === "mandatory");
