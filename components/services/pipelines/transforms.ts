/**
 * Pulumi transforms for the objects upstream's kustomize trees render (they are children of
 * `kustomize.v2.Directory`, built in the provider at deploy time, so a transform is the one place to change
 * them before they are registered, diffed and checked by policies).
 */
import type * as pulumi from "@pulumi/pulumi";
import { KUBEFLOW_NAMESPACE } from "../../../charts/services/pipelines";
import { podSecurityLabels } from "../../../charts/pod-security";
import { namespaceLabelsTransform } from "../../kubernetes/namespace-labels";
import type { NamespaceQueueMetadata } from "../../queues/kubeflow";

/**
 * Our labels and Pod Security baseline (which wins) on the `kubeflow` Namespace. No run executes there any more,
 * so it needs no queue; `queue` stays optional until the queue wiring stops passing one. @default no queue
 */
export function kubeflowNamespaceLabels(extra: Readonly<Record<string, string>> = {}, queue?: NamespaceQueueMetadata): pulumi.ResourceTransform {
  return namespaceLabelsTransform({ ...extra, ...queue?.labels, ...podSecurityLabels("baseline") }, KUBEFLOW_NAMESPACE, queue?.annotations);
}
