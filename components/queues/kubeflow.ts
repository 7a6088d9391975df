/**
 * The queue metadata a namespace outside charts/team would carry. Kubeflow Pipelines no longer runs steps in
 * `kubeflow` (each team's own install runs them in the team's namespace, on the team's LocalQueue), so nothing
 * builds it any more; the type stays while the Pipelines component still takes an optional `namespaceQueue`.
 */
export interface NamespaceQueueMetadata {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}
