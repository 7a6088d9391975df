/** Values for the upstream Kueue chart: our static overrides plus the Configuration and what the stack decides. */
import { stringify } from "yaml";
import { SYSTEM_POOL_PLACEMENT } from "../../charts/kube";
import { loadValuesFile, mergeValues, type Values } from "../../charts/values";
import { highlyAvailable, type Environment } from "../../domain/environments";
import { KUEUE_FRAMEWORKS, NAMESPACE_QUEUE_LABEL } from "../../domain/queues";

/**
 * The Helm release name. The chart names everything after it (kueue-controller-manager, kueue-webhook-service),
 * and the observability scrape (charts/observability/queues.ts) and the internal certificates depend on those names.
 */
export const KUEUE_RELEASE = "kueue";
/** The chart's selector labels of the controller pods (its `kueue.selectorLabels` for this release). */
export const KUEUE_POD_LABELS = {
  "app.kubernetes.io/name": "kueue",
  "app.kubernetes.io/instance": KUEUE_RELEASE,
  "control-plane": "controller-manager",
} as const;
/** The controller's ports: admission and conversion webhooks, the visibility API server, HTTPS metrics. */
export const KUEUE_PORTS = { webhook: 9443, visibility: 8082, metrics: 8443 } as const;

/** The Configuration's API: a file Kueue reads at start, not an object of the Kubernetes API. */
const CONFIGURATION_API_VERSION = "config.kueue.x-k8s.io/v1beta2";

export interface KueueValuesArgs {
  /** The stack's tier: staging and prod run two replicas and a PodDisruptionBudget, the others one. */
  readonly environment: Environment;
  /** Schedule the controller on the system pool (EKS) instead of any node. @default false */
  readonly systemPool?: boolean;
}

/**
 * Kueue's Configuration (config.kueue.x-k8s.io/v1beta2), the chart's default with our changes. The chart keeps
 * it as a string and parses it twice: for the ConfigMap, and to give the job and pod webhooks
 * managedJobsNamespaceSelector as their namespaceSelector. The chart adds internalCertManagement itself.
 */
export function kueueConfiguration(): Record<string, unknown> {
  return {
    apiVersion: CONFIGURATION_API_VERSION,
    kind: "Configuration",
    // The chart's defaults, unchanged.
    health: { healthProbeBindAddress: ":8081" },
    metrics: {
      bindAddress: `:${KUEUE_PORTS.metrics}`,
      // The ClusterQueue quota and usage gauges the GPU queues dashboard and alerts read.
      enableClusterQueueResources: true,
    },
    webhook: { port: KUEUE_PORTS.webhook },
    leaderElection: { leaderElect: true, resourceName: "c1f6bfd2.kueue.x-k8s.io" },
    controller: {
      groupKindConcurrency: {
        "Job.batch": 5,
        Pod: 5,
        "Workload.kueue.x-k8s.io": 10,
        "LocalQueue.kueue.x-k8s.io": 5,
        "ClusterQueue.kueue.x-k8s.io": 5,
        "ResourceFlavor.kueue.x-k8s.io": 1,
      },
    },
    clientConnection: { qps: 300, burst: 500 },
    // A queue-less CPU job or serving pod stays unmanaged; the queue guardrail refuses queue-less GPU work instead.
    manageJobsWithoutQueueName: false,
    // Only namespaces with a LocalQueue (team namespaces, kubeflow): never kube-system or kueue-system, and the
    // pod webhooks (which fail closed) are not called for any other namespace.
    managedJobsNamespaceSelector: { matchExpressions: [{ key: NAMESPACE_QUEUE_LABEL, operator: "Exists" }] },
    integrations: { frameworks: [...KUEUE_FRAMEWORKS] },
    resources: {
      // Kueue's default, pinned: a workload asking for a resource its ClusterQueue does not cover (a MIG size or a
      // pool the team has no share of) is never admitted. That is what keeps other pools out of a team's reach.
      quotaCheckStrategy: "BlockUndeclared",
      // Not a queued resource: without this, every pod with an ephemeral-storage request would be blocked.
      excludeResourcePrefixes: ["ephemeral-storage"],
    },
    // No fairSharing block: its presence turns Fair Sharing on; preemption is classic, set per ClusterQueue.
  };
}

export function kueueValues(args: KueueValuesArgs): Values {
  // The webhooks fail closed: with the pod integration every pod created in a managed namespace waits for
  // Kueue, so tiers that people depend on keep one replica up through node drains.
  const ha = highlyAvailable(args.environment);
  const controllerManager: Values = {
    replicas: ha ? 2 : 1,
    podDisruptionBudget: { enabled: ha, minAvailable: 1 },
    ...(ha
      ? {
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...KUEUE_POD_LABELS } } },
          ],
        }
      : {}),
    ...(args.systemPool ? SYSTEM_POOL_PLACEMENT : {}),
  };
  return mergeValues(loadValuesFile("kueue"), {
    controllerManager,
    managerConfig: { controllerManagerConfigYaml: stringify(kueueConfiguration()) },
  });
}
