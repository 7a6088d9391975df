/**
 * Whether a kind is namespaced, as the API server would say: for built-in kinds from the list below, for custom
 * kinds from the CRDs the rendered charts install. An unknown kind is an error, never a guess: a cluster-scoped
 * object given the release's namespace would be judged, and matched by the exceptions registry, as a namespaced one.
 */
type Obj = Record<string, any>;

export type Scope = "Cluster" | "Namespaced";

/** "group/Kind" (core kinds with an empty group) → scope, for the built-in kinds charts render. */
const BUILT_IN: Readonly<Record<string, Scope>> = {
  "/Pod": "Namespaced",
  "/Service": "Namespaced",
  "/ServiceAccount": "Namespaced",
  "/ConfigMap": "Namespaced",
  "/Secret": "Namespaced",
  "/Endpoints": "Namespaced",
  "/PersistentVolumeClaim": "Namespaced",
  "/ResourceQuota": "Namespaced",
  "/LimitRange": "Namespaced",
  "/Namespace": "Cluster",
  "/PersistentVolume": "Cluster",
  "apps/Deployment": "Namespaced",
  "apps/StatefulSet": "Namespaced",
  "apps/DaemonSet": "Namespaced",
  "apps/ReplicaSet": "Namespaced",
  "batch/Job": "Namespaced",
  "batch/CronJob": "Namespaced",
  "rbac.authorization.k8s.io/Role": "Namespaced",
  "rbac.authorization.k8s.io/RoleBinding": "Namespaced",
  "rbac.authorization.k8s.io/ClusterRole": "Cluster",
  "rbac.authorization.k8s.io/ClusterRoleBinding": "Cluster",
  "networking.k8s.io/NetworkPolicy": "Namespaced",
  "networking.k8s.io/Ingress": "Namespaced",
  "networking.k8s.io/IngressClass": "Cluster",
  "policy/PodDisruptionBudget": "Namespaced",
  "autoscaling/HorizontalPodAutoscaler": "Namespaced",
  "coordination.k8s.io/Lease": "Namespaced",
  "discovery.k8s.io/EndpointSlice": "Namespaced",
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration": "Cluster",
  "admissionregistration.k8s.io/MutatingWebhookConfiguration": "Cluster",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicy": "Cluster",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding": "Cluster",
  "apiextensions.k8s.io/CustomResourceDefinition": "Cluster",
  "apiregistration.k8s.io/APIService": "Cluster",
  "scheduling.k8s.io/PriorityClass": "Cluster",
  "storage.k8s.io/StorageClass": "Cluster",
  "storage.k8s.io/CSIDriver": "Cluster",
  "node.k8s.io/RuntimeClass": "Cluster",
  "resource.k8s.io/DeviceClass": "Cluster",
};

export const kindKey = (apiVersion: string, kind: string): string => `${apiVersion.includes("/") ? apiVersion.split("/")[0] : ""}/${kind}`;

export type ScopeOf = (apiVersion: string, kind: string) => Scope;

/** A resolver over the built-in kinds and the given CRDs (full objects or their facts: spec.group, names.kind, scope). */
export function scopeResolver(crds: readonly Obj[] = []): ScopeOf {
  const custom = new Map<string, Scope>();
  for (const crd of crds) if (crd.spec?.names?.kind && crd.spec?.scope) custom.set(`${crd.spec.group}/${crd.spec.names.kind}`, crd.spec.scope as Scope);
  return (apiVersion, kind) => {
    const key = kindKey(apiVersion, kind);
    const scope = BUILT_IN[key] ?? custom.get(key);
    if (!scope) throw new Error(`unknown kind ${key}: no chart rendered here installs its CRD; add it to BUILT_IN in scripts/inventory/scope.ts`);
    return scope;
  };
}
