/** Exposure of single objects (EXP-01, EXP-02) and pinned Helm charts (OPS-04); the gateway as a whole: gateway-*.test.ts. */
import { describe, it, expect } from "vitest";
import { chartsPinned } from "../../policies/aws/charts-pinned";
import { INGRESS_NAMESPACE, exposure } from "../../policies/kubernetes/exposure";
import { envoyProxy, gateway } from "./gateway-fixture";
import { mutate, packViolations, violations } from "./harness";

const SVC_T = "kubernetes:core/v1:Service";
const ING_T = "kubernetes:networking.k8s.io/v1:Ingress";
const CHART_T = "kubernetes:helm.sh/v4:Chart";
const EP_T = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy";
const GW_T = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme";

const service = (type: string | undefined, namespace = "recsys", extra: object = {}) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "ranker", namespace },
  spec: { ...(type ? { type } : {}), selector: { app: "ranker" }, ports: [{ port: 80, targetPort: 8080 }], ...extra },
});
const NLB = { loadBalancerClass: "service.k8s.aws/nlb" };

describe("k8s-exposure: Services (EXP-01)", () => {
  it("ClusterIP services pass every policy of the pack anywhere", () => {
    expect(packViolations(SVC_T, service(undefined))).toEqual([]);
    expect(packViolations(SVC_T, service("ClusterIP"))).toEqual([]);
  });
  it.each(["LoadBalancer", "NodePort"])("%s outside the ingress namespace is reported", (type) => {
    expect(violations(exposure, SVC_T, service(type, "recsys", NLB))).toEqual([`EXP-01: Service ranker of type ${type} outside the ingress namespace`]);
    expect(
      violations(
        exposure,
        SVC_T,
        mutate(service(type), (s: any) => delete s.metadata.namespace),
      ),
    ).toEqual([`EXP-01: Service ranker of type ${type} outside the ingress namespace`]);
  });
  it("a LoadBalancer or NodePort in the ingress namespace passes (the NLB class is judged per stack, on EKS: k8s-gateway-listeners)", () => {
    expect(INGRESS_NAMESPACE).toBe("ingress");
    expect(violations(exposure, SVC_T, service("LoadBalancer", "ingress", NLB))).toEqual([]);
    expect(violations(exposure, SVC_T, service("LoadBalancer", "ingress"))).toEqual([]);
    expect(violations(exposure, SVC_T, service("NodePort", "ingress"))).toEqual([]);
  });
});

describe("k8s-exposure: internet-facing load balancers (EXP-01)", () => {
  const facing = (extra: object = {}) =>
    mutate(service("LoadBalancer", "ingress", { ...NLB, ...extra }), (s: any) => (s.metadata.annotations = { [SCHEME]: "internet-facing" }));
  const NEEDS_RANGES =
    "EXP-01: Service ranker: an internet-facing load balancer in prod needs loadBalancerSourceRanges naming its sources (not the whole internet)";

  it("in prod, only with a source allowlist that is not the whole internet", () => {
    expect(violations(exposure, SVC_T, facing())).toEqual([NEEDS_RANGES]);
    expect(violations(exposure, SVC_T, facing({ loadBalancerSourceRanges: ["0.0.0.0/0"] }))).toEqual([NEEDS_RANGES]);
    expect(violations(exposure, SVC_T, facing({ loadBalancerSourceRanges: ["10.0.0.0/8", "::/0"] }))).toEqual([NEEDS_RANGES]);
    expect(violations(exposure, SVC_T, facing({ loadBalancerSourceRanges: ["203.0.113.0/24"] }))).toEqual([]);
  });
  it("outside prod, and when internal, no allowlist is needed", () => {
    for (const environment of ["local", "dev", "staging"]) expect(violations(exposure, SVC_T, facing(), { environment })).toEqual([]);
    expect(violations(exposure, SVC_T, facing(), { environment: null, stack: "prod" })).toEqual([NEEDS_RANGES]);
    expect(
      violations(
        exposure,
        SVC_T,
        mutate(facing(), (s: any) => (s.metadata.annotations[SCHEME] = "internal")),
      ),
    ).toEqual([]);
  });
  it("the EnvoyProxy's proxy Service is judged the same way", () => {
    const proxy = mutate(envoyProxy(true), (p: any) => (p.spec.provider.kubernetes.envoyService.annotations[SCHEME] = "internet-facing"));
    const message = NEEDS_RANGES.replace("Service ranker", "EnvoyProxy platform-proxy");
    expect(violations(exposure, EP_T, proxy)).toEqual([message]);
    expect(violations(exposure, EP_T, proxy, { environment: "dev" })).toEqual([]);
    expect(
      violations(
        exposure,
        EP_T,
        mutate(proxy, (p: any) => (p.spec.provider.kubernetes.envoyService.loadBalancerSourceRanges = ["198.51.100.7/32"])),
      ),
    ).toEqual([]);
  });
});

