import { environmentOf, resourcePolicy } from "../lib/define";
import { controlChecker } from "../lib/exceptions";
import { nameOf, namespaceOf } from "../lib/k8s";

/** The pack's copy of charts/team/admins.ts PLATFORM_ADMINS_BINDING (a test keeps both equal). */
export const PLATFORM_ADMINS_BINDING = "mlops-platform-admins";
/** The pack's copies of domain/ownership.ts MANAGED_BY_LABEL and MANAGED_BY. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "mlops-platform";
/** The prefix of the groups IAM principals are mapped to (charts/team/rbac.ts teamGroup): never cluster admins. */
export const IAM_GROUP_PREFIX = "mlops:";

/**
 * Why a ClusterRoleBinding named as the admins' binding (the caller checks the name) is not exactly it; empty when
 * it is. The one cluster-admin binding RBAC-01 allows: the platform admins' IdP groups (charts/team/admins.ts). Platform
 * admins are cluster admins by definition (the IAM admins hold AmazonEKSClusterAdminPolicy through access entries);
 * EKS access policies cannot attach to OIDC groups, and a role of our own granting everything would need the
 * wildcards RBAC-02 forbids. Only exactly that binding passes: its name, the platform's label, cluster-admin as a
 * ClusterRole, and IdP groups only (no users or service accounts, no `system:` groups, no `mlops:` groups, which
 * are the IAM principals' team mappings).
 */
export function platformAdminsBindingProblems(obj: any): string[] {
  const problems: string[] = [];
  if (obj?.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) problems.push(`it lacks the label ${MANAGED_BY_LABEL}: ${MANAGED_BY}`);
  if (obj?.roleRef?.kind !== "ClusterRole" || obj?.roleRef?.name !== "cluster-admin") problems.push("its roleRef is not the ClusterRole cluster-admin");
  const subjects: any[] = obj?.subjects ?? [];
  if (subjects.length === 0) problems.push("it names no subject");
  for (const subject of subjects) {
    const who = `${subject?.kind} ${subject?.name}`;
    if (subject?.kind !== "Group") problems.push(`${who} is not a group`);
    else if (String(subject?.name).startsWith("system:")) problems.push(`${who} is a system group`);
    else if (String(subject?.name).startsWith(IAM_GROUP_PREFIX)) problems.push(`${who} is an IAM principals' team group`);
  }
  return problems;
}

const FORBIDDEN_VERBS = ["escalate", "bind", "impersonate"];
const FORBIDDEN_RESOURCES = ["nodes/proxy", "serviceaccounts/token", "validatingwebhookconfigurations", "mutatingwebhookconfigurations"];
const PLATFORM_OWNED = ["resourcequotas", "limitranges", "networkpolicies", "roles", "rolebindings"];
const WRITE = ["create", "update", "patch", "delete", "deletecollection"];

export const rbac = resourcePolicy(
  {
    name: "k8s-rbac",
    description:
      "No wildcards in roles; cluster-admin and admin never bound cluster-wide or through a RoleBinding, except cluster-admin for the platform admins' IdP groups in the platform's one binding; team roles exclude escalation, token minting, exec in prod and the objects the platform owns. Honours the exceptions registry like every Kubernetes policy.",
    severity: "critical",
    controls: ["RBAC-01", "RBAC-02", "RBAC-03"],
  },
  [
    "kubernetes:rbac.authorization.k8s.io/v1:Role",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  ],
  (obj, args, report) => {
    const kind = args.type.split(":").pop();
    const name = nameOf(obj);
    const check = controlChecker(namespaceOf(obj), name, report, kind);
    if (kind === "ClusterRoleBinding" || kind === "RoleBinding") {
      const ref = obj.roleRef?.name;
      if (kind === "ClusterRoleBinding" && name === PLATFORM_ADMINS_BINDING && ref === "cluster-admin") {
        const problems = platformAdminsBindingProblems(obj);
        check(
          "RBAC-01",
          problems.length === 0,
          `${kind} ${name} grants cluster-admin, which only the platform admins' IdP groups hold through it: ${problems.join("; ")}`,
        );
        return;
      }
      check("RBAC-01", !(ref === "cluster-admin" || (kind === "ClusterRoleBinding" && ref === "admin")), `${kind} ${name} grants ${ref}`);
      return;
    }
    const team = String(name ?? "").startsWith("team-") && kind === "Role";
    for (const rule of obj.rules ?? []) {
      for (const key of ["apiGroups", "resources", "verbs"]) check("RBAC-02", !(rule[key] ?? []).includes("*"), `${kind} ${name} has "*" in ${key}`);
      if (!team) continue;
      const verbs: string[] = rule.verbs ?? [];
      const resources: string[] = rule.resources ?? [];
      for (const v of verbs.filter((v) => FORBIDDEN_VERBS.includes(v))) check("RBAC-03", false, `team role ${name} in ${namespaceOf(obj)} grants ${v}`);
      for (const r of resources.filter((r) => FORBIDDEN_RESOURCES.includes(r))) check("RBAC-03", false, `team role ${name} grants ${r}`);
      if (verbs.some((v) => WRITE.includes(v))) {
        for (const r of resources.filter((r) => PLATFORM_OWNED.includes(r)))
          check("RBAC-03", false, `team role ${name} may change ${r}, which the platform owns`);
      }
      if (environmentOf(args) === "prod") {
        for (const r of resources.filter((r) => ["pods/exec", "pods/attach", "pods/ephemeralcontainers"].includes(r)))
          check("RBAC-03", false, `team role ${name} grants ${r} in prod`);
      }
    }
  },
);
