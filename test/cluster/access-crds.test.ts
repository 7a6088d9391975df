/**
 * The gateway chart's CRDs (Gateway API v1.6.1 and Envoy Gateway's, read from the Envoy Gateway module at the
 * catalogue's release) on the real API server, and what their OpenAPI schemas and CEL rules refuse by themselves:
 * the objects here are written by hand, each a valid baseline with one thing wrong, so every refusal is the
 * CRD's and names the rule. What the CRDs do not refuse (an HTTPS listener with no tls at all) is what the
 * platform's exposure policy must catch.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { GATEWAY_CRD_GROUPS, installGatewayCrds, readGatewayCrds } from "../../scripts/cluster/gateway-crds";
import type { KubeResponse } from "../../scripts/cluster/kube-client";
import type { KubeObject } from "../../scripts/plan/extract";
import { expectAdmitted, expectRefused } from "./fixtures";
import { adminClient } from "./planned";

const admin = adminClient();
const NS = "access-crds";
let crds: KubeObject[] = [];

beforeAll(async () => {
  crds = readGatewayCrds(inject("gateway").dir);
  await installGatewayCrds(admin, crds);
  expectAdmitted(await admin.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }));
});
afterAll(async () => {
  await admin.request("DELETE", `/api/v1/namespaces/${NS}`);
  admin.close();
});

type Spec = Record<string, unknown>;
const gw = (kind: string, name: string, spec: Spec, apiVersion = "gateway.networking.k8s.io/v1"): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: NS },
  spec,
});
const eg = (kind: string, name: string, spec: Spec): KubeObject => gw(kind, name, spec, "gateway.envoyproxy.io/v1alpha1");

const CERT = [{ kind: "Secret", name: "platform-tls" }];
const listener = (extra: Spec = {}): Spec => ({
  name: "apps",
  hostname: "*.mlops.example.com",
  port: 443,
  protocol: "HTTPS",
  tls: { mode: "Terminate", certificateRefs: CERT },
  allowedRoutes: { namespaces: { from: "Same" } },
  ...extra,
});
const gateway = (listeners: Spec[]) => gw("Gateway", "platform", { gatewayClassName: "mlops-platform", listeners });
const route = (hostnames: string[]) =>
  gw("HTTPRoute", "mlflow", {
    parentRefs: [{ name: "platform", sectionName: "apps" }],
    hostnames,
    rules: [{ backendRefs: [{ name: "mlflow", namespace: "mlflow", port: 5000 }] }],
  });

const JWT = { providers: [{ name: "idp", remoteJWKS: { uri: "https://idp.example.com/keys" }, audiences: ["mlops-platform"] }] };
const ALLOW_GROUPS = {
  defaultAction: "Deny",
  rules: [{ action: "Allow", principal: { jwt: { provider: "idp", claims: [{ name: "groups", valueType: "StringArray", values: ["recsys-leads"] }] } } }],
};
const OIDC = {
  provider: { issuer: "https://idp.example.com", authorizationEndpoint: "https://idp.example.com/auth", tokenEndpoint: "https://idp.example.com/token" },
  clientID: "mlops-platform",
  clientSecret: { name: "oidc-client" },
  redirectURL: "https://mlflow.mlops.example.com/oauth2/callback",
};
const toRoute = { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "mlflow" }] };
const policy = (spec: Spec) => eg("SecurityPolicy", "mlflow", { ...toRoute, ...spec });

/** A server-side dry run of the object's creation: admission and validation in full, nothing stored. */
const dryRun = (object: KubeObject): Promise<KubeResponse> => admin.create(object, { dryRun: true });
const expectInvalid = (response: KubeResponse, message: string | RegExp) => expectRefused(response, message, 422);

describe("the gateway chart's CRDs on the real API server", () => {
  it("install and are served: every CRD of the chart's crds directory, of the three gateway groups only", async () => {
    expect(crds.length).toBeGreaterThan(15);
    const names = crds.map((c) => c.metadata?.name);
    for (const kind of ["gatewayclasses", "gateways", "httproutes", "referencegrants"]) expect(names).toContain(`${kind}.gateway.networking.k8s.io`);
    for (const kind of ["envoyproxies", "securitypolicies"]) expect(names).toContain(`${kind}.gateway.envoyproxy.io`);
    const served = await admin.request("GET", "/apis/gateway.envoyproxy.io/v1alpha1");
    expect(served.status).toBe(200);
    expect(served.body.resources.map((r: { kind: string }) => r.kind)).toContain("SecurityPolicy");
    const groups = new Set(crds.map((c) => (c as { spec?: { group?: string } }).spec?.group));
    expect([...groups].sort()).toEqual([...GATEWAY_CRD_GROUPS].sort());
  });

  it("admit the valid baselines every negative case varies", async () => {
    expectAdmitted(await dryRun(gw("GatewayClass", "x", { controllerName: "gateway.envoyproxy.io/gatewayclass-controller" })));
    expectAdmitted(await dryRun(gateway([listener()])));
    expectAdmitted(await dryRun(route(["mlflow.mlops.example.com"])));
    expectAdmitted(await dryRun(policy({ oidc: OIDC, jwt: JWT, authorization: ALLOW_GROUPS })));
  });
});

