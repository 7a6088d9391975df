/** The Access component in the offline plan of the fixture stacks: its children, their order, the chart and the client Secret. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../../charts/kube";
import { createStackRoutes } from "../../components/access/wiring";
import { kserveGatewayValues } from "../../components/services/model-serving";
import { CHARTS } from "../../domain/versions";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { T, childrenOf, one, plan, type Res } from "../components/plan-query";

const ACCESS = "mlops:access:Access";
const SECRET = "kubernetes:core/v1:Secret";
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any };
const objs = (group: Res) => parseYamlStream(group.inputs.yaml as string) as Obj[];

const STACKS = ["local", "dev", "prod"] as const;
const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  for (const stack of STACKS) plans[stack] = await plan(stack);
});

const component = (stack: string) => one(plans[stack], ACCESS, "access");
const group = (stack: string, name: string) => one(plans[stack], T.configGroup, name);
const chart = (stack: string) => one(plans[stack], T.chart, "envoy-gateway");

describe("Access (fixture stacks with access)", () => {
  it.each(STACKS)("%s: a top-level component with the namespace, certgen, chart, client Secret, gateway and routes", (stack) => {
    expect(component(stack).parent).toBeNull();
    const names = childrenOf(plans[stack], component(stack)).map((c) => `${c.type} ${c.name}`);
    const expected = [
      `${T.configGroup} access-namespace`,
      `${T.configGroup} access-certgen`,
      `${T.chart} envoy-gateway`,
      `${SECRET} access-oidc-client`,
      `${T.configGroup} access-gateway`,
      `${T.configGroup} access-routes`,
      `${T.configGroup} access-model-policies`,
      ...(stack === "local" ? [`${T.configGroup} access-tls`] : []),
    ];
    expect(names.sort()).toEqual(expected.sort());
  });

  it.each(STACKS)("%s: the catalogue's chart from its OCI registry into ingress", (stack) => {
    const ref = CHARTS.envoyGateway;
    expect(chart(stack).inputs).toMatchObject({ chart: `${ref.repo}/${ref.chart}`, version: ref.version, namespace: "ingress" });
  });

  it.each(STACKS)("%s: namespace, then certgen, then the chart, then the Gateway, then the routes", (stack) => {
    expect(group(stack, "access-certgen").dependsOn).toContain(group(stack, "access-namespace").urn);
    expect(chart(stack).dependsOn).toEqual(expect.arrayContaining([group(stack, "access-namespace").urn, group(stack, "access-certgen").urn]));
    expect(group(stack, "access-gateway").dependsOn).toContain(chart(stack).urn);
    for (const routes of ["access-routes", "access-model-policies"])
      expect(group(stack, routes).dependsOn, routes).toEqual(
        expect.arrayContaining([group(stack, "access-gateway").urn, one(plans[stack], SECRET, "access-oidc-client").urn]),
      );
  });

  it("EKS (dev, prod): an NLB EnvoyProxy with the ACM certificate and HTTP listeners; no cert-manager objects", () => {
    for (const stack of ["dev", "prod"]) {
      const proxy = objs(group(stack, "access-gateway")).find((o) => o.kind === "EnvoyProxy");
      expect(proxy?.spec.provider.kubernetes.envoyService.loadBalancerClass, stack).toBe("service.k8s.aws/nlb");
      const gw = objs(group(stack, "access-gateway")).find((o) => o.kind === "Gateway");
      expect(
        gw?.spec.listeners.map((l: { protocol: string }) => l.protocol),
        stack,
      ).toEqual(["HTTP", "HTTP"]);
      expect(
        plans[stack].resources.some((r) => r.name === "access-tls"),
        stack,
      ).toBe(false);
    }
  });

  it("local: HTTPS listeners and the gateway's certificate after the platform's cert-manager", () => {
    const gw = objs(group("local", "access-gateway")).find((o) => o.kind === "Gateway");
    expect(gw?.spec.listeners.map((l: { protocol: string }) => l.protocol)).toEqual(["HTTPS", "HTTPS"]);
    const tls = group("local", "access-tls");
    expect(objs(tls).map((o) => o.kind)).toContain("Certificate");
    // A component in dependsOn stands for its resources: the cert-manager chart's among them.
    expect(tls.dependsOn.some((urn) => urn.endsWith("::services-kserve-cert-manager"))).toBe(true);
  });

  it.each(STACKS)("%s: the IdP client secret is a Pulumi secret in the oidc-client Secret", (stack) => {
    const secret = one(plans[stack], SECRET, "access-oidc-client");
    expect(secret.inputs.metadata).toMatchObject({ name: "oidc-client", namespace: "ingress" });
    // Masked key by key (the company IdP's unset secret is a stand-in offline): the written Secret is a valid object.
    expect(secret.inputs.stringData).toEqual({ "client-secret": "[secret]" });
    // Grafana signs in as the same client, its copy of the secret masked the same way.
    expect(one(plans[stack], SECRET, "monitoring-grafana-oauth").inputs.stringData).toEqual({ "client-secret": "[secret]" });
  });

  it.each(STACKS)(
    "%s: the routes group holds the UI routes, their allow-gateway NetworkPolicies (none for a team's Pipelines UI) and the SecurityPolicies",
    (stack) => {
      const names = objs(group(stack, "access-routes")).map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
      for (const expected of ["HTTPRoute ingress/ui-grafana", "NetworkPolicy monitoring/allow-gateway", "SecurityPolicy ingress/gateway-default"])
        expect(names, stack).toContain(expected);
      expect(
        names.filter((n) => n.includes("/model-endpoints")),
        stack,
      ).toEqual([]);
      // A team's Pipelines UI runs in the team's namespace: the team chart's policies admit the proxies there.
      const routed = names.filter((n) => n.startsWith("HTTPRoute ingress/ui-") && !n.startsWith("HTTPRoute ingress/ui-pipelines-"));
      expect(names.filter((n) => n.startsWith("NetworkPolicy ")).length, stack).toBe(routed.length);
    },
  );

  it("local: Dex's login route, its ReferenceGrant and its open policy are the gateway's, after Dex's namespace", () => {
    const routes = group("local", "access-routes");
    const byName = (kind: string, name: string) => objs(routes).filter((o) => o.kind === kind && o.metadata.name === name);
    expect(byName("HTTPRoute", "identity-provider").map((o) => o.metadata.namespace)).toEqual(["ingress"]);
    expect(byName("ReferenceGrant", "gateway-identity-provider").map((o) => o.metadata.namespace)).toEqual(["dex"]);
    const [open] = byName("SecurityPolicy", "identity-provider");
    expect(open.spec).toEqual({
      targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "identity-provider" }],
      authorization: { defaultAction: "Allow" },
    });
    // A component in dependsOn stands for its resources: Dex's namespace group among them.
    expect(routes.dependsOn).toContain(group("local", "identity-namespace").urn);
    // The company IdP's stacks have no route or open policy of an IdP.
    for (const stack of ["dev", "prod"])
      expect(
        objs(group(stack, "access-routes")).filter((o) => o.metadata.name === "identity-provider"),
        stack,
      ).toEqual([]);
  });

  it("EKS (dev): model endpoints accept the team's callers' service-account tokens from the cluster's OIDC issuer", () => {
    const teams = plans.dev.config!.teams.filter((t) => t.modelEndpoints);
    expect(teams.length).toBeGreaterThan(0);
    const policies = objs(group("dev", "access-model-policies")).filter((o) => o.kind === "SecurityPolicy" && o.metadata.name === "model-endpoints");
    expect(policies.map((o) => o.metadata.namespace).sort()).toEqual(teams.map((t) => t.name).sort());
    for (const policy of policies) {
      const cluster = policy.spec.jwt.providers.find((p: { name: string }) => p.name === "cluster");
      expect(cluster).toMatchObject({
        issuer: "<computed:mlops-dev.oidcIssuer>",
        remoteJWKS: { uri: "<computed:mlops-dev.oidcIssuer>/keys" },
        audiences: ["mlops-models"],
      });
    }
  });

  it.each(STACKS)("%s: KServe routes on the gateway: its controller takes the gateway values and waits for the gateway chart's CRDs", (stack) => {
    const cfg = plans[stack].config!;
    expect(cfg.teams.some((t) => t.modelEndpoints)).toBe(true);
    const controller = one(plans[stack], T.chart, "services-kserve-controller");
    expect((controller.inputs.values as any).kserve.controller.gateway).toMatchObject(kserveGatewayValues(cfg.access!.domain).kserve.controller.gateway);
    expect(controller.dependsOn).toContain(chart(stack).urn);
    // The routes wait for the services' namespaces (a component in dependsOn stands for its resources).
    expect(group(stack, "access-routes").dependsOn).toContain(one(plans[stack], T.configGroup, "services-namespaces").urn);
  });

  it.each(STACKS)("%s: staging/prod tiers get two controller replicas, the others one", (stack) => {
    expect((chart(stack).inputs.values as any).deployment.replicas).toBe(stack === "prod" ? 2 : 1);
  });

  it("EKS: only the model policies wait on the cluster's issuer; routes, grants, UI policies and NetworkPolicies are plain at preview", () => {
    const cfg = plans.dev.config;
    if (!cfg?.access) throw new Error("dev has no access");
    const calls: { group: string; objects: readonly Manifest[] | pulumi.Output<readonly Manifest[]> }[] = [];
    const gateway = {
      addRoutes: (objects: readonly Manifest[] | pulumi.Output<readonly Manifest[]>, _namespaces: unknown, group = "routes") => {
        calls.push({ group, objects });
        return undefined as never;
      },
    };
    const identity = { access: cfg.access, clientSecret: pulumi.output("unused") };
    createStackRoutes(gateway, { cfg, identity, labels: {}, namespaces: [], eksIssuer: pulumi.output("https://oidc.example/id/X") });
    expect(calls.map((c) => c.group)).toEqual(["routes", "model-policies"]);
    const [routes, models] = calls.map((c) => c.objects);
    expect(Array.isArray(routes)).toBe(true);
    const kinds = new Set((routes as readonly Manifest[]).map((o) => (o as unknown as Obj).kind));
    expect([...kinds].sort()).toEqual(["HTTPRoute", "NetworkPolicy", "ReferenceGrant", "SecurityPolicy"]);
    expect(pulumi.Output.isInstance(models)).toBe(true);
    // Without model endpoints there is no model group at all.
    calls.length = 0;
    createStackRoutes(gateway, { cfg: { ...cfg, teams: cfg.teams.map((t) => ({ ...t, modelEndpoints: undefined })) }, identity, labels: {}, namespaces: [] });
    expect(calls.map((c) => c.group)).toEqual(["routes"]);
  });
});
