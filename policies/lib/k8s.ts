/** Reading Kubernetes objects as policies see them (props = the object). */

export const WORKLOAD_TYPES = [
  "kubernetes:core/v1:Pod",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:apps/v1:ReplicaSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:batch/v1:CronJob",
];

/** Pulumi type token of a Kubernetes object, as the provider registers it. */
export function kubernetesType(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  return `kubernetes:${group}/${version}:${kind}`;
}

export function podSpecOf(type: string, obj: any): any | undefined {
  if (type.endsWith(":Pod")) return obj.spec;
  if (type.endsWith(":CronJob")) return obj.spec?.jobTemplate?.spec?.template?.spec;
  return obj.spec?.template?.spec;
}

export interface ContainerRef {
  readonly kind: "container" | "initContainer" | "ephemeralContainer";
  readonly c: any;
}

export function containersOf(spec: any): ContainerRef[] {
  return [
    ...(spec?.containers ?? []).map((c: any) => ({ kind: "container" as const, c })),
    ...(spec?.initContainers ?? []).map((c: any) => ({ kind: "initContainer" as const, c })),
    ...(spec?.ephemeralContainers ?? []).map((c: any) => ({ kind: "ephemeralContainer" as const, c })),
  ];
}

export const nameOf = (obj: any): string | undefined => obj?.metadata?.name;
export const namespaceOf = (obj: any): string | undefined => obj?.metadata?.namespace;
export const TEAM_LABEL = "mlops.platform/team";
/** The pack's copy of domain/queues.ts NAMESPACE_QUEUE_LABEL: on a namespace Kueue serves, its LocalQueue's name. */
export const NAMESPACE_QUEUE_LABEL = "mlops.platform/queue";
/** The pack's copy of charts/crds/kueue.ts KUEUE_API (a test keeps both equal). */
export const KUEUE_API = "kueue.x-k8s.io/v1beta2";
