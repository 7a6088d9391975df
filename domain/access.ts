/**
 * Who reaches what through the gateway: the UIs the stack serves and the IdP groups allowed on each, the hosts,
 * and how IdP groups appear to the Kubernetes API server. Pure: config types in, plain data out.
 */
import { EVIDENTLY_NAMESPACE, EVIDENTLY_PORT, evidentlyInstance } from "./evidently";
import { KFP_UI_SERVICE } from "./pipelines";
import { INGRESS_NAMESPACE, MLFLOW_NAMESPACE, MONITORING_NAMESPACE } from "./platform-namespaces";

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

/** The UIs the gateway can serve. */
export const UI_APPS = ["mlflow", "pipelines", "grafana", "evidently"] as const;
export type UiApp = (typeof UI_APPS)[number];
/**
 * The UIs served once per team that uses them, each by the team's own instance at <app>-<team>.<domain>. Kubeflow
 * Pipelines: each team's own single-user install, in the team's namespace (domain/pipelines.ts). Evidently: its OSS
 * service has no read authorisation, so one instance per team is the only separation (domain/evidently.ts).
 */
export const TEAM_UI_APPS = ["pipelines", "evidently"] as const satisfies readonly UiApp[];
export type TeamUiApp = (typeof TEAM_UI_APPS)[number];
/** The UIs one instance serves for the whole stack. */
export type SharedUiApp = Exclude<UiApp, TeamUiApp>;
export const isTeamUiApp = (app: UiApp): app is TeamUiApp => (TEAM_UI_APPS as readonly UiApp[]).includes(app);

export interface UiBackend {
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
}

/** Grafana's Service is named after the monitoring release (components/observability). */
export const GRAFANA_SERVICE = "monitoring-grafana";

/** The in-cluster Service behind each shared UI. */
export const UI_BACKENDS: Readonly<Record<SharedUiApp, UiBackend>> = {
  mlflow: { namespace: MLFLOW_NAMESPACE, service: "mlflow", port: 5000 },
  grafana: { namespace: MONITORING_NAMESPACE, service: GRAFANA_SERVICE, port: 80 },
};

/**
 * The Service of a team's own instance of a per-team UI: Kubeflow Pipelines' UI in the team's own namespace (it
 * proxies the team's API server itself: only the UI needs a route), Evidently's in the evidently namespace.
 */
export function teamUiBackend(app: TeamUiApp, team: string): UiBackend {
  switch (app) {
    case "pipelines":
      return { namespace: team, service: KFP_UI_SERVICE.name, port: KFP_UI_SERVICE.port };
    case "evidently":
      return { namespace: EVIDENTLY_NAMESPACE, service: evidentlyInstance(team), port: EVIDENTLY_PORT };
  }
}

/** The host label of a team's own instance of a per-team UI: <app>-<team>. */
export const teamUiName = (app: TeamUiApp, team: string): string => {
  switch (app) {
    case "pipelines":
      return `pipelines-${team}`;
    case "evidently":
      return evidentlyInstance(team);
  }
};

/** A UI's host: <label>.<domain>, the label a shared UI's name or a team instance's teamUiName. */
export const uiHost = (domain: string, label: string): string => `${label}.${domain}`;
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

/** A UI route and who may open it: platform admins, and the groups of the teams that use it. */
export interface UiRoute {
  /**
   * The route's own name, unique in the stack: the UI for a shared one, teamUiName for a team's instance. Its
   * HTTPRoute, SecurityPolicy, session cookies and gateway NetworkPolicy are named after it.
   */
  readonly name: string;
  readonly app: UiApp;
  /** The team whose own instance this route serves (per-team UIs only). */
  readonly team?: string;
  readonly host: string;
  readonly backend: UiBackend;
  /** IdP groups (as the IdP sends them) allowed through the gateway. */
  readonly groups: readonly string[];
}

/** A team as the route model reads it: its name, owners and services. */
export type UiTeam = TeamOwners & { readonly name: string; readonly services: readonly string[] };

/**
 * The UIs a stack serves: each enabled service with a UI, and Grafana always. Grafana is every team's (alerts and
 * dashboards of their namespaces); a shared service UI is for the teams that opted into the service; a per-team UI
 * (TEAM_UI_APPS) has one route per team that opted in, admitting that team's groups and the admins only.
 */
export function uiRoutes(
  access: { readonly domain: string; readonly adminGroups: readonly string[] },
  enabled: ReadonlySet<UiApp>,
  teams: readonly UiTeam[],
): UiRoute[] {
  const groups = (users: readonly UiTeam[]) => [...new Set([...access.adminGroups, ...users.flatMap(teamIdpGroups)])];
  return UI_APPS.filter((app) => app === "grafana" || enabled.has(app)).flatMap((app): UiRoute[] => {
    if (isTeamUiApp(app)) {
      return teams
        .filter((t) => t.services.includes(app))
        .map((t) => {
          const name = teamUiName(app, t.name);
          return { name, app, team: t.name, host: uiHost(access.domain, name), backend: teamUiBackend(app, t.name), groups: groups([t]) };
        });
    }
    const users = teams.filter((t) => app === "grafana" || t.services.includes(app));
    return [{ name: app, app, host: uiHost(access.domain, app), backend: UI_BACKENDS[app], groups: groups(users) }];
  });
}

/** How the API server names an IdP group (EKS identity provider config, or the existing cluster's OIDC settings). */
export const clusterGroup = (access: { readonly groupsPrefix: string } | undefined, group: string): string =>
  access ? `${access.groupsPrefix}${group}` : group;
