/** Values for the upstream Dex chart (our static overrides), and the transform that rolls Dex on a config change. */
import type * as pulumi from "@pulumi/pulumi";
import { loadValuesFile, type Values } from "../../charts/values";
import { podTemplateAnnotationsTransform } from "../kubernetes/pod-template-annotations";

/** The pod annotation carrying the config's checksum (the chart's own name for it, used only when it makes the Secret). */
export const DEX_CONFIG_CHECKSUM_ANNOTATION = "checksum/config";
/** The chart's Deployment, named after the release (DEX_RELEASE). */
export const DEX_DEPLOYMENT = "dex";

export function dexValues(): Values {
  return loadValuesFile("dex");
}

/**
 * Dex reads its config at start: the config's checksum on its pod template rolls it when the config changes. A
 * transform, not a value: values with the checksum would need a new chart inventory whenever a team is added.
 */
export const dexConfigRollout = (configChecksum: pulumi.Input<string>): pulumi.ResourceTransform =>
  podTemplateAnnotationsTransform(DEX_DEPLOYMENT, { [DEX_CONFIG_CHECKSUM_ANNOTATION]: configChecksum });
