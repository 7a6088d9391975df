/**
 * The `access` section's schema (field-local rules: URLs, domain, prefixes, groups, the certificate ARN, the
 * service-account issuer's JWKS) and resolveAccess's defaults. Rules across sections: access-rules.test.ts.
 */
import { describe, it, expect } from "vitest";
import { accessSchema, DEX_CLIENT_ID, DEX_IN_CLUSTER_URL, DEX_KUBECTL_CLIENT_ID, jwksProblem, resolveAccess, type AccessInput } from "../../config/access";
import { expectProblem, expectValid, fixture } from "./fixtures";

const OIDC: AccessInput = {
  identityProvider: {
    kind: "oidc",
    issuer: "https://login.example.com",
    clientId: "mlops",
    kubectlClientId: "mlops-kubectl",
    endpoints: {
      authorization: "https://login.example.com/authorize",
      token: "https://login.example.com/token",
      userInfo: "https://login.example.com/userinfo",
      jwks: "https://login.example.com/keys",
    },
  },
  adminGroups: ["platform-admins", "platform-admins"],
  domain: "mlops.example.com",
};

/** A JWKS as `kubectl get --raw /openid/v1/jwks` prints it (the modulus shortened). */
const JWKS = JSON.stringify({
  keys: [{ use: "sig", kty: "RSA", kid: "k1", alg: "RS256", n: "u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw", e: "AQAB" }],
});

describe("resolveAccess", () => {
  it("is undefined without an access section: no gateway, no routes", () => {
    expect(resolveAccess(undefined)).toBeUndefined();
  });

  it("fills claims, prefixes and exposure with their defaults and lists each admin group once", () => {
    expect(resolveAccess(OIDC)).toEqual({
      identityProvider: OIDC.identityProvider,
      scopes: ["openid", "email", "profile", "groups"],
      claims: { username: "email", groups: "groups" },
      usernamePrefix: "oidc:",
      groupsPrefix: "oidc:",
      adminGroups: ["platform-admins"],
      domain: "mlops.example.com",
      tls: {},
      exposure: { scheme: "internal", sourceRanges: undefined },
      serviceAccountIssuer: undefined,
    });
  });

  it("keeps what is given: claims, prefixes, TLS, exposure and the service-account issuer", () => {
    const resolved = resolveAccess({
      ...OIDC,
      claims: { username: "preferred_username", groups: "roles" },
      usernamePrefix: "corp:",
      groupsPrefix: "",
      scopes: ["openid", "email", "email"],
      tls: { issuer: { kind: "ClusterIssuer", name: "corp-ca" } },
      exposure: { scheme: "internet-facing", sourceRanges: ["198.51.100.0/24"] },
      serviceAccountIssuer: { issuer: "https://kubernetes.default.svc.cluster.local", jwks: JWKS },
    });
    expect(resolved).toMatchObject({
      scopes: ["openid", "email"],
      claims: { username: "preferred_username", groups: "roles" },
      usernamePrefix: "corp:",
      groupsPrefix: "",
      tls: { issuer: { kind: "ClusterIssuer", name: "corp-ca" } },
      exposure: { scheme: "internet-facing", sourceRanges: ["198.51.100.0/24"] },
      serviceAccountIssuer: { issuer: "https://kubernetes.default.svc.cluster.local", jwks: JWKS },
    });
  });

  it("derives Dex's issuer from the domain and calls its token and keys endpoints in the cluster", () => {
    const resolved = resolveAccess({
      identityProvider: { kind: "dex" },
      adminGroups: ["platform-admins"],
      domain: "mlops.localhost",
      tls: { issuer: "self-signed" },
    });
    expect(resolved?.identityProvider).toEqual({
      kind: "dex",
      issuer: "https://login.mlops.localhost/dex",
      clientId: DEX_CLIENT_ID,
      kubectlClientId: DEX_KUBECTL_CLIENT_ID,
      endpoints: {
        authorization: "https://login.mlops.localhost/dex/auth",
        token: `${DEX_IN_CLUSTER_URL}/dex/token`,
        userInfo: `${DEX_IN_CLUSTER_URL}/dex/userinfo`,
        jwks: `${DEX_IN_CLUSTER_URL}/dex/keys`,
      },
    });
  });
});

