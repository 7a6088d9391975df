/**
 * What the real-server tests give Kueue's controller, as pure data: its Configuration, the webhook configurations
 * and CRD conversion settings derived from the module's own manifests but addressed to 127.0.0.1 (the test
 * control plane routes no Services), the webhook Secret and a kubeconfig. Unit-tested without a server.
 */
import { KUEUE_FRAMEWORKS, NAMESPACE_QUEUE_LABEL } from "../../domain/queues";
import { KUEUE_NAMESPACE } from "../../domain/platform-namespaces";
import type { KubeObject } from "../plan/extract";
import type { KubeConnection } from "./kube-client";

/** The name Kueue's installers (kustomize's namePrefix, the Helm release) give its objects; the cert rotator derives its webhook configurations' names from it. */
export const KUEUE_PREFIX = "kueue";
export const WEBHOOK_SERVICE_NAME = `${KUEUE_PREFIX}-webhook-service`;
export const WEBHOOK_SECRET_NAME = `${KUEUE_PREFIX}-webhook-server-cert`;
/** The name the rotator checks the serving certificate against. */
export const WEBHOOK_SERVICE_DNS_NAME = `${WEBHOOK_SERVICE_NAME}.${KUEUE_NAMESPACE}.svc`;

/** The label the platform puts on team namespaces (their LocalQueue's name): Kueue manages jobs and pods there only. */
export const QUEUE_NAMESPACE_LABEL = NAMESPACE_QUEUE_LABEL;
export const MANAGED_JOBS_NAMESPACE_SELECTOR = { matchExpressions: [{ key: QUEUE_NAMESPACE_LABEL, operator: "Exists" }] };
/** The integrations the platform turns on. */
export { KUEUE_FRAMEWORKS };

export interface KueuePorts {
  readonly webhook: number;
  readonly metrics: number;
  readonly health: number;
}

/** Where the API server reaches Kueue's webhook server, and the CA it trusts for it (PEM). */
export interface WebhookEndpoint {
  readonly baseUrl: string;
  readonly caCert: string;
}

/** The platform's Kueue settings, with what running beside a test control plane (not in a pod) needs on top. */
export function kueueConfiguration(ports: KueuePorts, certDir: string, frameworks: readonly string[] = KUEUE_FRAMEWORKS): KubeObject {
  return {
    apiVersion: "config.kueue.x-k8s.io/v1beta2",
    kind: "Configuration",
    namespace: KUEUE_NAMESPACE,
    // Loopback ports of their own: several runs may share a machine.
    health: { healthProbeBindAddress: `127.0.0.1:${ports.health}` },
    metrics: { bindAddress: `127.0.0.1:${ports.metrics}`, enableClusterQueueResources: true },
    webhook: { host: "127.0.0.1", port: ports.webhook, certDir },
    // One replica: nobody to elect against.
    leaderElection: { leaderElect: false },
    // On, because off makes Kueue read its metrics certificate from /etc; the rotator keeps the Secret the harness seeds (kueue-certs.ts).
    internalCertManagement: { enable: true, webhookServiceName: WEBHOOK_SERVICE_NAME, webhookSecretName: WEBHOOK_SECRET_NAME },
    manageJobsWithoutQueueName: false,
    managedJobsNamespaceSelector: MANAGED_JOBS_NAMESPACE_SELECTOR,
    integrations: { frameworks: [...frameworks] },
    resources: { excludeResourcePrefixes: ["ephemeral-storage"] },
    // The visibility API server writes its certificates to a fixed /visibility directory, which only a pod has.
    featureGates: { VisibilityOnDemand: false },
  };
}

type Webhook = Record<string, unknown> & {
  name: string;
  clientConfig?: { service?: { path?: string } };
  rules?: { apiGroups?: string[]; resources?: string[] }[];
};

/** Built-in kinds whose webhooks Kueue's chart makes fail-open unless their integration is on: every pod or Deployment would need Kueue up. */
const OPTIONAL_BUILT_IN: Readonly<Record<string, string>> = { "/pods": "pod", "apps/deployments": "deployment", "apps/statefulsets": "statefulset" };

const ruleKeys = (hook: Webhook): string[] =>
  (hook.rules ?? []).flatMap((rule) => (rule.apiGroups ?? []).flatMap((group) => (rule.resources ?? []).map((r) => `${group}/${r}`)));

/** A webhook for a job framework (batch/job, pod, …) rather than for Kueue's own kinds: it must only see managed namespaces. */
const forFramework = (hook: Webhook): boolean => (hook.rules ?? []).some((rule) => (rule.apiGroups ?? []).some((group) => group !== "kueue.x-k8s.io"));

