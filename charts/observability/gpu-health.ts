/**
 * GPU and node health alerts. Two sources: the node conditions the EKS node monitoring agent sets (read through
 * kube-state-metrics' kube_node_status_condition, one series per condition and status) and DCGM fields from the GPU
 * operator's dcgm-exporter (our collectors file, charts/gpu-operator.ts). Node-level alerts: no team label. Each
 * alert links its section of the runbook docs/operations/gpu-node-failing.md.
 */
import type { AlertRule, RuleGroup } from "./rule-types";

/** The node a DCGM series comes from: dcgm-exporter writes the node name (its NODE_NAME) into `hostname`. */
export const DCGM_NODE = "{{ $labels.hostname }}";

export const GPU_NODE_RUNBOOK = "docs/operations/gpu-node-failing.md";
/** The runbook section of one alert (GitHub's heading anchors: lower case, spaces to hyphens). */
export const runbookUrl = (anchor: string): string => `${GPU_NODE_RUNBOOK}#${anchor}`;

/** The conditions the agent adds besides AcceleratedHardwareReady; auto repair replaces a node after 30 minutes of one. */
export const NODE_MONITORING_CONDITIONS = ["KernelReady", "NetworkingReady", "StorageReady", "ContainerRuntimeReady"] as const;

const ACCELERATOR_FALSE = 'kube_node_status_condition{condition="AcceleratedHardwareReady",status="false"}';

const NODE_CONDITION_RULES: readonly AlertRule[] = [
  {
    alert: "GpuNodeAcceleratorUnhealthy",
    expr: `${ACCELERATOR_FALSE} == 1`,
    for: "2m",
    labels: { severity: "warning" },
    annotations: {
      summary: "Node {{ $labels.node }} reports its GPUs unhealthy (AcceleratedHardwareReady=False)",
      description:
        "The node monitoring agent found a GPU fault (the condition's reason names it, e.g. NvidiaXID79Error). Node auto repair reboots or replaces the node after 10 minutes; jobs on it fail or hang until then.",
      runbook_url: runbookUrl("gpunodeacceleratorunhealthy"),
    },
  },
  {
    alert: "GpuNodeNotRepaired",
    // 10 minutes before auto repair acts, plus a reboot or a replacement node's boot: 40 minutes means it did not act.
    expr: `${ACCELERATOR_FALSE} == 1`,
    for: "40m",
    labels: { severity: "critical" },
    annotations: {
      summary: "Node {{ $labels.node }} has been GPU-unhealthy for 40 minutes without repair",
      description:
        "Auto repair has not fixed the node: a reason it does not act on (DCGMError, DCGMDiagnosticFailure), repairs halted (over 20% of the group unhealthy, a zonal shift), or a cluster without auto repair. Cordon, drain and replace it by hand.",
      runbook_url: runbookUrl("gpunodenotrepaired"),
    },
  },
  {
    alert: "NodeHealthConditionFailing",
    expr: `kube_node_status_condition{condition=~"${NODE_MONITORING_CONDITIONS.join("|")}",status="false"} == 1`,
    for: "5m",
    labels: { severity: "warning" },
    annotations: {
      summary: "Node {{ $labels.node }} reports {{ $labels.condition }}=False",
      description:
        "The node monitoring agent found a kernel, network, storage or container-runtime fault; node auto repair replaces the node after 30 minutes.",
      runbook_url: runbookUrl("nodehealthconditionfailing"),
    },
  },
  {
    alert: "GpuNodeKeepsFailing",
    // Rises of the False series (changes minus falls) in 24h, on a node that still exists: a reboot keeps the node's
    // name, so a node that auto repair reboots and that fails again counts twice. A replaced node is a new node.
    expr: `(changes(${ACCELERATOR_FALSE}[24h]) - resets(${ACCELERATOR_FALSE}[24h])) >= 2 and on (node) kube_node_info`,
    for: "0m",
    labels: { severity: "critical" },
    annotations: {
      summary: "Node {{ $labels.node }} became GPU-unhealthy {{ $value }} times in 24 hours",
      description:
        "Reboots by auto repair do not cure it: cordon and drain it, terminate the instance so the group replaces it, and open an AWS support case with the instance ID.",
      runbook_url: runbookUrl("gpunodekeepsfailing"),
    },
  },
  {
    alert: "GpuPoolRepeatedFailures",
    // Replaced nodes have new names: count distinct nodes of one pool (its label over the same 24h, so nodes already
    // gone still count) that reported a GPU fault.
    expr: `count by (label_mlops_platform_pool) ((max by (node) (max_over_time(${ACCELERATOR_FALSE}[24h])) == 1) * on (node) group_left (label_mlops_platform_pool) max by (node, label_mlops_platform_pool) (max_over_time(kube_node_labels{label_mlops_platform_pool!=""}[24h]))) >= 3`,
    for: "0m",
    labels: { severity: "warning" },
    annotations: {
      summary: "{{ $value }} nodes of GPU pool {{ $labels.label_mlops_platform_pool }} reported GPU faults in 24 hours",
      description:
        "More faults than bad hardware explains: compare the conditions' reasons for a workload that triggers XIDs, a driver or AMI change, or one instance type or zone.",
      runbook_url: runbookUrl("gpupoolrepeatedfailures"),
    },
  },
];

const DCGM_RULES: readonly AlertRule[] = [
  {
    alert: "GpuEccDoubleBitErrors",
    expr: "max by (hostname, gpu, UUID) (increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[10m])) > 0",
    for: "0m",
    labels: { severity: "critical", node: DCGM_NODE },
    annotations: {
      summary: "GPU {{ $labels.gpu }} on {{ $labels.hostname }} had uncorrectable (double-bit) ECC errors",
      description:
        "Data in GPU memory was corrupted; the job on it may have produced wrong results. The agent reports XID 48 and auto repair reboots the node.",
      runbook_url: runbookUrl("gpueccdoublebiterrors"),
    },
  },
  {
    alert: "GpuRowRemapFailure",
    expr: "max by (hostname, gpu, UUID) (DCGM_FI_DEV_ROW_REMAP_FAILURE) > 0",
    for: "0m",
    labels: { severity: "critical", node: DCGM_NODE },
    annotations: {
      summary: "GPU {{ $labels.gpu }} on {{ $labels.hostname }} could not remap a failing memory row",
      description: "The GPU has no spare rows left for bad memory: a reboot does not help, the instance must be replaced and the host reported to AWS.",
      runbook_url: runbookUrl("gpurowremapfailure"),
    },
  },
  {
    alert: "GpuNvlinkErrors",
    // CRC errors are retried by the link, so a single one is harmless; errors in every 5-minute window for 15 minutes are not.
    expr: "max by (hostname, gpu, UUID) (rate(DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL[5m])) > 0",
    for: "15m",
    labels: { severity: "warning", node: DCGM_NODE },
    annotations: {
      summary: "NVLink of GPU {{ $labels.gpu }} on {{ $labels.hostname }} keeps reporting CRC errors",
      description: "A degrading NVLink slows multi-GPU jobs before it fails; a fatal NVLink error (XID 74) makes auto repair replace the node.",
      runbook_url: runbookUrl("gpunvlinkerrors"),
    },
  },
];

export const GPU_HEALTH_ALERT_GROUP: RuleGroup = { name: "mlops-gpu-health", rules: [...NODE_CONDITION_RULES, ...DCGM_RULES] };
