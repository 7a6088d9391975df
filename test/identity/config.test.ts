/** Dex's config, test users, redirect URIs and login route (pure): what the local stack's sign-in is made of. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  DEX_BACKEND,
  DEX_PORTS,
  DEX_RELEASE,
  DEX_ROUTE_NAME,
  dexConfig,
  dexConfigChecksum,
  dexConfigYaml,
  dexSecretsDigest,
  dexHost,
  dexRedirectUris,
  dexRouteObjects,
  dexTestUsers,
  KUBELOGIN_REDIRECT_URIS,
} from "../../charts/access/dex";
import { IDENTITY_PROVIDER_ROUTE_LABEL } from "../../charts/access/routes";
import { DEX_CLIENT_ID, DEX_IN_CLUSTER_URL, DEX_KUBECTL_CLIENT_ID } from "../../config/access";
import { APPS_LISTENER, GATEWAY_NAME, GATEWAY_NAMESPACE, UI_APPS, uiRoutes } from "../../domain/access";
import { DEX_NAMESPACE } from "../../domain/platform-namespaces";
import { DOMAIN, dexAccess, oidcAccess, owners } from "./fixtures";

type AnyObj = Record<string, any>;

/** The keys Dex v2.45.1 reads (cmd/dex/config.go: Config, and password.UnmarshalJSON for a static user). */
const CONFIG_KEYS = [
  "issuer",
  "storage",
  "web",
  "telemetry",
  "oauth2",
  "grpc",
  "expiry",
  "logger",
  "frontend",
  "signer",
  "connectors",
  "staticClients",
  "enablePasswordDB",
  "staticPasswords",
];
const PASSWORD_KEYS = ["email", "username", "name", "preferredUsername", "emailVerified", "userID", "hash", "hashFromEnv", "groups"];
const OAUTH2_KEYS = ["grantTypes", "responseTypes", "skipApprovalScreen", "alwaysShowLoginScreen", "passwordConnector"];

const HASH = "$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W";
const teams = [owners(["recsys-admins"], ["recsys-devs"], ["analysts"]), owners(["nlp-admins"], [], ["analysts", "platform-admins"])];

function configOf(users = dexTestUsers(dexAccess(), teams)) {
  const access = dexAccess();
  return dexConfig({ access, users: users.map((user) => ({ user, hash: HASH })), clientSecret: "s3cret", redirectURIs: ["https://a/cb"] }) as AnyObj;
}

describe("dexTestUsers", () => {
  it("makes one user per IdP group: the admins' groups first, then each team's owners in every role, each group once", () => {
    const users = dexTestUsers(dexAccess(), teams);
    expect(users.map((u) => u.group)).toEqual(["platform-admins", "recsys-admins", "recsys-devs", "analysts", "nlp-admins"]);
    expect(users[0]).toEqual({ group: "platform-admins", email: `platform-admins@${DOMAIN}`, username: "platform-admins", userID: "test-platform-admins" });
  });

  it("gives every user a distinct login, email-safe, whatever the group is called", () => {
    const users = dexTestUsers(dexAccess(["ML Platform/Admins", "ml-platform-admins", "ml.platform.admins", "***"]), [owners(["CN=Team A,OU=Groups"])]);
    expect(users.map((u) => u.email)).toEqual([
      `ml-platform-admins@${DOMAIN}`,
      `ml-platform-admins-2@${DOMAIN}`,
      `ml-platform-admins-3@${DOMAIN}`,
      `user@${DOMAIN}`,
      `cn-team-a-ou-groups@${DOMAIN}`,
    ]);
    expect(new Set(users.map((u) => u.userID)).size).toBe(users.length);
    for (const user of users) expect(user.email).toMatch(/^[a-z0-9][a-z0-9-]*@mlops\.example\.test$/);
    expect(users[0].group).toBe("ML Platform/Admins");
  });

  it("keeps long group names' logins short", () => {
    const [user] = dexTestUsers(dexAccess(["a".repeat(200)]), []);
    expect(user.username.length).toBeLessThanOrEqual(48);
  });
});

