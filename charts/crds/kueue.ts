/**
 * Kueue's objects (kueue.x-k8s.io/v1beta2, the storage version of the Kueue chart in domain/versions.ts; v1beta1
 * is deprecated and called the cohort field `cohort`): the fields we set, typed after the CRDs' schemas.
 */
import type { Construct } from "constructs";
import { customResource, type LabelSelector, type Metadata } from "../kube";
import type { ResourceGroup, Toleration } from "../../domain/queues";

export const KUEUE_API = "kueue.x-k8s.io/v1beta2";

export interface ResourceFlavorSpec {
  /** Matched against a workload's node selector and injected into its pods on admission (at most 8). */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /** Injected into the pods of a workload admitted on this flavor (at most 8). */
  readonly tolerations?: readonly Toleration[];
}

export interface ClusterQueueSpec {
  readonly cohortName?: string;
  /** Namespaces whose LocalQueues may point here; null would admit none. */
  readonly namespaceSelector: LabelSelector;
  readonly queueingStrategy?: "StrictFIFO" | "BestEffortFIFO";
  readonly resourceGroups: readonly ResourceGroup[];
  readonly preemption?: {
    readonly reclaimWithinCohort?: "Never" | "LowerPriority" | "Any";
    readonly withinClusterQueue?: "Never" | "LowerPriority" | "LowerOrNewerEqualPriority";
    readonly borrowWithinCohort?: { readonly policy: "Never" | "LowerPriority"; readonly maxPriorityThreshold?: number };
  };
}

export interface LocalQueueSpec {
  readonly clusterQueue: string;
}

export const resourceFlavor = (scope: Construct, id: string, metadata: Metadata, spec: ResourceFlavorSpec) =>
  customResource(scope, id, { apiVersion: KUEUE_API, kind: "ResourceFlavor", metadata, spec });

export const clusterQueue = (scope: Construct, id: string, metadata: Metadata, spec: ClusterQueueSpec) =>
  customResource(scope, id, { apiVersion: KUEUE_API, kind: "ClusterQueue", metadata, spec });

export const localQueue = (scope: Construct, id: string, metadata: Metadata, spec: LocalQueueSpec) =>
  customResource(scope, id, { apiVersion: KUEUE_API, kind: "LocalQueue", metadata, spec });

/** `value` and `description` are top-level fields of a WorkloadPriorityClass, not a spec. */
export const workloadPriorityClass = (scope: Construct, id: string, metadata: Metadata, body: { value: number; description?: string }) =>
  customResource(scope, id, { apiVersion: KUEUE_API, kind: "WorkloadPriorityClass", metadata, ...body });
