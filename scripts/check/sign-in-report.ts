/**
 * How a team's people sign in, in the team report: kubectl (kubelogin for IdP groups, `aws eks update-kubeconfig`
 * for IAM principals), the UIs the gateway serves them, and how their models are called. Says plainly when a way
 * in does not exist.
 */
import type { AccessConfig } from "../../config/access";
import { TEAM_ROLES, type TeamConfig } from "../../config/teams";
import { teamGroup } from "../../charts/team/rbac";
import { MODEL_TOKEN_AUDIENCE, clusterGroup, modelHost, teamIdpGroups, uiRoutes, type UiApp } from "../../domain/access";

export interface SignInContext {
  /** The stack's access section; without it there is no identity provider and no gateway. */
  readonly access?: AccessConfig;
  /** EKS cluster name and region when the stack runs on AWS; undefined on an existing cluster. */
  readonly eksClusterName?: string;
  readonly region?: string;
  /** The UIs the stack serves (components/access/wiring.ts enabledUis). @default Grafana only */
  readonly uiApps?: ReadonlySet<UiApp>;
  /** Whether model endpoints accept service-account tokens of the listed callers (a known service-account issuer). @default false */
  readonly serviceAccountTokens?: boolean;
}

/** The scopes kubelogin asks for beyond openid (which it always sends): the stack's, as the gateway and Grafana ask. */
export const kubeloginExtraScopes = (access: Pick<AccessConfig, "scopes">): string[] => access.scopes.filter((scope) => scope !== "openid");

type KubeloginAccess = Pick<AccessConfig, "identityProvider" | "scopes">;

/**
 * kubelogin's arguments for the stack's IdP (int128/kubelogin: `kubectl oidc-login get-token`): the public kubectl
 * client, with PKCE and no secret; the gateway's client is confidential and its tokens are not the API server's.
 */
export const kubeloginArgs = (access: KubeloginAccess): string[] => [
  "oidc-login",
  "get-token",
  `--oidc-issuer-url=${access.identityProvider.issuer}`,
  `--oidc-client-id=${access.identityProvider.kubectlClientId}`,
  ...kubeloginExtraScopes(access).map((scope) => `--oidc-extra-scope=${scope}`),
];

/** The kubeconfig user for IdP sign-in, as one command (kubelogin's setup: an exec credential plugin run through kubectl). */
export function kubeloginCommand(access: KubeloginAccess, user = "oidc"): string {
  const exec = ["--exec-api-version=client.authentication.k8s.io/v1", "--exec-interactive-mode=Never", "--exec-command=kubectl"];
  return `kubectl config set-credentials ${user} ${[...exec, ...kubeloginArgs(access).map((arg) => `--exec-arg=${arg}`)].join(" ")}`;
}

const updateKubeconfig = (ctx: SignInContext): string => `aws eks update-kubeconfig --name ${ctx.eksClusterName} --region ${ctx.region ?? "<region>"}`;

function kubectlLine(team: TeamConfig, ctx: SignInContext): string {
  const groups = teamIdpGroups(team);
  const iam = TEAM_ROLES.flatMap((role) => team.owners[role].iamPrincipals.map((p) => `${p} (${teamGroup(team.name, role)})`));
  const parts: string[] = [];
  if (groups.length > 0) {
    const access = ctx.access;
    if (access)
      parts.push(
        `groups ${groups.join(", ")} sign in with kubelogin (issuer ${access.identityProvider.issuer}, client ${access.identityProvider.kubectlClientId}, extra scopes ${kubeloginExtraScopes(access).join(" ")}) and act as ${groups.map((g) => clusterGroup(access, g)).join(", ")}`,
      );
    else if (ctx.eksClusterName)
      parts.push(`groups ${groups.join(", ")} CANNOT sign in: the stack has no access section, so the cluster has no identity provider`);
    else parts.push(`groups ${groups.join(", ")} as the cluster's own authentication names them (the platform configures no identity provider)`);
  }
  if (groups.length > 0 && ctx.access?.identityProvider.kind === "dex")
    parts.push(
      `the platform's Dex signs in its test users (stack output) through its public client ${ctx.access.identityProvider.kubectlClientId} (no secret)`,
    );
  if (iam.length > 0) parts.push(`IAM principals ${iam.join(", ")} with \`${updateKubeconfig(ctx)}\` (access entries)`);
  return `  kubectl    ${parts.length > 0 ? parts.join("; ") : "nobody: the team names no owners"}`;
}

/** Where the kubeconfig's cluster comes from for a kubelogin user, and how its context takes the user. */
function clusterSource(ctx: SignInContext): string {
  const context = "then `kubectl config set-context --current --user=oidc`";
  if (ctx.eksClusterName)
    return `the cluster from \`${updateKubeconfig(ctx)}\` (needs eks:DescribeCluster) or the stack output kubeconfig (server and CA, no credential: the platform team can hand it out), ${context}`;
  return `the cluster from its own kubeconfig (its API server must trust this issuer and client, with these claims and prefixes), ${context}`;
}

const GRAFANA_ROLE_NOTE = "(Editor for its admin and edit groups, Viewer for view)";

function uiLine(team: TeamConfig, access: AccessConfig | undefined, ctx: SignInContext): string {
  if (!access) return "  ui         none: the stack has no access section, so no gateway serves the UIs";
  if (teamIdpGroups(team).length === 0)
    return "  ui         none: the UIs take IdP sign-in and the team names no IdP groups (IAM principals cannot sign in there)";
  const routes = uiRoutes(access, ctx.uiApps ?? new Set<UiApp>(["grafana"]), [team]);
  const entries = routes.map((r) => `${r.app} https://${r.host}/${r.app === "grafana" ? ` ${GRAFANA_ROLE_NOTE}` : ""}`);
  return `  ui         ${entries.join(", ")}; signed in through ${access.identityProvider.issuer} as its groups`;
}

function modelsLine(team: TeamConfig, access: AccessConfig, ctx: SignInContext): string {
  const host = modelHost(access.domain, "<inference-service>", team.name);
  const idToken = `an IdP ID token (client ${access.identityProvider.kubectlClientId}) of its groups or the platform admins, e.g. \`kubectl ${kubeloginArgs(access).join(" ")}\` → .status.token`;
  const callers = (team.modelEndpoints?.callers ?? []).map((c) => `${c.namespace}/${c.serviceAccount}`);
  const serviceAccounts = ctx.serviceAccountTokens
    ? ` or a projected service-account token (audience ${MODEL_TOKEN_AUDIENCE}) of ${callers.join(", ")}`
    : "; service-account tokens are not accepted in this stack (no service-account issuer)";
  return `  models     https://${host} with \`Authorization: Bearer <token>\`: ${idToken}${serviceAccounts}`;
}

export function signInLines(team: TeamConfig, ctx: SignInContext): string[] {
  const access = ctx.access;
  const kubeconfig = access && teamIdpGroups(team).length > 0 ? [`  kubeconfig \`${kubeloginCommand(access)}\`; ${clusterSource(ctx)}`] : [];
  return [
    kubectlLine(team, ctx),
    ...kubeconfig,
    uiLine(team, access, ctx),
    ...(team.modelEndpoints
      ? [access ? modelsLine(team, access, ctx) : "  models     none: the stack has no access section, so no gateway serves models"]
      : []),
  ];
}
