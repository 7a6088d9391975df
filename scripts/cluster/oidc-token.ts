/**
 * ID tokens as an OpenID Connect provider issues them, for the real-server sign-in tests: an RSA signing key, its
 * JWKS, and compact RS256 JWTs signed with Node's crypto. Pure apart from key generation, so unit-tested.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign } from "node:crypto";

export interface SigningKey {
  /** The JWKS key id the token header names. */
  readonly kid: string;
  /** PKCS#8 PEM: passes between processes as text (vitest's provide/inject). */
  readonly privateKeyPem: string;
}

export function newSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { kid: randomUUID(), privateKeyPem: privateKey };
}

/** The JSON Web Key Set an issuer publishes at its jwks_uri: the public half of each key. */
export function jwks(keys: readonly SigningKey[]): { keys: Record<string, unknown>[] } {
  return {
    keys: keys.map((key) => ({ ...createPublicKey(createPrivateKey(key.privateKeyPem)).export({ format: "jwk" }), kid: key.kid, alg: "RS256", use: "sig" })),
  };
}

const base64url = (value: string | Buffer): string => Buffer.from(value).toString("base64url");

/** A compact JWS (RS256) of `claims`, its header naming the key. */
export function signJwt(key: SigningKey, claims: Readonly<Record<string, unknown>>): string {
  const header = base64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: key.kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), createPrivateKey(key.privateKeyPem));
  return `${header}.${payload}.${base64url(signature)}`;
}

export interface IdTokenRequest {
  readonly issuer: string;
  readonly audience: string;
  readonly email: string;
  readonly groups: readonly string[];
  /** The claims that carry the username and the groups (access.claims). */
  readonly claims: { readonly username: string; readonly groups: string };
  /** Seconds from now; negative for a token that has expired. @default 600 */
  readonly expiresIn?: number;
  readonly now?: number;
}

/** The claims of an ID token for one person, under the claim names the access section says. */
export function idTokenClaims(request: IdTokenRequest): Record<string, unknown> {
  const now = Math.floor((request.now ?? Date.now()) / 1000);
  return {
    iss: request.issuer,
    aud: request.audience,
    sub: `user-${request.email}`,
    iat: now - 5,
    exp: now + (request.expiresIn ?? 600),
    email: request.email,
    // The API server refuses an email username that the issuer has not verified.
    email_verified: true,
    [request.claims.username]: request.email,
    [request.claims.groups]: [...request.groups],
  };
}
