/**
 * How the platform marks what it owns. Every object the platform puts into a team namespace carries this label;
 * the `platform-owned-objects` admission rule makes such objects read-only for the team (charts/guardrails).
 */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "mlops-platform";
export const PLATFORM_OWNED_LABELS: Readonly<Record<string, string>> = { [MANAGED_BY_LABEL]: MANAGED_BY };

/** The label that names a team namespace's team; the admission rules select team namespaces by it. */
export const TEAM_NAMESPACE_LABEL = "mlops.platform/team";

/**
 * Prefix of the namespace annotations that name the groups a team's roles are bound to, one group each
 * (`mlops.platform/team-group-0: vision-admins`): group names may hold any character, a directory name's commas
 * among them, so no separator could list them in one value. Admission rules read them from the namespace to tell
 * the team's own requests from the platform's.
 */
export const TEAM_GROUP_ANNOTATION_PREFIX = "mlops.platform/team-group-";

/** The service account team workloads run as: the team's AWS role through EKS Pod Identity, and its own default model caller. */
export const TEAM_WORKLOAD_SERVICE_ACCOUNT = "team-workload";
