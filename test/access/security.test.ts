import { describe, expect, it } from "vitest";
import {
  accessTokenCookie,
  chunked,
  eksServiceAccountIssuer,
  ENVOY_GATEWAY_API,
  identityProviderPolicyObjects,
  idTokenCookie,
  MAX_CLAIM_VALUES,
  securityPolicyObjects,
} from "../../charts/access/security";
import { GATEWAY_NAMESPACE, MODEL_TOKEN_AUDIENCE, teamIdpGroups, uiRoutes } from "../../domain/access";
import { ADMINS, ALL_UIS, body, dexAccess, oidcAccess, ofKind, team } from "./fixtures";

const access = oidcAccess();
const teams = [
  team("vision", ["mlflow", "kserve", "evidently"], { modelEndpoints: { callers: [{ namespace: "vision", serviceAccount: "team-workload" }] } }),
  team("nlp", ["pipelines", "evidently", "mlflow"]),
];
const routes = uiRoutes(access, ALL_UIS, teams);
const objects = securityPolicyObjects({ access, routes, teams, labels: { "cost-center": "platform" } });
const named = (name: string, namespace = GATEWAY_NAMESPACE) => {
  const found = objects.filter((o) => body(o).metadata.name === name && body(o).metadata.namespace === namespace);
  expect(found, `${namespace}/${name}`).toHaveLength(1);
  return body(found[0]);
};

describe("security: every SecurityPolicy", () => {
  it("is gateway.envoyproxy.io/v1alpha1, labelled, and has jwt whenever a rule names a jwt provider (the CRD's CEL rule)", () => {
    const policies = ofKind(objects, "SecurityPolicy");
    expect(policies.length).toBeGreaterThan(0);
    expect(policies).toHaveLength(objects.length);
    for (const policy of policies) {
      expect(policy.apiVersion).toBe(ENVOY_GATEWAY_API);
      const { metadata, spec } = body(policy);
      expect(metadata.labels).toMatchObject({ "cost-center": "platform" });
      expect(spec.authorization.defaultAction).toBe("Deny");
      const providers = new Set(spec.jwt.providers.map((p: { name: string }) => p.name));
      for (const rule of spec.authorization.rules) {
        expect(providers.has(rule.principal.jwt.provider), rule.name).toBe(true);
        for (const claim of rule.principal.jwt.claims) expect(claim.values.length).toBeLessThanOrEqual(MAX_CLAIM_VALUES);
      }
      for (const provider of spec.jwt.providers) expect(Boolean(provider.remoteJWKS) !== Boolean(provider.localJWKS), provider.name).toBe(true);
    }
  });
});