describe("k8s-exposure: EnvoyProxies and Gateways (EXP-01)", () => {
  it("the platform's EnvoyProxy and Gateway pass every policy of the pack", () => {
    for (const eks of [true, false]) {
      expect(packViolations(EP_T, envoyProxy(eks))).toEqual([]);
      expect(packViolations(GW_T, gateway(eks))).toEqual([]);
    }
  });
  it("an EnvoyProxy lives in the ingress namespace, whatever Service it asks for", () => {
    const moved = mutate(envoyProxy(true), (p: any) => (p.metadata.namespace = "recsys"));
    expect(violations(exposure, EP_T, moved)).toEqual([
      "EXP-01: EnvoyProxy platform-proxy outside the ingress namespace: it shapes the gateway's proxy Service",
    ]);
    expect(
      violations(
        exposure,
        EP_T,
        mutate(moved, (p: any) => (p.spec.provider.kubernetes.envoyService.type = "ClusterIP")),
      ),
    ).toHaveLength(1);
  });
  it("a patched proxy Service cannot be judged and is refused", () => {
    const patched = mutate(envoyProxy(true), (p: any) => (p.spec.provider.kubernetes.envoyService.patch = { type: "StrategicMerge", value: { spec: {} } }));
    expect(violations(exposure, EP_T, patched)).toEqual([
      "EXP-01: EnvoyProxy platform-proxy patches its proxy Service (envoyService.patch): set the fields themselves so they can be judged",
    ]);
  });
  it("a Gateway lives in the ingress namespace", () => {
    expect(
      violations(
        exposure,
        GW_T,
        mutate(gateway(true), (g: any) => (g.metadata.namespace = "recsys")),
      ),
    ).toEqual(["EXP-01: Gateway platform outside the ingress namespace"]);
  });
});

describe("k8s-exposure: Ingresses are refused (EXP-02)", () => {
  const ingress = (annotations: Record<string, string> = {}) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: "mlflow", namespace: "mlflow", annotations },
    spec: {
      ingressClassName: "alb",
      rules: [
        { host: "mlflow.internal", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "mlflow", port: { number: 5000 } } } }] } },
      ],
    },
  });
  const REFUSED = "EXP-02: Ingress mlflow: the platform serves only through the Gateway API; attach an HTTPRoute to the platform's Gateway instead";
  it.each([
    ["no annotation", {}],
    ["ALB OIDC", { "alb.ingress.kubernetes.io/auth-type": "oidc" }],
    ["oauth2-proxy", { "nginx.ingress.kubernetes.io/auth-url": "https://oauth2-proxy.auth/oauth2/auth" }],
  ])("with %s", (_case, annotations) => {
    expect(violations(exposure, ING_T, ingress(annotations))).toEqual([REFUSED]);
  });
});

describe("k8s-exposure: kube-prometheus-stack (EXP-02)", () => {
  const STACK = {
    chart: "kube-prometheus-stack",
    version: "77.5.0",
    namespace: "monitoring",
    repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
    values: {
      grafana: {
        admin: { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" },
        "grafana.ini": { "auth.anonymous": { enabled: false } },
      },
    },
  } as Record<string, any>;
  const DEFAULT_PW = 'EXP-02: Grafana must take its admin credentials from an existing secret, never the chart default "prom-operator"';

  it("the compliant chart passes every policy of the pack", () => {
    expect(packViolations(CHART_T, STACK)).toEqual([]);
  });
  it("Grafana's admin comes from an existing secret", () => {
    expect(
      violations(
        exposure,
        CHART_T,
        mutate(STACK, (c) => delete c.values.grafana.admin),
      ),
    ).toEqual([DEFAULT_PW]);
    expect(
      violations(
        exposure,
        CHART_T,
        mutate(STACK, (c) => (c.values.grafana = { adminPassword: "s3cr3t-but-inline" })),
      ),
    ).toEqual([DEFAULT_PW]);
    expect(
      violations(
        exposure,
        CHART_T,
        mutate(STACK, (c) => delete c.values),
      ),
    ).toEqual([DEFAULT_PW]);
  });
  it("a disabled Grafana needs no secret", () => {
    expect(
      violations(
        exposure,
        CHART_T,
        mutate(STACK, (c) => (c.values.grafana = { enabled: false })),
      ),
    ).toEqual([]);
  });
  it("anonymous access is off", () => {
    expect(
      violations(
        exposure,
        CHART_T,
        mutate(STACK, (c) => (c.values.grafana["grafana.ini"]["auth.anonymous"].enabled = true)),
      ),
    ).toEqual(["EXP-02: Grafana anonymous access must be off"]);
  });
  it("other charts are not judged for Grafana", () => {
    expect(violations(exposure, CHART_T, { chart: "gpu-operator", version: "v26.7.0", values: {} })).toEqual([]);
  });
});

describe("charts-pinned (OPS-04)", () => {
  const chart = (version: unknown, type = CHART_T) =>
    violations(chartsPinned, type, { chart: "cluster-autoscaler", version, repositoryOpts: { repo: "https://kubernetes.github.io/autoscaler" } });

  it.each(["9.59.0", "v26.7.0", "1.2.3-rc.1", "0.0.1-alpha.0"])("%s is exact", (version) => {
    expect(chart(version)).toEqual([]);
  });
  it.each(["^9.59.0", "~9.59.0", "9.x", "9.59", ">=9.0.0", "latest", "9.59.0 || 9.60.0"])("%s is a range", (version) => {
    expect(chart(version)).toEqual([`chart cluster-autoscaler has version "${version}", not an exact version`]);
  });
  it("a missing version is reported", () => {
    expect(chart(undefined)).toEqual(['chart cluster-autoscaler has version "", not an exact version']);
  });
  it("covers helm v3 Releases and Charts too", () => {
    expect(chart("^1.0.0", "kubernetes:helm.sh/v3:Release")).toHaveLength(1);
    expect(chart("^1.0.0", "kubernetes:helm.sh/v3:Chart")).toHaveLength(1);
    expect(chart("^1.0.0", "kubernetes:yaml/v2:ConfigGroup")).toEqual([]);
  });
});
