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
