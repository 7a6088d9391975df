import type { PolicyException } from "../exceptions";

/** Relaxations for objects that upstream charts render (see charts/inventory/): what no chart value can fix. */
export const UPSTREAM_CHART_EXCEPTIONS: readonly PolicyException[] = [
  {
    id: "gpu-operator-operands",
    controls: ["POD-01", "POD-02", "POD-03", "POD-04", "POD-05", "POD-06", "POD-07", "NS-01"],
    scope: {
      component: "gpu",
      namespace: "gpu-operator",
      workloads: [
        "nvidia-driver-daemonset",
        "nvidia-container-toolkit-daemonset",
        "nvidia-device-plugin-daemonset",
        "nvidia-dcgm-exporter",
        "gpu-feature-discovery",
        "nvidia-mig-manager",
        "nvidia-operator-validator",
        "gpu-operator-node-feature-discovery-worker",
      ],
    },
    reason:
      "NVIDIA's operands load kernel modules, configure containerd and read host devices (privileged, hostPID, hostPath); NVIDIA GPU Operator 'Security Considerations'. Confined to the gpu-operator namespace, which teams cannot reach.",
    owner: "platform-team",
    expires: "2027-06-30",
  },
  {
    id: "node-exporter-host-access",
    controls: ["POD-01", "POD-05", "POD-06", "NS-01"],
    scope: { component: "observability", namespace: "node-exporter", workloads: ["monitoring-prometheus-node-exporter"] },
    reason:
      "node-exporter reads host metrics through hostNetwork, hostPID and a read-only host root mount (prometheus-node-exporter chart defaults); it runs non-root with a read-only root filesystem and no service-account token. Its own namespace keeps monitoring restricted.",
    owner: "platform-team",
    expires: "2027-06-30",
  },
];
