import { environmentOf, resourcePolicy } from "../lib/define";
import { controlChecker } from "../lib/exceptions";
import { nameOf, namespaceOf } from "../lib/k8s";

const FORBIDDEN_VERBS = ["escalate", "bind", "impersonate"];
const FORBIDDEN_RESOURCES = ["nodes/proxy", "serviceaccounts/token", "validatingwebhookconfigurations", "mutatingwebhookconfigurations"];
const PLATFORM_OWNED = ["resourcequotas", "limitranges", "networkpolicies", "roles", "rolebindings"];
const WRITE = ["create", "update", "patch", "delete", "deletecollection"];

export const rbac = resourcePolicy(
  {
    name: "k8s-rbac",
    description:
      "No wildcards in roles; cluster-admin and admin never bound cluster-wide or through a RoleBinding; team roles exclude escalation, token minting, exec in prod and the objects the platform owns. Honours the exceptions registry like every Kubernetes policy.",
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
