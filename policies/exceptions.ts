/**
 * The exceptions registry: the only way a security control (docs/security-controls.md) is relaxed. Every entry
 * names what it covers (component, namespace, workloads), which controls, why, who owns it and until when.
 * Team config may reference an entry by id only if the entry is scoped to that team's namespace.
 */
import { OWN_WORKLOAD_EXCEPTIONS } from "./exceptions/own-workloads";
import { UPSTREAM_CHART_EXCEPTIONS } from "./exceptions/upstream-charts";

export interface PolicyException {
  readonly id: string;
  readonly controls: readonly string[];
  readonly scope: {
    readonly component: string;
    /** The namespace the component runs in; namespaced objects match only there. */
    readonly namespace: string;
    /** Workload names (a name or its generated `name-…` children); empty: the whole namespace. */
    readonly workloads: readonly string[];
    /** Cluster-scoped objects of the component (ClusterRoles …), by exact name. @default none */
    readonly clusterObjects?: readonly string[];
    /**
     * The workloads are created at run time by an operator, outside any chart or manifest of ours, so no plan
     * shows them and the registry's usage test cannot hold their names to a finding. @default false
     */
    readonly createdAtRuntime?: boolean;
  };
  readonly reason: string;
  readonly owner: string;
  /** ISO date; an expired entry is itself a violation. */
  readonly expires: string;
}

export const EXCEPTIONS: readonly PolicyException[] = [...UPSTREAM_CHART_EXCEPTIONS, ...OWN_WORKLOAD_EXCEPTIONS];

export const EXCEPTION_IDS: ReadonlySet<string> = new Set(EXCEPTIONS.map((e) => e.id));

export function exceptionById(id: string): PolicyException | undefined {
  return EXCEPTIONS.find((e) => e.id === id);
}
