/**
 * Pulumi transforms for the objects upstream's kustomize trees render (they are children of
 * `kustomize.v2.Directory`, built in the provider at deploy time, so a transform is the one place to change
 * them before they are registered, diffed and checked by policies).
 */
import type * as pulumi from "@pulumi/pulumi";
import { KUBEFLOW_NAMESPACE } from "../../../charts/services/pipelines";
import { podSecurityLabels } from "../../../charts/pod-security";
import { namespaceLabelsTransform } from "../../kubernetes/namespace-labels";

/** Our labels and Pod Security baseline (which wins) on the `kubeflow` Namespace; no run executes there, so Kueue does not manage it. */
export function kubeflowNamespaceLabels(extra: Readonly<Record<string, string>> = {}): pulumi.ResourceTransform {
  return namespaceLabelsTransform({ ...extra, ...podSecurityLabels("baseline") }, KUBEFLOW_NAMESPACE);
}
