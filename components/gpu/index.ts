import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_SHARING_KEY, GPU_OPERATOR_NAMESPACE, gpuOperatorObjects } from "../../charts/gpu-operator";
import type { GpuSharing } from "../../config/schema";
import { createObjectGroup } from "../kubernetes/object-group";
import { inheritedDependsOn } from "../dependencies";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { CHARTS } from "../../domain/versions";
import { gpuOperatorValues, type GpuOperatorValuesArgs } from "./values";

export { gpuOperatorValues } from "./values";

export interface GpuOperatorArgs extends GpuOperatorValuesArgs {
  /** Sharing for nodes without a pool label. @default { mode: "exclusive" } */
  readonly defaultSharing?: GpuSharing;
  /** Sharing per GPU pool name; nodes of a pool carry nvidia.com/device-plugin.config=<pool>. @default {} */
  readonly poolSharing?: Readonly<Record<string, GpuSharing>>;
  /** Labels for the objects we author (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The device-plugin configs to publish: `default` plus one per time-sliced pool. */
export function sharingConfigs(args: Pick<GpuOperatorArgs, "defaultSharing" | "poolSharing">): Record<string, GpuSharing> {
  const configs: Record<string, GpuSharing> = { [DEFAULT_SHARING_KEY]: args.defaultSharing ?? { mode: "exclusive" } };
  for (const [pool, sharing] of Object.entries(args.poolSharing ?? {})) {
    if (sharing.mode === "time-slicing") configs[pool] = sharing;
  }
  return configs;
}

/**
 * The NVIDIA GPU operator from its upstream chart, in its own namespace (the only place its privileged
 * operands may run), with the device-plugin sharing config created before the chart reads it.
 */
export class GpuOperator extends pulumi.ComponentResource {
  readonly namespace = GPU_OPERATOR_NAMESPACE;
  readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: GpuOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:gpu:GpuOperator", name, {}, opts);
    const objects = gpuOperatorObjects({ sharing: sharingConfigs(args), migStrategy: args.migStrategy, commonLabels: args.labels });
    const base = createObjectGroup(`${name}-base`, objects, { parent: this, dependsOn: inheritedDependsOn(opts) });
    this.chart = createUpstreamChart(name, CHARTS.gpuOperator, GPU_OPERATOR_NAMESPACE, gpuOperatorValues(args), {
      parent: this,
      dependsOn: [base, ...inheritedDependsOn(opts)],
    });
    this.registerOutputs({ namespace: this.namespace });
  }
}
