import { resourcePolicy } from "../lib/define";

const CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

export const eksAccessEntries = resourcePolicy(
  {
    name: "eks-access-entries",
    description:
      "API authentication mode without implicit creator admin; nothing maps to system:masters; cluster-admin only at cluster scope for platform admins.",
    severity: "critical",
    controls: ["EKS-05", "RBAC-01"],
  },
  ["aws:eks/cluster:Cluster", "aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"],
  (props, args, report) => {
    if (args.type === "aws:eks/cluster:Cluster") {
      const access = props.accessConfig ?? {};
      if (access.authenticationMode !== "API")
        report(`accessConfig.authenticationMode must be "API" (got ${access.authenticationMode ?? "CONFIG_MAP default"})`);
      if (access.bootstrapClusterCreatorAdminPermissions !== false) report("accessConfig.bootstrapClusterCreatorAdminPermissions must be false");
    } else if (args.type === "aws:eks/accessEntry:AccessEntry") {
      const groups: string[] = props.kubernetesGroups ?? [];
      if (groups.some((g) => g === "system:masters")) report("an access entry maps to system:masters");
    } else if (props.policyArn === CLUSTER_ADMIN && props.accessScope?.type !== "cluster") {
      report("AmazonEKSClusterAdminPolicy is only granted cluster-wide to platform admins, never per namespace");
    }
  },
);
