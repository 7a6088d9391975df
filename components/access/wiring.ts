/**
 * The access slice of a stack: the identity provider's client (with Dex, the platform's own IdP), the gateway
 * (Access), and the routes, SecurityPolicies and NetworkPolicies of the UIs the stack serves and of the teams that
 * serve models.
 */
import * as pulumi from "@pulumi/pulumi";
import { kserveRoutesInferenceServices } from "../../charts/guardrails/models";
import { DEX_ROUTE_NAME, dexRouteObjects } from "../../charts/access/dex";
import { uiRouteObjects } from "../../charts/access/routes";
import { identityProviderPolicyObjects, modelSecurityPolicyObjects, serviceAccountIssuerOf, uiSecurityPolicyObjects } from "../../charts/access/security";
import type { Manifest } from "../../charts/kube";
import { gatewayUiNetworkPolicies } from "../../charts/services/ui-network";
import type { PlatformConfig } from "../../config";
import type { AccessConfig } from "../../config/access";
import { accessClientSecret } from "../../config/access-secret";
import { UI_APPS, uiRoutes, type UiApp } from "../../domain/access";
import { IdentityProvider, type TestUserCredentials } from "../identity";
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

/** Who signs people in: the platform's Dex (kind dex) or the company's IdP, and the client secret of both. */
export interface StackIdentity {
  readonly access: AccessConfig;
  /** The platform's own Dex, for kind dex. */
  readonly provider?: IdentityProvider;
  /** The `mlops-platform` client's secret (Dex's generated one, or the stack's accessClientSecret): a Pulumi secret. */
  readonly clientSecret: pulumi.Output<string>;
}

/**
 * Nothing without `access`. Made before Grafana and the gateway, which both sign people in as the IdP's client.
 * Dex waits for nothing but what `opts` names: its route joins the gateway's objects.
 */
export function createStackIdentity(
  cfg: PlatformConfig,
  labels: Readonly<Record<string, string>>,
  opts: pulumi.ComponentResourceOptions,
): StackIdentity | undefined {
  const access = cfg.access;
  if (!access) return undefined;
  if (access.identityProvider.kind === "dex") {
    const provider = new IdentityProvider("identity", { access, teams: cfg.teams, labels }, opts);
    return { access, provider, clientSecret: provider.clientSecret };
  }
  const clientSecret = accessClientSecret(access);
  if (!clientSecret) throw new Error("access: no client secret for the identity provider");
  return { access, clientSecret };
}

/** Grafana's sign-in with the stack's IdP (Observability's `oauth`); none without `access`. */
export function grafanaOAuth(cfg: Pick<PlatformConfig, "teams">, identity: StackIdentity | undefined) {
  return identity && { access: identity.access, teams: cfg.teams, clientSecret: identity.clientSecret };
}

