import {
  EVIDENTLY_NAMESPACE,
  FEAST_NAMESPACE,
  INGRESS_NAMESPACE,
  KSERVE_NAMESPACE,
  KUBEFLOW_NAMESPACE,
  MLFLOW_NAMESPACE,
  MONITORING_NAMESPACE,
  PLATFORM_NAMESPACES,
} from "./platform-namespaces";
import { EVIDENTLY_APP_LABELS, EVIDENTLY_PORT, evidentlyPodLabels } from "./evidently";
import { FEAST_PORTS, FEAST_SERVER_LABELS, feastPodLabels } from "./feast";

/** Namespaces of platform components, in any configuration: never a team's name (domain/platform-namespaces.ts). */
export { PLATFORM_NAMESPACES };
/** Where Prometheus runs; team namespaces let it scrape their metrics ports. */
export { MONITORING_NAMESPACE };
/** Where the gateway runs (with `access`); its proxies alone may reach the predictors of teams with model endpoints. */
export { INGRESS_NAMESPACE };

/**
 * The platform services a team can opt into, and how a team namespace reaches each: the namespace the
 * service runs in and, per target, the pods that serve it and their ports. Team NetworkPolicies allow egress
 * to exactly these; the service namespaces admit only namespaces labelled with serviceOptInLabel().
 */
export interface ServiceTarget {
  readonly podSelector: Readonly<Record<string, string>>;
  readonly ports: readonly number[];
}

export interface PlatformService {
  readonly namespace: string;
  readonly targets: readonly ServiceTarget[];
  readonly description: string;
}

export const PLATFORM_SERVICES = {
  mlflow: {
    namespace: MLFLOW_NAMESPACE,
    targets: [{ podSelector: { "app.kubernetes.io/name": "mlflow" }, ports: [5000] }],
    description: "MLflow tracking server and model registry",
  },
  feast: {
    namespace: FEAST_NAMESPACE,
    // The operator's FeatureStores, one per team (domain/feast.ts): online, registry gRPC and REST, and offline
    // servers. Each admits only its own team's namespace, and teamServiceTargets narrows a team's egress to its own.
    targets: [{ podSelector: FEAST_SERVER_LABELS, ports: Object.values(FEAST_PORTS) }],
    description: "Feast feature store (the team's own online, registry and offline servers)",
  },
  pipelines: {
    namespace: KUBEFLOW_NAMESPACE,
    // Each team that opts in runs its own Kubeflow Pipelines in its own namespace (domain/pipelines.ts): its API,
    // ML Metadata and UI are reached in the namespace (allow-same-namespace), so there is nothing shared to reach in
    // kubeflow; the install's own egress (database, storage, API server) is in the team's pipelines policies.
    targets: [],
    description: "Kubeflow Pipelines (the team's own install, in its namespace)",
  },
  kserve: {
    namespace: KSERVE_NAMESPACE,
    // Models are served from the team's own namespace: the team calls nothing in kserve (the API server calls
    // KServe's webhooks), so there is no egress target; see allow-inference-ingress in the team's policies.
    targets: [],
    description: "KServe (model serving in the team namespace)",
  },
  evidently: {
    namespace: EVIDENTLY_NAMESPACE,
    // The Evidently instances (snapshots), one per team (domain/evidently.ts): each admits only its own team's
    // namespace, and teamServiceTargets narrows a team's egress to its own. The drift reports push their metrics to
    // the team's own Pushgateway, in its namespace (charts/services/drift/pushgateway.ts): nothing shared to reach.
    targets: [{ podSelector: EVIDENTLY_APP_LABELS, ports: [EVIDENTLY_PORT] }],
    description: "Evidently drift reports and their metrics (the team's own instance)",
  },
} as const satisfies Record<string, PlatformService>;

export type PlatformServiceName = keyof typeof PLATFORM_SERVICES;
export const PLATFORM_SERVICE_NAMES = Object.keys(PLATFORM_SERVICES) as PlatformServiceName[];

/**
 * What one team reaches of a service: the service's targets, narrowed to the team's own instance where the
 * service runs one per team (Evidently: the pods labelled with the team, evidentlyPodLabels; Feast: the pods of the
 * team's FeatureStore, feastPodLabels).
 */
export function teamServiceTargets(service: PlatformServiceName, team: string): readonly ServiceTarget[] {
  if (service === "evidently") return [{ podSelector: evidentlyPodLabels(team), ports: [EVIDENTLY_PORT] }];
  if (service === "feast") return [{ podSelector: feastPodLabels(team), ports: Object.values(FEAST_PORTS) }];
  return PLATFORM_SERVICES[service].targets;
}

/**
 * Label on a team namespace that opted into a service. The service's own namespace admits traffic from
 * namespaces carrying it, so a team reaches a service only when both sides say so.
 */
export function serviceOptInLabel(service: string): string {
  return `services.mlops.platform/${service}`;
}

/** Port KServe predictors listen on in Standard (raw Deployment) mode. */
export const KSERVE_PREDICTOR_PORT = 8080;

/** The teams that opted into a service (teams[].services), in config order. */
export const teamsUsing = <T extends { readonly services: readonly string[] }>(teams: readonly T[], service: PlatformServiceName): T[] =>
  teams.filter((t) => t.services.includes(service));
