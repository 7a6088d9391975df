/**
 * The sign-in harness's pure parts (scripts/cluster/oidc-*.ts): the ID tokens it mints, the JWKS and discovery
 * document its issuer serves, and the API server's AuthenticationConfiguration derived from a stack's access section.
 */
import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resolveAccess, type AccessInput } from "../../config/access";
import { authenticationConfiguration, stackAccess } from "../../scripts/cluster/oidc-config";
import { discoveryDocument, JWKS_PATH } from "../../scripts/cluster/oidc-issuer";
import { idTokenClaims, jwks, newSigningKey, signJwt } from "../../scripts/cluster/oidc-token";

const INPUT: AccessInput = {
  identityProvider: {
    kind: "oidc",
    issuer: "https://idp.example.com",
    clientId: "mlops",
    kubectlClientId: "mlops-kubectl",
    endpoints: {
      authorization: "https://idp.example.com/a",
      token: "https://idp.example.com/t",
      userInfo: "https://idp.example.com/u",
      jwks: "https://idp.example.com/k",
    },
  },
  adminGroups: ["platform-admins"],
  domain: "mlops.example.com",
};
const key = newSigningKey();
const parts = (jwt: string) => jwt.split(".").map((part, i) => (i < 2 ? JSON.parse(Buffer.from(part, "base64url").toString("utf8")) : part));

describe("signJwt and jwks", () => {
  it("signs RS256 over header.payload, verifiable with the published key of the header's kid", () => {
    const jwt = signJwt(key, { sub: "x" });
    const [header, payload, signature] = parts(jwt);
    expect(header).toEqual({ alg: "RS256", typ: "JWT", kid: key.kid });
    expect(payload).toEqual({ sub: "x" });
    const published = jwks([key]).keys.find((k) => k.kid === key.kid);
    expect(published).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(published).not.toHaveProperty("d");
    const [h, p] = jwt.split(".");
    const publicKey = createPublicKey({ key: published as never, format: "jwk" });
    expect(verify("sha256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(signature, "base64url"))).toBe(true);
    expect(verify("sha256", Buffer.from(`${h}.${p}x`), publicKey, Buffer.from(signature, "base64url"))).toBe(false);
  });

  it("gives each key its own id", () => {
    expect(newSigningKey().kid).not.toBe(key.kid);
  });
});

describe("idTokenClaims", () => {
  const base = { issuer: "https://i", audience: "a", email: "p@x.example", groups: ["g1", "g2"], now: 1_000_000_000_000 };

  it("names the person and groups under the access section's claims, valid for the asked time", () => {
    const claims = idTokenClaims({ ...base, claims: { username: "preferred_username", groups: "roles" } });
    expect(claims).toMatchObject({ iss: "https://i", aud: "a", preferred_username: "p@x.example", roles: ["g1", "g2"], email_verified: true });
    expect(claims.exp).toBe(1_000_000_000 + 600);
  });

  it("makes an expired token for a negative lifetime", () => {
    const claims = idTokenClaims({ ...base, claims: { username: "email", groups: "groups" }, expiresIn: -60 });
    expect(Number(claims.exp)).toBeLessThan(1_000_000_000);
  });
});

describe("authenticationConfiguration", () => {
  it("trusts the stack's issuer for its kubectl client (never the gateway's), mapping username and groups with the access section's claims and prefixes", () => {
    const access = resolveAccess({ ...INPUT, claims: { username: "upn", groups: "roles" }, usernamePrefix: "corp-user:", groupsPrefix: "corp:" });
    if (!access) throw new Error("no access");
    const config = authenticationConfiguration(access, { discoveryUrl: "https://127.0.0.1:1/.well-known/openid-configuration", caCert: "PEM" });
    expect(config).toEqual({
      apiVersion: "apiserver.config.k8s.io/v1",
      kind: "AuthenticationConfiguration",
      jwt: [
        {
          issuer: {
            url: "https://idp.example.com",
            discoveryURL: "https://127.0.0.1:1/.well-known/openid-configuration",
            certificateAuthority: "PEM",
            audiences: ["mlops-kubectl"],
          },
          claimMappings: { username: { claim: "upn", prefix: "corp-user:" }, groups: { claim: "roles", prefix: "corp:" } },
        },
      ],
    });
  });
});

describe("stackAccess", () => {
  it("resolves a stack file's access section with its defaults", () => {
    const access = stackAccess({ "mlops-platform:access": JSON.stringify(INPUT) }, "s");
    expect(access).toMatchObject({ usernamePrefix: "oidc:", groupsPrefix: "oidc:", claims: { username: "email", groups: "groups" } });
  });

  it("says so when the stack has no access section, or an invalid one", () => {
    expect(() => stackAccess({}, "s")).toThrow(/stack s has no mlops-platform:access/);
    expect(() => stackAccess({ "mlops-platform:access": JSON.stringify({ ...INPUT, adminGroups: [] }) }, "s")).toThrow(/at least one IdP group/);
  });
});

describe("discoveryDocument", () => {
  it("names the stack's issuer and the keys where the issuer is served", () => {
    expect(discoveryDocument("https://idp.example.com", "https://127.0.0.1:9")).toMatchObject({
      issuer: "https://idp.example.com",
      jwks_uri: `https://127.0.0.1:9${JWKS_PATH}`,
    });
  });
});
