/**
 * Grafana's generic OAuth values (components/observability/oauth.ts): the exact role expression, its quoting
 * under any group name (a small reader of the one shape we generate, evaluated for users' groups), the allowed
 * groups, the values the chart takes, and the Observability component's client-secret Secret under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { Observability } from "../../components/observability";
import {
  GRAFANA_OAUTH_MOUNT,
  GRAFANA_OAUTH_SECRET,
  grafanaAllowedGroups,
  grafanaOAuthValues,
  grafanaRoleExpression,
  grafanaRoleGroups,
  jmesField,
  safeJson,
} from "../../components/observability/oauth";
import { prometheusStackValues } from "../../components/observability/values";
import { resolveAccess, type AccessConfig, type AccessInput } from "../../config/access";
import type { TeamConfig } from "../../config/teams";
import { planMocks } from "../../scripts/plan/mocks";
import { Recorder, type PlannedResource } from "../../scripts/plan/recorder";

type Owners = Pick<TeamConfig, "owners">;
const owners = (admin: string[], edit: string[], view: string[]): Owners => ({
  owners: { admin: { groups: admin, iamPrincipals: [] }, edit: { groups: edit, iamPrincipals: [] }, view: { groups: view, iamPrincipals: [] } },
});
const INPUT: AccessInput = {
  identityProvider: {
    kind: "oidc",
    issuer: "https://idp.example.com",
    clientId: "mlops-platform",
    kubectlClientId: "mlops-kubectl",
    endpoints: {
      authorization: "https://idp.example.com/authorize",
      token: "https://idp.example.com/token",
      userInfo: "https://idp.example.com/userinfo",
      jwks: "https://idp.example.com/keys",
    },
  },
  adminGroups: ["ml-platform-admins"],
  domain: "mlops.example.com",
};
const accessWith = (adminGroups: string[], groupsClaim = "groups"): AccessConfig =>
  resolveAccess({ ...INPUT, adminGroups, claims: { groups: groupsClaim } }) as AccessConfig;
const ACCESS = accessWith(["ml-platform-admins"]);
const TEAMS = [owners(["vision-leads"], ["vision-eng"], ["vision-viewers"]), owners(["nlp-leads"], [], ["vision-leads"])];

/**
 * Reads the one shape grafanaRoleExpression writes — `<path>[?contains(`<JSON list>`, @)] && '<Role>'` joined
 * by ` || ` — and fails on anything else, so the quoting is checked by parsing, not by eye.
 */
