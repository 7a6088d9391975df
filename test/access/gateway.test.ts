/** The gateway's pure builders: GatewayClass, EnvoyProxy and Gateway per cluster kind, the TLS chain, certgen, ingress's NetworkPolicies, chart values. */
import { describe, expect, it } from "vitest";
import {
  ENVOY_GATEWAY_CONTROLLER,
  ENVOY_PROXY_NAME,
  GATEWAY_TLS_SECRET,
  NLB_CLASS,
  PROXY_LISTENER_PORT,
  envoyProxySpec,
  gatewayObjects,
  gatewaySpec,
} from "../../charts/access/gateway";
import { GATEWAY_CERTIFICATE, PLATFORM_CA, PLATFORM_CA_ISSUER, SELF_SIGNED_ISSUER, gatewayTlsObjects } from "../../charts/access/tls";
import { resolveAccess, type AccessConfig, type AccessInput } from "../../config/access";
import { CERTGEN_NAME, CONTROLLER_POD_LABELS, certgenObjects, envoyGatewayValues, ingressNamespaceObjects } from "../../components/access";
import { DEX_POD_LABELS } from "../../charts/access/dex";
import { gatewayUiNetworkPolicies, UI_PODS, uiRoutePods } from "../../charts/services/ui-network";
import {
  ENVOY_PROXY_POD_LABELS,
  GATEWAY_CLASS,
  GATEWAY_NAME,
  GATEWAY_NAMESPACE,
  MODEL_ROUTES_LABEL,
  UI_APPS,
  UI_BACKENDS,
  uiRoutes,
} from "../../domain/access";
import { CERT_MANAGER_NAMESPACE, DEX_NAMESPACE, KUBEFLOW_NAMESPACE, MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { allowed, type NetworkPolicy, type Pod } from "../../scripts/netpol/evaluate";
import { CHARTS } from "../../domain/versions";

const ACM = "arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234";
const oidc: AccessInput["identityProvider"] = {
  kind: "oidc",
  issuer: "https://idp.example.com",
  clientId: "mlops",
  kubectlClientId: "mlops-kubectl",
  endpoints: {
    authorization: "https://idp.example.com/auth",
    token: "https://idp.example.com/token",
    userInfo: "https://idp.example.com/me",
    jwks: "https://idp.example.com/keys",
  },
};
function access(overrides: Partial<AccessInput> = {}): AccessConfig {
  const resolved = resolveAccess({
    identityProvider: oidc,
    adminGroups: ["platform-admins"],
    domain: "mlops.example.com",
    tls: { acmCertificateArn: ACM },
    ...overrides,
  });
  if (!resolved) throw new Error("no access");
  return resolved;
}
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec: any };
const byKind = (objects: readonly unknown[], kind: string) => (objects as Obj[]).filter((o) => o.kind === kind);

