/**
 * A tiny OpenID Connect issuer on 127.0.0.1 for the real-server sign-in tests: HTTPS with a throw-away CA (pki.ts),
 * a discovery document naming the stack's issuer, and its JWKS. It signs nothing itself: the tests mint ID tokens
 * with its key (oidc-token.ts), as the company's IdP would after a sign-in. stop() closes it and deletes its files.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPki } from "./pki";
import { jwks, newSigningKey, type SigningKey } from "./oidc-token";
import type { IssuerTrust } from "./oidc-config";

export const DISCOVERY_PATH = "/.well-known/openid-configuration";
export const JWKS_PATH = "/keys";

export interface RunningIssuer extends IssuerTrust {
  /** The issuer the tokens name (the stack's, or where it is served when none is given). */
  readonly issuer: string;
  /** The CA certificate as a file, for clients that take a path (Feast's ca_cert_path); gone after stop(). */
  readonly caCertFile: string;
  readonly signingKey: SigningKey;
  stop(): Promise<void>;
}

/**
 * What the issuer serves at `base`: its discovery document, naming `issuer`, and the keys. The authorization and
 * token endpoints are never called; Feast's OIDC parser requires any IdP to name them (oidc_token_parser.py
 * _check_discovery_endpoints).
 */
export function discoveryDocument(issuer: string, base: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${base}/auth`,
    token_endpoint: `${base}/token`,
    jwks_uri: `${base}${JWKS_PATH}`,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
  };
}

/** Serves on a free port of 127.0.0.1; `issuer` is the stack's, or (omitted) the served address itself. */
export async function startOidcIssuer(issuer?: string): Promise<RunningIssuer> {
  const dir = mkdtempSync(join(tmpdir(), "mlops-oidc-"));
  // The control plane's PKI recipe: a CA and a serving certificate for 127.0.0.1 (its client certificates go unused).
  const pki = createPki(dir, "127.0.0.1");
  const signingKey = newSigningKey();
  let base = "";
  const server = createServer({ cert: readFileSync(pki.serving.cert), key: readFileSync(pki.serving.key) }, (req, res) => {
    const body = req.url === DISCOVERY_PATH ? discoveryDocument(issuer ?? base, base) : req.url === JWKS_PATH ? jwks([signingKey]) : undefined;
    res.writeHead(body ? 200 : 404, { "Content-Type": "application/json" });
    res.end(body ? JSON.stringify(body) : "{}");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("the OIDC issuer has no address");
  base = `https://127.0.0.1:${address.port}`;
  const stop = async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    // The API server keeps its connection open: close it, or close() waits for it.
    server.closeAllConnections();
    await closed;
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    issuer: issuer ?? base,
    discoveryUrl: `${base}${DISCOVERY_PATH}`,
    caCert: readFileSync(pki.caCert, "utf8"),
    caCertFile: pki.caCert,
    signingKey,
    stop,
  };
}