export interface StackAccessArgs extends Pick<AccessArgs, "onEks" | "systemPool" | "apiServer" | "certManager"> {
  readonly cfg: PlatformConfig;
  readonly identity: StackIdentity | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Nothing without `access`. The gateway comes before the services: KServe's controller refuses to start without
 * the HTTPRoute CRD its chart brings. Its routes come after them (createStackRoutes).
 */
export function createStackAccess(args: StackAccessArgs, opts: pulumi.ComponentResourceOptions): Access | undefined {
  const { cfg, identity } = args;
  if (!identity) return undefined;
  return new Access(
    "access",
    {
      access: identity.access,
      environment: cfg.environment,
      onEks: args.onEks,
      clientSecret: identity.clientSecret,
      uiRoutes: uiRoutes(identity.access, enabledUis(cfg), cfg.teams),
      certManager: args.certManager,
      apiServer: args.apiServer,
      systemPool: args.systemPool,
      labels: args.labels,
    },
    opts,
  );
}

/**
 * KServe's routes on the gateway: with `access`, KServe on, and KServe routing InferenceServices through the gateway
 * (the same predicate as the cluster-local admission rule, so the values and the rule never disagree). @default none
 */
export function kserveGateway(cfg: PlatformConfig, gateway: Access | undefined): { domain: string; crds: pulumi.Resource[] } | undefined {
  const serving = cfg.services.kserve.enabled && kserveRoutesInferenceServices({ kserveMode: cfg.services.kserve.mode, teams: cfg.teams });
  return cfg.access && gateway && serving ? { domain: cfg.access.domain, crds: [gateway.chart] } : undefined;
}

/**
 * The objects the gateway applies after its Gateway, from config alone (known at preview): the UI routes, their
 * ReferenceGrants and NetworkPolicies, the Gateway default and UI SecurityPolicies, and with Dex its login route
 * with the one open policy.
 */
export function stackAccessObjects(cfg: PlatformConfig, access: AccessConfig, labels: Readonly<Record<string, string>>): Manifest[] {
  const routes = uiRoutes(access, enabledUis(cfg), cfg.teams);
  return [
    ...uiRouteObjects(routes, labels),
    ...gatewayUiNetworkPolicies(routes, labels),
    ...uiSecurityPolicyObjects({ access, routes, labels }),
    ...(access.identityProvider.kind === "dex" ? [...dexRouteObjects(access.domain, labels), ...identityProviderPolicyObjects(DEX_ROUTE_NAME, labels)] : []),
  ];
}

/** The teams' model-endpoint SecurityPolicies: the only objects naming the service-account issuer (`eksIssuer` on EKS). */
export const modelPolicyObjects = (cfg: PlatformConfig, access: AccessConfig, labels: Readonly<Record<string, string>>, eksIssuer?: string): Manifest[] =>
  modelSecurityPolicyObjects({ access, teams: cfg.teams, serviceAccountIssuer: serviceAccountIssuerOf(access, eksIssuer), labels });

/** The object group of the teams' model-endpoint SecurityPolicies (apart: on EKS they wait on the cluster's issuer). */
export const MODEL_POLICIES_GROUP = "model-policies";

export interface StackRoutesArgs {
  readonly cfg: PlatformConfig;
  readonly identity: StackIdentity;
  readonly labels: Readonly<Record<string, string>>;
  /** What makes the namespaces the objects live in (teams, services, monitoring); Dex's is added. */
  readonly namespaces: pulumi.Input<pulumi.Resource>[];
  /** EKS: the cluster's OIDC issuer (identities[0].oidcs[0].issuer), whose service-account tokens model endpoints accept. */
  readonly eksIssuer?: pulumi.Input<string>;
}

/**
 * The gateway's routes and policies, after the namespaces they name exist. Only the model policies wait on the EKS
 * issuer (a cluster output, unknown on a new stack's preview); everything else is planned plainly.
 */
export function createStackRoutes(gateway: Pick<Access, "addRoutes">, args: StackRoutesArgs): void {
  const { cfg, identity, labels } = args;
  const access = identity.access;
  const namespaces = [...args.namespaces, ...(identity.provider ? [identity.provider] : [])];
  gateway.addRoutes(stackAccessObjects(cfg, access, labels), namespaces);
  if (!cfg.teams.some((team) => team.modelEndpoints)) return;
  const models =
    args.eksIssuer === undefined
      ? modelPolicyObjects(cfg, access, labels)
      : pulumi.output(args.eksIssuer).apply((issuer) => modelPolicyObjects(cfg, access, labels, issuer));
  gateway.addRoutes(models, namespaces, MODEL_POLICIES_GROUP);
}

/** What a stack tells its users about access (index.ts exports these). */
export interface AccessOutputs {
  /** Each UI route the gateway serves and its URL, e.g. { grafana: "https://grafana.<domain>/", "evidently-vision": "https://evidently-vision.<domain>/" }. */
  readonly gatewayUrls?: Readonly<Record<string, string>>;
  /** With Dex: each test user's email, group and password (a secret: `pulumi stack output --show-secrets`). */
  readonly localTestUsers?: pulumi.Output<TestUserCredentials[]>;
}

export function accessOutputs(cfg: PlatformConfig, identity: StackIdentity | undefined): AccessOutputs {
  if (!identity) return {};
  const routes = uiRoutes(identity.access, enabledUis(cfg), cfg.teams);
  return {
    gatewayUrls: Object.fromEntries(routes.map((route) => [route.name, `https://${route.host}/`])),
    localTestUsers: identity.provider?.testUsers,
  };
}
