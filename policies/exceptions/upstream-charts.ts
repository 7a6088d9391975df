import type { PolicyException } from "./entry";

/** Relaxations for objects of upstream software (charts, see charts/inventory/; kustomizations): what no value we pass can fix. */
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
      ],
      notPlanned: "created by an operator at run time",
    },
    reason:
      "NVIDIA's operands load kernel modules, configure containerd and read host devices (privileged, hostPID, hostPath); NVIDIA GPU Operator 'Security Considerations'. The operator creates them from its ClusterPolicy at run time, so no chart value reaches their pod specs. Confined to the gpu-operator namespace, which teams cannot reach.",
    owner: "platform-team",
    expires: "2027-06-30",
  },
  {
    id: "nfd-worker-host-paths",
    controls: ["POD-05", "POD-06"],
    scope: { component: "gpu", namespace: "gpu-operator", workloads: ["gpu-operator-node-feature-discovery-worker"] },
    reason:
      "node-feature-discovery 0.19.0 (gpu-operator v26.7.0's subchart), templates/worker.yaml: the worker reads /boot, /sys, /lib, /usr/lib, /proc/swaps, /etc/os-release and features.d through read-only host paths, unconditionally; they are how it detects the node's features. It runs non-root, read-only, without capabilities and with RuntimeDefault seccomp (charts/values/gpu-operator.yaml).",
    owner: "platform-team",
    expires: "2027-06-30",
  },
  {
    id: "gpu-operator-controller",
    controls: ["POD-01", "POD-02", "POD-03", "POD-04", "POD-07"],
    scope: { component: "gpu", namespace: "gpu-operator", workloads: ["gpu-operator"] },
    reason:
      "gpu-operator v26.7.0, templates/operator.yaml: the operator's own Deployment renders no pod or container securityContext and the chart has no value for one (operator.* covers image, env, logging, resources, annotations and placement), so it runs with the image's defaults. It holds no host access; upstream (NVIDIA/gpu-operator) would need a securityContext value.",
    owner: "platform-team",
    expires: "2027-06-30",
  },
  {
    id: "node-exporter-host-access",
    controls: ["POD-05", "POD-06", "NS-01"],
    scope: { component: "observability", namespace: "node-exporter", workloads: ["monitoring-prometheus-node-exporter"] },
    reason:
      "node-exporter reads host metrics through hostNetwork, hostPID and read-only host mounts of /proc, /sys and / (prometheus-node-exporter 4.56.1, templates/daemonset.yaml: /proc and /sys are mounted unconditionally; turning hostNetwork, hostPID or hostRootFsMount off would make it measure its own container, not the node). It runs non-root with a read-only root filesystem, no escalation, no capabilities, RuntimeDefault seccomp and no service-account token (charts/values/kube-prometheus-stack.yaml). Its own namespace keeps monitoring restricted.",
    owner: "platform-team",
    expires: "2027-06-30",
  },
  {
    id: "fluent-bit-host-logs",
    controls: ["POD-01", "POD-05", "POD-06", "NS-01"],
    scope: { component: "logging", namespace: "logging", workloads: ["fluent-bit"] },
    reason:
      "Fluent Bit tails every container's log file on the node: a read-only hostPath of /var/log (containerd writes the files 0640 root:root under /var/log/pods, so only root reads them without CAP_DAC_READ_SEARCH) and a hostPath of its own, /var/lib/fluent-bit, for the tail offsets that let a restarted pod resume without losing or re-sending logs (fluent-bit 0.58.1, templates/_pod.tpl: daemonSetVolumes and daemonSetVolumeMounts as charts/values/fluent-bit.yaml sets them). It runs as root with every capability dropped, no escalation, a read-only root filesystem and RuntimeDefault seccomp. Its own namespace keeps every other one at restricted.",
    owner: "platform-team",
    expires: "2027-06-30",
  },
  {
    id: "prometheus-operator-cluster-role",
    controls: ["RBAC-02"],
    scope: {
      component: "observability",
      namespace: "monitoring",
      workloads: [],
      clusterObjects: ["ClusterRole/monitoring-kube-prometheus-operator"],
    },
    reason:
      'kube-prometheus-stack 88.5.3, templates/prometheus-operator/clusterrole.yaml (after prometheus-operator\'s Documentation/platform/rbac.md) grants verbs "*" on the monitoring.coreos.com kinds, apps/statefulsets and core configmaps and secrets; no value narrows the verbs. The operator creates, updates and deletes the StatefulSets, Secrets and ConfigMaps of every Prometheus and Alertmanager; only its own service account is bound.',
    owner: "platform-team",
    expires: "2027-06-30",
  },

  {
    id: "knative-operator-cluster-roles",
    controls: ["RBAC-02"],
    scope: {
      component: "kserve",
      namespace: "knative-operator",
      workloads: [],
      clusterObjects: ["ClusterRole/knative-serving-operator", "ClusterRole/knative-eventing-operator"],
    },
    reason:
      'knative-operator v1.23.0, templates/rbac/serving-operator-role.yaml and eventing-operator-role.yaml: "*" verbs and resources on operator.knative.dev and the groups it installs, and apiGroups "*" for configmaps and services (eventing); the templates take no values, and the eventing role is rendered even though only Serving is used. Bound only to the knative-operator service account.',
    owner: "platform-team",
    expires: "2027-06-30",
  },
];