describe("dexRedirectUris", () => {
  const teams = [
    { name: "vision", services: ["evidently", "mlflow"] },
    { name: "nlp", services: ["mlflow", "pipelines"] },
  ];

  it("lets the confidential client return to every shared UI host's gateway callback and Grafana's own OAuth callback, never localhost", () => {
    expect(dexRedirectUris(DOMAIN)).toEqual([
      `https://mlflow.${DOMAIN}/oauth2/callback`,
      `https://grafana.${DOMAIN}/oauth2/callback`,
      `https://grafana.${DOMAIN}/login/generic_oauth`,
    ]);
    expect(KUBELOGIN_REDIRECT_URIS).toEqual(["http://localhost:8000", "http://localhost:18000"]);
  });

  it("adds the host of each team's own Evidently UI, for the teams that opted into it only (Dex matches redirect URIs exactly)", () => {
    const uris = dexRedirectUris(DOMAIN, teams);
    expect(uris).toContain(`https://evidently-vision.${DOMAIN}/oauth2/callback`);
    expect(uris.filter((uri) => uri.includes("evidently"))).toEqual([`https://evidently-vision.${DOMAIN}/oauth2/callback`]);
  });

  it("adds the host of each team's own Pipelines UI, for the teams that opted into it only, and no shared Pipelines host", () => {
    const uris = dexRedirectUris(DOMAIN, teams);
    expect(uris.filter((uri) => uri.includes("pipelines"))).toEqual([`https://pipelines-nlp.${DOMAIN}/oauth2/callback`]);
  });

  it("covers the host of every UI route a stack can have", () => {
    const hosts = uiRoutes(
      dexAccess(),
      new Set(UI_APPS),
      teams.map((t) => ({ ...t, owners: owners(["g"]).owners })),
    ).map((route) => `https://${route.host}/oauth2/callback`);
    // mlflow, grafana, pipelines-nlp, evidently-vision
    expect(hosts).toHaveLength(4);
    expect(dexRedirectUris(DOMAIN, teams)).toEqual(expect.arrayContaining(hosts));
  });
});

describe("dexConfig", () => {
  it("serves the issuer config/access.ts resolves for the domain, the one the gateway, Grafana and kubelogin expect", () => {
    expect(configOf().issuer).toBe(`https://login.${DOMAIN}/dex`);
    expect(configOf().issuer).toBe(dexAccess().identityProvider.issuer);
  });

  it("listens where the access section's in-cluster endpoints point: the chart's Service for this release and namespace", () => {
    expect(DEX_IN_CLUSTER_URL).toBe(`http://${DEX_RELEASE}.${DEX_NAMESPACE}.svc.cluster.local:${DEX_PORTS.http}`);
    expect(configOf().web).toEqual({ http: `0.0.0.0:${DEX_PORTS.http}` });
    expect(dexAccess().identityProvider.endpoints.token).toBe(`${DEX_IN_CLUSTER_URL}/dex/token`);
  });

  it("keeps state in memory: no Kubernetes storage (its chart RBAC is a wildcard and creates CRDs)", () => {
    expect(configOf().storage).toEqual({ type: "memory" });
  });

  it("has the confidential client mlops-platform (generated secret, given redirect URIs) and kubelogin's public mlops-kubectl (localhost only)", () => {
    expect(configOf().staticClients).toEqual([
      { id: DEX_CLIENT_ID, name: "MLOps platform", secret: "s3cret", redirectURIs: ["https://a/cb"] },
      { id: DEX_KUBECTL_CLIENT_ID, name: "MLOps platform kubectl", public: true, redirectURIs: ["http://localhost:8000", "http://localhost:18000"] },
    ]);
    expect([DEX_CLIENT_ID, DEX_KUBECTL_CLIENT_ID]).toEqual(["mlops-platform", "mlops-kubectl"]);
    expect(dexAccess().identityProvider).toMatchObject({ clientId: DEX_CLIENT_ID, kubectlClientId: DEX_KUBECTL_CLIENT_ID });
    expect(configOf().staticClients[1].secret).toBeUndefined();
  });

  it("turns on the password database and makes each test user a static user of exactly its group, with its hash", () => {
    const config = configOf();
    expect(config.enablePasswordDB).toBe(true);
    expect(config.staticPasswords).toHaveLength(5);
    expect(config.staticPasswords[1]).toEqual({
      email: `recsys-admins@${DOMAIN}`,
      hash: HASH,
      username: "recsys-admins",
      preferredUsername: "recsys-admins",
      name: "recsys-admins",
      emailVerified: true,
      userID: "test-recsys-admins",
      groups: ["recsys-admins"],
    });
  });

  it("allows the code flow, refresh and the password grant through the static users only; no implicit or device flow", () => {
    expect(configOf().oauth2).toEqual({
      grantTypes: ["authorization_code", "refresh_token", "password"],
      responseTypes: ["code"],
      skipApprovalScreen: true,
      passwordConnector: "local",
    });
    expect(configOf().connectors).toBeUndefined();
  });

  it("uses only keys Dex v2.45.1 reads, so nothing is silently ignored", () => {
    const config = configOf();
    for (const key of Object.keys(config)) expect(CONFIG_KEYS, key).toContain(key);
    for (const key of Object.keys(config.oauth2)) expect(OAUTH2_KEYS, key).toContain(key);
    for (const user of config.staticPasswords) for (const key of Object.keys(user)) expect(PASSWORD_KEYS, key).toContain(key);
  });

  it("is written as YAML that reads back as the same config", () => {
    const access = dexAccess();
    const args = { access, users: dexTestUsers(access, teams).map((user) => ({ user, hash: HASH })), clientSecret: "x", redirectURIs: ["https://a/cb"] };
    expect(parse(dexConfigYaml(args))).toEqual(dexConfig(args));
    expect(dexConfigYaml(args)).toContain(HASH);
  });

  it("refuses an access section whose identity provider is the company's", () => {
    expect(() => dexConfig({ access: oidcAccess(), users: [], clientSecret: "x", redirectURIs: [] })).toThrow(
      /kind is oidc: the platform runs Dex only for kind dex/,
    );
  });
});

