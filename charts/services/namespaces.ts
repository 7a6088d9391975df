/**
 * The namespaces of the MLOps services, with their Pod Security level (NS-01). Restricted wherever the
 * workloads allow it; baseline (warning at restricted) where an upstream operator or chart cannot set the
 * container-level settings restricted needs.
 */
import { k8s, manifests, type Manifest } from "../kube";
import { podSecurityLabels, type PodSecurityLevel } from "../pod-security";

export interface ServiceNamespace {
  readonly name: string;
  readonly level: PodSecurityLevel;
  /** Why a namespace is not restricted. */
  readonly reason?: string;
}

export function namespaceObjects(namespaces: readonly ServiceNamespace[], labels: Readonly<Record<string, string>> = {}): Manifest[] {
  return manifests((scope) => {
    for (const ns of namespaces) {
      new k8s.KubeNamespace(scope, ns.name, {
        metadata: {
          name: ns.name,
          labels: { ...labels, ...podSecurityLabels(ns.level) },
          ...(ns.reason ? { annotations: { "mlops.platform/pod-security-reason": ns.reason } } : {}),
        },
      });
    }
  });
}
