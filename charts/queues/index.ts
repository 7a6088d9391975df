/**
 * The Kueue objects of a stack, from typed config only: a ResourceFlavor per GPU pool and one for CPU and memory,
 * the WorkloadPriorityClasses, a ClusterQueue per team in one cohort, and a LocalQueue in each team's namespace
 * (Kubeflow Pipelines' steps run there too, on that queue). Applied after the Kueue chart, whose CRDs define these kinds.
 */
import type { PlatformConfig } from "../../config";
import type { QueuesConfig } from "../../config/queues";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { CPU_FLAVOR, gpuFlavors, resourceGroups, type GpuFlavor, type QueueHolder, type QueuePlatform } from "../../domain/queues";
import { clusterQueue, localQueue, resourceFlavor, workloadPriorityClass, type ClusterQueueSpec } from "../crds/kueue";
import { manifests, type Manifest } from "../kube";

/** What the queue model reads of the platform's pools and GPU settings. */
export function queuePlatform(cfg: Pick<PlatformConfig, "cluster" | "nodePools" | "gpu">): QueuePlatform {
  return { clusterKind: cfg.cluster.kind, nodePools: cfg.nodePools, migStrategy: cfg.gpu.migStrategy, defaultSharing: cfg.gpu.defaultSharing };
}

/** Whoever gets a ClusterQueue: every team (its Kubeflow Pipelines steps included: they run in its namespace). */
export function queueHolders(cfg: Pick<PlatformConfig, "teams">): QueueHolder[] {
  return cfg.teams.map((t) => ({ name: t.name, namespace: t.name, cpu: t.quota.cpu, memory: t.quota.memory, gpu: t.quota.gpu }));
}

export function clusterQueueSpec(holder: QueueHolder, flavors: readonly GpuFlavor[], queues: QueuesConfig): ClusterQueueSpec {
  const upTo = queues.priorities.find((p) => p.name === queues.preemption.borrowWithinCohortUpTo);
  return {
    cohortName: queues.cohort,
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": holder.namespace } },
    queueingStrategy: "BestEffortFIFO",
    resourceGroups: resourceGroups(holder, flavors),
    preemption: {
      reclaimWithinCohort: queues.preemption.reclaimWithinCohort,
      withinClusterQueue: queues.preemption.withinClusterQueue,
      ...(upTo ? { borrowWithinCohort: { policy: "LowerPriority" as const, maxPriorityThreshold: upTo.value } } : {}),
    },
  };
}

export interface QueueObjectsArgs {
  readonly cfg: Pick<PlatformConfig, "cluster" | "nodePools" | "gpu" | "teams" | "queues">;
  /** Cost-attribution labels for the cluster-wide objects. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

export function queueObjects({ cfg, labels = {} }: QueueObjectsArgs): Manifest[] {
  const flavors = gpuFlavors(queuePlatform(cfg));
  const platformLabels = { ...labels, ...PLATFORM_OWNED_LABELS };
  const teamCost = new Map(cfg.teams.map((t) => [t.name, t.costCenter]));
  return manifests((scope) => {
    resourceFlavor(scope, `flavor-${CPU_FLAVOR}`, { name: CPU_FLAVOR, labels: platformLabels }, {});
    for (const flavor of flavors) {
      resourceFlavor(
        scope,
        `flavor-${flavor.name}`,
        { name: flavor.name, labels: platformLabels },
        { nodeLabels: flavor.nodeLabels, tolerations: flavor.tolerations },
      );
    }
    for (const p of cfg.queues.priorities) {
      workloadPriorityClass(scope, `priority-${p.name}`, { name: p.name, labels: platformLabels }, { value: p.value, description: p.description });
    }
    for (const holder of queueHolders(cfg)) {
      const costCenter = teamCost.get(holder.name);
      // A team's queue is billed to the team.
      const holderLabels = costCenter ? { ...platformLabels, team: holder.name, "cost-center": costCenter } : platformLabels;
      clusterQueue(scope, `cq-${holder.name}`, { name: holder.name, labels: holderLabels }, clusterQueueSpec(holder, flavors, cfg.queues));
      localQueue(scope, `lq-${holder.name}`, { name: holder.name, namespace: holder.namespace, labels: holderLabels }, { clusterQueue: holder.name });
    }
  });
}
