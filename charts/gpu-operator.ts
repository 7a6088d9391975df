/**
 * Objects we author for the NVIDIA GPU operator: its namespace and the device-plugin sharing config.
 * The operator itself comes from the upstream chart (components/gpu).
 */
import { App, Chart, type ChartProps } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { stringify } from "yaml";
import type { GpuSharing } from "../config/schema";
import { podSecurityLabels } from "./pod-security";

export const GPU_OPERATOR_NAMESPACE = "gpu-operator";
export const DEVICE_PLUGIN_CONFIG_MAP = "device-plugin-config";
/** The device-plugin config applied to GPU nodes that carry no nvidia.com/device-plugin.config label. */
export const DEFAULT_SHARING_KEY = "default";

export interface GpuOperatorChartProps extends ChartProps {
  /** Sharing per config name (pool name, plus `default`). @default { default: exclusive } */
  readonly sharing: Readonly<Record<string, GpuSharing>>;
  /** MIG strategy the device plugin advertises. @default "none" */
  readonly migStrategy?: "none" | "single" | "mixed";
  /** Labels stamped on every object (cost attribution). @default {} */
  readonly commonLabels?: Readonly<Record<string, string>>;
}

/**
 * One device-plugin config (https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/gpu-sharing.html).
 * Time-slicing advertises `replicas` schedulable slots per GPU; `failRequestsGreaterThanOne` stops a pod from
 * asking for two slices of one GPU and believing it got two GPUs.
 */
export function devicePluginConfig(sharing: GpuSharing, migStrategy: "none" | "single" | "mixed"): Record<string, unknown> {
  const config: Record<string, unknown> = { version: "v1", flags: { migStrategy } };
  if (sharing.mode === "time-slicing") {
    config.sharing = {
      timeSlicing: {
        renameByDefault: false,
        failRequestsGreaterThanOne: true,
        resources: [{ name: "nvidia.com/gpu", replicas: sharing.replicas }],
      },
    };
  }
  return config;
}

export class GpuOperatorChart extends Chart {
  constructor(scope: Construct, id: string, props: GpuOperatorChartProps) {
    super(scope, id, { ...props, labels: { ...props.commonLabels, ...props.labels } });
    // NVIDIA's operands need privileged, hostPID and host paths (SECURITY-BASELINE §1d): the namespace is the
    // exemption, so it holds nothing else and warns/audits at restricted.
    new kplus.Namespace(this, "namespace", {
      metadata: { name: GPU_OPERATOR_NAMESPACE, labels: podSecurityLabels("privileged") },
    });
    const migStrategy = props.migStrategy ?? "none";
    const data: Record<string, string> = {};
    for (const [key, sharing] of Object.entries(props.sharing)) data[key] = stringify(devicePluginConfig(sharing, migStrategy));
    new kplus.ConfigMap(this, "device-plugin-config", {
      metadata: { name: DEVICE_PLUGIN_CONFIG_MAP, namespace: GPU_OPERATOR_NAMESPACE },
      data,
    });
  }
}

/** Synthesizes the chart to plain Kubernetes objects. */
export function gpuOperatorObjects(props: GpuOperatorChartProps): Record<string, unknown>[] {
  const app = new App();
  const chart = new GpuOperatorChart(app, "gpu-operator", props);
  return chart.toJson();
}
