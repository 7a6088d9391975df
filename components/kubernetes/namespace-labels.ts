import type * as pulumi from "@pulumi/pulumi";

/**
 * A transform that adds labels (and, when given, annotations) to the Namespace objects an upstream manifest or
 * kustomization creates (all of them, or the one named), so namespaces we do not author still carry Pod Security
 * labels (NS-01) and what our admission rules read. Ours win over upstream's. Pure: it only rewrites the props;
 * other resources pass through untouched.
 */
export function namespaceLabelsTransform(
  labels: Readonly<Record<string, string>>,
  onlyNamed?: string,
  annotations: Readonly<Record<string, string>> = {},
): pulumi.ResourceTransform {
  return (args) => {
    if (args.type !== "kubernetes:core/v1:Namespace") return undefined;
    const metadata = (args.props.metadata ?? {}) as { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    if (onlyNamed !== undefined && metadata.name !== onlyNamed) return undefined;
    const annotated = Object.keys(annotations).length > 0 ? { annotations: { ...metadata.annotations, ...annotations } } : {};
    return { props: { ...args.props, metadata: { ...metadata, labels: { ...metadata.labels, ...labels }, ...annotated } }, opts: args.opts };
  };
}
