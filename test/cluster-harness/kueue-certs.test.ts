/**
 * The webhook certificates the harness seeds for Kueue (scripts/cluster/kueue-certs.ts) are ones Kueue's cert
 * rotator keeps: otherwise it would replace them at start and the API server would stop trusting its webhooks.
 * Needs openssl, as the real-server tests do.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createKueueCerts, KUEUE_CA_NAME } from "../../scripts/cluster/kueue-certs";

const dir = mkdtempSync(join(tmpdir(), "kueue-certs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SERVICE = "kueue-webhook-service.kueue-system.svc";
const certs = createKueueCerts(dir, SERVICE);
const ca = new X509Certificate(certs.caCert);
const serving = new X509Certificate(certs.cert);
/** The rotator renews whatever expires within 90 days. */
const LOOKAHEAD = Date.now() + 91 * 24 * 3600 * 1000;

describe("createKueueCerts", () => {
  it("makes a CA under the rotator's CA name, with an RSA key in PKCS#1 (the only form the rotator parses)", () => {
    expect(ca.ca).toBe(true);
    expect(ca.subjectAltName).toBe(`DNS:${KUEUE_CA_NAME}`);
    expect(ca.checkHost(KUEUE_CA_NAME)).toBe(KUEUE_CA_NAME);
    expect(certs.caKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(ca.checkPrivateKey(createPrivateKey(certs.caKey))).toBe(true);
  });

  it("signs a serving certificate for the webhook Service and for 127.0.0.1", () => {
    expect(serving.ca).toBe(false);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.checkHost(SERVICE)).toBe(SERVICE);
    expect(serving.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(serving.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(serving.checkPrivateKey(createPrivateKey(certs.key))).toBe(true);
  });

  it("makes both outlast the rotator's look-ahead", () => {
    for (const cert of [ca, serving]) expect(new Date(cert.validTo).getTime()).toBeGreaterThan(LOOKAHEAD);
  });

  it("writes tls.crt and tls.key where Kueue's webhook server reads them", () => {
    expect(readdirSync(certs.dir)).toEqual(expect.arrayContaining(["tls.crt", "tls.key"]));
  });
});
