/**
 * Every namespace the platform creates or deploys into, in any configuration: the one place that names them.
 * Components and charts take their namespace from here, and PLATFORM_NAMESPACES is the list no team may take
 * as its name (config/teams.ts, reservedNameProblem): a team's namespace is named after the team, so a team
 * called after one of these would get its quota, roles and exceptions inside a platform namespace.
 *
 * Pure facts: this module imports nothing, so config, components, charts and policies can all import it.
 * A new component that creates or deploys into a namespace adds it here (test/teams/reserved-namespaces.test.ts
 * plans every optional piece and fails on a namespace missing from the list).
 */

/** Kubernetes' own namespace for objects without one; never used by the platform, never a team's. */
export const DEFAULT_NAMESPACE = "default";
/**
 * Always: the EKS add-ons (vpc-cni, kube-proxy, CoreDNS, Pod Identity agent, CSI drivers, snapshot
 * controller), cluster-autoscaler (EKS), the AWS Load Balancer Controller (EKS with access), the kubelet/CoreDNS
 * scrape Services of kube-prometheus-stack, and cert-manager's leader-election Role.
 * (kube-* is reserved as a whole too; named here because charts deploy into it.)
 */
export const KUBE_SYSTEM_NAMESPACE = "kube-system";
/** With the GPU layer (gpu.enabled): the NVIDIA GPU operator and its device-plugin config. */
export const GPU_OPERATOR_NAMESPACE = "gpu-operator";
/** Always: Kueue, the job queueing controller every team's GPU and batch work is admitted through. */
export const KUEUE_NAMESPACE = "kueue-system";
/** Always: kube-prometheus-stack, Grafana, dashboards, alert rules, the platform ServiceMonitor and PodMonitors. */
export const MONITORING_NAMESPACE = "monitoring";
/** Always: node-exporter, privileged by exception (host namespaces and paths), so monitoring stays restricted. */
export const NODE_EXPORTER_NAMESPACE = "node-exporter";
/** Existing clusters with storage.objectStore on: SeaweedFS (S3) and its generated keys. */
export const OBJECT_STORE_NAMESPACE = "object-store";
/** EKS with any service: External Secrets Operator, which syncs credentials from AWS Secrets Manager. */
export const EXTERNAL_SECRETS_NAMESPACE = "external-secrets";
/** With a service that keeps state (MLflow, Feast, Pipelines, Evidently): database credentials and setup Jobs; CloudNativePG's cluster on existing clusters. */
export const DATABASES_NAMESPACE = "databases";
/** Existing clusters with a database: the CloudNativePG operator. */
export const CNPG_OPERATOR_NAMESPACE = "cnpg-system";
/** With services.mlflow: the MLflow tracking server. */
export const MLFLOW_NAMESPACE = "mlflow";
/** With services.feast: the FeatureStore (registry, offline and online servers) and, off AWS, its Redis. */
export const FEAST_NAMESPACE = "feast";
/** With services.feast: the Feast operator, created by its upstream install.yaml (kustomize namespace of feast-operator/config/default). */
export const FEAST_OPERATOR_NAMESPACE = "feast-operator-system";
/** With services.pipelines: Kubeflow Pipelines and Argo, created by upstream's cluster-scoped-resources; runs execute here. */
export const KUBEFLOW_NAMESPACE = "kubeflow";
/** With services.kserve: cert-manager, for KServe's webhook certificates. */
export const CERT_MANAGER_NAMESPACE = "cert-manager";
/** With services.kserve: the KServe controller, CRDs release and serving runtimes. */
export const KSERVE_NAMESPACE = "kserve";
/** With services.kserve in serverless mode: the Knative operator. */
export const KNATIVE_OPERATOR_NAMESPACE = "knative-operator";
/** With services.kserve in serverless mode: Knative Serving (activator, autoscaler, Kourier gateway) from the KnativeServing resource. */
export const KNATIVE_SERVING_NAMESPACE = "knative-serving";
/** With services.evidently: the Evidently service and the Pushgateway the drift reports push to. */
export const EVIDENTLY_NAMESPACE = "evidently";
/** With access.identityProvider.kind dex (outside prod): Dex, the platform's own identity provider, and its test users. */
export const DEX_NAMESPACE = "dex";
/** With access: the gateway (Envoy Gateway's controller and proxies), the only source team NetworkPolicies admit to inference services. */
export const INGRESS_NAMESPACE = "ingress";
/** With costs.allocation.enabled: OpenCost, in a namespace of its own (it reads pods and nodes cluster-wide). */
export const OPENCOST_NAMESPACE = "opencost";
/** With logging.enabled: Fluent Bit, privileged by exception (read-only host log mounts), so no other namespace needs to be. */
export const LOGGING_NAMESPACE = "logging";
/** Reserved for the platform's image and configuration scanning. */
export const SECURITY_SCAN_NAMESPACE = "security-scan";
/** Reserved for platform-wide tooling. */
export const PLATFORM_NAMESPACE = "platform";

/** Namespaces of the platform, in any configuration: never a team's name. */
export const PLATFORM_NAMESPACES: readonly string[] = [
  DEFAULT_NAMESPACE, // Kubernetes'
  KUBE_SYSTEM_NAMESPACE, // always (EKS add-ons, cluster-autoscaler, scrape Services)
  GPU_OPERATOR_NAMESPACE, // gpu.enabled
  MONITORING_NAMESPACE, // always
  KUEUE_NAMESPACE, // always
  OPENCOST_NAMESPACE, // costs.allocation.enabled
  NODE_EXPORTER_NAMESPACE, // always (privileged)
  LOGGING_NAMESPACE, // logging.enabled (privileged)
  OBJECT_STORE_NAMESPACE, // existing cluster + storage.objectStore
  EXTERNAL_SECRETS_NAMESPACE, // EKS + any service
  DATABASES_NAMESPACE, // a stateful service
  CNPG_OPERATOR_NAMESPACE, // existing cluster + a stateful service
  MLFLOW_NAMESPACE, // services.mlflow
  FEAST_NAMESPACE, // services.feast
  FEAST_OPERATOR_NAMESPACE, // services.feast (upstream install.yaml)
  KUBEFLOW_NAMESPACE, // services.pipelines (upstream kustomization)
  CERT_MANAGER_NAMESPACE, // services.kserve
  KSERVE_NAMESPACE, // services.kserve
  KNATIVE_OPERATOR_NAMESPACE, // services.kserve, serverless
  KNATIVE_SERVING_NAMESPACE, // services.kserve, serverless
  EVIDENTLY_NAMESPACE, // services.evidently
  DEX_NAMESPACE, // access.identityProvider.kind dex
  INGRESS_NAMESPACE, // access
  SECURITY_SCAN_NAMESPACE, // reserved
  PLATFORM_NAMESPACE, // reserved
];
