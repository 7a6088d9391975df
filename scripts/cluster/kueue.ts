/**
 * Runs Kueue's controller beside a test control plane: installs its CRDs and webhook configurations (addressed
 * to 127.0.0.1, see kueue-config.ts), seeds its webhook certificate, starts the binary and waits until the API
 * server gets answers from its webhooks. stop() unregisters the webhooks (they fail closed: left behind, they
 * would refuse every Job in a managed namespace), ends the process and deletes its files.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KUEUE_NAMESPACE } from "../../domain/platform-namespaces";
import type { KubeObject } from "../plan/extract";
import { freePort } from "./control-plane";
import { KubeClient, type KubeConnection } from "./kube-client";
import { createKueueCerts } from "./kueue-certs";
import {
  kubeconfig,
  kueueConfiguration,
  WEBHOOK_SECRET_NAME,
  WEBHOOK_SERVICE_DNS_NAME,
  webhookConfigurations,
  webhookSecret,
  withConversionWebhooks,
  type KueuePorts,
} from "./kueue-config";
import { readKueueManifests } from "./kueue-manifests";

export interface RunningKueue {
  readonly dir: string;
  readonly startSeconds: number;
  /** For a test's failure message: whether the process still runs, and the end of its log. */
  state(): string;
  stop(): Promise<void>;
}

const FIELD_MANAGER = "mlops-kueue-harness";

async function applyAll(admin: KubeClient, objects: readonly KubeObject[]): Promise<void> {
  for (const object of objects) {
    const response = await admin.apply(object, FIELD_MANAGER);
    if (response.status >= 300) throw new Error(`applying ${object.kind} ${object.metadata?.name}: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

const logTail = (file: string): string => {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
};

async function waitFor(what: string, check: () => Promise<boolean>, child: ChildProcess, log: string, seconds = 120): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`kueue exited with ${child.exitCode} while waiting for ${what}; log ${log}:\n${logTail(log)}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}; log ${log}:\n${logTail(log)}`);
}

const established = (crd: { status?: { conditions?: { type: string; status: string }[] } }): boolean =>
  (crd.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True");

/** Kueue's CRDs, webhook configurations and Secret on the server, and the config files Kueue reads. */
async function install(admin: KubeClient, moduleDir: string, dir: string, ports: KueuePorts): Promise<{ webhooks: KubeObject[]; caCert: string }> {
  const certs = createKueueCerts(dir, WEBHOOK_SERVICE_DNS_NAME);
  const endpoint = { baseUrl: `https://127.0.0.1:${ports.webhook}`, caCert: certs.caCert };
  const manifests = readKueueManifests(moduleDir);
  await applyAll(admin, [{ apiVersion: "v1", kind: "Namespace", metadata: { name: KUEUE_NAMESPACE } }, webhookSecret(certs)]);
  const crds = withConversionWebhooks(manifests.crds, manifests.conversionPatches, endpoint);
  await applyAll(admin, crds);
  for (const crd of crds) {
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata?.name}`;
    const deadline = Date.now() + 60_000;
    while (!established((await admin.request("GET", path)).body ?? {})) {
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata?.name} not established within 60 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const webhooks = webhookConfigurations(manifests.webhookManifests, endpoint);
  await applyAll(admin, webhooks);
  writeFileSync(join(dir, "config.yaml"), JSON.stringify(kueueConfiguration(ports, certs.dir)));
  // Kueue runs as the test's admin (system:masters): in a cluster it runs as its ServiceAccount under the chart's
  // ClusterRole. These tests prove queueing behaviour, not Kueue's RBAC, which the chart inventory judges.
  writeFileSync(join(dir, "kubeconfig"), kubeconfig(admin.connection), { mode: 0o600 });
  return { webhooks, caCert: certs.caCert };
}

async function removeWebhooks(admin: KubeClient, webhooks: readonly KubeObject[]): Promise<void> {
  for (const config of webhooks) {
    const plural = config.kind === "MutatingWebhookConfiguration" ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations";
    await admin.request("DELETE", `/apis/admissionregistration.k8s.io/v1/${plural}/${config.metadata?.name}`);
  }
}

/** Starts Kueue's controller (the binary ensureKueueBinary built) against the control plane at `connection`. */
export async function startKueue(connection: KubeConnection, build: { readonly binary: string; readonly moduleDir: string }): Promise<RunningKueue> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "mlops-kueue-"));
  const admin = new KubeClient(connection);
  const ports: KueuePorts = { webhook: await freePort(), metrics: await freePort(), health: await freePort() };
  let webhooks: KubeObject[] = [];
  let child: ChildProcess | undefined;
  const stopAll = async (keepFiles: boolean) => {
    await removeWebhooks(admin, webhooks).catch(() => undefined);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child?.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child?.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    admin.close();
    if (!keepFiles) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const installed = await install(admin, build.moduleDir, dir, ports);
    webhooks = installed.webhooks;
    const log = join(dir, "kueue.log");
    const out = openSync(log, "a");
    const running = spawn(build.binary, [`--config=${join(dir, "config.yaml")}`], {
      stdio: ["ignore", out, out],
      env: { ...process.env, KUBECONFIG: join(dir, "kubeconfig") },
    });
    child = running;
    // The child holds its own copy of the log's descriptor.
    closeSync(out);
    await waitFor("Kueue /readyz", async () => (await fetch(`http://127.0.0.1:${ports.health}/readyz`)).ok, running, log);
    // The API server must reach the webhooks: a dry run of a Kueue object passes through its mutating and validating webhooks.
    const probe = { apiVersion: "kueue.x-k8s.io/v1beta2", kind: "ResourceFlavor", metadata: { name: "kueue-harness-probe" }, spec: {} };
    await waitFor(
      "the API server to call Kueue's webhooks",
      async () => (await admin.request("POST", "/apis/kueue.x-k8s.io/v1beta2/resourceflavors?dryRun=All", probe)).status === 201,
      running,
      log,
    );
    // Had the rotator not accepted the seeded certificate, it would have replaced it and the CA the webhooks trust.
    const secret = await admin.request("GET", `/api/v1/namespaces/${KUEUE_NAMESPACE}/secrets/${WEBHOOK_SECRET_NAME}`);
    if (secret.body?.data?.["ca.crt"] !== Buffer.from(installed.caCert).toString("base64"))
      throw new Error(`Kueue replaced the seeded webhook certificate; log ${log}:\n${logTail(log)}`);
    const state = () =>
      `Kueue ${running.exitCode === null && running.signalCode === null ? "still runs" : `exited (${running.exitCode ?? running.signalCode})`}; log ${log}:\n${logTail(log)}`;
    return { dir, startSeconds: (Date.now() - started) / 1000, state, stop: () => stopAll(process.env.MLOPS_KEEP_CLUSTER === "1") };
  } catch (error) {
    // Keep the log the error points at.
    await stopAll(true);
    throw error;
  }
}
