import type * as pulumi from "@pulumi/pulumi";

/**
 * A component's `dependsOn` as a list its children can add to their own. Pulumi does not pass a component's
 * dependsOn on to its children, so a component whose children must wait (for nodes, CRDs, add-ons) hands
 * this list to exactly those children.
 */
export function inheritedDependsOn(opts?: pulumi.ComponentResourceOptions): pulumi.Input<pulumi.Resource>[] {
  const d = opts?.dependsOn;
  if (d === undefined) return [];
  return Array.isArray(d) ? [...d] : [d as pulumi.Input<pulumi.Resource>];
}
