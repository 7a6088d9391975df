import { POD_SECURITY_VERSION } from "../domain/versions";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/**
 * Pod Security Admission labels with a pinned version (NS-01). `warn` and `audit` default to `restricted`
 * so even an exempt namespace reports what would break under the strictest level.
 */
export function podSecurityLabels(enforce: PodSecurityLevel, warnAndAudit: PodSecurityLevel = "restricted"): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": enforce,
    "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
    "pod-security.kubernetes.io/warn": warnAndAudit,
    "pod-security.kubernetes.io/warn-version": POD_SECURITY_VERSION,
    "pod-security.kubernetes.io/audit": warnAndAudit,
    "pod-security.kubernetes.io/audit-version": POD_SECURITY_VERSION,
  };
}
