/**
 * Who reaches what through the gateway: the UIs the stack serves and the IdP groups allowed on each, the hosts,
 * and how IdP groups appear to the Kubernetes API server. Pure: config types in, plain data out.
 */
import { EVIDENTLY_NAMESPACE, INGRESS_NAMESPACE, KUBEFLOW_NAMESPACE, MLFLOW_NAMESPACE, MONITORING_NAMESPACE } from "./platform-namespaces";

/** The Gateway every route attaches to, its class, and its two HTTPS listeners. */
export const GATEWAY_NAMESPACE = INGRESS_NAMESPACE;
export const GATEWAY_NAME = "platform";
export const GATEWAY_CLASS = "mlops-platform";
export const APPS_LISTENER = "apps";
export const MODELS_LISTENER = "models";
/**
 * The labels Envoy Gateway v1.9.0 puts on every proxy pod it creates (internal/infrastructure/kubernetes/proxy
 * resource.go EnvoyAppLabel); with the gateway's namespace they name the proxies and nothing else in it.
 */
export const ENVOY_PROXY_POD_LABELS = {
  "app.kubernetes.io/name": "envoy",
  "app.kubernetes.io/component": "proxy",
  "app.kubernetes.io/managed-by": "envoy-gateway",
} as const;
/** Team namespaces carrying this label have their InferenceServices' routes admitted to the models listener. */
export const MODEL_ROUTES_LABEL = "mlops.platform/model-endpoints";
/** The audience of service-account tokens that model endpoints accept (never the API server's own audience). */
export const MODEL_TOKEN_AUDIENCE = "mlops-models";

/** The UIs the gateway can serve, and the in-cluster Service behind each. */
export const UI_APPS = ["mlflow", "pipelines", "grafana", "evidently"] as const;
export type UiApp = (typeof UI_APPS)[number];

export interface UiBackend {
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
}

/** Grafana's Service is named after the monitoring release (components/observability). */
export const GRAFANA_SERVICE = "monitoring-grafana";

export const UI_BACKENDS: Readonly<Record<UiApp, UiBackend>> = {
  mlflow: { namespace: MLFLOW_NAMESPACE, service: "mlflow", port: 5000 },
  // The UI proxies the API itself: only the UI needs a route.
  pipelines: { namespace: KUBEFLOW_NAMESPACE, service: "ml-pipeline-ui", port: 80 },
  grafana: { namespace: MONITORING_NAMESPACE, service: GRAFANA_SERVICE, port: 80 },
  evidently: { namespace: EVIDENTLY_NAMESPACE, service: "evidently", port: 8000 },
};

export const uiHost = (domain: string, app: UiApp): string => `${app}.${domain}`;
export const modelsDomain = (domain: string): string => `models.${domain}`;
/** KServe's default domainTemplate with the models domain: <isvc>-<namespace>.models.<domain>. */
export const modelHost = (domain: string, inferenceService: string, team: string): string => `${inferenceService}-${team}.${modelsDomain(domain)}`;

/** What the route model reads of a team (config/teams.ts TeamConfig): the domain floor imports nothing of config. */
export interface TeamOwners {
  readonly owners: Readonly<Record<"admin" | "edit" | "view", { readonly groups: readonly string[] }>>;
}

/** Every IdP group that owns the team in any role. */
export function teamIdpGroups(team: TeamOwners): string[] {
  const { admin, edit, view } = team.owners;
  return [...new Set([...admin.groups, ...edit.groups, ...view.groups])];
}

/** A UI and who may open it: platform admins, and the groups of the teams that use it. */
export interface UiRoute {
  readonly app: UiApp;
  readonly host: string;
  readonly backend: UiBackend;
  /** IdP groups (as the IdP sends them) allowed through the gateway. */
  readonly groups: readonly string[];
}

/**
 * The UIs a stack serves: each enabled service with a UI, and Grafana always. Grafana is every team's (alerts and
 * dashboards of their namespaces); a service UI is for the teams that opted into the service.
 */
export function uiRoutes(
  access: { readonly domain: string; readonly adminGroups: readonly string[] },
  enabled: ReadonlySet<UiApp>,
  teams: readonly (TeamOwners & { readonly services: readonly string[] })[],
): UiRoute[] {
  return UI_APPS.filter((app) => app === "grafana" || enabled.has(app)).map((app) => {
    const users = teams.filter((t) => app === "grafana" || t.services.includes(app)).flatMap(teamIdpGroups);
    return { app, host: uiHost(access.domain, app), backend: UI_BACKENDS[app], groups: [...new Set([...access.adminGroups, ...users])] };
  });
}

/** How the API server names an IdP group (EKS identity provider config, or the existing cluster's OIDC settings). */
export const clusterGroup = (access: { readonly groupsPrefix: string } | undefined, group: string): string =>
  access ? `${access.groupsPrefix}${group}` : group;
