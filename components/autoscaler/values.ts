/** IAM policy and chart values for cluster-autoscaler on EKS managed node groups. */
import { loadValuesFile, mergeValues, type Values } from "../../charts/values";
import { policyDocument, type PolicyDocument } from "../aws/iam";
import { KUBE_SYSTEM_NAMESPACE } from "../../domain/platform-namespaces";

export const AUTOSCALER_NAMESPACE = KUBE_SYSTEM_NAMESPACE;
export const AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

/**
 * Least privilege from the cluster-autoscaler AWS docs: read-only discovery everywhere, but scaling and
 * termination only on groups tagged as owned by this cluster (EKS tags managed node groups that way).
 */
export function autoscalerPolicy(clusterName: string): PolicyDocument {
  return policyDocument(
    {
      Sid: "Discover",
      Effect: "Allow",
      Action: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeTags",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
        "eks:DescribeNodegroup",
      ],
      Resource: "*",
    },
    {
      Sid: "ScaleOwnGroupsOnly",
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
    },
  );
}

export interface AutoscalerValuesArgs {
  readonly clusterName: string;
  readonly region: string;
  /** registry.k8s.io/autoscaling/cluster-autoscaler tag matching the cluster's minor version. */
  readonly imageTag: string;
}

export function autoscalerValues(args: AutoscalerValuesArgs): Values {
  return mergeValues(loadValuesFile("cluster-autoscaler"), {
    fullnameOverride: "cluster-autoscaler",
    autoDiscovery: { clusterName: args.clusterName },
    awsRegion: args.region,
    image: { tag: args.imageTag },
    rbac: { serviceAccount: { create: true, name: AUTOSCALER_SERVICE_ACCOUNT } },
    // Runs on the system pool, never on a node it might remove.
    nodeSelector: { "mlops.platform/role": "system" },
    tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
  });
}
