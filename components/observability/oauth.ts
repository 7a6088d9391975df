/**
 * Grafana's sign-in with the stack's identity provider (generic OAuth, the same client as the gateway): who may
 * sign in and with which role, generated from `access.adminGroups` and `teams[].owners`, never edited by hand.
 *
 * Everything taken from config reaches Grafana as GF_AUTH_GENERIC_OAUTH_* environment variables, not as
 * grafana.ini lines: Grafana reads grafana.ini with go-ini's defaults, which cut a value at `#` or `;` and strip
 * surrounding quotes, while an environment value is taken as written. The JMESPath and JSON we generate hold
 * only printable ASCII without `$`, `{`, `}` or backticks (escaped as \uXXXX), so neither the chart's `tpl`
 * (`{{`) nor Grafana's variable expansion (`${…}`, `$__file{…}`) can touch a group name.
 */
import type { AccessConfig } from "../../config/access";
import type { TeamConfig } from "../../config/teams";
import { uiHost } from "../../domain/access";
import { SECRET_FILE_MODE } from "../../charts/services/secret-files";
import type { Values } from "../../charts/values";

/** The Secret (in monitoring) holding the IdP client's secret, and where Grafana reads it as a file. */
export const GRAFANA_OAUTH_SECRET = "grafana-oauth";
export const GRAFANA_OAUTH_SECRET_KEY = "client-secret";
export const GRAFANA_OAUTH_MOUNT = "/etc/secrets/grafana-oauth";

/** Grafana roles in the order the expression tries them: the first group match wins. */
export const GRAFANA_ROLES = ["GrafanaAdmin", "Editor", "Viewer"] as const;
export type GrafanaRole = (typeof GRAFANA_ROLES)[number];

/** Characters a generated JSON text keeps as \uXXXX: non-printable or non-ASCII, and what tpl or Grafana's expansion would read. */
const UNSAFE = /[^\x20-\x7e]|[$`{}]/g;
const escapeUnsafe = (json: string): string => json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** A JSON text (string or array of strings) as printable ASCII that JSON parsers read back unchanged. */
export const safeJson = (value: string | readonly string[]): string => escapeUnsafe(JSON.stringify(value));

/** A JMESPath identifier for a top-level claim: bare when JMESPath allows it, else a quoted (JSON) identifier. */
export const jmesField = (claim: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(claim) ? claim : safeJson(claim));

/**
 * The groups claim as a list whatever the IdP sends: to_array makes a lone string a one-element list (so a
 * match is never a substring match) and a missing claim [null] (matching nothing) instead of an error.
 */
export const groupsPath = (access: Pick<AccessConfig, "claims">): string => `to_array(${jmesField(access.claims.groups)})`;

/** Which IdP groups get which Grafana role: platform admins GrafanaAdmin, team admin and edit groups Editor, view groups Viewer. */
export function grafanaRoleGroups(access: Pick<AccessConfig, "adminGroups">, teams: readonly Pick<TeamConfig, "owners">[]): Record<GrafanaRole, string[]> {
  const admins = [...new Set(access.adminGroups)].sort();
  const editors = [...new Set(teams.flatMap((t) => [...t.owners.admin.groups, ...t.owners.edit.groups]))].filter((g) => !admins.includes(g)).sort();
  const viewers = [...new Set(teams.flatMap((t) => t.owners.view.groups))].filter((g) => !admins.includes(g) && !editors.includes(g)).sort();
  return { GrafanaAdmin: admins, Editor: editors, Viewer: viewers };
}

/**
 * role_attribute_path: `<groups>[?contains(<role's groups>, @)] && '<role>' || …` per role with groups. A
 * non-empty filtered list is truthy in JMESPath, so the first role whose list meets the user's groups wins; with
 * no match the expression is false, Grafana reads no role, and role_attribute_strict refuses the sign-in.
 */
export function grafanaRoleExpression(access: Pick<AccessConfig, "adminGroups" | "claims">, teams: readonly Pick<TeamConfig, "owners">[]): string {
  const groups = grafanaRoleGroups(access, teams);
  return GRAFANA_ROLES.filter((role) => groups[role].length > 0)
    .map((role) => `${groupsPath(access)}[?contains(\`${safeJson(groups[role])}\`, @)] && '${role}'`)
    .join(" || ");
}

/** Every group that may sign in at all (Grafana's allowed_groups): admins and every team's groups. */
export const grafanaAllowedGroups = (access: Pick<AccessConfig, "adminGroups">, teams: readonly Pick<TeamConfig, "owners">[]): string[] =>
  Object.values(grafanaRoleGroups(access, teams)).flat();

export interface GrafanaOAuthInputs {
  readonly access: AccessConfig;
  readonly teams: readonly Pick<TeamConfig, "owners">[];
}

/** The grafana subchart's values for generic OAuth (merged over the admin login, which stays as break-glass). */
export function grafanaOAuthValues({ access, teams }: GrafanaOAuthInputs): Values {
  const idp = access.identityProvider;
  const env = {
    CLIENT_ID: idp.clientId,
    // access.scopes: a scope token holds no space, comma, # or ; (config/access.ts), so the list reads back as given.
    SCOPES: access.scopes.join(" "),
    AUTH_URL: idp.endpoints.authorization,
    TOKEN_URL: idp.endpoints.token,
    API_URL: idp.endpoints.userInfo,
    LOGIN_ATTRIBUTE_PATH: jmesField(access.claims.username),
    GROUPS_ATTRIBUTE_PATH: groupsPath(access),
    // Grafana reads a list that starts with [ as JSON (util.SplitString): group names may hold spaces and commas.
    ALLOWED_GROUPS: safeJson(grafanaAllowedGroups(access, teams)),
    ROLE_ATTRIBUTE_PATH: grafanaRoleExpression(access, teams),
  };
  return {
    "grafana.ini": {
      server: { root_url: `https://${uiHost(access.domain, "grafana")}/` },
      "auth.generic_oauth": {
        enabled: true,
        name: "Single sign-on",
        // The chart refuses a literal secret here (assertNoLeakedSecrets); Grafana expands the file reference.
        client_secret: `$__file{${GRAFANA_OAUTH_MOUNT}/${GRAFANA_OAUTH_SECRET_KEY}}`,
        use_pkce: true,
        allow_sign_up: true,
        auto_login: true,
        role_attribute_strict: true,
        // GrafanaAdmin makes platform admins server admins; the role is re-read at every sign-in.
        allow_assign_grafana_admin: true,
        skip_org_role_sync: false,
      },
    },
    env: Object.fromEntries(Object.entries(env).map(([key, value]) => [`GF_AUTH_GENERIC_OAUTH_${key}`, value])),
  };
}

/** The chart's mount of the client secret: a read-only directory (no subPath, so a rotated secret arrives). */
export const grafanaOAuthMount = {
  name: "oauth",
  secretName: GRAFANA_OAUTH_SECRET,
  mountPath: GRAFANA_OAUTH_MOUNT,
  readOnly: true,
  defaultMode: SECRET_FILE_MODE,
} as const;