function readExpression(expr: string): { path: string; role: string; groups: string[] }[] {
  const clause = /(to_array\((?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")\))\[\?contains\(`([^`]*)`, @\)\] && '(GrafanaAdmin|Editor|Viewer)'/g;
  const clauses = [...expr.matchAll(clause)];
  expect(clauses.map((c) => c[0]).join(" || ")).toBe(expr);
  return clauses.map((c) => ({ path: c[1], groups: JSON.parse(c[2]) as string[], role: c[3] }));
}
/** What the expression gives a user with these groups: the first role whose list meets them, or none. */
const roleOf = (expr: string, userGroups: readonly string[]): string | undefined =>
  readExpression(expr).find((c) => c.groups.some((g) => userGroups.includes(g)))?.role;

describe("grafanaRoleExpression", () => {
  it("is exactly one clause per role with groups, admins first", () => {
    expect(grafanaRoleExpression(ACCESS, TEAMS)).toBe(
      "to_array(groups)[?contains(`[\"ml-platform-admins\"]`, @)] && 'GrafanaAdmin' || " +
        'to_array(groups)[?contains(`["nlp-leads","vision-eng","vision-leads"]`, @)] && \'Editor\' || ' +
        "to_array(groups)[?contains(`[\"vision-viewers\"]`, @)] && 'Viewer'",
    );
  });

  it("gives each group its highest role once: an admin group is never also an editor, a team admin seen as viewer elsewhere stays editor", () => {
    expect(grafanaRoleGroups(accessWith(["ops", "vision-eng"]), TEAMS)).toEqual({
      GrafanaAdmin: ["ops", "vision-eng"],
      Editor: ["nlp-leads", "vision-leads"],
      Viewer: ["vision-viewers"],
    });
    expect(grafanaAllowedGroups(accessWith(["ops"]), TEAMS)).toEqual(["ops", "nlp-leads", "vision-eng", "vision-leads", "vision-viewers"]);
  });

  it("leaves out a role nobody holds, and quotes a claim name that is not a bare identifier", () => {
    const expr = grafanaRoleExpression(accessWith(["ops"], "cognito:groups"), [owners(["a"], [], [])]);
    expect(expr).toBe(
      'to_array("cognito:groups")[?contains(`["ops"]`, @)] && \'GrafanaAdmin\' || to_array("cognito:groups")[?contains(`["a"]`, @)] && \'Editor\'',
    );
  });

  const group = fc.string({ unit: "binary", minLength: 1, maxLength: 12 });
  it("property: any group names round-trip through the quoting, and the first matching role wins", () => {
    fc.assert(
      fc.property(fc.uniqueArray(group, { minLength: 4, maxLength: 9 }), fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), (names, claim) => {
        const [admin, edit, view, outsider, ...more] = names;
        const access = accessWith([admin], claim);
        const teams = [owners([edit, ...more], [], [view])];
        const expr = grafanaRoleExpression(access, teams);
        // Printable ASCII without what the chart's tpl or Grafana's ${…}/$__file{…} expansion would read.
        expect(expr).toMatch(/^[\x20-\x7e]*$/);
        expect(expr).not.toMatch(/[${}]/);
        const clauses = readExpression(expr);
        for (const c of clauses) expect(c.path).toBe(`to_array(${jmesField(claim)})`);
        expect(clauses.map((c) => [c.role, c.groups])).toEqual([
          ["GrafanaAdmin", [admin]],
          ["Editor", [edit, ...more].sort()],
          ["Viewer", [view]],
        ]);
        expect(roleOf(expr, [view, admin])).toBe("GrafanaAdmin");
        expect(roleOf(expr, [view, edit])).toBe("Editor");
        expect(roleOf(expr, [outsider, view])).toBe("Viewer");
        expect(roleOf(expr, [outsider])).toBeUndefined();
      }),
    );
  });

  it("property: safeJson and jmesField read back as the value they quote", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" }), { maxLength: 5 }), (values) => {
        expect(JSON.parse(safeJson(values))).toEqual(values);
        for (const v of values) {
          expect(safeJson(v)).not.toMatch(/[^\x20-\x7e]|[$`{}]/);
          if (v.length > 0) expect(jmesField(v) === v || JSON.parse(jmesField(v)) === v).toBe(true);
        }
      }),
    );
    expect(jmesField("groups")).toBe("groups");
    expect(jmesField("cognito:groups")).toBe('"cognito:groups"');
    expect(jmesField("1st")).toBe('"1st"');
  });
});

describe("grafanaOAuthValues", () => {
  const values = grafanaOAuthValues({ access: ACCESS, teams: TEAMS }) as Record<string, any>;

  it("turns on generic OAuth with PKCE, auto login, strict roles synced at every sign-in, and the public root URL", () => {
    expect(values["grafana.ini"]).toEqual({
      server: { root_url: "https://grafana.mlops.example.com/" },
      "auth.generic_oauth": {
        enabled: true,
        name: "Single sign-on",
        client_secret: `$__file{${GRAFANA_OAUTH_MOUNT}/client-secret}`,
        use_pkce: true,
        allow_sign_up: true,
        auto_login: true,
        role_attribute_strict: true,
        allow_assign_grafana_admin: true,
        skip_org_role_sync: false,
      },
    });
  });

  it("asks for the access section's scopes, so an IdP without a groups scope is not asked for one", () => {
    const entra = grafanaOAuthValues({ access: { ...ACCESS, scopes: ["openid", "email", "profile"] }, teams: TEAMS }) as Record<string, any>;
    expect(entra.env.GF_AUTH_GENERIC_OAUTH_SCOPES).toBe("openid email profile");
    expect(entra["grafana.ini"]["auth.generic_oauth"]).not.toHaveProperty("scopes");
  });

  it("gives the client secret as a file reference the chart's leaked-secret check accepts (grafana chart 12.11.1 _helpers.tpl)", () => {
    expect(values["grafana.ini"]["auth.generic_oauth"].client_secret).toMatch(/\$(?:__(?:env|file|vault))?{[^}]+}/);
  });

  it("passes the IdP client, endpoints, claims and generated group rules as environment values", () => {
    expect(values.env).toEqual({
      GF_AUTH_GENERIC_OAUTH_CLIENT_ID: "mlops-platform",
      GF_AUTH_GENERIC_OAUTH_SCOPES: "openid email profile groups",
      GF_AUTH_GENERIC_OAUTH_AUTH_URL: "https://idp.example.com/authorize",
      GF_AUTH_GENERIC_OAUTH_TOKEN_URL: "https://idp.example.com/token",
      GF_AUTH_GENERIC_OAUTH_API_URL: "https://idp.example.com/userinfo",
      GF_AUTH_GENERIC_OAUTH_LOGIN_ATTRIBUTE_PATH: "email",
      GF_AUTH_GENERIC_OAUTH_GROUPS_ATTRIBUTE_PATH: "to_array(groups)",
      GF_AUTH_GENERIC_OAUTH_ALLOWED_GROUPS: '["ml-platform-admins","nlp-leads","vision-eng","vision-leads","vision-viewers"]',
      GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH: grafanaRoleExpression(ACCESS, TEAMS),
    });
  });

  it("keeps the admin login (break-glass) beside OAuth, and mounts the client secret read-only", () => {
    const grafana = prometheusStackValues({ access: ACCESS, teams: TEAMS }).grafana as Record<string, any>;
    const plain = prometheusStackValues().grafana as Record<string, any>;
    expect(grafana.env).toMatchObject(plain.env);
    expect(grafana.admin).toEqual(plain.admin);
    expect(grafana.extraSecretMounts).toEqual([
      ...plain.extraSecretMounts,
      expect.objectContaining({ secretName: GRAFANA_OAUTH_SECRET, mountPath: GRAFANA_OAUTH_MOUNT, readOnly: true }),
    ]);
    expect(grafana["grafana.ini"]["auth.anonymous"]).toEqual({ enabled: false });
    expect(plain["grafana.ini"]["auth.generic_oauth"]).toBeUndefined();
  });
});

describe("Observability with oauth (mocks)", () => {
  const resources: PlannedResource[] = [];

  beforeAll(async () => {
    await pulumi.runtime.setMocks(planMocks, "mlops-platform", "test", false);
    const recorder = new Recorder();
    recorder.attach();
    new Observability("monitoring", { oauth: { access: ACCESS, teams: TEAMS as TeamConfig[], clientSecret: "s3cr3t" } });
    await Recorder.settle();
    resources.push(...recorder.resources);
  });

  const only = (type: string, name: string) => {
    const hits = resources.filter((r) => r.type === type && r.name === name);
    expect(hits, `${type} ${name}`).toHaveLength(1);
    return hits[0];
  };

  it("keeps the client secret in a masked Secret in monitoring, which the chart waits for", () => {
    const secret = only("kubernetes:core/v1:Secret", "monitoring-grafana-oauth");
    expect(secret.inputs.metadata).toMatchObject({ name: GRAFANA_OAUTH_SECRET, namespace: "monitoring" });
    expect(JSON.stringify(secret.inputs)).not.toContain("s3cr3t");
    expect(Object.keys(secret.inputs.stringData as object)).toEqual(["client-secret"]);
    expect(only("kubernetes:helm.sh/v4:Chart", "monitoring").dependsOn).toContain(secret.urn);
  });

  it("gives the chart the OAuth values", () => {
    const values = only("kubernetes:helm.sh/v4:Chart", "monitoring").inputs.values as Record<string, any>;
    expect(values.grafana.env.GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH).toBe(grafanaRoleExpression(ACCESS, TEAMS));
  });
});