function addressed(hook: Webhook, endpoint: WebhookEndpoint, frameworks: readonly string[]): Record<string, unknown> {
  const path = hook.clientConfig?.service?.path;
  if (!path) throw new Error(`Kueue webhook ${hook.name} names no service path: the manifests no longer fit this harness`);
  const optional = ruleKeys(hook).flatMap((key) => OPTIONAL_BUILT_IN[key] ?? []);
  const failurePolicy = optional.length > 0 && !optional.some((framework) => frameworks.includes(framework)) ? "Ignore" : hook.failurePolicy;
  return {
    ...hook,
    clientConfig: { url: `${endpoint.baseUrl}${path}`, caBundle: Buffer.from(endpoint.caCert).toString("base64") },
    failurePolicy,
    ...(forFramework(hook) ? { namespaceSelector: MANAGED_JOBS_NAMESPACE_SELECTOR } : {}),
  };
}

/**
 * Kueue's Mutating- and ValidatingWebhookConfiguration (config/components/webhook/manifests.yaml) under the names
 * Kueue expects, each webhook addressed by URL instead of Service and limited to managed namespaces as the chart does.
 */
export function webhookConfigurations(
  manifests: readonly KubeObject[],
  endpoint: WebhookEndpoint,
  frameworks: readonly string[] = KUEUE_FRAMEWORKS,
): KubeObject[] {
  const kinds = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];
  const found = manifests.filter((m) => kinds.includes(m.kind));
  if (found.length !== kinds.length) throw new Error(`expected one each of ${kinds.join(" and ")} in Kueue's webhook manifests, found ${found.length}`);
  return found.map((config) => ({
    ...config,
    metadata: { name: `${KUEUE_PREFIX}-${config.metadata?.name ?? ""}` },
    webhooks: ((config.webhooks ?? []) as Webhook[]).map((hook) => addressed(hook, endpoint, frameworks)),
  }));
}

type ConversionPatch = KubeObject & {
  spec?: { conversion?: { webhook?: { clientConfig?: { service?: { path?: string } }; conversionReviewVersions?: string[] } } };
};

/**
 * The CRDs with the conversion webhook Kueue's kustomization patches in (config/components/crd/patches), addressed
 * by URL. Kueue's cert rotator insists on putting its CA into exactly those CRDs' clientConfig at start.
 */
export function withConversionWebhooks(crds: readonly KubeObject[], patches: readonly KubeObject[], endpoint: WebhookEndpoint): KubeObject[] {
  const conversions = new Map<string, NonNullable<NonNullable<ConversionPatch["spec"]>["conversion"]>>();
  for (const patch of patches as ConversionPatch[]) {
    const conversion = patch.spec?.conversion;
    if (!conversion) continue;
    const name = patch.metadata?.name ?? "";
    if (!crds.some((crd) => crd.metadata?.name === name)) throw new Error(`Kueue's conversion patch names ${name}, which is not among its CRDs`);
    conversions.set(name, conversion);
  }
  return crds.map((crd) => {
    const conversion = conversions.get(crd.metadata?.name ?? "");
    if (!conversion) return crd;
    const path = conversion.webhook?.clientConfig?.service?.path;
    if (!path) throw new Error(`Kueue's conversion patch for ${crd.metadata?.name} names no service path`);
    const webhook = {
      clientConfig: { url: `${endpoint.baseUrl}${path}`, caBundle: Buffer.from(endpoint.caCert).toString("base64") },
      conversionReviewVersions: conversion.webhook?.conversionReviewVersions ?? ["v1"],
    };
    return { ...crd, spec: { ...(crd.spec as object), conversion: { strategy: "Webhook", webhook } } };
  });
}

export interface WebhookSecretPems {
  readonly caCert: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
}

/** The Secret Kueue's cert rotator reads (and would otherwise fill) in Kueue's namespace, in the keys it uses. */
export function webhookSecret(pems: WebhookSecretPems): KubeObject {
  const b64 = (pem: string) => Buffer.from(pem).toString("base64");
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: WEBHOOK_SECRET_NAME, namespace: KUEUE_NAMESPACE },
    type: "Opaque",
    data: { "ca.crt": b64(pems.caCert), "ca.key": b64(pems.caKey), "tls.crt": b64(pems.cert), "tls.key": b64(pems.key) },
  };
}

/** A kubeconfig for a connection, credentials inline (a file the test run deletes). */
export function kubeconfig(connection: KubeConnection): string {
  const b64 = (pem: string) => Buffer.from(pem).toString("base64");
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "test", cluster: { server: connection.server, "certificate-authority-data": b64(connection.ca) } }],
    users: [{ name: "kueue", user: { "client-certificate-data": b64(connection.cert), "client-key-data": b64(connection.key) } }],
    contexts: [{ name: "test", context: { cluster: "test", user: "kueue" } }],
    "current-context": "test",
  });
}
