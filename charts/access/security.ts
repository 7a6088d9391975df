/**
 * Envoy Gateway SecurityPolicies (gateway.envoyproxy.io/v1alpha1 at v1.9.0): who gets through the gateway.
 * (a) the Gateway-wide default: a valid IdP bearer token of a platform admin, so a route nobody wrote a policy for
 *     stays closed to everyone else; (b) per UI route: sign-in through the IdP (a session of its own per UI), then
 *     the groups of the teams using the UI and the admins (a team's own instance: that team's groups and the admins); (c) per team serving models: IdP tokens of the team's
 *     groups and the admins, and service-account tokens (audience MODEL_TOKEN_AUDIENCE) of the team's listed
 *     callers. A route's own policy replaces the Gateway's (no merging), so each policy carries its whole rule set.
 * Pure: config in, plain manifests out; the cluster's service-account issuer is an argument (on EKS it is only
 * known once the cluster exists, so the component builds the model policies, and only those, inside an Output).
 */
import type { AccessConfig } from "../../config/access";
import type { TeamConfig } from "../../config/teams";
import { GATEWAY_NAME, GATEWAY_NAMESPACE, MODEL_TOKEN_AUDIENCE, teamIdpGroups, type UiRoute } from "../../domain/access";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { customResource, manifests, type Manifest } from "../kube";
import { GATEWAY_API_GROUP, uiRouteName } from "./routes";
import type { AuthorizationRule, ClaimRule, JwtProvider, SecurityPolicySpec } from "./security-types";

export type { SecurityPolicySpec } from "./security-types";

export const ENVOY_GATEWAY_API = "gateway.envoyproxy.io/v1alpha1";
/** The Secret (in the gateway's namespace) holding the OIDC client secret under the key Envoy Gateway reads. */
export const OIDC_CLIENT_SECRET = "oidc-client";
export const OIDC_CLIENT_SECRET_KEY = "client-secret";
/**
 * Named, so the JWT filter can read the ID token from the session the OIDC filter set (names are random otherwise).
 * One pair per UI route (UiRoute.name: each team's own instance has its own), host-only: Envoy's session HMAC covers
 * the token cookies and is keyed per policy, so shared names would let signing in to one UI invalidate the others,
 * and a domain-wide ID-token cookie would reach every host.
 */
export const idTokenCookie = (route: string): string => `mlops-${route}-id-token`;
export const accessTokenCookie = (route: string): string => `mlops-${route}-access-token`;
/** Where the IdP sends a browser back after sign-in (the OIDC filter answers it on every UI host). */
export const OIDC_CALLBACK_PATH = "/oauth2/callback";
/** Envoy Gateway's limit on the values of one claim rule (JWTClaim.values maxItems). */
export const MAX_CLAIM_VALUES = 128;
/** JWT provider names, which authorization rules refer to. */
export const IDP_PROVIDER = "idp";
export const CLUSTER_PROVIDER = "cluster";
export const GATEWAY_DEFAULT_POLICY = "gateway-default";
export const MODEL_ENDPOINTS_POLICY = "model-endpoints";
export const IDENTITY_PROVIDER_POLICY = "identity-provider";

/**
 * The issuer of the cluster's service-account tokens and where its signing keys are: on EKS the public OIDC issuer
 * serves them at <issuer>/keys; an existing cluster's API server serves its JWKS to authenticated callers only, so
 * the keys are given inline (access.serviceAccountIssuer).
 */
export type ServiceAccountIssuer = { readonly issuer: string; readonly jwksUri: string } | { readonly issuer: string; readonly jwks: string };

/** The EKS cluster's OIDC issuer (aws.eks.Cluster identities[0].oidcs[0].issuer) and its keys. */
export const eksServiceAccountIssuer = (issuer: string): ServiceAccountIssuer => ({ issuer, jwksUri: `${issuer.replace(/\/+$/, "")}/keys` });

/**
 * Whose service-account tokens model endpoints accept: on EKS the cluster's OIDC issuer (pass the resolved
 * `identities[0].oidcs[0].issuer`), elsewhere `access.serviceAccountIssuer` with its keys inline, else nobody's.
 */
export function serviceAccountIssuerOf(access: Pick<AccessConfig, "serviceAccountIssuer">, eksIssuer?: string): ServiceAccountIssuer | undefined {
  if (eksIssuer) return eksServiceAccountIssuer(eksIssuer);
  return access.serviceAccountIssuer && { issuer: access.serviceAccountIssuer.issuer, jwks: access.serviceAccountIssuer.jwks };
}

/** The redirect URL the IdP client must allow for a UI host. */
export const oidcRedirectUrl = (host: string): string => `https://${host}${OIDC_CALLBACK_PATH}`;

