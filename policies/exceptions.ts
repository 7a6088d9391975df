/**
 * The exceptions registry: the only way a security control (docs/security-controls.md) is relaxed. Every entry
 * names what it covers (component, namespace, workloads), which controls, why, who owns it and until when.
 * Team config may reference an entry by id only if the entry is scoped to that team's namespace.
 */
export interface PolicyException {
  readonly id: string;
  readonly controls: readonly string[];
  readonly scope: { readonly component: string; readonly namespace: string; readonly workloads: readonly string[] };
  readonly reason: string;
  readonly owner: string;
  /** ISO date; an expired entry is itself a violation. */
  readonly expires: string;
}

export const EXCEPTIONS: readonly PolicyException[] = [
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

export const EXCEPTION_IDS: ReadonlySet<string> = new Set(EXCEPTIONS.map((e) => e.id));

export function exceptionById(id: string): PolicyException | undefined {
  return EXCEPTIONS.find((e) => e.id === id);
}