describe("Gateway API v1.6.1 refuses by CEL and schema", () => {
  it("an HTTPS listener terminating TLS with no certificateRefs (the default mode is Terminate)", async () => {
    expectInvalid(await dryRun(gateway([listener({ tls: { mode: "Terminate" } })])), /certificateRefs or options must be specified when mode is Terminate/);
    expectInvalid(await dryRun(gateway([listener({ tls: {} })])), /certificateRefs or options must be specified when mode is Terminate/);
  });

  it("an HTTPS listener passing TLS through, and tls on an HTTP listener", async () => {
    expectInvalid(await dryRun(gateway([listener({ tls: { mode: "Passthrough" } })])), /tls mode must be Terminate for protocol HTTPS/);
    expectInvalid(await dryRun(gateway([listener({ protocol: "HTTP", port: 80 })])), /tls must not be specified for protocols \['HTTP', 'TCP', 'UDP'\]/);
  });

  it("two listeners of one name", async () => {
    expectInvalid(await dryRun(gateway([listener(), listener({ hostname: "*.models.mlops.example.com" })])), /Duplicate value|must be unique/);
  });

  it("but not an HTTPS listener with no tls at all: only the controller and the exposure policy catch that", async () => {
    expectAdmitted(await dryRun(gateway([listener({ tls: undefined })])));
  });

  it("an HTTPRoute hostname that is not a DNS name: upper case, a wildcard inside, an underscore", async () => {
    for (const hostname of ["MLflow.mlops.example.com", "mlflow.*.example.com", "mlflow_ui.example.com"]) {
      const response = await dryRun(route([hostname]));
      expect(response.status, hostname).toBe(422);
      expect(JSON.stringify(response.body), hostname).toMatch(/hostnames/);
    }
  });
});

describe("Envoy Gateway v1.9.0 SecurityPolicy refuses by CEL", () => {
  it("authorization on JWT claims without a jwt section", async () => {
    expectInvalid(await dryRun(policy({ oidc: OIDC, authorization: ALLOW_GROUPS })), /if authorization.rules.principal.jwt is used, jwt must be defined/);
  });

  it("an OIDC client named both inline and by reference", async () => {
    const both = { ...OIDC, clientIDRef: { name: "oidc-client-id" } };
    expectInvalid(await dryRun(policy({ oidc: both, jwt: JWT })), /only one of clientID or clientIDRef must be set/);
  });

  it("a JWT provider with neither remote nor local keys", async () => {
    const keyless = { providers: [{ name: "idp", audiences: ["mlops-platform"] }] };
    expectInvalid(await dryRun(policy({ jwt: keyless })), /either remoteJWKS or localJWKS must be specified/);
  });

  it("a policy with no target, and a target outside the Gateway API group", async () => {
    expectInvalid(await dryRun(eg("SecurityPolicy", "untargeted", { jwt: JWT })), /either targetRef or targetRefs must be used/);
    const service = { targetRefs: [{ group: "", kind: "Service", name: "mlflow" }] };
    expectInvalid(await dryRun(eg("SecurityPolicy", "service", { ...service, jwt: JWT })), /targetRefs\[\*\]\.(group|kind)/);
  });

  it("mergeType on a Gateway-wide policy", async () => {
    const gatewayWide = { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform" }] };
    expectInvalid(
      await dryRun(eg("SecurityPolicy", "default", { ...gatewayWide, mergeType: "StrategicMerge", jwt: JWT })),
      /mergeType can only be used with xRoute targets/,
    );
  });

  it("an authorization rule with neither principal nor cel", async () => {
    const empty = { defaultAction: "Deny", rules: [{ action: "Allow" }] };
    expectInvalid(await dryRun(policy({ jwt: JWT, authorization: empty })), /at least one of principal or cel must be specified/);
  });
});