/** `values` split into claim rules of at most MAX_CLAIM_VALUES each (one rule matches any of its values). */
export function chunked<T>(values: readonly T[], size = MAX_CLAIM_VALUES): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < values.length; start += size) out.push(values.slice(start, start + size));
  return out;
}

/** Allow rules, ≤128 values each, for a claim of a provider's tokens; none when `values` is empty. */
function allowClaim(prefix: string, provider: string, claim: ClaimRule): AuthorizationRule[] {
  const parts = chunked([...new Set(claim.values)]);
  return parts.map((values, index) => ({
    name: parts.length === 1 ? prefix : `${prefix}-${index}`,
    action: "Allow" as const,
    principal: { jwt: { provider, claims: [{ ...claim, values }] } },
  }));
}

const groupsClaim = (access: AccessConfig, groups: readonly string[]): ClaimRule => ({
  name: access.claims.groups,
  valueType: "StringArray",
  values: [...groups],
});

/**
 * The IdP as a JWT provider: its ID tokens read from an Authorization bearer header and, for a UI, from the session
 * cookie that UI's OIDC filter sets. Without `cookie` the header alone (the Gateway default has no sign-in; model
 * endpoints: a browser session must not call a model on a page's behalf). A bearer token is what kubelogin gets
 * (audience kubectlClientId); a UI's session cookie holds one minted for the gateway's own client.
 */
export function idpJwtProvider(access: AccessConfig, cookie?: string): JwtProvider {
  const idp = access.identityProvider;
  const bearer = { name: "Authorization", valuePrefix: "Bearer " };
  return {
    name: IDP_PROVIDER,
    issuer: idp.issuer,
    audiences: cookie ? [idp.clientId, idp.kubectlClientId] : [idp.kubectlClientId],
    remoteJWKS: { uri: idp.endpoints.jwks },
    extractFrom: cookie ? { cookies: [cookie], headers: [bearer] } : { headers: [bearer] },
  };
}

/** The cluster's service-account tokens minted for the model audience (never the API server's own tokens). */
export function clusterJwtProvider(issuer: ServiceAccountIssuer): JwtProvider {
  return {
    name: CLUSTER_PROVIDER,
    issuer: issuer.issuer,
    audiences: [MODEL_TOKEN_AUDIENCE],
    ...("jwksUri" in issuer ? { remoteJWKS: { uri: issuer.jwksUri } } : { localJWKS: { type: "Inline" as const, inline: issuer.jwks } }),
    extractFrom: { headers: [{ name: "Authorization", valuePrefix: "Bearer " }] },
  };
}

/** (a) Gateway-wide: platform admins' IdP bearer tokens only; every other request to a route without its own policy is refused. */
export function gatewayDefaultPolicy(access: AccessConfig): SecurityPolicySpec {
  return {
    targetRefs: [{ group: GATEWAY_API_GROUP, kind: "Gateway", name: GATEWAY_NAME }],
    jwt: { providers: [idpJwtProvider(access)] },
    authorization: { defaultAction: "Deny", rules: allowClaim("platform-admins", IDP_PROVIDER, groupsClaim(access, access.adminGroups)) },
  };
}

/** (b) A UI: sign-in through the IdP, then only the route's groups (raw IdP names: the token carries no prefix). */
export function uiPolicy(access: AccessConfig, route: UiRoute): SecurityPolicySpec {
  const idp = access.identityProvider;
  return {
    targetRefs: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute", name: uiRouteName(route.name) }],
    oidc: {
      // Explicit endpoints: the controller would otherwise fetch the issuer's discovery document while translating.
      provider: { issuer: idp.issuer, authorizationEndpoint: idp.endpoints.authorization, tokenEndpoint: idp.endpoints.token },
      clientID: idp.clientId,
      clientSecret: { name: OIDC_CLIENT_SECRET },
      redirectURL: oidcRedirectUrl(route.host),
      // Host-only (no cookieDomain): each UI keeps its own session; the IdP's own session makes the next UI a redirect.
      cookieNames: { idToken: idTokenCookie(route.name), accessToken: accessTokenCookie(route.name) },
      scopes: [...access.scopes],
      // The JWT filter validates the raw cookie; encrypted cookies fail it (envoyproxy/gateway#6816).
      disableTokenEncryption: true,
      // A request with a bearer token skips the redirect and is judged by the JWT filter (scripts, CLIs).
      passThroughAuthHeader: true,
    },
    jwt: { providers: [idpJwtProvider(access, idTokenCookie(route.name))] },
    authorization: { defaultAction: "Deny", rules: allowClaim("groups", IDP_PROVIDER, groupsClaim(access, route.groups)) },
  };
}

