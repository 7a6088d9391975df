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
  /**
   * For a chart whose git tree holds a values template, not values.yaml (its release generates values.yaml by
   * substituting these variables): valuesUrl names the template, and a render from git substitutes them first.
   */
  readonly valuesTemplate?: Readonly<Record<string, string>>;
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
  externalSecrets: {
    repo: "https://charts.external-secrets.io",
    chart: "external-secrets",
    version: "2.9.0",
    valuesUrl: "https://github.com/external-secrets/external-secrets/blob/helm-chart-2.9.0/deploy/charts/external-secrets/values.yaml",
    gitRef: "helm-chart-2.9.0",
  },
  cloudnativePg: {
    repo: "https://cloudnative-pg.github.io/charts",
    chart: "cloudnative-pg",
    version: "0.29.0",
    valuesUrl: "https://github.com/cloudnative-pg/charts/blob/cloudnative-pg-v0.29.0/charts/cloudnative-pg/values.yaml",
    gitRef: "cloudnative-pg-v0.29.0",
  },
  certManager: {
    repo: "https://charts.jetstack.io",
    chart: "cert-manager",
    version: "v1.21.1",
    valuesUrl: "https://github.com/cert-manager/cert-manager/blob/v1.21.1/deploy/charts/cert-manager/values.yaml",
  },
  // KServe's charts are published to OCI only; the controller chart is kserve-resources since v0.17.
  kserveCrd: {
    repo: "oci://ghcr.io/kserve/charts",
    chart: "kserve-crd",
    version: "v0.20.0",
    valuesUrl: "https://github.com/kserve/kserve/blob/v0.20.0/charts/kserve-crd/values.yaml",
  },
  kserveResources: {
    repo: "oci://ghcr.io/kserve/charts",
    chart: "kserve-resources",
    version: "v0.20.0",
    valuesUrl: "https://github.com/kserve/kserve/blob/v0.20.0/charts/kserve-resources/values.yaml",
  },
  kserveRuntimes: {
    repo: "oci://ghcr.io/kserve/charts",
    chart: "kserve-runtime-configs",
    version: "v0.20.0",
    valuesUrl: "https://github.com/kserve/kserve/blob/v0.20.0/charts/kserve-runtime-configs/values.yaml",
  },
  knativeOperator: {
    repo: "https://knative.github.io/operator",
    chart: "knative-operator",
    version: "v1.23.0",
    valuesUrl: "https://github.com/knative/operator/blob/knative-v1.23.0/config/charts/knative-operator/values.yaml",
    gitRef: "knative-v1.23.0",
  },

  // Kueue publishes its chart to OCI only; the Go module sigs.k8s.io/kueue at gitRef is what the real-server tests build.
  kueue: {
    repo: "oci://registry.k8s.io/kueue/charts",
    chart: "kueue",
    version: "0.19.2",
    valuesUrl: "https://github.com/kubernetes-sigs/kueue/blob/v0.19.2/charts/kueue/values.yaml",
    gitRef: "v0.19.2",
  },
  // Envoy Gateway publishes gateway-helm to OCI only, versioned like its release tag; the chart bundles the Gateway API CRDs.
  envoyGateway: {
    repo: "oci://docker.io/envoyproxy",
    chart: "gateway-helm",
    version: "v1.9.0",
    valuesUrl: "https://github.com/envoyproxy/gateway/blob/v1.9.0/charts/gateway-helm/values.tmpl.yaml",
    valuesTemplate: { GatewayImage: "docker.io/envoyproxy/gateway:v1.9.0", GatewayImagePullPolicy: "IfNotPresent" },
  },
  // EKS only: provisions the gateway's NLB from its LoadBalancer Service (class service.k8s.aws/nlb). Published to
  // aws/eks-charts; the chart's source and values.yaml live in the controller's repository at the v-prefixed tag.
  awsLoadBalancerController: {
    repo: "https://aws.github.io/eks-charts",
    chart: "aws-load-balancer-controller",
    version: "3.5.0",
    valuesUrl: "https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/v3.5.0/helm/aws-load-balancer-controller/values.yaml",
    gitRef: "v3.5.0",
  },
  // The local stack's identity provider (access.identityProvider.kind: dex). The chart lags Dex (0.24.0 ships
  // 2.44.0); charts/values/dex.yaml runs v2.45.1, the first line whose static users carry groups is v2.45.0.
  dex: {
    repo: "https://charts.dexidp.io",
    chart: "dex",
    version: "0.24.0",
    valuesUrl: "https://github.com/dexidp/helm-charts/blob/dex-0.24.0/charts/dex/values.yaml",
    gitRef: "dex-0.24.0",
  },
  // OpenCost (CNCF): cost allocation from the platform's Prometheus. The chart lives in its own repository and is
  // tagged opencost-<version>; 2.5.17 runs OpenCost 1.120.1 (its appVersion and image tags).
  opencost: {
    repo: "https://opencost.github.io/opencost-helm-chart",
    chart: "opencost",
    version: "2.5.17",
    valuesUrl: "https://github.com/opencost/opencost-helm-chart/blob/opencost-2.5.17/charts/opencost/values.yaml",
    gitRef: "opencost-2.5.17",
  },
  // Fluent Bit's chart, tagged fluent-bit-<version>; 0.58.1 runs Fluent Bit 5.1.1 (its appVersion and image tag).
  fluentBit: {
    repo: "https://fluent.github.io/helm-charts",
    chart: "fluent-bit",
    version: "0.58.1",
    valuesUrl: "https://github.com/fluent/helm-charts/blob/fluent-bit-0.58.1/charts/fluent-bit/values.yaml",
    gitRef: "fluent-bit-0.58.1",
  },
} as const satisfies Record<string, ChartRef>;

