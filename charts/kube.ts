/**
 * The one way charts/ authors Kubernetes objects. Built-in kinds are cdk8s's typed API classes (the `k8s`
 * module of cdk8s-plus-28, generated from the Kubernetes OpenAPI schema), custom resources go through
 * `customResource` with the spec typed by the CRD's interface in charts/crds.ts, and every pod we author gets
 * the restricted Pod Security settings from `restrictedPodSpec` and `restrictedContainer` below, never by
 * convention. A chart function builds into a throwaway cdk8s Chart and returns plain manifests.
 */
import { ApiObject, App, Chart } from "cdk8s";
import { k8s } from "cdk8s-plus-28";
import type { Construct } from "constructs";

export { k8s };

/** A Kubernetes object as the API server takes it. */
export type Manifest = Record<string, unknown>;

/** Runs `build` on a fresh cdk8s Chart and returns the objects it made, in the order they were made. */
export function manifests(build: (scope: Construct) => void): Manifest[] {
  const chart = new Chart(new App(), "manifests");
  build(chart);
  return chart.toJson() as Manifest[];
}

/** The one object `build` makes, for builders that hand a single object on. */
export function singleManifest(build: (scope: Construct) => void): Manifest {
  const [only] = manifests(build);
  return only;
}

/** An object as our builders hand it on: the manifest cdk8s renders, with its spec typed. */
export interface TypedManifest<Spec> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: Metadata;
  readonly spec: Spec;
  readonly [field: string]: unknown;
}

/** The metadata every object we author carries: an explicit name (cdk8s would otherwise invent one). */
export interface Metadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A label selector as custom resources and admission policies take it (matchLabels, matchExpressions). */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    readonly values?: readonly string[];
  }[];
}

/** A custom resource: its CRD's apiVersion and kind, and a spec (or other top-level fields) typed by the CRD's interface. */
export function customResource<Body extends object>(
  scope: Construct,
  id: string,
  resource: { apiVersion: string; kind: string; metadata: Metadata } & Body,
): ApiObject {
  const { apiVersion, kind, metadata, ...body } = resource;
  return new ApiObject(scope, id, {
    apiVersion,
    kind,
    metadata: { ...metadata, labels: metadata.labels && { ...metadata.labels }, annotations: metadata.annotations && { ...metadata.annotations } },
    ...body,
  });
}

/** The user a pod runs as when its image would default to root (POD-02). */
export const DEFAULT_UID = 10001;

/** A non-root, no-privilege, read-only container (POD-01…07); mount emptyDirs where the program writes. */
export function restrictedContainer(container: k8s.Container): k8s.Container {
  return {
    ...container,
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
}

export interface RestrictedPodOptions {
  /** The fixed UID and GID the pod runs as. @default DEFAULT_UID */
  readonly uid?: number;
  /** Mount a service-account token: only for pods that talk to the Kubernetes API. @default false */
  readonly apiAccess?: boolean;
}

/**
 * Pod settings: a fixed non-root UID/GID (images that default to root run as this user), RuntimeDefault
 * seccomp, no service-account token unless the pod talks to the Kubernetes API, and every container and init
 * container restricted.
 */
export function restrictedPodSpec(spec: k8s.PodSpec, opts: RestrictedPodOptions = {}): k8s.PodSpec {
  const uid = opts.uid ?? DEFAULT_UID;
  return {
    automountServiceAccountToken: opts.apiAccess ?? false,
    securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } },
    ...spec,
    containers: spec.containers.map(restrictedContainer),
    ...(spec.initContainers ? { initContainers: spec.initContainers.map(restrictedContainer) } : {}),
  };
}

/** Requests and limits as strings ("250m", "1Gi"). */
export function resources(requests: Record<string, string>, limits: Record<string, string> = {}): k8s.ResourceRequirements {
  const quantities = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([key, value]) => [key, k8s.Quantity.fromString(value)]));
  return { requests: quantities(requests), ...(Object.keys(limits).length > 0 ? { limits: quantities(limits) } : {}) };
}

/** A port by number or by name. */
export const port = (value: number | string): k8s.IntOrString =>
  typeof value === "number" ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);

export interface OneShotJobArgs {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The one container; it runs restricted, with HOME=/tmp on an emptyDir. */
  readonly container: k8s.Container;
  readonly volumes?: readonly k8s.Volume[];
  readonly serviceAccountName?: string;
  /** Runs in memory: for jobs that write credentials to /tmp. @default false */
  readonly memoryTmp?: boolean;
  readonly uid?: number;
}

/**
 * A setup Job that retries until it succeeds (its target may still be starting) and is cleaned up a day after:
 * database roles, buckets. Its name should carry a content hash, so a changed script runs again (Jobs are immutable).
 */
export function oneShotJob(scope: Construct, args: OneShotJobArgs): k8s.KubeJob {
  const tmp: k8s.Volume = {
    name: "tmp",
    emptyDir: args.memoryTmp ? { medium: "Memory", sizeLimit: k8s.Quantity.fromString("1Mi") } : { sizeLimit: k8s.Quantity.fromString("64Mi") },
  };
  return new k8s.KubeJob(scope, args.name, {
    metadata: { name: args.name, namespace: args.namespace, labels: { ...args.labels } },
    spec: {
      backoffLimit: 10,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: { ...args.labels } },
        spec: restrictedPodSpec(
          {
            ...(args.serviceAccountName ? { serviceAccountName: args.serviceAccountName } : {}),
            restartPolicy: "OnFailure",
            containers: [
              {
                ...args.container,
                env: [...(args.container.env ?? []), { name: "HOME", value: "/tmp" }],
                volumeMounts: [...(args.container.volumeMounts ?? []), { name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [...(args.volumes ?? []), tmp],
          },
          { uid: args.uid },
        ),
      },
    },
  });
}

/** The system pool's label and taint (components/nodes), as the platform's controllers place themselves on EKS. */
export const SYSTEM_POOL_PLACEMENT = {
  nodeSelector: { "mlops.platform/role": "system" },
  tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
};

/** Replicas of one workload on different nodes where the nodes allow it (a soft spread). */
export function hostnameSpread(podLabels: Readonly<Record<string, string>>): { topologySpreadConstraints: Record<string, unknown>[] } {
  return {
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...podLabels } } },
    ],
  };
}