describe("security: (a) the Gateway-wide default", () => {
  it("targets the Gateway and lets only platform admins' IdP bearer tokens through (no sign-in, so no cookie)", () => {
    const { spec } = named("gateway-default");
    expect(spec.targetRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform" }]);
    expect(spec.oidc).toBeUndefined();
    expect(spec.jwt.providers).toEqual([
      {
        name: "idp",
        issuer: "https://idp.example.com",
        // A bearer token is kubelogin's (the kubectl client's), never the gateway client's session token.
        audiences: ["mlops-kubectl"],
        remoteJWKS: { uri: "https://idp.example.com/keys" },
        extractFrom: { headers: [{ name: "Authorization", valuePrefix: "Bearer " }] },
      },
    ]);
    expect(spec.authorization.rules).toEqual([
      {
        name: "platform-admins",
        action: "Allow",
        principal: { jwt: { provider: "idp", claims: [{ name: "groups", valueType: "StringArray", values: ADMINS }] } },
      },
    ]);
  });
});

describe("security: (b) one policy per UI route", () => {
  it("signs people in through the IdP and allows the admins and the groups of the teams using the UI", () => {
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const { spec } = named(`ui-${route.name}`);
      expect(spec.targetRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: `ui-${route.name}` }]);
      expect(spec.oidc).toEqual({
        provider: {
          issuer: "https://idp.example.com",
          authorizationEndpoint: "https://idp.example.com/authorize",
          tokenEndpoint: "https://idp.example.com/token",
        },
        clientID: "mlops",
        clientSecret: { name: "oidc-client" },
        redirectURL: `https://${route.name}.mlops.example.com/oauth2/callback`,
        cookieNames: { idToken: `mlops-${route.name}-id-token`, accessToken: `mlops-${route.name}-access-token` },
        scopes: ["openid", "email", "profile", "groups"],
        disableTokenEncryption: true,
        passThroughAuthHeader: true,
      });
      expect(spec.oidc).not.toHaveProperty("clientIDRef");
      expect(spec.jwt.providers.map((p: { name: string }) => p.name)).toEqual(["idp"]);
      const allowed = spec.authorization.rules.flatMap((r: any) => r.principal.jwt.claims[0].values);
      const using = route.team ? teams.filter((t) => t.name === route.team) : teams.filter((t) => route.app === "grafana" || t.services.includes(route.app));
      const users = using.flatMap(teamIdpGroups);
      expect(new Set(allowed)).toEqual(new Set([...ADMINS, ...users]));
      expect(allowed).toEqual(route.groups);
    }
  });

  it("asks the IdP for the access section's scopes (an IdP without a groups scope is not asked for one)", () => {
    const entra = { ...access, scopes: ["openid", "email", "profile"] };
    const policies = securityPolicyObjects({ access: entra, routes, teams }).filter((o) => body(o).spec.oidc);
    expect(policies.length).toBe(routes.length);
    for (const policy of policies) expect(body(policy).spec.oidc.scopes).toEqual(["openid", "email", "profile"]);
  });

  it("keeps one session per UI: its own host-only cookies, and its JWT provider reads exactly its own ID-token cookie", () => {
    expect(routes.length).toBeGreaterThan(1);
    const idCookies = new Set<string>();
    const accessCookies = new Set<string>();
    for (const route of routes) {
      const { spec } = named(`ui-${route.name}`);
      expect(spec.oidc).not.toHaveProperty("cookieDomain");
      expect(spec.oidc.cookieNames).toEqual({ idToken: idTokenCookie(route.name), accessToken: accessTokenCookie(route.name) });
      expect(spec.jwt.providers).toHaveLength(1);
      expect(spec.jwt.providers[0].extractFrom).toEqual({
        cookies: [idTokenCookie(route.name)],
        headers: [{ name: "Authorization", valuePrefix: "Bearer " }],
      });
      // The session cookie holds the gateway client's token; a script's bearer token is kubelogin's.
      expect(spec.jwt.providers[0].audiences).toEqual(["mlops", "mlops-kubectl"]);
      idCookies.add(spec.oidc.cookieNames.idToken);
      accessCookies.add(spec.oidc.cookieNames.accessToken);
    }
    // Envoy's HMAC covers the token cookies, keyed per policy: a name shared by two UIs would end one's session at the other's sign-in.
    expect(idCookies.size).toBe(routes.length);
    expect(accessCookies.size).toBe(routes.length);
    expect([...idCookies].some((c) => accessCookies.has(c))).toBe(false);
  });

  it("gives each team's own Evidently UI its host, its own session, and that team's groups and the admins alone", () => {
    const evidently = routes.filter((r) => r.app === "evidently");
    expect(evidently.map((r) => r.team)).toEqual(["vision", "nlp"]);
    for (const route of evidently) {
      const { spec } = named(`ui-evidently-${route.team}`);
      expect(spec.oidc.redirectURL).toBe(`https://evidently-${route.team}.mlops.example.com/oauth2/callback`);
      expect(spec.oidc.cookieNames.idToken).toBe(`mlops-evidently-${route.team}-id-token`);
      const allowed = spec.authorization.rules.flatMap((r: any) => r.principal.jwt.claims[0].values);
      const own = teams.filter((t) => t.name === route.team).flatMap(teamIdpGroups);
      expect(new Set(allowed)).toEqual(new Set([...ADMINS, ...own]));
      for (const other of teams.filter((t) => t.name !== route.team))
        for (const group of teamIdpGroups(other).filter((g) => !own.includes(g))) expect(allowed, `${other.name}: ${group}`).not.toContain(group);
    }
    expect(objects.some((o) => body(o).metadata.name === "ui-evidently")).toBe(false);
  });

  it("gives each team's own Pipelines UI its host, its own session, and that team's groups and the admins alone", () => {
    const both = [team("nlp", ["pipelines"]), team("fraud", ["pipelines"]), team("vision", ["mlflow"])];
    const own = uiRoutes(access, ALL_UIS, both).filter((r) => r.app === "pipelines");
    const policies = securityPolicyObjects({ access, routes: own, teams: both }).map(body);
    expect(own.map((r) => r.team)).toEqual(["nlp", "fraud"]);
    for (const route of own) {
      const [policy] = policies.filter((p) => p.metadata.name === `ui-pipelines-${route.team}`);
      expect(policy.spec.targetRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: `ui-pipelines-${route.team}` }]);
      expect(policy.spec.oidc.redirectURL).toBe(`https://pipelines-${route.team}.mlops.example.com/oauth2/callback`);
      expect(policy.spec.oidc.cookieNames).toEqual({
        idToken: `mlops-pipelines-${route.team}-id-token`,
        accessToken: `mlops-pipelines-${route.team}-access-token`,
      });
      const allowed = policy.spec.authorization.rules.flatMap((r: any) => r.principal.jwt.claims[0].values);
      const mine = both.filter((t) => t.name === route.team).flatMap(teamIdpGroups);
      expect(new Set(allowed)).toEqual(new Set([...ADMINS, ...mine]));
      for (const other of both.filter((t) => t.name !== route.team))
        for (const group of teamIdpGroups(other).filter((g) => !mine.includes(g))) expect(allowed, `${other.name}: ${group}`).not.toContain(group);
    }
  });

  it("gives MLflow the groups of both teams using it, nlp's Pipelines only nlp's and the admins, never an unprefixed cluster name", () => {
    const values = (app: string) => named(`ui-${app}`).spec.authorization.rules.flatMap((r: any) => r.principal.jwt.claims[0].values);
    expect(values("mlflow")).toEqual(expect.arrayContaining(["vision-leads", "nlp-leads", ...ADMINS]));
    expect(new Set(values("pipelines-nlp"))).toEqual(new Set([...ADMINS, "nlp-leads", "nlp-engineers", "nlp-analysts", "shared-ml"]));
    expect(values("pipelines-nlp")).not.toContain("vision-leads");
    expect(objects.some((o) => body(o).metadata.name === "ui-pipelines")).toBe(false);
    expect(values("mlflow").some((g: string) => g.startsWith(access.groupsPrefix))).toBe(false);
  });

  it("reads the groups claim the access section names", () => {
    const custom = oidcAccess({ claims: { groups: "roles" } });
    const [policy] = securityPolicyObjects({ access: custom, routes: uiRoutes(custom, new Set(), []), teams: [] }).filter(
      (o) => body(o).metadata.name === "ui-grafana",
    );
    expect(body(policy).spec.authorization.rules[0].principal.jwt.claims[0].name).toBe("roles");
  });

  it("splits more than 128 groups into rules of at most 128", () => {
    const many = Array.from({ length: 300 }, (_, i) => team(`t${i}`, ["mlflow"]));
    const spec = body(
      securityPolicyObjects({ access, routes: uiRoutes(access, new Set(["mlflow"]), many), teams: many }).find((o) => body(o).metadata.name === "ui-mlflow") ??
        {},
    ).spec;
    const sizes = spec.authorization.rules.map((r: any) => r.principal.jwt.claims[0].values.length);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBe(MAX_CLAIM_VALUES);
    expect(new Set(spec.authorization.rules.map((r: any) => r.name)).size).toBe(sizes.length);
    expect(sizes.reduce((a: number, b: number) => a + b, 0)).toBe(new Set(uiRoutes(access, new Set(["mlflow"]), many)[0].groups).size);
    expect(chunked([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
    expect(chunked([])).toEqual([]);
  });

  it("with the platform's Dex: its public authorization endpoint, its in-cluster token and key endpoints", () => {
    const dex = dexAccess();
    const [policy] = securityPolicyObjects({ access: dex, routes: uiRoutes(dex, new Set(), []), teams: [] }).filter(
      (o) => body(o).metadata.name === "ui-grafana",
    );
    const { spec } = body(policy);
    expect(spec.oidc.provider).toEqual({
      issuer: "https://login.mlops.example.com/dex",
      authorizationEndpoint: "https://login.mlops.example.com/dex/auth",
      tokenEndpoint: "http://dex.dex.svc.cluster.local:5556/dex/token",
    });
    expect(spec.oidc.clientID).toBe("mlops-platform");
    expect(spec.jwt.providers[0].remoteJWKS).toEqual({ uri: "http://dex.dex.svc.cluster.local:5556/dex/keys" });
  });
});

describe("security: the IdP route's open policy", () => {
  it("targets only that route and allows without a token, in the gateway's namespace", () => {
    const [policy] = identityProviderPolicyObjects("identity-provider");
    expect(body(policy).metadata).toMatchObject({ name: "identity-provider", namespace: GATEWAY_NAMESPACE });
    expect(body(policy).spec).toEqual({
      targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "identity-provider" }],
      authorization: { defaultAction: "Allow" },
    });
  });
});

describe("security: service-account issuers", () => {
  it("on EKS: the cluster's OIDC issuer with its keys at <issuer>/keys", () => {
    expect(eksServiceAccountIssuer("https://oidc.eks.us-east-1.amazonaws.com/id/ABC")).toEqual({
      issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
      jwksUri: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC/keys",
    });
    expect(eksServiceAccountIssuer("https://oidc.example/id/X/")).toMatchObject({ jwksUri: "https://oidc.example/id/X/keys" });
  });
  it("the model token audience is the platform's own", () => expect(MODEL_TOKEN_AUDIENCE).toBe("mlops-models"));
});
