import { POD_SECURITY_VERSION } from "../domain/versions";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** The namespace label Pod Security admission enforces by. */
export const POD_SECURITY_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

/**
 * Pod Security Admission labels with a pinned version (NS-01). `warn` and `audit` default to `restricted`
 * so even an exempt namespace reports what would break under the strictest level.
 */
export function podSecurityLabels(enforce: PodSecurityLevel, warnAndAudit: PodSecurityLevel = "restricted"): Record<string, string> {
  return {
    [POD_SECURITY_ENFORCE_LABEL]: enforce,
    "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
    "pod-security.kubernetes.io/warn": warnAndAudit,
    "pod-security.kubernetes.io/warn-version": POD_SECURITY_VERSION,
    "pod-security.kubernetes.io/audit": warnAndAudit,
    "pod-security.kubernetes.io/audit-version": POD_SECURITY_VERSION,
  };
}
