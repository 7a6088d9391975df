/** Cases of the platform's GPU, node and scrape alerts (charts/observability/alerts.ts): no team label on any. */
import type { AlertCase } from "./case";

const GPU = 'hostname="gpu-node-1",gpu="0",UUID="GPU-5fd6c9a1",job="nvidia-dcgm-exporter",instance="10.0.3.7:9400"';
const GPU_LABELS = { hostname: "gpu-node-1", node: "gpu-node-1", gpu: "0" };
const POD = 'namespace="vision",pod="train-0"';
const READY = 'condition="Ready",status="true",node="ip-10-0-3-7.ec2.internal",job="kube-state-metrics"';
const READY_LABELS = { condition: "Ready", status: "true", node: "ip-10-0-3-7.ec2.internal", job: "kube-state-metrics" };

export const cases: AlertCase[] = [
  {
    alert: "GpuXidError",
    name: "fires at once on an XID error, naming it",
    series: [{ series: `DCGM_FI_DEV_XID_ERRORS{${GPU}}`, values: "0 0 79x5" }],
    evalTime: "3m",
    expect: [
      {
        labels: { ...GPU_LABELS, UUID: "GPU-5fd6c9a1", severity: "critical" },
        annotations: {
          summary: "GPU 0 on gpu-node-1 reported XID 79",
          description: "An XID error is a driver-reported GPU fault; many need a node drain or reboot (NVIDIA XID catalogue).",
          runbook_url: "docs/operations/gpu-node-failing.md#gpuxiderror",
        },
      },
    ],
  },
  {
    alert: "GpuXidError",
    name: "stays silent while the XID counter reads 0",
    series: [{ series: `DCGM_FI_DEV_XID_ERRORS{${GPU}}`, values: "0x15" }],
    evalTime: "10m",
    expect: [],
  },
  {
    alert: "GpuThermalOrPowerThrottling",
    name: "fires after 10m of hardware thermal slowdown (0x40)",
    series: [{ series: `DCGM_FI_DEV_CLOCKS_EVENT_REASONS{${GPU}}`, values: "64x20" }],
    evalTime: "15m",
    expect: [{ labels: { ...GPU_LABELS, severity: "warning" } }],
  },
  {
    alert: "GpuThermalOrPowerThrottling",
    name: "stays silent for reasons other than heat or power (idle 0x1, sync boost 0x10, bit 0x100)",
    series: [{ series: `DCGM_FI_DEV_CLOCKS_EVENT_REASONS{${GPU}}`, values: "1x5 16x5 256x10" }],
    evalTime: "20m",
    expect: [],
  },
  {
    alert: "GpuThermalOrPowerThrottling",
    name: "stays silent when a throttle lasts less than 10m",
    series: [{ series: `DCGM_FI_DEV_CLOCKS_EVENT_REASONS{${GPU}}`, values: "0x5 128x8 0x10" }],
    evalTime: "14m",
    expect: [],
  },
  {
    alert: "GpuMemoryPressure",
    name: "fires after 15m with the framebuffer over 95% full, naming the pod",
    series: [
      { series: `DCGM_FI_DEV_FB_USED{${GPU},${POD}}`, values: "79000x20" },
      { series: `DCGM_FI_DEV_FB_FREE{${GPU},${POD}}`, values: "1000x20" },
    ],
    evalTime: "20m",
    expect: [{ labels: { ...GPU_LABELS, namespace: "vision", pod: "train-0", severity: "warning" } }],
  },
  {
    alert: "GpuMemoryPressure",
    name: "stays silent at half the framebuffer",
    series: [
      { series: `DCGM_FI_DEV_FB_USED{${GPU},${POD}}`, values: "40000x20" },
      { series: `DCGM_FI_DEV_FB_FREE{${GPU},${POD}}`, values: "40000x20" },
    ],
    evalTime: "20m",
    expect: [],
  },
  {
    alert: "NodeNotReady",
    name: "fires after 5m of Ready=true reading 0",
    series: [{ series: `kube_node_status_condition{${READY}}`, values: "1 1 0x10" }],
    evalTime: "10m",
    expect: [{ labels: { ...READY_LABELS, severity: "critical" } }],
  },
  {
    alert: "NodeNotReady",
    name: "stays silent once the node is Ready again",
    series: [{ series: `kube_node_status_condition{${READY}}`, values: "0x4 1x10" }],
    evalTime: "10m",
    expect: [],
  },
  {
    alert: "ScrapeTargetDown",
    name: "fires after 10m of a target down",
    series: [{ series: 'up{job="opencost",instance="10.0.1.4:9003",namespace="opencost"}', values: "0x15" }],
    evalTime: "12m",
    expect: [{ labels: { job: "opencost", instance: "10.0.1.4:9003", namespace: "opencost", severity: "warning" } }],
  },
  {
    alert: "ScrapeTargetDown",
    name: "stays silent for a target up, and for one down less than 10m",
    series: [
      { series: 'up{job="opencost",instance="10.0.1.4:9003"}', values: "1x15" },
      { series: 'up{job="kube-state-metrics",instance="10.0.1.5:8080"}', values: "1x5 0x8" },
    ],
    evalTime: "12m",
    expect: [],
  },
];
