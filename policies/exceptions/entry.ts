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