describe("dexConfigChecksum", () => {
  const access = dexAccess();
  const digest = dexSecretsDigest("client-secret", [HASH, HASH]);
  const base = { access, users: dexTestUsers(access, teams), redirectURIs: ["https://a/cb"], secretsDigest: digest };

  it("changes when the client secret or a user's hash is replaced, and holds neither (a digest of both)", () => {
    const sum = dexConfigChecksum(base);
    for (const other of [dexSecretsDigest("client-secret-2", [HASH, HASH]), dexSecretsDigest("client-secret", [HASH, `${HASH}x`])]) {
      expect(other).not.toBe(digest);
      expect(dexConfigChecksum({ ...base, secretsDigest: other })).not.toBe(sum);
    }
    expect(dexSecretsDigest("client-secret", [HASH, HASH])).toBe(digest);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain("client-secret");
  });

  it("is stable for the same users and clients, and changes when a group, a redirect URI or the issuer changes", () => {
    const sum = dexConfigChecksum(base);
    expect(sum).toMatch(/^[0-9a-f]{64}$/);
    expect(dexConfigChecksum({ ...base })).toBe(sum);
    expect(dexConfigChecksum({ ...base, users: dexTestUsers(access, [...teams, owners(["vision-admins"])]) })).not.toBe(sum);
    expect(dexConfigChecksum({ ...base, redirectURIs: ["https://b/cb"] })).not.toBe(sum);
    const elsewhere = { ...dexAccess(), identityProvider: { ...access.identityProvider, issuer: "https://login.other.test/dex" } };
    expect(dexConfigChecksum({ ...base, access: elsewhere })).not.toBe(sum);
  });
});

describe("dexRouteObjects", () => {
  const [route, grant] = dexRouteObjects(DOMAIN, { team: "platform" }) as AnyObj[];

  it("routes login.<domain>, Dex's path only, from the gateway's apps listener to Dex's Service", () => {
    expect(route).toMatchObject({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: DEX_ROUTE_NAME, namespace: GATEWAY_NAMESPACE },
    });
    expect(route.spec).toEqual({
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, sectionName: APPS_LISTENER }],
      hostnames: [`login.${DOMAIN}`],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/dex" } }],
          backendRefs: [{ group: "", kind: "Service", name: "dex", namespace: "dex", port: 5556 }],
        },
      ],
    });
    expect(dexHost(DOMAIN)).toBe(`login.${DOMAIN}`);
    expect(DEX_BACKEND).toEqual({ namespace: DEX_NAMESPACE, service: DEX_RELEASE, port: DEX_PORTS.http });
  });

  it("is the identity-provider route (the one route without a JWT in front) and carries the stack's labels", () => {
    expect(route.metadata.labels).toMatchObject({ [IDENTITY_PROVIDER_ROUTE_LABEL]: "true", team: "platform" });
    expect(grant.metadata.labels[IDENTITY_PROVIDER_ROUTE_LABEL]).toBeUndefined();
  });

  it("is admitted into dex by a ReferenceGrant from HTTPRoutes of the gateway's namespace to Dex's Service only", () => {
    expect(grant).toMatchObject({ kind: "ReferenceGrant", metadata: { namespace: DEX_NAMESPACE } });
    expect(grant.spec).toEqual({
      from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: GATEWAY_NAMESPACE }],
      to: [{ group: "", kind: "Service", name: "dex" }],
    });
  });
});
