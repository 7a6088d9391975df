/**
 * The EKS node monitoring agent add-on's configuration. The agent reports hardware and OS faults as node conditions
 * (AcceleratedHardwareReady, KernelReady, NetworkingReady, StorageReady, ContainerRuntimeReady) that node auto repair
 * acts on. On GPU nodes it reads the GPUs through the chart's own `dcgm-server` DaemonSet (nv-hostengine on host port
 * 5555), which by default tolerates no taint: on our tainted GPU nodes it would never run, and the agent would hold
 * AcceleratedHardwareReady=False with reason DCGMError on every GPU node. The node agent itself tolerates every taint.
 * Fields: charts/configuration.schema.json of aws/eks-node-monitoring-agent at v1.7.0 (dcgmAgent.tolerations).
 */
import { GPU_TAINT, type EksTaint } from "../nodes/templates";

const KUBERNETES_EFFECTS: Record<EksTaint["effect"], string> = {
  NO_SCHEDULE: "NoSchedule",
  PREFER_NO_SCHEDULE: "PreferNoSchedule",
  NO_EXECUTE: "NoExecute",
};

export interface Toleration {
  readonly key: string;
  readonly operator: "Exists";
  readonly effect: string;
}

/** One toleration per taint key and effect: `Exists`, so a changed taint value does not strand the DaemonSet. */
export function tolerationsFor(taints: readonly EksTaint[]): Toleration[] {
  const seen = new Set<string>();
  const out: Toleration[] = [];
  for (const taint of [GPU_TAINT, ...taints]) {
    const effect = KUBERNETES_EFFECTS[taint.effect];
    if (seen.has(`${taint.key}:${effect}`)) continue;
    seen.add(`${taint.key}:${effect}`);
    out.push({ key: taint.key, operator: "Exists", effect });
  }
  return out;
}

/**
 * Configuration values for the add-on: the dcgm-server DaemonSet tolerates the GPU taint and every taint of the
 * stack's GPU pools. Everything else stays at the add-on's defaults.
 */
export function nodeMonitoringAgentConfiguration(gpuPoolTaints: readonly EksTaint[] = []): Record<string, unknown> {
  return { dcgmAgent: { tolerations: tolerationsFor(gpuPoolTaints) } };
}
