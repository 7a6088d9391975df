/**
 * What the real-server tests give Kueue (scripts/cluster/kueue-config.ts), checked without a server: its
 * Configuration, and webhook and conversion settings derived from manifests shaped like Kueue's own.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../scripts/plan/extract";
import {
  kubeconfig,
  kueueConfiguration,
  MANAGED_JOBS_NAMESPACE_SELECTOR,
  webhookConfigurations,
  webhookSecret,
  withConversionWebhooks,
} from "../../scripts/cluster/kueue-config";

const PORTS = { webhook: 40001, metrics: 40002, health: 40003 };
const ENDPOINT = { baseUrl: "https://127.0.0.1:40001", caCert: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n" };
const CA_BUNDLE = Buffer.from(ENDPOINT.caCert).toString("base64");

const hook = (name: string, path: string, apiGroups: string[], resources: string[]) => ({
  name,
  admissionReviewVersions: ["v1"],
  clientConfig: { service: { name: "webhook-service", namespace: "system", path } },
  failurePolicy: "Fail",
  sideEffects: "None",
  rules: [{ apiGroups, apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources }],
});

/** Shaped like config/components/webhook/manifests.yaml: kustomize's unprefixed names and Service references. */
const MANIFESTS: KubeObject[] = [
  {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { name: "mutating-webhook-configuration" },
    webhooks: [
      hook("mjob.kb.io", "/mutate-batch-v1-job", ["batch"], ["jobs"]),
      hook("mpod.kb.io", "/mutate--v1-pod", [""], ["pods"]),
      hook("mdeployment.kb.io", "/mutate-apps-v1-deployment", ["apps"], ["deployments"]),
      hook("mresourceflavor.kb.io", "/mutate-kueue-x-k8s-io-v1beta2-resourceflavor", ["kueue.x-k8s.io"], ["resourceflavors"]),
    ],
  },
  {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name: "validating-webhook-configuration" },
    webhooks: [
      hook("vjob.kb.io", "/validate-batch-v1-job", ["batch"], ["jobs"]),
      hook("vclusterqueue.kb.io", "/validate-kueue-x-k8s-io-v1beta2-clusterqueue", ["kueue.x-k8s.io"], ["clusterqueues"]),
    ],
  },
];

const webhooksOf = (configs: KubeObject[]) => new Map(configs.flatMap((c) => (c.webhooks as Record<string, any>[]).map((w) => [w.name, w])));

describe("kueueConfiguration", () => {
  const config = kueueConfiguration(PORTS, "/tmp/certs") as Record<string, any>;

  it("is a v1beta2 Configuration for Kueue's namespace, alone (no leader election), on loopback ports", () => {
    expect(config).toMatchObject({ apiVersion: "config.kueue.x-k8s.io/v1beta2", kind: "Configuration", namespace: "kueue-system" });
    expect(config.leaderElection).toEqual({ leaderElect: false });
    expect(config.webhook).toEqual({ host: "127.0.0.1", port: 40001, certDir: "/tmp/certs" });
    expect(config.metrics.bindAddress).toBe("127.0.0.1:40002");
    expect(config.health.healthProbeBindAddress).toBe("127.0.0.1:40003");
  });

  it("carries the platform's queueing settings", () => {
    expect(config.manageJobsWithoutQueueName).toBe(false);
    expect(config.managedJobsNamespaceSelector).toEqual({ matchExpressions: [{ key: "mlops.platform/queue", operator: "Exists" }] });
    expect(config.integrations).toEqual({ frameworks: ["batch/job", "pod"] });
    expect(config.metrics.enableClusterQueueResources).toBe(true);
    expect(config.resources).toEqual({ excludeResourcePrefixes: ["ephemeral-storage"] });
  });

  it("turns off what only works in a pod, and keeps the cert rotator on the Secret the harness seeds", () => {
    expect(config.featureGates).toEqual({ VisibilityOnDemand: false });
    expect(config.internalCertManagement).toEqual({
      enable: true,
      webhookServiceName: "kueue-webhook-service",
      webhookSecretName: "kueue-webhook-server-cert",
    });
  });
});

