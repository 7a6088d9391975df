/** The restricted Pod Security settings every workload we author runs with (POD-01…07). */

/** A non-root, no-privilege, read-only container; mount emptyDirs where the program writes. */
export function restrictedContainer<T extends Record<string, unknown>>(container: T): T & { securityContext: Record<string, unknown> } {
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

/**
 * Pod settings: a fixed non-root UID/GID (images that default to root run as this user), RuntimeDefault
 * seccomp, and no service-account token unless the pod talks to the Kubernetes API.
 */
export function restrictedPod<T extends Record<string, unknown>>(spec: T, opts: { uid?: number; apiAccess?: boolean } = {}) {
  const uid = opts.uid ?? 10001;
  return {
    automountServiceAccountToken: opts.apiAccess ?? false,
    securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } },
    ...spec,
  };
}

export interface OneShotJobArgs {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The one container; it runs with the restricted settings above and HOME=/tmp on an emptyDir. */
  readonly container: Record<string, unknown> & { readonly env: readonly unknown[]; readonly volumeMounts?: readonly unknown[] };
  readonly volumes?: readonly unknown[];
  readonly serviceAccountName?: string;
  /** Runs in memory: for jobs that write credentials to /tmp. @default false */
  readonly memoryTmp?: boolean;
  readonly uid?: number;
}

/**
 * A setup Job that retries until it succeeds (its target may still be starting) and is cleaned up a day after:
 * database roles, buckets. Its name carries a content hash, so a changed script runs again (Jobs are immutable).
 */
export function oneShotJob(args: OneShotJobArgs) {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: args.name, namespace: args.namespace, labels: { ...args.labels } },
    spec: {
      backoffLimit: 10,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: { ...args.labels } },
        spec: restrictedPod(
          {
            ...(args.serviceAccountName ? { serviceAccountName: args.serviceAccountName } : {}),
            restartPolicy: "OnFailure",
            containers: [
              restrictedContainer({
                ...args.container,
                env: [...args.container.env, { name: "HOME", value: "/tmp" }],
                volumeMounts: [...(args.container.volumeMounts ?? []), { name: "tmp", mountPath: "/tmp" }],
              }),
            ],
            volumes: [...(args.volumes ?? []), { name: "tmp", emptyDir: args.memoryTmp ? { medium: "Memory", sizeLimit: "1Mi" } : { sizeLimit: "64Mi" } }],
          },
          { uid: args.uid },
        ),
      },
    },
  };
}