export type ChartName = keyof typeof CHARTS;

/** Upstream plain manifests (for projects whose recommended install is not a chart), by URL at an exact tag. */
export interface ManifestRef {
  readonly version: string;
  readonly url: string;
}

export const MANIFESTS = {
  /** The Feast operator; its README requires server-side apply (the CRD is too large for client-side apply). */
  feastOperator: {
    version: "v0.66.0",
    url: "https://raw.githubusercontent.com/feast-dev/feast/v0.66.0/infra/feast-operator/dist/install.yaml",
  },
} as const satisfies Record<string, ManifestRef>;

/**
 * Upstream kustomize trees, built by kustomize at deploy time from their git repository at an exact tag
 * (remote targets `<repo>//<path>?ref=<ref>`); never copied into this repository.
 */
export interface KustomizeRef {
  readonly repo: string;
  readonly ref: string;
  readonly paths: Readonly<Record<string, string>>;
}

export const KUSTOMIZE = {
  /** Kubeflow Pipelines standalone (single-user, no Istio); it pulls Argo Workflows v4.0.5 by remote ref itself. */
  kubeflowPipelines: {
    repo: "https://github.com/kubeflow/pipelines",
    ref: "2.17.0",
    paths: {
      clusterScoped: "manifests/kustomize/cluster-scoped-resources",
      generic: "manifests/kustomize/base/installs/generic",
      metadata: "manifests/kustomize/base/metadata/base",
      argoNamespaced: "manifests/kustomize/third-party/argo/installs/namespace",
      /** Upstream's MySQL (Deployment, PVC, Service `mysql`): the existing-cluster variant's database, in `kubeflow`. */
      mysql: "manifests/kustomize/third-party/mysql/base",
    },
  },
} as const satisfies Record<string, KustomizeRef>;

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
  | "snapshot-controller"
  | "eks-node-monitoring-agent";

/**
 * The EKS node monitoring agent: v1.7.0 is the release of https://github.com/aws/eks-node-monitoring-agent tagged
 * v1.7.0, whose chart (charts/eks-node-monitoring-agent/values.yaml at that tag) runs image v1.7.0-eksbuild.1, the
 * add-on build; its add-on configuration schema is charts/configuration.schema.json at that tag. Confirm per minor with
 * `aws eks describe-addon-versions --addon-name eks-node-monitoring-agent --kubernetes-version <v>`.
 */
const NODE_MONITORING_AGENT = "v1.7.0-eksbuild.1";

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
      "eks-node-monitoring-agent": NODE_MONITORING_AGENT,
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
      "eks-node-monitoring-agent": NODE_MONITORING_AGENT,
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

/**
 * Upstream container images that run under charts of ours (where upstream ships no chart), pinned exactly.
 */
