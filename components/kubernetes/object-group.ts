import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Objects as one YAML stream (each document in JSON form, which is YAML). Pulumi serializes structured inputs
 * node by node; for 1000 team bundles that cost 6.6 s and 860 MB under mocks against 1.5 s and 150 MB as text.
 */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((o) => JSON.stringify(o)).join("\n---\n");
}

/**
 * A ConfigGroup of objects we author (cdk8s output). Pulumi still creates one child per object, so diffs,
 * policies and transforms work per object, and namespaces and CRDs in the group are ordered first.
 */
export function createObjectGroup(
  name: string,
  objects: readonly unknown[] | pulumi.Output<readonly unknown[]>,
  opts?: pulumi.ComponentResourceOptions,
): k8s.yaml.v2.ConfigGroup {
  // Objects that embed cloud-computed values (ids, ARNs) arrive as an Output and are rendered once known.
  const yaml = pulumi.Output.isInstance(objects) ? objects.apply(toYamlStream) : toYamlStream(objects);
  return new k8s.yaml.v2.ConfigGroup(name, { yaml }, opts);
}
