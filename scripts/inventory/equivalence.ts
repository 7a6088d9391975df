/**
 * Proof that the facts lose nothing the pack reads: the pack's verdicts on the facts must equal its verdicts on
 * the full rendered objects (namespaces defaulted as the provider does), for every environment that uses them.
 */
import type { Environment } from "../../policies/lib/define";
import { kubernetesType } from "../../policies/lib/k8s";
import { runPolicies, type PolicySubject } from "../plan/policy";
import { NOTHING_PLANNED, type PlanResult } from "../plan/run";
import { asRegistered, objectFacts } from "./facts";
import type { ScopeOf } from "./scope";

type Obj = Record<string, any>;

const bareResult = (stack: string): PlanResult => ({ stack, ok: true, problems: [], ...NOTHING_PLANNED });

function subject(stack: string, obj: Obj, index: number): PolicySubject {
  const type = kubernetesType(obj.apiVersion, obj.kind);
  // The index keeps two objects of one name apart (a chart may render a Role and a ClusterRole alike).
  const name = `${index}:${obj.metadata?.namespace ?? ""}/${obj.metadata?.name}`;
  return { type, name, urn: `urn:pulumi:${stack}::mlops-platform::${type}::${name}`, props: obj, protect: false };
}

async function verdicts(stack: string, environment: Environment, objects: readonly Obj[]): Promise<string[]> {
  const violations = await runPolicies(
    bareResult(stack),
    environment,
    objects.map((o, i) => subject(stack, o, i)),
  );
  return violations.map((v) => `${v.policy} ${v.urn.split("::").pop()}: ${v.message}`).sort();
}

/** Verdicts present on one side only; empty when the two lists of objects are judged alike. */
export async function projectionDifferencesOf(full: readonly Obj[], facts: readonly Obj[], stack: string, environment: Environment): Promise<string[]> {
  const onFull = await verdicts(stack, environment, full);
  const onFacts = await verdicts(stack, environment, facts);
  return [
    ...onFull.filter((v) => !onFacts.includes(v)).map((v) => `only on the full object: ${v}`),
    ...onFacts.filter((v) => !onFull.includes(v)).map((v) => `only on the facts: ${v}`),
  ];
}

/** The rendered objects (as the provider registers them) against their facts; empty when the projection is faithful. */
export function projectionDifferences(
  rendered: readonly Obj[],
  releaseNamespace: string,
  stack: string,
  environment: Environment,
  scopeOf?: ScopeOf,
): Promise<string[]> {
  return projectionDifferencesOf(
    rendered.map((o) => asRegistered(o, releaseNamespace, scopeOf)),
    rendered.map((o) => objectFacts(o, releaseNamespace, scopeOf)),
    stack,
    environment,
  );
}
