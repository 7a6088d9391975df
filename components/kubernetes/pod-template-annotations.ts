import type * as pulumi from "@pulumi/pulumi";

/**
 * A transform that adds annotations to the pod template of one Deployment an upstream chart renders, so a change
 * in something the chart cannot see (a Secret's content, by its checksum) rolls the pods. Done as a transform, not
 * through the chart's values: the chart inventory is keyed by values, and values holding a checksum of generated
 * keys would need a new inventory render whenever a team is added. Other resources pass through untouched.
 */
export function podTemplateAnnotationsTransform(deployment: string, annotations: Readonly<Record<string, pulumi.Input<string>>>): pulumi.ResourceTransform {
  return (args) => {
    if (args.type !== "kubernetes:apps/v1:Deployment") return undefined;
    const props = args.props as { metadata?: { name?: string }; spec?: { template?: { metadata?: { annotations?: Record<string, unknown> } } } };
    if (props.metadata?.name !== deployment || props.spec?.template === undefined) return undefined;
    const template = props.spec.template;
    const metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, ...annotations } };
    return { props: { ...args.props, spec: { ...props.spec, template: { ...template, metadata } } }, opts: args.opts };
  };
}
