/** Values for the upstream Dex chart: our static overrides plus the annotation that rolls Dex on a config change. */
import type * as pulumi from "@pulumi/pulumi";
import { loadValuesFile, mergeValues, type Values } from "../../charts/values";

/** The pod annotation carrying the config's checksum (the chart's own name for it, used only when it makes the Secret). */
export const DEX_CONFIG_CHECKSUM_ANNOTATION = "checksum/config";

export function dexValues(configChecksum: pulumi.Input<string>): Values {
  return mergeValues(loadValuesFile("dex"), { podAnnotations: { [DEX_CONFIG_CHECKSUM_ANNOTATION]: configChecksum } });
}
