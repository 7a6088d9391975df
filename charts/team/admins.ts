/**
 * The platform admins' kubectl rights for IdP sign-in: their IdP groups (as the API server names them) bound to
 * cluster-admin. EKS access policies attach to IAM principals only, so an IdP group gets its rights from RBAC; the
 * IAM admins keep AmazonEKSClusterAdminPolicy through their access entries (components/cluster).
 */
import type { AccessConfig } from "../../config/access";
import { clusterGroup } from "../../domain/access";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { k8s, manifests, type Manifest } from "../kube";

/** The one binding of cluster-admin the platform makes (the k8s-rbac policy admits exactly this one). */
export const PLATFORM_ADMINS_BINDING = "mlops-platform-admins";

export function platformAdminObjects(access: Pick<AccessConfig, "adminGroups" | "groupsPrefix">): Manifest[] {
  return manifests((scope) => {
    new k8s.KubeClusterRoleBinding(scope, "platform-admins", {
      metadata: { name: PLATFORM_ADMINS_BINDING, labels: { ...PLATFORM_OWNED_LABELS } },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: access.adminGroups.map((group) => ({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: clusterGroup(access, group) })),
    });
  });
}
