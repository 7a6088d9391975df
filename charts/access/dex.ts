/**
 * The platform's own identity provider (access.identityProvider.kind dex, outside prod): Dex's config with one
 * test user per IdP group the stack names (platform admins and every team owner group), the platform's OIDC
 * client, and the route that serves Dex's pages at login.<domain>. Pure: config in, plain data out; the
 * IdentityProvider component (components/identity) fills in the generated secrets.
 */
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import { DEX_HOST_LABEL, DEX_PATH, type AccessConfig } from "../../config/access";
import type { TeamConfig } from "../../config/teams";
import { isTeamUiApp, TEAM_UI_APPS, teamIdpGroups, teamUiName, UI_APPS, uiHost, type UiBackend } from "../../domain/access";
import { DEX_NAMESPACE } from "../../domain/platform-namespaces";
import type { Manifest } from "../kube";
import { backendRouteObjects, IDENTITY_PROVIDER_ROUTE_LABEL } from "./routes";

/** The Helm release; the chart names its Service and Deployment after it (`dex`, as DEX_IN_CLUSTER_URL says). */
export const DEX_RELEASE = "dex";
/** Dex's HTTP port (the chart's --web-http-addr and Service port) and its health and metrics port. */
export const DEX_PORTS = { http: 5556, telemetry: 5558 } as const;
/** The chart's selector labels of the Dex pods for this release. */
export const DEX_POD_LABELS = { "app.kubernetes.io/name": "dex", "app.kubernetes.io/instance": DEX_RELEASE } as const;
/** The Secret holding Dex's config (charts/values/dex.yaml names it): hashes and the client secret are in it. */
export const DEX_CONFIG_SECRET = "dex-config";
export const DEX_CONFIG_KEY = "config.yaml";
/** The route of login.<domain> in the gateway's namespace, and the backend it reaches. */
export const DEX_ROUTE_NAME = "identity-provider";
export const DEX_BACKEND: UiBackend = { namespace: DEX_NAMESPACE, service: DEX_RELEASE, port: DEX_PORTS.http };
/** kubelogin's default callback addresses (its --listen-address default and fallback): the public kubectl client's only redirects. */
export const KUBELOGIN_REDIRECT_URIS = ["http://localhost:8000", "http://localhost:18000"] as const;
/** Dex's built-in connector of the static users. */
export const DEX_LOCAL_CONNECTOR = "local";

export const dexHost = (domain: string): string => `${DEX_HOST_LABEL}.${domain}`;

/** A test user: one per IdP group, member of exactly that group. */
export interface DexTestUser {
  readonly group: string;
  /** What the person types at Dex's login page, and the `email` claim. */
  readonly email: string;
  /** The `preferred_username` and `name` claims. */
  readonly username: string;
  /** The stable user id Dex derives the `sub` claim from. */
  readonly userID: string;
}

/** A DNS-label-like slug of a group name: IdP groups may hold any character, an email's local part may not. */
function slugOf(group: string): string {
  const slug = group
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  return slug === "" ? "user" : slug;
}

/**
 * One user per IdP group: the platform admins' groups first, then every team's owner groups in every role, each
 * once. Groups whose slugs collide get a numbered suffix, so every user has its own login.
 */
export function dexTestUsers(access: Pick<AccessConfig, "adminGroups" | "domain">, teams: readonly Pick<TeamConfig, "owners">[]): DexTestUser[] {
  const groups = [...new Set([...access.adminGroups, ...teams.flatMap(teamIdpGroups)])];
  const taken = new Set<string>();
  return groups.map((group) => {
    const base = slugOf(group);
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    taken.add(slug);
    return { group, email: `${slug}@${access.domain}`, username: slug, userID: `test-${slug}` };
  });
}

/**
 * Where Dex may send people back to from the confidential client: the gateway's OIDC callback on every shared UI
 * host the platform can serve (a host the stack does not route leads nowhere, so that part follows the domain alone),
 * on the host of each team's own instance of a per-team UI the team opted into (pipelines-<team>, evidently-<team>), and Grafana's own
 * OAuth callback (same client). Never localhost: kubelogin has its own public client. Dex matches redirect URIs
 * exactly, so each team host is listed. @default teams none
 */
export function dexRedirectUris(domain: string, teams: readonly Pick<TeamConfig, "name" | "services">[] = []): string[] {
  const shared = UI_APPS.filter((app) => !isTeamUiApp(app)).map((app) => uiHost(domain, app));
  const perTeam = TEAM_UI_APPS.flatMap((app) => teams.filter((t) => t.services.includes(app)).map((t) => uiHost(domain, teamUiName(app, t.name))));
  return [...[...shared, ...perTeam].map((host) => `https://${host}/oauth2/callback`), `https://${uiHost(domain, "grafana")}/login/generic_oauth`];
}

