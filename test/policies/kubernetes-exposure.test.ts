/** Exposure (EXP-01, EXP-02) and pinned Helm charts (OPS-04). */
import { describe, it, expect } from "vitest";
import { chartsPinned } from "../../policies/aws/charts-pinned";
import { INGRESS_NAMESPACE, exposure } from "../../policies/kubernetes/exposure";
import { mutate, packViolations, violations } from "./harness";

const SVC_T = "kubernetes:core/v1:Service";
const ING_T = "kubernetes:networking.k8s.io/v1:Ingress";
const CHART_T = "kubernetes:helm.sh/v4:Chart";

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
  it("a LoadBalancer in the ingress namespace goes through the AWS LBC", () => {
    expect(INGRESS_NAMESPACE).toBe("ingress");
    expect(violations(exposure, SVC_T, service("LoadBalancer", "ingress", NLB))).toEqual([]);
    expect(violations(exposure, SVC_T, service("LoadBalancer", "ingress"))).toEqual([
      "EXP-01: LoadBalancer Services use loadBalancerClass service.k8s.aws/nlb (AWS LBC, internal by default)",
    ]);
    expect(violations(exposure, SVC_T, service("LoadBalancer", "ingress", { loadBalancerClass: "example.com/other" }))).toEqual([
      "EXP-01: LoadBalancer Services use loadBalancerClass service.k8s.aws/nlb (AWS LBC, internal by default)",
    ]);
  });
  it("a NodePort in the ingress namespace is allowed", () => {
    expect(violations(exposure, SVC_T, service("NodePort", "ingress"))).toEqual([]);
  });
});

describe("k8s-exposure: Ingresses (EXP-02)", () => {
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
  it("an Ingress without an auth annotation is reported", () => {
    expect(violations(exposure, ING_T, ingress({ "alb.ingress.kubernetes.io/scheme": "internal" }))).toEqual([
      "EXP-02: Ingress mlflow exposes a service without authentication (OIDC, ALB auth or oauth2-proxy)",
    ]);
    expect(
      violations(
        exposure,
        ING_T,
        mutate(ingress(), (i: any) => delete i.metadata.annotations),
      ),
    ).toHaveLength(1);
  });
  it.each([
    ["alb.ingress.kubernetes.io/auth-type", "oidc"],
    ["nginx.ingress.kubernetes.io/auth-url", "https://oauth2-proxy.auth/oauth2/auth"],
    ["nginx.ingress.kubernetes.io/auth-signin", "https://oauth2-proxy.auth/oauth2/start"],
  ])("%s authenticates", (key, value) => {
    expect(packViolations(ING_T, ingress({ [key]: value }))).toEqual([]);
  });
  it("an empty auth annotation does not count", () => {
    expect(violations(exposure, ING_T, ingress({ "alb.ingress.kubernetes.io/auth-type": "" }))).toHaveLength(1);
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