export const IMAGES = {
  /** psql for the database setup Job (the official image; the client matches the server's major). */
  postgres: { repository: "docker.io/library/postgres", tag: "17.6" },
  /** The mysql client for Kubeflow Pipelines' database setup Job (the server is RDS for MySQL 8.4). */
  mysql: { repository: "docker.io/library/mysql", tag: "8.4.6" },
  /** The -full variant carries psycopg2, boto3, prometheus-flask-exporter and basic-auth's Flask-WTF (from v3.9). */
  mlflow: { repository: "ghcr.io/mlflow/mlflow", tag: "v3.17.2-full" },
  /** Feast's online store on existing clusters (ElastiCache on EKS). */
  redis: { repository: "docker.io/library/redis", tag: "8.2.2-alpine" },
  /** CloudNativePG's PostgreSQL 17 image, as tested by the operator release we pin. */
  cnpgPostgres: { repository: "ghcr.io/cloudnative-pg/postgresql", tag: "17.10-system-trixie" },
  /** Evidently's UI/API service (Docker Hub tags are the version without "v"); it also runs the drift reports. */
  evidently: { repository: "docker.io/evidently/evidently-service", tag: "0.7.21" },
  /** AWS CLI v2 (ECR Public) for copying team datasets from S3 in the drift jobs' init container. */
  awsCli: { repository: "public.ecr.aws/aws-cli/aws-cli", tag: "2.36.49" },
  /**
   * Prometheus Pushgateway, one per team namespace with model monitors (its drift jobs push there, Prometheus scrapes
   * it); the version the prometheus-pushgateway chart 3.8.0 ran (its appVersion), image by upstream's Dockerfile.
   */
  pushgateway: { repository: "quay.io/prometheus/pushgateway", tag: "v1.11.3" },
  /**
   * The feature server image the Feast operator runs its servers from (RELATED_IMAGE_FEATURE_SERVER in the operator's
   * install.yaml at MANIFESTS.feastOperator's tag): the platform's per-team permissions Job runs it too.
   */
  feastFeatureServer: { repository: "quay.io/feastdev/feature-server", tag: "0.66.0" },
} as const satisfies Record<string, { repository: string; tag: string }>;

export type ImageName = keyof typeof IMAGES;

export function imageRef(name: ImageName): string {
  return `${IMAGES[name].repository}:${IMAGES[name].tag}`;
}

/**
 * RDS for PostgreSQL: the major version is pinned; RDS applies minor versions in the maintenance window
 * (autoMinorVersionUpgrade, DB-06), which the AWS provider accepts as a version prefix without a diff.
 */
export const RDS_ENGINES = {
  postgres: { engine: "postgres", majorVersion: "17", parameterGroupFamily: "postgres17", port: 5432 },
  /** Kubeflow Pipelines supports MySQL only (its PostgreSQL overlay does not work at 2.17, kubeflow/pipelines#13956). */
  mysql: { engine: "mysql", majorVersion: "8.4", parameterGroupFamily: "mysql8.4", port: 3306 },
} as const;
export type RdsEngine = keyof typeof RDS_ENGINES;

/**
 * ElastiCache engine for Feast's online store: Valkey, the Linux Foundation fork of Redis OSS 7.2 that AWS
 * now leads with (same protocol and AUTH; redis-py, which Feast uses, connects unchanged).
 */
export const ELASTICACHE = { engine: "valkey", engineVersion: "8.0", parameterGroupFamily: "valkey8" } as const;

/** Pod Security Standards version pinned on every namespace label we write. */
export const POD_SECURITY_VERSION = "v1.35";

/**
 * The control plane the real-server tests run (`npm run test:cluster`), built from Go modules: kube-apiserver and
 * kube-controller-manager from `k8s.io/kubernetes` at a patch release of the stacks' minor, with each staging
 * module taken at its published `k8s.io/<name>` version; etcd at the version that Kubernetes release pins.
 */
export const TEST_CONTROL_PLANE = {
  kubernetes: "v1.35.4",
  /** Published versions of the staging modules (k8s.io/api, apiserver, client-go ...) for that release. */
  staging: "v0.35.4",
  /** go.etcd.io/etcd/server/v3, as k8s.io/kubernetes v1.35.4's go.mod requires it. */
  etcd: "v3.6.5",
} as const;

/**
 * The Helm CLI `npm run charts:inventory` renders the pinned charts with, built from its Go module
 * (`go install helm.sh/helm/v3/cmd/helm@<version>`). The inventory records it: a bump makes the inventory stale.
 */
export const INVENTORY_HELM = { module: "helm.sh/helm/v3", version: "v3.22.0" } as const;

/**
 * The Prometheus and Alertmanager releases CHARTS.kubePrometheusStack runs (its default prometheusSpec and
 * alertmanagerSpec image tags; charts/values/kube-prometheus-stack.yaml overrides neither): the alert tests
 * (`npm run test:cluster`) build promtool and amtool of exactly these from their Go modules. `chart` ties them to
 * the catalogue: bumping the chart without looking up its new releases fails test/cluster-harness/prometheus-tools-recipe.test.ts.
 */
export const PROMETHEUS_TOOLS = { chart: "88.5.3", prometheus: "v3.14.0", alertmanager: "v0.34.0" } as const;