describe("gateway objects", () => {
  it("a GatewayClass of Envoy Gateway's controller naming the EnvoyProxy, and the Gateway of that class in ingress", () => {
    const objects = gatewayObjects({ access: access(), environment: "dev", onEks: true });
    expect(objects.map((o) => `${o.kind} ${(o as Obj).metadata.name}`)).toEqual([
      `GatewayClass ${GATEWAY_CLASS}`,
      `EnvoyProxy ${ENVOY_PROXY_NAME}`,
      `Gateway ${GATEWAY_NAME}`,
    ]);
    const [cls, proxy, gw] = objects as Obj[];
    expect(cls.metadata.namespace).toBeUndefined();
    expect(cls.spec).toEqual({
      controllerName: ENVOY_GATEWAY_CONTROLLER,
      parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: ENVOY_PROXY_NAME, namespace: "ingress" },
    });
    expect([proxy.metadata.namespace, gw.metadata.namespace]).toEqual(["ingress", "ingress"]);
    expect(gw.spec.gatewayClassName).toBe(GATEWAY_CLASS);
  });

  it("EKS: an internal NLB of the AWS LBC that terminates TLS on 443 with the ACM certificate, targets pod IPs", () => {
    const svc = envoyProxySpec({ access: access(), environment: "prod", onEks: true }).provider as any;
    expect(svc.kubernetes.envoyService).toEqual({
      type: "LoadBalancer",
      loadBalancerClass: NLB_CLASS,
      annotations: {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": ACM,
        "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
        "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      },
    });
  });

  it("the scheme and the source ranges come from access.exposure", () => {
    const exposed = access({ exposure: { scheme: "internet-facing", sourceRanges: ["203.0.113.0/24"] } });
    const eks = (envoyProxySpec({ access: exposed, environment: "dev", onEks: true }).provider as any).kubernetes.envoyService;
    expect(eks.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internet-facing");
    expect(eks.loadBalancerSourceRanges).toEqual(["203.0.113.0/24"]);
    const site = (envoyProxySpec({ access: exposed, environment: "dev", onEks: false }).provider as any).kubernetes.envoyService;
    expect(site).toEqual({ type: "LoadBalancer", loadBalancerSourceRanges: ["203.0.113.0/24"] });
  });

  it("existing clusters: the site's LoadBalancer, no class and no AWS annotations", () => {
    const svc = (envoyProxySpec({ access: access({ tls: { issuer: "self-signed" } }), environment: "local", onEks: false }).provider as any).kubernetes
      .envoyService;
    expect(svc).toEqual({ type: "LoadBalancer" });
  });

  it("EKS without an ACM certificate is refused with the field to set", () => {
    expect(() => envoyProxySpec({ access: access({ tls: {} }), environment: "dev", onEks: true })).toThrow("access.tls.acmCertificateArn");
  });

  it.each([
    ["prod", 2, true],
    ["staging", 2, true],
    ["dev", 1, false],
    ["local", 1, false],
  ] as const)("%s: %i proxy replica(s), disruption budget %s, requests and a memory limit, a restricted pod", (environment, replicas, pdb) => {
    const k = (envoyProxySpec({ access: access(), environment, onEks: true }).provider as any).kubernetes;
    expect(k.envoyDeployment.replicas).toBe(replicas);
    expect(k.envoyPDB).toEqual(pdb ? { minAvailable: 1 } : undefined);
    expect(k.envoyDeployment.container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(k.envoyDeployment.container.resources.limits.memory).toEqual(expect.any(String));
    expect(k.envoyDeployment.pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(Boolean(k.envoyDeployment.pod.topologySpreadConstraints)).toBe(pdb);
  });

  it("the system pool places the proxies when asked", () => {
    const pod = (envoyProxySpec({ access: access(), environment: "dev", onEks: true, systemPool: true }).provider as any).kubernetes.envoyDeployment.pod;
    expect(pod.nodeSelector).toEqual({ "mlops.platform/role": "system" });
    expect((envoyProxySpec({ access: access(), environment: "dev", onEks: true }).provider as any).kubernetes.envoyDeployment.pod.nodeSelector).toBeUndefined();
  });
});

describe("listeners", () => {
  const routes = [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }];
  it("apps (*.<domain>) admits HTTPRoutes of ingress only; models (*.models.<domain>) those of labelled namespaces", () => {
    const [apps, models] = (gatewaySpec({ access: access(), onEks: true }) as any).listeners;
    expect(apps).toMatchObject({ name: "apps", hostname: "*.mlops.example.com", port: 443, allowedRoutes: { namespaces: { from: "Same" }, kinds: routes } });
    expect(models).toMatchObject({
      name: "models",
      hostname: "*.models.mlops.example.com",
      port: 443,
      allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { [MODEL_ROUTES_LABEL]: "true" } } }, kinds: routes },
    });
  });

  it("EKS: HTTP behind the NLB's TLS, no certificate at Envoy; elsewhere HTTPS terminating with cert-manager's Secret", () => {
    for (const l of (gatewaySpec({ access: access(), onEks: true }) as any).listeners) {
      expect(l.protocol).toBe("HTTP");
      expect(l.tls).toBeUndefined();
    }
    for (const l of (gatewaySpec({ access: access({ tls: { issuer: "self-signed" } }), onEks: false }) as any).listeners) {
      expect(l.protocol).toBe("HTTPS");
      expect(l.tls).toEqual({ mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: GATEWAY_TLS_SECRET }] });
    }
  });
});

