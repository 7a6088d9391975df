/**
 * The role catalogue a team namespace gets: view, edit, admin (the README's "Team roles" table lists it, and the
 * real-server tests compare each role's `auth can-i --list` with that table). Explicit verbs and resources, no
 * wildcards (RBAC-02), nothing cluster-scoped (RBAC-01), no escalate/bind/impersonate, no token minting, no
 * changes to the quota, limits, network policies or RBAC the platform owns (RBAC-03). pods/exec, attach and
 * ephemeral containers (`kubectl debug`) only outside prod. What the platform places in the namespace is
 * read-only to the team whatever the role says (the platform-owned-objects admission rule, RBAC-04).
 */
import type { AccessConfig } from "../../config/access";
import type { TeamConfig, TeamRole } from "../../config/teams";
import { clusterGroup } from "../../domain/access";
import { KFP_VIEW_RULES } from "./pipelines";

export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  /** Only these objects, by name. @default every object of the resources */
  readonly resourceNames?: string[];
  readonly verbs: string[];
}

const READ = ["get", "list", "watch"];
const WRITE = ["create", "update", "patch", "delete"];

const VIEW_RULES: PolicyRule[] = [
  {
    apiGroups: [""],
    resources: [
      "pods",
      "pods/log",
      "services",
      "endpoints",
      "configmaps",
      "persistentvolumeclaims",
      "events",
      "serviceaccounts",
      "resourcequotas",
      "limitranges",
    ],
    verbs: READ,
  },
  { apiGroups: ["apps"], resources: ["deployments", "replicasets", "statefulsets"], verbs: READ },
  { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: READ },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: READ },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: READ },
  { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: READ },
  // `kubectl top pod`, where a metrics server runs.
  { apiGroups: ["metrics.k8s.io"], resources: ["pods"], verbs: ["get", "list"] },
  { apiGroups: ["snapshot.storage.k8s.io"], resources: ["volumesnapshots"], verbs: READ },
  // The team's queue and its Workloads: why a Job waits, was admitted or was preempted. Read only: the LocalQueue is
  // the platform's, and Workloads are Kueue's record of the team's Jobs.
  { apiGroups: ["kueue.x-k8s.io"], resources: ["localqueues", "workloads"], verbs: READ },
];

const EDIT_RULES: PolicyRule[] = [
  { apiGroups: [""], resources: ["pods", "services", "configmaps", "persistentvolumeclaims"], verbs: WRITE },
  { apiGroups: [""], resources: ["secrets"], verbs: [...READ, ...WRITE] },
  { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
  // Evicting a pod honours its PodDisruptionBudget, unlike deleting it.
  { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
  // Snapshots of the team's own claims; the quota counts them (one per claim allowed).
  { apiGroups: ["snapshot.storage.k8s.io"], resources: ["volumesnapshots"], verbs: WRITE },
  { apiGroups: ["apps"], resources: ["deployments", "replicasets", "statefulsets"], verbs: WRITE },
  { apiGroups: ["apps"], resources: ["deployments/scale", "statefulsets/scale"], verbs: ["get", "update", "patch"] },
  { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: WRITE },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: WRITE },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: WRITE },
];

const ADMIN_RULES: PolicyRule[] = [
  { apiGroups: [""], resources: ["serviceaccounts"], verbs: WRITE },
  { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: READ },
];

/** Rights that come with an opted-in platform service. */
const SERVICE_RULES: Record<string, { view: readonly PolicyRule[]; edit: readonly PolicyRule[] }> = {
  // The runs' Argo Workflows and the recurring runs' ScheduledWorkflows, read only: the team's KFP API changes them.
  pipelines: { view: KFP_VIEW_RULES, edit: [] },
  kserve: {
    view: [{ apiGroups: ["serving.kserve.io"], resources: ["inferenceservices", "servingruntimes"], verbs: READ }],
    edit: [{ apiGroups: ["serving.kserve.io"], resources: ["inferenceservices", "servingruntimes"], verbs: WRITE }],
  },
};