describe("access schema: field-local rules", () => {
  const URL_MESSAGE = "is not an https:// URL without credentials, query or fragment";

  it.each([
    ["http://login.example.com", "plain http"],
    ["https://user@login.example.com", "a user name"],
    ["https://login.example.com/?tenant=1", "a query"],
    ["https://login.example.com/#x", "a fragment"],
    ["https://Login.Example.com", "an uppercase host"],
    ["login.example.com", "no scheme"],
  ])("refuses %s as the issuer (%s)", (issuer) => {
    const cfg = fixture("dev");
    cfg.access.identityProvider.issuer = issuer;
    expectProblem(cfg, "access.identityProvider.issuer", URL_MESSAGE);
  });

  it("reports an issuer with a password as a leaked credential, without repeating it", () => {
    const cfg = fixture("dev");
    cfg.access.identityProvider.issuer = "https://user:hunter2@login.example.com";
    expectProblem(cfg, "access.identityProvider.issuer", "holds what looks like a URL with a password in it in plain text");
  });

  it("accepts an issuer with a port and a path, and checks each endpoint the same way", () => {
    const cfg = fixture("dev");
    cfg.access.identityProvider.issuer = "https://idp.example.com:8443/realms/corp";
    expectValid(cfg);
    cfg.access.identityProvider.endpoints.jwks = "http://idp.example.com/keys";
    expectProblem(cfg, "access.identityProvider.endpoints.jwks", URL_MESSAGE);
  });

  it("needs kubectl's own client for the company IdP, and refuses the gateway's there", () => {
    const cfg = fixture("dev");
    delete cfg.access.identityProvider.kubectlClientId;
    expectProblem(cfg, "access.identityProvider.kubectlClientId", "");
    cfg.access.identityProvider.kubectlClientId = cfg.access.identityProvider.clientId;
    expectProblem(
      cfg,
      "access.identityProvider.kubectlClientId",
      "is the gateway's client: kubelogin holds no secret, and the API server would accept the gateway's session cookie as a kubectl credential",
    );
  });

  it("takes scopes that include openid, and refuses a list without it or a scope with a space or comma", () => {
    const cfg = fixture("dev");
    cfg.access.scopes = ["openid", "email", "profile", "api://mlops/.default"];
    expectValid(cfg);
    cfg.access.scopes = ["email", "groups"];
    expectProblem(cfg, "access.scopes", "must include openid: without it the IdP issues no ID token, and nothing signs in");
    cfg.access.scopes = ["openid", "email profile"];
    expectProblem(cfg, "access.scopes[1]", "is not a scope: letters, digits and ._~:/%+=@- only, no spaces or commas");
    cfg.access.scopes = ["openid", "a,b"];
    expectProblem(cfg, "access.scopes[1]", "is not a scope");
  });

  it("needs every endpoint: the gateway and Grafana do not run discovery", () => {
    const cfg = fixture("dev");
    delete cfg.access.identityProvider.endpoints.userInfo;
    expectProblem(cfg, "access.identityProvider.endpoints.userInfo", "");
  });

  it.each(["Mlops.example.com", "localhost", "mlops..example.com", "-mlops.example.com", "mlops.example.com."])("refuses the domain %s", (domain) => {
    const cfg = fixture("dev");
    cfg.access.domain = domain;
    expectProblem(cfg, "access.domain", "is not a lowercase DNS name such as mlops.example.com");
  });

  it("accepts mlops.localhost, the local stack's domain", () => {
    const cfg = fixture("local");
    cfg.access.domain = "mlops.localhost";
    expectValid(cfg);
  });

  it("refuses a system: prefix, which the API server refuses", () => {
    const cfg = fixture("dev");
    cfg.access.groupsPrefix = "system:oidc:";
    cfg.access.usernamePrefix = "system:";
    expectProblem(cfg, "access.groupsPrefix", "must not start with system: (the API server refuses it)");
    expectProblem(cfg, "access.usernamePrefix", "must not start with system: (the API server refuses it)");
  });

  it("refuses a prefix longer than 32 characters", () => {
    const cfg = fixture("dev");
    cfg.access.groupsPrefix = `${"x".repeat(32)}:`;
    expectProblem(cfg, "access.groupsPrefix", "");
  });

  it("needs at least one admin group, and never a Kubernetes built-in one", () => {
    const cfg = fixture("dev");
    cfg.access.adminGroups = [];
    expectProblem(cfg, "access.adminGroups", "needs at least one IdP group of platform admins");
    cfg.access.adminGroups = ["platform-admins", "system:masters"];
    expectProblem(cfg, "access.adminGroups[1]", "is a Kubernetes built-in group (system:*)");
  });

  it("refuses a certificate ARN of another service", () => {
    const cfg = fixture("dev");
    cfg.access.tls.acmCertificateArn = "arn:aws:iam::111122223333:server-certificate/mlops";
    expectProblem(cfg, "access.tls.acmCertificateArn", "is not an ACM certificate ARN");
  });

  it("refuses an unknown key with its path", () => {
    const cfg = fixture("dev");
    cfg.access.hostname = "mlops.example.com";
    expectProblem(cfg, "access.hostname", "unknown key");
  });

  it("takes the IdP's token endpoint for the URL it is, not for a secret", () => {
    const cfg = fixture("dev");
    expect(cfg.access.identityProvider.endpoints.token).toMatch(/^https:\/\//);
    expectValid(cfg);
  });
});

describe("access.serviceAccountIssuer (existing clusters)", () => {
  const withIssuer = (jwks: string) => {
    const cfg = fixture("local");
    cfg.access.serviceAccountIssuer = { issuer: "https://kubernetes.default.svc.cluster.local", jwks };
    return cfg;
  };

  it("accepts the cluster's issuer with its public JWKS", () => {
    expectValid(withIssuer(JWKS));
    expect(accessSchema.shape.serviceAccountIssuer.safeParse({ issuer: "https://kubernetes.default.svc.cluster.local", jwks: JWKS }).success).toBe(true);
  });

  it.each([
    ["not JSON", "{keys: []", "is not JSON: paste the output of `kubectl get --raw /openid/v1/jwks` as it is"],
    ["without keys", "{}", 'has no "keys": a JWKS lists the public keys'],
    ["with no key", '{"keys": []}', 'has no "keys": a JWKS lists the public keys'],
    ["with a key that is not an object", '{"keys": ["k1"]}', 'has a "keys" entry that is not a JSON Web Key object'],
    ["holding a private key", JSON.stringify({ keys: [{ kty: "RSA", n: "x", e: "AQAB", d: "private" }] }), "holds a private key (a JWK member d)"],
  ])("refuses a JWKS %s", (_what, jwks, message) => {
    expectProblem(withIssuer(jwks), "access.serviceAccountIssuer.jwks", message);
  });

  it("refuses an issuer that is not an https URL", () => {
    const cfg = withIssuer(JWKS);
    cfg.access.serviceAccountIssuer.issuer = "kubernetes/serviceaccount";
    expectProblem(cfg, "access.serviceAccountIssuer.issuer", "is not an https:// URL");
  });

  it("jwksProblem accepts the JWKS as kubectl prints it", () => {
    expect(jwksProblem(JWKS)).toBeUndefined();
  });
});
