/**
 * The version catalogue: every upstream piece the platform deploys, pinned exactly, with where it comes from.
 * Upgrades happen here and nowhere else; a test asserts that no version is a range or `latest`.
 */

/** An upstream Helm chart: repository, chart name, exact version, and the upstream values.yaml at that tag. */
export interface ChartRef {
  readonly repo: string;
  readonly chart: string;
  readonly version: string;
  /** Upstream default values at this version: read it before changing an override in charts/values/. */
  readonly valuesUrl: string;
  /** The git tag of valuesUrl when it is not spelled like the chart version. @default version */
  readonly gitRef?: string;
}

export const CHARTS = {
  gpuOperator: {
    repo: "https://helm.ngc.nvidia.com/nvidia",
    chart: "gpu-operator",
    version: "v26.7.0",
    valuesUrl: "https://github.com/NVIDIA/gpu-operator/blob/v26.7.0/deployments/gpu-operator/values.yaml",
  },
  kubePrometheusStack: {
    repo: "https://prometheus-community.github.io/helm-charts",
    chart: "kube-prometheus-stack",
    version: "88.5.3",
    valuesUrl: "https://github.com/prometheus-community/helm-charts/blob/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack/values.yaml",
  },
  seaweedfs: {
    repo: "https://seaweedfs.github.io/seaweedfs/helm",
    chart: "seaweedfs",
    version: "4.44.0",
    valuesUrl: "https://github.com/seaweedfs/seaweedfs/blob/4.44/k8s/charts/seaweedfs/values.yaml",
    gitRef: "4.44",
  },
  clusterAutoscaler: {
    repo: "https://kubernetes.github.io/autoscaler",
    chart: "cluster-autoscaler",
    version: "9.59.0",
    valuesUrl: "https://github.com/kubernetes/autoscaler/blob/cluster-autoscaler-chart-9.59.0/charts/cluster-autoscaler/values.yaml",
  },
} as const satisfies Record<string, ChartRef>;

export type ChartName = keyof typeof CHARTS;

/**
 * EKS Kubernetes versions we support, with AWS's end of standard support
 * (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html), the managed add-on versions
 * pinned for that version, and the cluster-autoscaler image that matches its minor version.
 * Refresh add-ons with `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>`.
 */
/**
 * For an add-on whose version could not be verified offline: the newest version EKS offers for the cluster's
 * Kubernetes version, looked up at deploy time (the plan shows it as computed). Replace with a pinned version
 * from `aws eks describe-addon-versions` once known; the version test lists every add-on still resolved.
 */
export const RESOLVE_AT_DEPLOY = { resolve: "most-recent-compatible" } as const;
export type AddonVersion = string | typeof RESOLVE_AT_DEPLOY;

export interface EksVersion {
  readonly endOfStandardSupport: string;
  readonly addons: Readonly<Record<EksAddonName, AddonVersion>>;
  readonly clusterAutoscalerImageTag: string;
}

export type EksAddonName =
  | "vpc-cni"
  | "kube-proxy"
  | "coredns"
  | "eks-pod-identity-agent"
  | "aws-ebs-csi-driver"
  | "aws-efs-csi-driver"
  | "aws-fsx-csi-driver"
  | "snapshot-controller";

export const EKS_VERSIONS: Readonly<Record<string, EksVersion>> = {
  "1.34": {
    endOfStandardSupport: "2026-12-02",
    addons: {
      "vpc-cni": "v1.21.1-eksbuild.7",
      "kube-proxy": "v1.34.6-eksbuild.2",
      coredns: "v1.13.2-eksbuild.7",
      "eks-pod-identity-agent": "v1.3.10-eksbuild.2",
      "aws-ebs-csi-driver": "v1.63.1-eksbuild.1",
      "aws-efs-csi-driver": "v3.3.0-eksbuild.1",
      "aws-fsx-csi-driver": RESOLVE_AT_DEPLOY,
      "snapshot-controller": RESOLVE_AT_DEPLOY,
    },
    clusterAutoscalerImageTag: "v1.34.5",
  },
  "1.35": {
    endOfStandardSupport: "2027-03-27",
    addons: {
      "vpc-cni": "v1.21.1-eksbuild.7",
      "kube-proxy": "v1.35.3-eksbuild.2",
      coredns: "v1.14.2-eksbuild.4",
      "eks-pod-identity-agent": "v1.3.10-eksbuild.2",
      "aws-ebs-csi-driver": "v1.63.1-eksbuild.1",
      "aws-efs-csi-driver": "v3.3.0-eksbuild.1",
      "aws-fsx-csi-driver": RESOLVE_AT_DEPLOY,
      "snapshot-controller": RESOLVE_AT_DEPLOY,
    },
    clusterAutoscalerImageTag: "v1.35.2",
  },
};

/** Kubernetes minors an existing (kubeconfig) cluster may run: the GPU operator and our objects are tested against them. */
export const EXISTING_CLUSTER_VERSIONS: readonly string[] = ["1.33", "1.34", "1.35", "1.36"];

/** EKS managed node group AMI types (AL2023; EKS publishes no AL2 AMIs from 1.33 on). */
export const AMI_TYPES = {
  cpu: "AL2023_x86_64_STANDARD",
  /** Ships the NVIDIA driver and container toolkit, so the GPU operator must not install them. */
  gpu: "AL2023_x86_64_NVIDIA",
} as const;

/** Pod Security Standards version pinned on every namespace label we write. */
export const POD_SECURITY_VERSION = "v1.35";
