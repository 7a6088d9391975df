/**
 * The access slice of a stack: the gateway (Access), with Dex the platform's own identity provider, and the
 * routes and SecurityPolicies of the UIs the stack serves and of the teams that serve models.
 */
import * as pulumi from "@pulumi/pulumi";
import { uiRouteObjects } from "../../charts/access/routes";
import { securityPolicyObjects } from "../../charts/access/security";
import type { PlatformConfig } from "../../config";
import { accessClientSecret } from "../../config/access-secret";
import { UI_APPS, uiRoutes, type UiApp } from "../../domain/access";
import { IdentityProvider } from "../identity";
import { Access, type AccessArgs } from ".";

/** The UIs with a service behind them in this stack (Grafana is always there). */
export function enabledUis(cfg: Pick<PlatformConfig, "services">): Set<UiApp> {
  const on: Record<UiApp, boolean> = {
    mlflow: cfg.services.mlflow.enabled,
    pipelines: cfg.services.pipelines.enabled,
    grafana: true,
    evidently: cfg.services.evidently.enabled,
  };
  return new Set(UI_APPS.filter((app) => on[app]));
}

export interface StackAccessArgs extends Pick<AccessArgs, "onEks" | "systemPool" | "apiServer" | "certManager" | "objectNamespaces"> {
  readonly cfg: PlatformConfig;
  readonly labels: Readonly<Record<string, string>>;
}

export interface StackAccess {
  readonly gateway: Access;
  readonly identityProvider?: IdentityProvider;
}

/** Nothing without `access`. Routes wait for the namespaces they name (`objectNamespaces`). */
export function createStackAccess(args: StackAccessArgs, opts: pulumi.ComponentResourceOptions): StackAccess | undefined {
  const { cfg } = args;
  const access = cfg.access;
  if (!access) return undefined;
  // Dex's login route needs the gateway's CRDs, and the gateway needs Dex's client secret: the route waits on a promise
  // of the Gateway, kept once the gateway exists.
  let gatewayMade: (gateway: pulumi.Resource) => void = () => undefined;
  const gatewayReady = new Promise<pulumi.Resource>((resolve) => (gatewayMade = resolve));
  const identityProvider =
    access.identityProvider.kind === "dex"
      ? new IdentityProvider("identity", { access, teams: cfg.teams, labels: args.labels, gateway: [gatewayReady] }, opts)
      : undefined;
  const clientSecret = identityProvider?.clientSecret ?? accessClientSecret(access);
  if (!clientSecret) throw new Error("access: no client secret for the identity provider");
  const routes = uiRoutes(access, enabledUis(cfg), cfg.teams);
  // EKS service-account tokens at model endpoints need the cluster's OIDC issuer (not wired yet): IdP tokens only.
  const objects = [...uiRouteObjects(routes, args.labels), ...securityPolicyObjects({ access, routes, teams: cfg.teams, labels: args.labels })];
  const gateway = new Access(
    "access",
    {
      access,
      environment: cfg.environment,
      onEks: args.onEks,
      clientSecret,
      uiApps: routes.map((route) => route.app),
      objects,
      objectNamespaces: args.objectNamespaces,
      certManager: args.certManager,
      apiServer: args.apiServer,
      systemPool: args.systemPool,
      labels: args.labels,
    },
    opts,
  );
  gatewayMade(gateway.gateway);
  return { gateway, identityProvider };
}
