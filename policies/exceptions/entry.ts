/** One entry of the exceptions registry (policies/exceptions.ts): what it relaxes, for what, why, whose, until when. */
export interface PolicyException {
  readonly id: string;
  readonly controls: readonly string[];
  readonly scope: {
    readonly component: string;
    /** The namespace the component runs in; namespaced objects match only there. */
    readonly namespace: string;
    /** Workload names, exact; an entry naming no workload and no cluster object covers the whole namespace. */
    readonly workloads: readonly string[];
    /** Cluster-scoped objects of the component as `Kind/name` (`ClusterRole/operator`), exact. @default none */
    readonly clusterObjects?: readonly string[];
    /**
     * Why no plan shows the workloads, when none does: an operator creates them at run time, or the provider
     * renders them from an upstream kustomization at deploy time. The registry's usage test then cannot hold their
     * names to a finding; the online preview (kustomizations) or the live cluster (operators) is where they meet
     * the controls. @default undefined: the plan shows them
     */
    readonly notPlanned?: "created by an operator at run time" | "rendered from an upstream kustomization at deploy time";
  };
  readonly reason: string;
  readonly owner: string;
  /** ISO date; an expired entry is itself a violation. */
  readonly expires: string;
}
