/**
 * The platform services a team can opt into, and how a team namespace reaches each: the namespace the
 * service runs in, the pods that serve it and the ports. The services themselves arrive with the MLOps
 * services milestone; these coordinates are the contract they deploy to, so team NetworkPolicies are ready.
 */
export const PLATFORM_SERVICES = {
  mlflow: {
    namespace: "mlflow",
    podSelector: { "app.kubernetes.io/name": "mlflow" },
    ports: [5000],
    description: "MLflow tracking server and model registry",
  },
  feast: {
    namespace: "feast",
    podSelector: { "app.kubernetes.io/name": "feast" },
    ports: [6566],
    description: "Feast feature server",
  },
  pipelines: {
    namespace: "kubeflow",
    podSelector: { "app.kubernetes.io/name": "kubeflow-pipelines" },
    // ml-pipeline API (HTTP, gRPC) and ML Metadata gRPC, which pipeline steps call.
    ports: [8888, 8887, 8080],
    description: "Kubeflow Pipelines API and metadata",
  },
  kserve: {
    namespace: "kserve",
    podSelector: { "app.kubernetes.io/name": "kserve" },
    // The KServe controller's webhook is called by the API server, not by teams; teams need no egress to it,
    // but the controller and the ingress must reach the team's predictors (see serving ingress below).
    ports: [8443],
    description: "KServe (model serving in the team namespace)",
  },
} as const;

export type PlatformServiceName = keyof typeof PLATFORM_SERVICES;
export const PLATFORM_SERVICE_NAMES = Object.keys(PLATFORM_SERVICES) as PlatformServiceName[];

/** Namespaces of platform components: never a team's name. */
export const PLATFORM_NAMESPACES: readonly string[] = [
  "default",
  "gpu-operator",
  "monitoring",
  "cert-manager",
  "ingress",
  "security-scan",
  "platform",
  ...PLATFORM_SERVICE_NAMES.map((s) => PLATFORM_SERVICES[s].namespace),
];

/** Where Prometheus runs; team namespaces let it scrape their metrics ports. */
export const MONITORING_NAMESPACE = "monitoring";
/** Where the shared ingress runs; it alone may reach a team's inference services. */
export const INGRESS_NAMESPACE = "ingress";
/** Port KServe predictors listen on in RawDeployment mode. */
export const KSERVE_PREDICTOR_PORT = 8080;