describe("the gateway's certificate on existing clusters", () => {
  it("self-signed: a bootstrap issuer, a CA in cert-manager's namespace, a CA issuer signing both listeners' wildcards", () => {
    const objects = gatewayTlsObjects({ access: access({ tls: { issuer: "self-signed" } }) }) as Obj[];
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`)).toEqual([
      `ClusterIssuer /${SELF_SIGNED_ISSUER}`,
      `Certificate ${CERT_MANAGER_NAMESPACE}/${PLATFORM_CA}`,
      `ClusterIssuer /${PLATFORM_CA_ISSUER}`,
      `Certificate ingress/${GATEWAY_CERTIFICATE}`,
    ]);
    expect(objects[1].spec).toMatchObject({ isCA: true, secretName: PLATFORM_CA, issuerRef: { kind: "ClusterIssuer", name: SELF_SIGNED_ISSUER } });
    expect(objects[2].spec).toEqual({ ca: { secretName: PLATFORM_CA } });
    expect(objects[3].spec).toMatchObject({
      secretName: GATEWAY_TLS_SECRET,
      dnsNames: ["*.mlops.example.com", "*.models.mlops.example.com"],
      issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: PLATFORM_CA_ISSUER },
    });
  });

  it("a named issuer: only the gateway's Certificate, signed by it", () => {
    const objects = gatewayTlsObjects({ access: access({ tls: { issuer: { kind: "Issuer", name: "site-ca" } } }) }) as Obj[];
    expect(objects.map((o) => o.kind)).toEqual(["Certificate"]);
    expect(objects[0].spec.issuerRef).toEqual({ group: "cert-manager.io", kind: "Issuer", name: "site-ca" });
  });

  it("no issuer is refused with the field to set", () => {
    expect(() => gatewayTlsObjects({ access: access({ tls: {} }) })).toThrow("access.tls.issuer");
  });
});

describe("certgen (the chart's hook, run as an ordinary Job)", () => {
  const objects = certgenObjects({ team: "platform" }) as Obj[];
  const job = byKind(objects, "Job")[0];
  const container = job.spec.template.spec.containers[0];

  it("the catalogue's controller image runs certgen without the topology injector, in ingress, with its own Role on Secrets", () => {
    expect(container.image).toBe(`docker.io/envoyproxy/gateway:${CHARTS.envoyGateway.version}`);
    expect(container.command).toEqual(["envoy-gateway", "certgen", "--disable-topology-injector"]);
    expect(job.metadata).toMatchObject({ name: CERTGEN_NAME, namespace: "ingress" });
    expect((byKind(objects, "Role")[0] as any).rules).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "create", "update"] }]);
    expect(byKind(objects, "ClusterRole")).toHaveLength(0);
  });

  it("stays once finished (no TTL, Pulumi never sees it vanish), restricted, with requests and a memory limit", () => {
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(job.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(container.resources).toMatchObject({ requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } });
  });
});

describe("the ingress namespace", () => {
  const shared = uiRoutes({ domain: "mlops.example.com", adminGroups: ["a"] }, new Set(["mlflow", "grafana"] as const), []);
  const policies = (acc: AccessConfig) =>
    Object.fromEntries(byKind(ingressNamespaceObjects({ access: acc, uiRoutes: shared }), "NetworkPolicy").map((p) => [p.metadata.name, p.spec]));

  it("restricted, default deny and DNS, then the listener port 10443 from any source to the proxies only", () => {
    const [ns] = byKind(ingressNamespaceObjects({ access: access(), uiRoutes: [] }), "Namespace") as any[];
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const p = policies(access());
    expect(Object.keys(p)).toEqual(expect.arrayContaining(["default-deny", "allow-dns", "allow-listener"]));
    expect(p["allow-listener"]).toEqual({
      podSelector: { matchLabels: { ...ENVOY_PROXY_POD_LABELS } },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ protocol: "TCP", port: PROXY_LISTENER_PORT }] }],
    });
  });

  it("proxies reach each UI's pods on their port, labelled teams' predictors on 8080, the controller's xDS, and the IdP", () => {
    const egress = policies(access())["allow-proxy-egress"].egress;
    expect(egress.slice(0, 2)).toEqual(
      (["mlflow", "grafana"] as const).map((app) => ({
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": UI_BACKENDS[app].namespace } },
            podSelector: { matchLabels: UI_PODS[app].podLabels },
          },
        ],
        ports: [{ protocol: "TCP", port: UI_PODS[app].port }],
      })),
    );
    expect(egress[2]).toEqual({ to: [{ namespaceSelector: { matchLabels: { [MODEL_ROUTES_LABEL]: "true" } } }], ports: [{ protocol: "TCP", port: 8080 }] });
    expect(egress[3].ports).toEqual([{ protocol: "TCP", port: 443 }]);
    expect(egress[4]).toEqual({ to: [{ podSelector: { matchLabels: { ...CONTROLLER_POD_LABELS } } }], ports: [{ protocol: "TCP", port: 18000 }] });
    const dex = resolveAccess({ identityProvider: { kind: "dex" }, adminGroups: ["a"], domain: "mlops.local.test", tls: { issuer: "self-signed" } });
    if (!dex) throw new Error("no access");
    expect(policies(dex)["allow-proxy-egress"].egress[3]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": DEX_NAMESPACE } }, podSelector: { matchLabels: { ...DEX_POD_LABELS } } }],
      ports: [{ protocol: "TCP", port: 5556 }],
    });
  });

  it("evaluated: a proxy reaches each UI pod, not Prometheus or Grafana's other ports in monitoring, nothing in kubeflow", () => {
    const owners = { admin: { groups: [] }, edit: { groups: [] }, view: { groups: [] } };
    const routes = uiRoutes({ domain: "mlops.example.com", adminGroups: ["a"] }, new Set(UI_APPS), [{ name: "vision", services: ["evidently"], owners }]);
    const world = {
      namespaces: Object.fromEntries([GATEWAY_NAMESPACE, KUBEFLOW_NAMESPACE, ...routes.map((r) => r.backend.namespace)].map((n) => [n, {}])),
      policies: [
        ...byKind(ingressNamespaceObjects({ access: access(), uiRoutes: routes }), "NetworkPolicy"),
        ...byKind(gatewayUiNetworkPolicies(routes), "NetworkPolicy"),
      ] as unknown as NetworkPolicy[],
    };
    const proxy: Pod = { namespace: GATEWAY_NAMESPACE, name: "envoy", labels: { ...ENVOY_PROXY_POD_LABELS } };
    const pod = (namespace: string, labels: Record<string, string>): Pod => ({ namespace, name: "target", labels });
    expect(routes.map((r) => r.name)).toEqual(["mlflow", "grafana", "evidently-vision"]);
    for (const route of routes) {
      const pods = uiRoutePods(route);
      const ui = pod(route.backend.namespace, { ...pods.podLabels, "pod-template-hash": "x" });
      expect(allowed(world, { from: proxy, to: ui, port: pods.port }), route.name).toBe(true);
    }
    const grafana = pod(MONITORING_NAMESPACE, { ...UI_PODS.grafana.podLabels });
    for (const [target, port] of [
      [pod(MONITORING_NAMESPACE, { "app.kubernetes.io/name": "prometheus" }), 9090],
      [pod(MONITORING_NAMESPACE, { "app.kubernetes.io/name": "alertmanager" }), 9093],
      [grafana, 9090],
      [pod(KUBEFLOW_NAMESPACE, { app: "mysql" }), 3306],
      [pod(KUBEFLOW_NAMESPACE, { app: "ml-pipeline-ui" }), 3000],
      [pod(KUBEFLOW_NAMESPACE, { app: "ml-pipeline" }), 8888],
    ] as const) {
      expect(allowed(world, { from: proxy, to: target, port }), `${target.namespace}/${JSON.stringify(target.labels)}:${port}`).toBe(false);
    }
  });

  it("the controller takes xDS from the proxies and reaches the API server; Prometheus scrapes 19001", () => {
    const p = policies(access());
    expect(p["allow-xds"].ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { ...ENVOY_PROXY_POD_LABELS } } }], ports: [{ protocol: "TCP", port: 18000 }] },
    ]);
    expect(p["allow-api-server"].egress[0].ports).toEqual([
      { protocol: "TCP", port: 443 },
      { protocol: "TCP", port: 6443 },
    ]);
    expect(p["allow-certgen-api-server"].podSelector).toEqual({ matchLabels: { app: "certgen" } });
    expect(p["allow-monitoring-scrape"].ingress[0].ports).toEqual([{ protocol: "TCP", port: 19001 }]);
  });
});

describe("chart values", () => {
  it.each([
    ["prod", 2, 1],
    ["staging", 2, 1],
    ["dev", 1, 0],
    ["local", 1, 0],
  ] as const)("%s: %i controller replica(s), PodDisruptionBudget minAvailable %i", (environment, replicas, minAvailable) => {
    const values = envoyGatewayValues({ environment }) as any;
    expect(values.deployment.replicas).toBe(replicas);
    expect(values.podDisruptionBudget).toEqual({ minAvailable });
  });

  it("the published image, the topology injector off, names from envoy-gateway, the system pool when asked", () => {
    const values = envoyGatewayValues({ environment: "dev", systemPool: true }) as any;
    expect(values.deployment.envoyGateway.image).toEqual({ repository: "docker.io/envoyproxy/gateway", tag: CHARTS.envoyGateway.version });
    expect(values.topologyInjector).toEqual({ enabled: false });
    expect(values.fullnameOverride).toBe("envoy-gateway");
    expect(values.deployment.pod.nodeSelector).toEqual({ "mlops.platform/role": "system" });
    expect(values.certgen).toBeUndefined();
  });
});