export interface DexConfigArgs {
  readonly access: Pick<AccessConfig, "identityProvider">;
  /** Each test user with the bcrypt hash of its password (cost ≥ 10, Dex refuses less). */
  readonly users: readonly { readonly user: DexTestUser; readonly hash: string }[];
  readonly clientSecret: string;
  readonly redirectURIs: readonly string[];
}

/**
 * Dex v2.45.1's config (cmd/dex/config.go): the issuer from the access section, in-memory storage (no API
 * access, no CRDs; one replica; a restart signs everyone out), the static users with their group (staticPasswords
 * `groups`, new in v2.45.0), and the one confidential client. The password grant through the static users
 * (oauth2.passwordConnector) lets kubelogin --grant-type password and tests get tokens without a browser; the
 * same passwords open the login page, so it adds no way in. Two clients: the gateway's and Grafana's confidential
 * one, and kubelogin's public one (no secret, PKCE, localhost redirects only), the only audience the API server takes.
 */
export function dexConfig(args: DexConfigArgs): Record<string, unknown> {
  const idp = args.access.identityProvider;
  if (idp.kind !== "dex") throw new Error(`access.identityProvider.kind is ${idp.kind}: the platform runs Dex only for kind dex`);
  return {
    issuer: idp.issuer,
    storage: { type: "memory" },
    web: { http: `0.0.0.0:${DEX_PORTS.http}` },
    telemetry: { http: `0.0.0.0:${DEX_PORTS.telemetry}` },
    logger: { level: "info", format: "json" },
    frontend: { issuer: "MLOps platform" },
    oauth2: {
      grantTypes: ["authorization_code", "refresh_token", "password"],
      responseTypes: ["code"],
      skipApprovalScreen: true,
      passwordConnector: DEX_LOCAL_CONNECTOR,
    },
    staticClients: [
      { id: idp.clientId, name: "MLOps platform", secret: args.clientSecret, redirectURIs: [...args.redirectURIs] },
      { id: idp.kubectlClientId, name: "MLOps platform kubectl", public: true, redirectURIs: [...KUBELOGIN_REDIRECT_URIS] },
    ],
    enablePasswordDB: true,
    staticPasswords: args.users.map(({ user, hash }) => ({
      email: user.email,
      hash,
      username: user.username,
      preferredUsername: user.username,
      name: user.username,
      emailVerified: true,
      userID: user.userID,
      groups: [user.group],
    })),
  };
}

export const dexConfigYaml = (args: DexConfigArgs): string => stringify(dexConfig(args));

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/**
 * A digest of the generated secrets in Dex's config (the client secret, each user's bcrypt hash), so a replaced
 * password restarts Dex. Publishable: the secret is 48 random characters and the hashes are salted bcrypt, so
 * neither can be recovered from it.
 */
export const dexSecretsDigest = (clientSecret: string, hashes: readonly string[]): string => sha256(JSON.stringify([clientSecret, ...hashes]));

/**
 * The checksum for the pod annotation that restarts Dex when its config changes (Dex reads it once, and the chart's
 * own checksum covers only a Secret it makes itself): the config without its secrets (users, groups, clients,
 * redirect URIs, the issuer), combined with dexSecretsDigest, so a replaced client secret or password counts too.
 */
export function dexConfigChecksum(
  args: Omit<DexConfigArgs, "users" | "clientSecret"> & { readonly users: readonly DexTestUser[]; readonly secretsDigest: string },
): string {
  const config = dexConfig({ ...args, users: args.users.map((user) => ({ user, hash: "" })), clientSecret: "" });
  return sha256(`${JSON.stringify(config)}\n${args.secretsDigest}`);
}

/** Dex's HTTPRoute on the gateway (login.<domain>, Dex's path only) and the ReferenceGrant in `dex` that admits it. */
export function dexRouteObjects(domain: string, labels: Readonly<Record<string, string>> = {}): Manifest[] {
  return backendRouteObjects(
    {
      name: DEX_ROUTE_NAME,
      host: dexHost(domain),
      backend: DEX_BACKEND,
      pathPrefix: DEX_PATH,
      // The login page cannot itself require a login: the one route the gateway-wide JWT policy exempts.
      labels: { [IDENTITY_PROVIDER_ROUTE_LABEL]: "true" },
    },
    labels,
  );
}
