/**
 * Starts a real control plane on 127.0.0.1 for the real-server tests: etcd, kube-apiserver with the admission
 * plugins and authorizers EKS runs (PodSecurity, LimitRanger, ResourceQuota, ServiceAccount,
 * DefaultStorageClass, ValidatingAdmissionPolicy and the defaults; Node,RBAC) and kube-controller-manager, which
 * the quota, service-account and workload controllers need. No kubelet, scheduler or CNI: pods are admitted and
 * stay Pending. stop() ends every process it started and deletes its files.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BinaryName } from "./go-module";
import { createPki } from "./pki";
import { KubeClient, type KubeConnection } from "./kube-client";

/** Admission plugins enabled on top of the defaults, as the issue and EKS run them. DenyServiceExternalIPs is not one: EKS leaves it off. */
export const ADMISSION_PLUGINS = [
  "NamespaceLifecycle",
  "LimitRanger",
  "ServiceAccount",
  "PodSecurity",
  "ResourceQuota",
  "DefaultStorageClass",
  "ValidatingAdmissionPolicy",
] as const;

const SERVICE_RANGE = "10.0.0.0/24";
const SERVICE_IP = "10.0.0.1";

export interface ControlPlane {
  readonly connection: KubeConnection;
  /** A kubeconfig for the admin, for poking at a running plane by hand (MLOPS_KEEP_CLUSTER=1 keeps it). */
  readonly kubeconfig: string;
  readonly dir: string;
  readonly startSeconds: number;
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function kubeconfigFor(server: string, ca: string, cert: string, key: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "test", cluster: { server, "certificate-authority": ca } }],
    users: [{ name: "user", user: { "client-certificate": cert, "client-key": key } }],
    contexts: [{ name: "test", context: { cluster: "test", user: "user" } }],
    "current-context": "test",
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, processes: readonly ChildProcess[], logs: string, seconds = 120): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const dead = processes.find((p) => p.exitCode !== null);
    if (dead) throw new Error(`${dead.spawnfile} exited with ${dead.exitCode} while waiting for ${what}; logs in ${logs}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}; logs in ${logs}`);
}

export interface ControlPlaneOptions {
  /** An AuthenticationConfiguration (apiserver.config.k8s.io/v1) for `--authentication-config`: whose tokens the server trusts. */
  readonly authenticationConfig?: Readonly<Record<string, unknown>>;
}

export async function startControlPlane(binaries: Readonly<Record<BinaryName, string>>, options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "mlops-control-plane-"));
  const pki = createPki(dir, SERVICE_IP);
  const [etcdPort, peerPort, apiPort, kcmPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const processes: ChildProcess[] = [];
  const launch = (name: BinaryName, args: string[]) => {
    const log = openSync(join(dir, `${name}.log`), "a");
    const child = spawn(binaries[name], args, { stdio: ["ignore", log, log] });
    processes.push(child);
    return child;
  };
  const stopAll = async (keepFiles: boolean) => {
    for (const child of [...processes].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (!keepFiles) rmSync(dir, { recursive: true, force: true });
  };
  const stop = () => stopAll(process.env.MLOPS_KEEP_CLUSTER === "1");
  try {
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    launch("etcd", [
      "--name=test",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=test=${peerUrl}`,
      // A throw-away store: durability buys nothing and fsync costs seconds.
      "--unsafe-no-fsync",
      "--log-level=warn",
    ]);
    await waitFor("etcd", async () => (await fetch(`${etcdUrl}/health`)).ok, processes, dir);

    const server = `https://127.0.0.1:${apiPort}`;
    const authentication: string[] = [];
    if (options.authenticationConfig) {
      const file = join(dir, "authentication-config.json");
      writeFileSync(file, JSON.stringify(options.authenticationConfig));
      authentication.push(`--authentication-config=${file}`);
    }
    launch("kube-apiserver", [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--cert-dir=${dir}`,
      `--tls-cert-file=${pki.serving.cert}`,
      `--tls-private-key-file=${pki.serving.key}`,
      `--client-ca-file=${pki.caCert}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      `--service-cluster-ip-range=${SERVICE_RANGE}`,
      "--authorization-mode=Node,RBAC",
      `--enable-admission-plugins=${ADMISSION_PLUGINS.join(",")}`,
      // EKS lets privileged containers through to admission: Pod Security, not this flag, must refuse them.
      "--allow-privileged=true",
      "--profiling=false",
      ...authentication,
    ]);
    const connection: KubeConnection = {
      server,
      ca: readFileSync(pki.caCert, "utf8"),
      cert: readFileSync(pki.admin.cert, "utf8"),
      key: readFileSync(pki.admin.key, "utf8"),
    };
    const admin = new KubeClient(connection);
    await waitFor("kube-apiserver /readyz", async () => (await admin.request("GET", "/readyz")).status === 200, processes, dir);

    const kcmConfig = join(dir, "controller-manager.kubeconfig");
    writeFileSync(kcmConfig, kubeconfigFor(server, pki.caCert, pki.controllerManager.cert, pki.controllerManager.key));
    launch("kube-controller-manager", [
      `--kubeconfig=${kcmConfig}`,
      `--authentication-kubeconfig=${kcmConfig}`,
      `--authorization-kubeconfig=${kcmConfig}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${kcmPort}`,
      "--leader-elect=false",
      "--use-service-account-credentials=true",
      `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--root-ca-file=${pki.caCert}`,
      `--service-cluster-ip-range=${SERVICE_RANGE}`,
    ]);
    // The service-account controller has run once the default namespace has its default ServiceAccount.
    await waitFor(
      "kube-controller-manager",
      async () => (await admin.request("GET", "/api/v1/namespaces/default/serviceaccounts/default")).status === 200,
      processes,
      dir,
    );
    const kubeconfig = join(dir, "admin.kubeconfig");
    writeFileSync(kubeconfig, kubeconfigFor(server, pki.caCert, pki.admin.cert, pki.admin.key));
    return { connection, kubeconfig, dir, startSeconds: (Date.now() - started) / 1000, stop };
  } catch (error) {
    // Keep the logs the error points at.
    await stopAll(true);
    throw error;
  }
}