describe("webhookConfigurations", () => {
  const configs = webhookConfigurations(MANIFESTS, ENDPOINT);
  const hooks = webhooksOf(configs);

  it("keeps both configurations under the names Kueue's cert rotator updates", () => {
    expect(configs.map((c) => [c.kind, c.metadata?.name])).toEqual([
      ["MutatingWebhookConfiguration", "kueue-mutating-webhook-configuration"],
      ["ValidatingWebhookConfiguration", "kueue-validating-webhook-configuration"],
    ]);
    expect([...hooks.keys()]).toEqual(["mjob.kb.io", "mpod.kb.io", "mdeployment.kb.io", "mresourceflavor.kb.io", "vjob.kb.io", "vclusterqueue.kb.io"]);
  });

  it("addresses every webhook at 127.0.0.1 by its path, trusting the harness's CA, with no Service left", () => {
    expect(hooks.get("mjob.kb.io")?.clientConfig).toEqual({ url: "https://127.0.0.1:40001/mutate-batch-v1-job", caBundle: CA_BUNDLE });
    for (const [name, webhook] of hooks) expect(webhook.clientConfig.service, name).toBeUndefined();
  });

  it("limits job and pod webhooks to managed namespaces, and leaves Kueue's own kinds everywhere", () => {
    for (const name of ["mjob.kb.io", "mpod.kb.io", "mdeployment.kb.io", "vjob.kb.io"])
      expect(hooks.get(name)?.namespaceSelector, name).toEqual(MANAGED_JOBS_NAMESPACE_SELECTOR);
    for (const name of ["mresourceflavor.kb.io", "vclusterqueue.kb.io"]) expect(hooks.get(name)?.namespaceSelector, name).toBeUndefined();
  });

  it("fails open only for the built-in kinds whose integration is off, as Kueue's chart does", () => {
    expect(hooks.get("mdeployment.kb.io")?.failurePolicy).toBe("Ignore");
    for (const name of ["mjob.kb.io", "mpod.kb.io", "vjob.kb.io", "mresourceflavor.kb.io"]) expect(hooks.get(name)?.failurePolicy, name).toBe("Fail");
    const withoutPods = webhooksOf(webhookConfigurations(MANIFESTS, ENDPOINT, ["batch/job"]));
    expect(withoutPods.get("mpod.kb.io")?.failurePolicy).toBe("Ignore");
    expect(withoutPods.get("mjob.kb.io")?.failurePolicy).toBe("Fail");
  });

  it("keeps the rest of each webhook as Kueue wrote it", () => {
    expect(hooks.get("vjob.kb.io")).toMatchObject({ sideEffects: "None", admissionReviewVersions: ["v1"], rules: hook("", "", ["batch"], ["jobs"]).rules });
  });

  it("refuses manifests it no longer understands", () => {
    expect(() => webhookConfigurations(MANIFESTS.slice(0, 1), ENDPOINT)).toThrow(/expected one each/);
    const pathless = structuredClone(MANIFESTS);
    (pathless[0].webhooks as any[])[0].clientConfig = { service: { name: "webhook-service" } };
    expect(() => webhookConfigurations(pathless, ENDPOINT)).toThrow(/mjob.kb.io names no service path/);
  });
});

describe("withConversionWebhooks", () => {
  const crd = (name: string): KubeObject => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name },
    spec: { group: "kueue.x-k8s.io" },
  });
  const patch = (name: string, conversion?: object): KubeObject => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name },
    spec: { ...(conversion ? { conversion } : {}) },
  });
  const conversion = {
    strategy: "Webhook",
    webhook: { clientConfig: { service: { namespace: "system", name: "webhook-service", path: "/convert" } }, conversionReviewVersions: ["v1"] },
  };

  it("gives the patched CRDs a conversion webhook at 127.0.0.1 and leaves the others alone", () => {
    const crds = withConversionWebhooks(
      [crd("workloads.kueue.x-k8s.io"), crd("topologies.kueue.x-k8s.io")],
      [patch("workloads.kueue.x-k8s.io", conversion), patch("topologies.kueue.x-k8s.io")],
      ENDPOINT,
    );
    expect(crds[0].spec).toEqual({
      group: "kueue.x-k8s.io",
      conversion: {
        strategy: "Webhook",
        webhook: { clientConfig: { url: "https://127.0.0.1:40001/convert", caBundle: CA_BUNDLE }, conversionReviewVersions: ["v1"] },
      },
    });
    expect(crds[1]).toEqual(crd("topologies.kueue.x-k8s.io"));
  });

  it("refuses a patch for a CRD that is not there", () => {
    expect(() => withConversionWebhooks([crd("a.kueue.x-k8s.io")], [patch("b.kueue.x-k8s.io", conversion)], ENDPOINT)).toThrow(
      /b.kueue.x-k8s.io, which is not among its CRDs/,
    );
  });
});

describe("webhookSecret and kubeconfig", () => {
  it("puts the PEMs where the cert rotator reads them, in Kueue's namespace", () => {
    const secret = webhookSecret({ caCert: "ca", caKey: "cakey", cert: "crt", key: "key" }) as Record<string, any>;
    expect(secret.metadata).toEqual({ name: "kueue-webhook-server-cert", namespace: "kueue-system" });
    const decoded = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
    expect(decoded).toEqual({ "ca.crt": "ca", "ca.key": "cakey", "tls.crt": "crt", "tls.key": "key" });
  });

  it("writes a self-contained kubeconfig for the connection", () => {
    const config = JSON.parse(kubeconfig({ server: "https://127.0.0.1:6443", ca: "CA", cert: "CERT", key: "KEY" }));
    const data = (value: string) => Buffer.from(value, "base64").toString();
    expect(config.clusters[0].cluster.server).toBe("https://127.0.0.1:6443");
    expect(data(config.clusters[0].cluster["certificate-authority-data"])).toBe("CA");
    expect([data(config.users[0].user["client-certificate-data"]), data(config.users[0].user["client-key-data"])]).toEqual(["CERT", "KEY"]);
    expect(config["current-context"]).toBe(config.contexts[0].name);
  });
});
