/**
 * The certificates Kueue's webhook server serves to the test API server, made fresh at every start.
 *
 * Kueue runs with its internal certificate management on (off, v0.19.2 reads the metrics certificate from a fixed
 * /etc path), so its cert rotator checks the webhook Secret at start and regenerates what it does not accept. These
 * are made to be accepted, so the rotator keeps them and only copies the CA into the webhook configurations:
 * - the CA key is RSA in PKCS#1, the only form the rotator parses; the CA carries the rotator's CA name as a DNS name;
 * - the serving certificate names the webhook Service (what the rotator verifies) and 127.0.0.1 (what the API server dials);
 * - both outlive the rotator's 90-day look-ahead, so it renews neither.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openssl } from "./pki";

/** The rotator's CA name (Kueue's pkg/util/cert). */
export const KUEUE_CA_NAME = "kueue-ca";
const DAYS = "365";

export interface KueueCerts {
  /** Holds tls.crt and tls.key: Kueue's webhook.certDir. */
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
}

function rsaKey(): string {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
}

/** An openssl configuration of its own, so the system's openssl.cnf adds no extensions of its own. */
function opensslConfig(commonName: string, extensions: string[]): string {
  return ["[req]", "distinguished_name = dn", "prompt = no", "[dn]", `CN = ${commonName}`, "[ext]", ...extensions, ""].join("\n");
}

/** Certificates for a webhook Service `serviceDnsName` reached at 127.0.0.1, written under `parent`. */
export function createKueueCerts(parent: string, serviceDnsName: string): KueueCerts {
  const dir = join(parent, "webhook-certs");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "ca.key"), rsaKey(), { mode: 0o600 });
  writeFileSync(
    join(dir, "ca.cnf"),
    opensslConfig(KUEUE_CA_NAME, [
      "basicConstraints = critical,CA:TRUE",
      "keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign",
      `subjectAltName = DNS:${KUEUE_CA_NAME}`,
    ]),
  );
  openssl(dir, "req", "-x509", "-new", "-key", "ca.key", "-config", "ca.cnf", "-extensions", "ext", "-days", DAYS, "-out", "ca.crt");
  writeFileSync(join(dir, "tls.key"), rsaKey(), { mode: 0o600 });
  const serving = [
    "basicConstraints = critical,CA:FALSE",
    "keyUsage = critical,digitalSignature,keyEncipherment",
    "extendedKeyUsage = serverAuth",
    `subjectAltName = DNS:${serviceDnsName},IP:127.0.0.1`,
  ];
  writeFileSync(join(dir, "tls.cnf"), opensslConfig(serviceDnsName, serving));
  openssl(dir, "req", "-new", "-key", "tls.key", "-config", "tls.cnf", "-out", "tls.csr");
  openssl(
    dir,
    "x509",
    "-req",
    "-in",
    "tls.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    DAYS,
    "-extfile",
    "tls.cnf",
    "-extensions",
    "ext",
    "-out",
    "tls.crt",
  );
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  return { dir, caCert: read("ca.crt"), caKey: read("ca.key"), cert: read("tls.crt"), key: read("tls.key") };
}