/** The service-account subject of each caller a team's models accept. */
export const callerSubjects = (team: Pick<TeamConfig, "modelEndpoints">): string[] =>
  (team.modelEndpoints?.callers ?? []).map((c) => `system:serviceaccount:${c.namespace}:${c.serviceAccount}`);

/**
 * (c) A team's model endpoints: every HTTPRoute of its namespace (an empty label selector selects all of them, and
 * KServe's routes carry only the InferenceService's own labels). IdP tokens of the team's groups and the admins; with
 * a service-account issuer, tokens of the listed callers (matched on `sub`, which names namespace and account).
 */
export function modelPolicy(access: AccessConfig, team: Pick<TeamConfig, "owners" | "modelEndpoints">, issuer?: ServiceAccountIssuer): SecurityPolicySpec {
  const groups = [...new Set([...access.adminGroups, ...teamIdpGroups(team)])];
  const subjects = callerSubjects(team);
  const serviceAccounts = issuer && subjects.length > 0;
  return {
    targetSelectors: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute" }],
    jwt: { providers: [idpJwtProvider(access), ...(serviceAccounts ? [clusterJwtProvider(issuer)] : [])] },
    authorization: {
      defaultAction: "Deny",
      rules: [
        ...allowClaim("groups", IDP_PROVIDER, groupsClaim(access, groups)),
        ...(serviceAccounts ? allowClaim("callers", CLUSTER_PROVIDER, { name: "sub", valueType: "String", values: subjects }) : []),
      ],
    },
  };
}

/**
 * The IdP's own route (the platform's Dex, `login.<domain>`): its sign-in pages must open without a token, and a
 * route's own policy is the only way out of the Gateway-wide default. Allows every request, checks nothing.
 */
export function identityProviderPolicy(routeName: string): SecurityPolicySpec {
  return { targetRefs: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute", name: routeName }], authorization: { defaultAction: "Allow" } };
}

export interface SecurityPolicyArgs {
  readonly access: AccessConfig;
  /** The UIs the stack serves (domain/access.ts uiRoutes). */
  readonly routes: readonly UiRoute[];
  readonly teams: readonly Pick<TeamConfig, "name" | "owners" | "modelEndpoints">[];
  /** Whose service-account tokens model endpoints accept; none: IdP tokens only. */
  readonly serviceAccountIssuer?: ServiceAccountIssuer;
  readonly labels?: Readonly<Record<string, string>>;
}

const policy = (name: string, namespace: string, spec: SecurityPolicySpec, labels: Readonly<Record<string, string>>) => ({
  apiVersion: ENVOY_GATEWAY_API,
  kind: "SecurityPolicy",
  metadata: { name, namespace, labels: { ...labels, ...PLATFORM_OWNED_LABELS } },
  spec,
});

/** The Gateway default and one policy per UI route: config alone, known at preview. */
export function uiSecurityPolicyObjects({ access, routes, labels = {} }: Pick<SecurityPolicyArgs, "access" | "routes" | "labels">): Manifest[] {
  return manifests((scope) => {
    customResource(scope, "policy-gateway-default", policy(GATEWAY_DEFAULT_POLICY, GATEWAY_NAMESPACE, gatewayDefaultPolicy(access), labels));
    for (const route of routes) {
      const name = uiRouteName(route.name);
      customResource(scope, `policy-${name}`, policy(name, GATEWAY_NAMESPACE, uiPolicy(access, route), labels));
    }
  });
}

/** One policy per team that serves models: the only ones naming the service-account issuer (on EKS, a cluster output). */
export function modelSecurityPolicyObjects({
  access,
  teams,
  serviceAccountIssuer,
  labels = {},
}: Pick<SecurityPolicyArgs, "access" | "teams" | "serviceAccountIssuer" | "labels">): Manifest[] {
  return manifests((scope) => {
    for (const team of teams.filter((t) => t.modelEndpoints)) {
      customResource(scope, `policy-models-${team.name}`, policy(MODEL_ENDPOINTS_POLICY, team.name, modelPolicy(access, team, serviceAccountIssuer), labels));
    }
  });
}

/** Every SecurityPolicy of the stack: the Gateway default, one per UI route, one per team that serves models. */
export const securityPolicyObjects = (args: SecurityPolicyArgs): Manifest[] => [...uiSecurityPolicyObjects(args), ...modelSecurityPolicyObjects(args)];

/** The IdP route's open policy (see identityProviderPolicy), for whoever builds that route. */
export function identityProviderPolicyObjects(routeName: string, labels: Readonly<Record<string, string>> = {}): Manifest[] {
  return manifests((scope) => {
    customResource(scope, "policy-identity-provider", policy(IDENTITY_PROVIDER_POLICY, GATEWAY_NAMESPACE, identityProviderPolicy(routeName), labels));
  });
}
