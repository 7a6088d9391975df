/**
 * The platform's Dex config on the real server: Dex v2.45.1 (the release charts/values/dex.yaml runs) built from
 * its Go module and started with the config charts/access/dex.ts writes, with bcrypt hashes as the component's
 * RandomPasswords give them. A test user gets an ID token for the mlops-platform client through the password
 * grant, signed by the keys Dex publishes, naming the issuer config/access.ts resolves and carrying its group.
 */
import { createPublicKey, randomBytes, verify, type JsonWebKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dexConfigYaml, dexRedirectUris, dexTestUsers, type DexTestUser } from "../../charts/access/dex";
import { DEX_CLIENT_ID, DEX_KUBECTL_CLIENT_ID, DEX_PATH } from "../../config/access";
import { bcryptHash, ensureDexBinaries, startDex, type RunningDex } from "../../scripts/cluster/dex-binary";
import { dexAccess, DOMAIN, owners } from "../identity/fixtures";

type Claims = Record<string, unknown>;

const access = dexAccess(["platform-admins"]);
const users = dexTestUsers(access, [owners(["recsys-admins"], ["recsys-devs"]), owners(["nlp-admins"])]);
const secret = () => randomBytes(18).toString("base64url");
const passwords = new Map(users.map((user) => [user.email, secret()]));
const clientSecret = secret();
let dex: RunningDex | undefined;

beforeAll(async () => {
  const build = ensureDexBinaries();
  const hashed = users.map((user) => ({ user, hash: bcryptHash(build, passwords.get(user.email) ?? "") }));
  dex = await startDex(build, dexConfigYaml({ access, users: hashed, clientSecret, redirectURIs: dexRedirectUris(DOMAIN) }), DEX_PATH);
}, 900_000);

afterAll(async () => {
  await dex?.stop();
});

const endpoint = (path: string): string => {
  if (!dex) throw new Error("Dex did not start");
  return `${dex.url}${DEX_PATH}${path}`;
};

interface TokenAnswer {
  readonly status: number;
  readonly body: Record<string, string>;
}

async function passwordGrant(
  user: Pick<DexTestUser, "email">,
  password: string,
  scope = "openid email profile groups",
  client = clientSecret,
): Promise<TokenAnswer> {
  const response = await fetch(endpoint("/token"), {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${DEX_CLIENT_ID}:${client}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", username: user.email, password, scope }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** The claims of an ID token whose RS256 signature one of Dex's published keys verifies. */
async function verifiedClaims(token: string): Promise<Claims> {
  const [header, payload, signature] = token.split(".");
  const { kid, alg } = JSON.parse(Buffer.from(header, "base64url").toString()) as { kid: string; alg: string };
  expect(alg).toBe("RS256");
  const { keys } = (await (await fetch(endpoint("/keys"))).json()) as { keys: (JsonWebKey & { kid: string })[] };
  const jwk = keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`no published key ${kid}`);
  const valid = verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(signature, "base64url"));
  expect(valid).toBe(true);
  return JSON.parse(Buffer.from(payload, "base64url").toString()) as Claims;
}

describe("Dex v2.45.1 with the platform's config", () => {
  it("publishes the issuer config/access.ts resolves, with the password grant and no implicit flow", async () => {
    const discovery = (await (await fetch(endpoint("/.well-known/openid-configuration"))).json()) as Record<string, any>;
    expect(discovery.issuer).toBe(access.identityProvider.issuer);
    expect(discovery.token_endpoint).toBe(`${access.identityProvider.issuer}/token`);
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token", "password"]));
    expect(discovery.grant_types_supported).not.toContain("implicit");
  });

  it("gives each test user a signed ID token for mlops-platform naming its email and exactly its group", async () => {
    expect(users.length).toBe(4);
    for (const user of users) {
      const answer = await passwordGrant(user, passwords.get(user.email) ?? "");
      expect(answer.status, `${user.email}: ${JSON.stringify(answer.body)}`).toBe(200);
      const claims = await verifiedClaims(answer.body.id_token);
      expect(claims).toMatchObject({ iss: access.identityProvider.issuer, aud: DEX_CLIENT_ID, email: user.email, email_verified: true, groups: [user.group] });
      expect(claims.preferred_username).toBe(user.username);
    }
  });

  it("gives kubelogin's public client mlops-kubectl a token without any secret, for its own audience only", async () => {
    const user = users[0];
    const response = await fetch(endpoint("/token"), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "password",
        client_id: DEX_KUBECTL_CLIENT_ID,
        username: user.email,
        password: passwords.get(user.email) ?? "",
        scope: "openid email groups",
      }),
    });
    const body = (await response.json()) as Record<string, string>;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(await verifiedClaims(body.id_token)).toMatchObject({ aud: DEX_KUBECTL_CLIENT_ID, email: user.email, groups: [user.group] });
  });

  it("puts groups in the token only when the client asks for the groups scope", async () => {
    const answer = await passwordGrant(users[0], passwords.get(users[0].email) ?? "", "openid email");
    expect(answer.status).toBe(200);
    expect((await verifiedClaims(answer.body.id_token)).groups).toBeUndefined();
  });

  it("refuses a wrong password, another user's password and a wrong client secret", async () => {
    const [admin, other] = users;
    for (const answer of [
      await passwordGrant(admin, "not-the-password"),
      await passwordGrant(admin, passwords.get(other.email) ?? ""),
      await passwordGrant(admin, passwords.get(admin.email) ?? "", undefined, "not-the-secret"),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.body.id_token).toBeUndefined();
    }
  });
});
