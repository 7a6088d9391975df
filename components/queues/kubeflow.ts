/**
 * What the `kubeflow` Namespace carries for the queues, as team namespaces do (charts/team): Kubeflow Pipelines'
 * steps run there, and GPU steps queue on the "pipelines" LocalQueue. Upstream's kustomization makes the Namespace;
 * the pipelines component labels it through a transform.
 */
import type { PlatformConfig } from "../../config";
import { NAMESPACE_GPU_POOLS_ANNOTATION, NAMESPACE_PRIORITIES_ANNOTATION, NAMESPACE_QUEUE_LABEL, PIPELINES_QUEUE } from "../../domain/queues";

export interface NamespaceQueueMetadata {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** The queue label (Kueue manages the namespace's pods), the GPU pools the pipelines' queue has a share of, and every priority class. */
export function kubeflowQueueMetadata(cfg: Pick<PlatformConfig, "queues">): NamespaceQueueMetadata {
  return {
    labels: { [NAMESPACE_QUEUE_LABEL]: PIPELINES_QUEUE },
    annotations: {
      [NAMESPACE_GPU_POOLS_ANNOTATION]: cfg.queues.pipelines.gpu.map((share) => share.pool).join(","),
      [NAMESPACE_PRIORITIES_ANNOTATION]: cfg.queues.priorities.map((p) => p.name).join(","),
    },
  };
}