/** Into a running container: a shell, an attached terminal, a debug container (outside prod only). */
const INTERACTIVE: PolicyRule[] = [
  { apiGroups: [""], resources: ["pods/exec", "pods/attach"], verbs: ["create"] },
  { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["patch", "update"] },
];

export function roleRules(team: TeamConfig, role: TeamRole, environment: string): PolicyRule[] {
  const rules: PolicyRule[] = [...VIEW_RULES, ...team.services.flatMap((s) => SERVICE_RULES[s]?.view ?? [])];
  if (role === "edit" || role === "admin") {
    rules.push(...EDIT_RULES, ...team.services.flatMap((s) => SERVICE_RULES[s]?.edit ?? []));
    if (environment !== "prod") rules.push(...INTERACTIVE);
  }
  if (role === "admin") rules.push(...ADMIN_RULES);
  const inherited: TeamRole[] = role === "admin" ? ["view", "edit", "admin"] : role === "edit" ? ["view", "edit"] : ["view"];
  for (const extra of team.extraRules) {
    if (inherited.includes(extra.role)) rules.push({ apiGroups: [...extra.apiGroups], resources: [...extra.resources], verbs: [...extra.verbs] });
  }
  return rules;
}

/** The Kubernetes group an IAM principal of this team and role is mapped to (EKS access entry). */
export function teamGroup(team: string, role: TeamRole): string {
  return `mlops:team:${team}:${role}`;
}

/** How the API server names the stack's IdP groups: with `access`, its groupsPrefix before each. */
export type GroupNaming = Pick<AccessConfig, "groupsPrefix"> | undefined;

/**
 * Subjects bound to a role: the configured IdP groups as the API server sees them (with `access`, prefixed by its
 * groupsPrefix) plus the group IAM principals map to, which an access entry names and so never takes the prefix.
 */
export function roleSubjects(team: TeamConfig, role: TeamRole, access?: GroupNaming): { kind: "Group"; name: string; apiGroup: string }[] {
  const owners = team.owners[role];
  const groups = [...owners.groups.map((g) => clusterGroup(access, g)), ...(owners.iamPrincipals.length > 0 ? [teamGroup(team.name, role)] : [])];
  return groups.map((name) => ({ kind: "Group", name, apiGroup: "rbac.authorization.k8s.io" }));
}

/** One line of the role catalogue: what each role may do with one resource. */
export interface CatalogueEntry {
  readonly apiGroup: string;
  readonly resource: string;
  readonly verbs: Readonly<Record<TeamRole, readonly string[]>>;
}

const VERB_ORDER = ["get", "list", "watch", "create", "update", "patch", "delete"];
const byVerbOrder = (left: string, right: string) => VERB_ORDER.indexOf(left) - VERB_ORDER.indexOf(right) || left.localeCompare(right);

/** The roles' rules as a table, resource by resource (the README's "Team roles" table is this, for a team with every service outside prod). */
export function roleCatalogue(team: TeamConfig, environment: string): CatalogueEntry[] {
  const table = new Map<string, Record<TeamRole, Set<string>>>();
  for (const role of ["view", "edit", "admin"] as const) {
    for (const rule of roleRules(team, role, environment)) {
      for (const apiGroup of rule.apiGroups) {
        for (const resource of rule.resources) {
          const key = `${apiGroup}|${resource}`;
          const row = table.get(key) ?? { view: new Set<string>(), edit: new Set<string>(), admin: new Set<string>() };
          for (const verb of rule.verbs) row[role].add(verb);
          table.set(key, row);
        }
      }
    }
  }
  return [...table].map(([key, row]) => {
    const [apiGroup, resource] = key.split("|");
    const verbs = { view: [...row.view].sort(byVerbOrder), edit: [...row.edit].sort(byVerbOrder), admin: [...row.admin].sort(byVerbOrder) };
    return { apiGroup, resource, verbs };
  });
}
