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
import { GPU_OPERATOR_NAMESPACE } from "../domain/platform-namespaces";

export { GPU_OPERATOR_NAMESPACE };
export const DEVICE_PLUGIN_CONFIG_MAP = "device-plugin-config";
/** The device-plugin config applied to GPU nodes that carry no nvidia.com/device-plugin.config label. */
export const DEFAULT_SHARING_KEY = "default";
export const DCGM_METRICS_CONFIG_MAP = "dcgm-metrics";
export const DCGM_METRICS_FILE = "dcgm-metrics.csv";

/**
 * The DCGM fields the exporter publishes: upstream's default set (dcgm-exporter etc/default-counters.csv)
 * plus what our alerts read that the default set leaves out (commented out there at 4.6.0-4.8.3, the exporter
 * gpu-operator v26.7.0 runs): the clock-event reasons (throttling), volatile double-bit ECC errors and NVLink
 * flow-control CRC errors (charts/observability/gpu-health.ts). The remapped-row fields are in the default set.
 */
export const DCGM_METRICS: readonly [field: string, type: "gauge" | "counter", help: string][] = [
  ["DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz)."],
  ["DCGM_FI_DEV_MEM_CLOCK", "gauge", "Memory clock frequency (in MHz)."],
  ["DCGM_FI_DEV_MEMORY_TEMP", "gauge", "Memory temperature (in C)."],
  ["DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C)."],
  ["DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W)."],
  ["DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", "Total energy consumption since boot (in mJ)."],
  ["DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "counter", "Total number of PCIe retries."],
  ["DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %)."],
  ["DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory utilization (in %)."],
  ["DCGM_FI_DEV_ENC_UTIL", "gauge", "Encoder utilization (in %)."],
  ["DCGM_FI_DEV_DEC_UTIL", "gauge", "Decoder utilization (in %)."],
  ["DCGM_FI_DEV_XID_ERRORS", "gauge", "Value of the last XID error encountered."],
  ["DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB)."],
  ["DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB)."],
  ["DCGM_FI_DEV_FB_RESERVED", "gauge", "Framebuffer memory reserved (in MiB)."],
  ["DCGM_FI_DEV_CLOCKS_EVENT_REASONS", "gauge", "Bitmask of reasons the clocks are held down (thermal or power limits among them)."],
  ["DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "counter", "Total number of double-bit volatile ECC errors."],
  ["DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "counter", "Number of remapped rows for uncorrectable errors"],
  ["DCGM_FI_DEV_ROW_REMAP_FAILURE", "gauge", "Whether remapping of rows has failed"],
  ["DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "counter", "Total number of NVLink flow-control CRC errors."],
];

/** The collectors file; dcgm-exporter's CSV reader wants exactly three fields per line, so no field may hold a comma. */
export function dcgmMetricsCsv(): string {
  for (const m of DCGM_METRICS) if (m.some((f) => f.includes(","))) throw new Error(`DCGM_METRICS entry ${m[0]} has a comma in a field`);
  return ["# DCGM field, Prometheus type, help (dcgm-exporter collectors file)", ...DCGM_METRICS.map((m) => m.join(", "))].join("\n") + "\n";
}

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
    // NVIDIA's operands need privileged, hostPID and host paths (docs/security-controls.md): the namespace is the
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
    new kplus.ConfigMap(this, "dcgm-metrics", {
      metadata: { name: DCGM_METRICS_CONFIG_MAP, namespace: GPU_OPERATOR_NAMESPACE },
      data: { [DCGM_METRICS_FILE]: dcgmMetricsCsv() },
    });
  }
}

/** Synthesizes the chart to plain Kubernetes objects. */
export function gpuOperatorObjects(props: GpuOperatorChartProps): Record<string, unknown>[] {
  const app = new App();
  const chart = new GpuOperatorChart(app, "gpu-operator", props);
  return chart.toJson();
}
