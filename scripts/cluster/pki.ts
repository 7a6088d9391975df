/**
 * Certificates and keys for one test control plane, made fresh at every start with openssl (on every machine
 * of this kind) and valid for two days: a CA, the API server's serving certificate for 127.0.0.1, client
 * certificates for the test's admin (system:masters) and the controller manager, and the service-account
 * signing key. ECDSA P-256 throughout: a key costs milliseconds.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly serving: { readonly cert: string; readonly key: string };
  readonly admin: { readonly cert: string; readonly key: string };
  readonly controllerManager: { readonly cert: string; readonly key: string };
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

const DAYS = "2";

/** Runs openssl in `dir`, its stderr kept for the error when it fails. */
export function openssl(dir: string, ...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function ecKey(dir: string, file: string): string {
  openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file);
  return join(dir, file);
}

/** A certificate signed by the CA, with the given subject and X.509v3 extensions. */
function signed(dir: string, name: string, subject: string, extensions: string[]): { cert: string; key: string } {
  const key = ecKey(dir, `${name}.key`);
  writeFileSync(join(dir, `${name}.ext`), extensions.join("\n") + "\n");
  openssl(dir, "req", "-new", "-key", key, "-subj", subject, "-out", `${name}.csr`);
  openssl(
    dir,
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    DAYS,
    "-extfile",
    `${name}.ext`,
    "-out",
    `${name}.crt`,
  );
  return { cert: join(dir, `${name}.crt`), key };
}

const CLIENT = ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature", "extendedKeyUsage=clientAuth"];

export function createPki(dir: string, serviceIp: string): Pki {
  const caKey = ecKey(dir, "ca.key");
  openssl(dir, "req", "-x509", "-new", "-key", caKey, "-subj", "/CN=mlops-platform-test-ca", "-days", DAYS, "-out", "ca.crt");
  const serving = signed(dir, "apiserver", "/CN=kube-apiserver", [
    "basicConstraints=critical,CA:FALSE",
    "keyUsage=critical,digitalSignature",
    "extendedKeyUsage=serverAuth",
    `subjectAltName=IP:127.0.0.1,IP:${serviceIp},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc`,
  ]);
  const admin = signed(dir, "admin", "/O=system:masters/CN=mlops-test-admin", CLIENT);
  const controllerManager = signed(dir, "controller-manager", "/CN=system:kube-controller-manager", CLIENT);
  const serviceAccountKey = ecKey(dir, "service-account.key");
  openssl(dir, "pkey", "-in", serviceAccountKey, "-pubout", "-out", "service-account.pub");
  return { caCert: join(dir, "ca.crt"), caKey, serving, admin, controllerManager, serviceAccountKey, serviceAccountPub: join(dir, "service-account.pub") };
}
