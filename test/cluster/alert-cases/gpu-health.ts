/**
 * promtool cases for the GPU and node health alerts (charts/observability/gpu-health.ts): each fires once and stays
 * silent once. Node conditions arrive as kube-state-metrics series (value 1 while the condition has that status);
 * DCGM series carry dcgm-exporter 4.8's hostname, gpu and UUID labels.
 */
import type { AlertCase } from "./case";

const condition = (node: string, type: string, status = "false") => `kube_node_status_condition{node="${node}",condition="${type}",status="${status}"}`;
const accelerator = (node: string) => condition(node, "AcceleratedHardwareReady");
const nodeLabels = (node: string, pool: string) => `kube_node_labels{node="${node}",label_mlops_platform_pool="${pool}"}`;
const dcgm = (field: string) => `${field}{gpu="0",UUID="GPU-0a",hostname="gpu-1"}`;

const ACCELERATOR_LABELS = { node: "gpu-1", condition: "AcceleratedHardwareReady", status: "false" };
const GPU_LABELS = { hostname: "gpu-1", node: "gpu-1", gpu: "0", UUID: "GPU-0a" };

export const cases: AlertCase[] = [
  {
    alert: "GpuNodeAcceleratorUnhealthy",
    name: "fires once the accelerator condition has been False for 2 minutes",
    series: [{ series: accelerator("gpu-1"), values: "0 0 1x10" }],
    evalTime: "6m",
    expect: [{ labels: { ...ACCELERATOR_LABELS, severity: "warning" } }],
  },
  {
    alert: "GpuNodeAcceleratorUnhealthy",
    name: "stays silent for a one-minute blip and for a healthy node",
    series: [
      { series: accelerator("gpu-1"), values: "0 0 1 0x10" },
      { series: accelerator("gpu-2"), values: "0x12" },
    ],
    evalTime: "6m",
    expect: [],
  },
  {
    alert: "GpuNodeNotRepaired",
    name: "fires when the node is still GPU-unhealthy after 40 minutes",
    series: [{ series: accelerator("gpu-1"), values: "1x50" }],
    evalTime: "45m",
    expect: [{ labels: { ...ACCELERATOR_LABELS, severity: "critical" } }],
  },
  {
    alert: "GpuNodeNotRepaired",
    name: "stays silent when auto repair rebooted the node healthy after 30 minutes",
    series: [{ series: accelerator("gpu-1"), values: "1x30 0x20" }],
    evalTime: "45m",
    expect: [],
  },
  {
    alert: "NodeHealthConditionFailing",
    name: "fires after 5 minutes of NetworkingReady=False",
    series: [{ series: condition("cpu-1", "NetworkingReady"), values: "1x10" }],
    evalTime: "8m",
    expect: [{ labels: { node: "cpu-1", condition: "NetworkingReady", status: "false", severity: "warning" } }],
  },
  {
    alert: "NodeHealthConditionFailing",
    name: "stays silent for healthy conditions and leaves AcceleratedHardwareReady to the GPU alerts",
    series: [
      { series: condition("cpu-1", "NetworkingReady", "true"), values: "1x10" },
      { series: condition("cpu-1", "NetworkingReady"), values: "0x10" },
      { series: accelerator("gpu-1"), values: "1x10" },
    ],
    evalTime: "8m",
    expect: [],
  },
  {
    alert: "GpuNodeKeepsFailing",
    name: "fires when a rebooted node becomes GPU-unhealthy a second time the same day",
    series: [
      { series: accelerator("gpu-1"), values: "0x10 1x10 0x10 1x20" },
      { series: 'kube_node_info{node="gpu-1"}', values: "1x60" },
    ],
    evalTime: "45m",
    expect: [{ labels: { ...ACCELERATOR_LABELS, severity: "critical" } }],
  },
  {
    alert: "GpuNodeKeepsFailing",
    name: "stays silent after one repaired fault",
    series: [
      { series: accelerator("gpu-1"), values: "0x10 1x10 0x40" },
      { series: 'kube_node_info{node="gpu-1"}', values: "1x60" },
    ],
    evalTime: "45m",
    expect: [],
  },
  {
    alert: "GpuNodeKeepsFailing",
    name: "stays silent for a node that failed twice and has since been replaced (gone)",
    series: [
      { series: accelerator("gpu-1"), values: "0x10 1x10 0x10 1x5 _x20" },
      { series: 'kube_node_info{node="gpu-1"}', values: "1x36 _x20" },
    ],
    evalTime: "50m",
    expect: [],
  },
  {
    alert: "GpuPoolRepeatedFailures",
    name: "fires when three nodes of one pool, two of them already replaced, reported GPU faults",
    series: [
      { series: accelerator("gpu-a"), values: "0 1x5 _x30" },
      { series: nodeLabels("gpu-a", "gpu-training"), values: "1x6 _x30" },
      { series: accelerator("gpu-b"), values: "_x6 0 1x5 _x24" },
      { series: nodeLabels("gpu-b", "gpu-training"), values: "_x6 1x6 _x24" },
      { series: accelerator("gpu-c"), values: "_x12 0 1x5 0x18" },
      { series: nodeLabels("gpu-c", "gpu-training"), values: "_x12 1x24" },
    ],
    evalTime: "30m",
    expect: [{ labels: { label_mlops_platform_pool: "gpu-training", severity: "warning" } }],
  },
  {
    alert: "GpuPoolRepeatedFailures",
    name: "stays silent for three faulty nodes spread over two pools",
    series: [
      { series: accelerator("gpu-a"), values: "0 1x30" },
      { series: nodeLabels("gpu-a", "gpu-training"), values: "1x31" },
      { series: accelerator("gpu-b"), values: "0 1x30" },
      { series: nodeLabels("gpu-b", "gpu-training"), values: "1x31" },
      { series: accelerator("gpu-c"), values: "0 1x30" },
      { series: nodeLabels("gpu-c", "gpu-inference"), values: "1x31" },
    ],
    evalTime: "30m",
    expect: [],
  },
  {
    alert: "GpuEccDoubleBitErrors",
    name: "fires when the volatile double-bit ECC counter rises",
    series: [{ series: dcgm("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"), values: "0x10 1x10" }],
    evalTime: "15m",
    expect: [{ labels: { ...GPU_LABELS, severity: "critical" } }],
  },
  {
    alert: "GpuEccDoubleBitErrors",
    name: "stays silent for errors counted before the window (a constant counter)",
    series: [{ series: dcgm("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"), values: "3x20" }],
    evalTime: "15m",
    expect: [],
  },
  {
    alert: "GpuRowRemapFailure",
    name: "fires as soon as the GPU reports a failed row remap",
    series: [{ series: dcgm("DCGM_FI_DEV_ROW_REMAP_FAILURE"), values: "0 1x5" }],
    evalTime: "3m",
    expect: [{ labels: { ...GPU_LABELS, severity: "critical" } }],
  },
  {
    alert: "GpuRowRemapFailure",
    name: "stays silent while remapping works",
    series: [{ series: dcgm("DCGM_FI_DEV_ROW_REMAP_FAILURE"), values: "0x5" }],
    evalTime: "3m",
    expect: [],
  },
  {
    alert: "GpuNvlinkErrors",
    name: "fires after 15 minutes of steadily rising NVLink CRC errors",
    series: [{ series: dcgm("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL"), values: "0+5x30" }],
    evalTime: "25m",
    expect: [{ labels: { ...GPU_LABELS, severity: "warning" } }],
  },
  {
    alert: "GpuNvlinkErrors",
    name: "stays silent after a single burst of CRC errors",
    series: [{ series: dcgm("DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL"), values: "0x5 100x25" }],
    evalTime: "25m",
    expect: [],
  },
];
