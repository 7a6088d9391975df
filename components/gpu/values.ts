/** Values for the upstream gpu-operator chart: our static overrides plus what the stack decides. */
import { loadValuesFile, mergeValues, type Values } from "../../charts/values";
import { DCGM_METRICS_CONFIG_MAP, DCGM_METRICS_FILE, DEFAULT_SHARING_KEY, DEVICE_PLUGIN_CONFIG_MAP } from "../../charts/gpu-operator";

export interface GpuOperatorValuesArgs {
  /** `preinstalled` on EKS (AL2023 NVIDIA AMI); `operator` installs the driver as a DaemonSet. */
  readonly driver: "preinstalled" | "operator";
  readonly toolkit: "preinstalled" | "operator";
  readonly migStrategy: "none" | "single" | "mixed";
  /** Run mig-manager, which applies nvidia.com/mig.config layouts. */
  readonly migManager: boolean;
  readonly dcgmExporter: boolean;
  /** Schedule the operator controller on the system pool (EKS) instead of any node. */
  readonly systemPool: boolean;
}

const SYSTEM_PLACEMENT = {
  nodeSelector: { "mlops.platform/role": "system" },
  tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
};

export function gpuOperatorValues(args: GpuOperatorValuesArgs): Values {
  const stack: Values = {
    driver: { enabled: args.driver === "operator" },
    toolkit: { enabled: args.toolkit === "operator" },
    devicePlugin: { config: { name: DEVICE_PLUGIN_CONFIG_MAP, default: DEFAULT_SHARING_KEY, create: false } },
    mig: { strategy: args.migStrategy },
    migManager: { enabled: args.migManager },
    dcgmExporter: {
      enabled: args.dcgmExporter,
      // Our collectors file (charts/gpu-operator.ts), mounted at /etc/dcgm-exporter by the operator.
      config: { name: DCGM_METRICS_CONFIG_MAP },
      env: [{ name: "DCGM_EXPORTER_COLLECTORS", value: `/etc/dcgm-exporter/${DCGM_METRICS_FILE}` }],
      // The exporter's own namespace/pod labels name the workload using the GPU: keep them, not Prometheus's.
      serviceMonitor: { enabled: true, honorLabels: true },
    },
  };
  if (args.systemPool) {
    stack.operator = SYSTEM_PLACEMENT;
    stack["node-feature-discovery"] = { master: SYSTEM_PLACEMENT, gc: SYSTEM_PLACEMENT };
  }
  return mergeValues(loadValuesFile("gpu-operator"), stack);
}
