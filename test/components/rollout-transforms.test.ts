/**
 * The rollout transforms: a checksum of what a chart cannot see (Dex's config, SeaweedFS's identities file) lands on
 * the pod template of the chart's own Deployment, so a change rolls the pods, while the chart's values (and so its
 * inventory) stay the same when a team is added. Checked on the Deployments the pinned charts really render (the
 * chart inventory): a renamed Deployment would leave the transform matching nothing.
 */
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { podTemplateAnnotationsTransform } from "../../components/kubernetes/pod-template-annotations";
import { DEX_CONFIG_CHECKSUM_ANNOTATION, dexConfigRollout } from "../../components/identity/values";
import { IDENTITIES_CHECKSUM_ANNOTATION, identitiesRollout } from "../../components/storage/object-store";
import { readInventory } from "../../scripts/inventory/store";

type Props = Record<string, any>;
const apply = (transform: pulumi.ResourceTransform, type: string, props: Props) =>
  transform({ type, name: "n", props, opts: {}, custom: true }) as { props: Props } | undefined;

describe("podTemplateAnnotationsTransform", () => {
  const transform = podTemplateAnnotationsTransform("app", { "checksum/x": "abc" });
  const deployment = (name: string): Props => ({
    metadata: { name },
    spec: { replicas: 1, template: { metadata: { labels: { a: "b" }, annotations: { kept: "yes" } }, spec: { containers: [] } } },
  });

  it("adds the annotations to the named Deployment's pod template, keeping everything else", () => {
    const out = apply(transform, "kubernetes:apps/v1:Deployment", deployment("app"));
    expect(out?.props).toEqual({
      metadata: { name: "app" },
      spec: { replicas: 1, template: { metadata: { labels: { a: "b" }, annotations: { kept: "yes", "checksum/x": "abc" } }, spec: { containers: [] } } },
    });
  });

  it("leaves other Deployments and other kinds alone", () => {
    expect(apply(transform, "kubernetes:apps/v1:Deployment", deployment("other"))).toBeUndefined();
    expect(apply(transform, "kubernetes:apps/v1:StatefulSet", deployment("app"))).toBeUndefined();
    expect(apply(transform, "kubernetes:core/v1:Service", { metadata: { name: "app" } })).toBeUndefined();
  });
});

describe.each([
  ["dex", dexConfigRollout, DEX_CONFIG_CHECKSUM_ANNOTATION],
  ["object-store", identitiesRollout, IDENTITIES_CHECKSUM_ANNOTATION],
] as const)("the %s rollout on the chart's rendered Deployment", (release, rollout, annotation) => {
  const renders = readInventory().filter((file) => file.release === release);

  it("finds the release in the chart inventory", () => {
    expect(renders.length).toBeGreaterThan(0);
  });

  it("annotates exactly one Deployment of each render, the one the chart names", () => {
    for (const render of renders) {
      const annotated = render.objects
        .filter((o) => o.kind === "Deployment")
        .map((o) => apply(rollout("abc"), "kubernetes:apps/v1:Deployment", o))
        .filter((out) => out !== undefined);
      expect(annotated).toHaveLength(1);
      expect(annotated[0]?.props.spec.template.metadata.annotations[annotation]).toBe("abc");
    }
  });
});
