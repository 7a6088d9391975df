/**
 * The gateway objects the plans write (GatewayClass, EnvoyProxy, Gateway, HTTPRoutes, ReferenceGrants,
 * SecurityPolicies), of the access fixture and of every shipped stack, applied for real to the API server with the
 * gateway chart's CRDs installed: each accepted as written, with no warning, and unchanged when applied again. Then
 * planned objects with one thing broken, to show the CRDs' rules bite on the platform's own shapes. Values AWS
 * assigns at `pulumi up` get DNS-safe stand-ins, as in apply-eks.test.ts. No Envoy Gateway controller runs: what
 * the controller would make of them (statuses, the proxy Service) is not shown here.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { GATEWAY_CRD_GROUPS, installGatewayCrds, readGatewayCrds } from "../../scripts/cluster/gateway-crds";
import { refusal, type KubeResponse } from "../../scripts/cluster/kube-client";
import type { KubeObject } from "../../scripts/plan/extract";
import { listStacks, STACKS_DIR } from "../../scripts/plan/stack-file";
import { adminClient, applyOrder, CLUSTER_STACKS_DIR, describeObject, eventually, standIns, writtenPlan } from "./planned";

const admin = adminClient();
const FIELD_MANAGER = "mlops-access-test";
const KINDS = ["GatewayClass", "EnvoyProxy", "Gateway", "HTTPRoute", "ReferenceGrant", "SecurityPolicy"];
const STACKS = [{ stack: "access", dir: CLUSTER_STACKS_DIR }, ...listStacks(STACKS_DIR).map((stack) => ({ stack, dir: STACKS_DIR }))];

const isGateway = (o: KubeObject): boolean => (GATEWAY_CRD_GROUPS as readonly string[]).includes(o.apiVersion.split("/")[0] ?? "");
const gatewayObjects = new Map<string, KubeObject[]>();
/** Namespaces this file made, deleted (and waited for) at the end so later files can make them afresh. */
const created = new Set<string>();

/** The namespace exists: as its stack plans it, or bare when an upstream manifest makes it. */
async function ensureNamespace(name: string, planned: readonly KubeObject[]): Promise<void> {
  const namespace = planned.find((o) => o.kind === "Namespace" && o.metadata?.name === name) ?? { apiVersion: "v1", kind: "Namespace", metadata: { name } };
  if ((await admin.get(namespace)).status === 200) return;
  const response = await admin.apply(standIns(namespace), FIELD_MANAGER);
  if (response.status >= 300) throw new Error(`namespace ${name}: ${response.status} ${refusal(response)}`);
  created.add(name);
}

beforeAll(async () => {
  await installGatewayCrds(admin, readGatewayCrds(inject("gateway").dir));
  for (const { stack, dir } of STACKS) {
    const objects = (await writtenPlan(stack, dir)).objects;
    const gateway = objects.filter(isGateway).sort(applyOrder);
    for (const name of new Set(gateway.flatMap((o) => (o.metadata?.namespace ? [o.metadata.namespace] : [])))) await ensureNamespace(name, objects);
    gatewayObjects.set(stack, gateway);
  }
  console.log(`Planned gateway objects: ${[...gatewayObjects].map(([stack, os]) => `${stack} ${os.length}`).join(", ")}`);
}, 300_000);
afterAll(async () => {
  for (const name of created) await admin.request("DELETE", `/api/v1/namespaces/${name}`);
  await eventually(async () => {
    for (const name of created) if ((await admin.request("GET", `/api/v1/namespaces/${name}`)).status !== 404) return undefined;
    return true;
  }, 120);
  await admin.request("DELETE", "/apis/gateway.networking.k8s.io/v1/gatewayclasses/mlops-platform");
  admin.close();
}, 180_000);

const problems = (responses: readonly [string, KubeResponse][]): string[] =>
  responses.filter(([, r]) => r.status >= 300 || r.warnings.length > 0).map(([name, r]) => `${name}: ${r.status} ${refusal(r)} ${r.warnings.join("; ")}`);

describe("the planned gateway objects on a real API server with the gateway chart's CRDs", () => {
  it("include every gateway kind in the access fixture's plan", () => {
    const kinds = new Set((gatewayObjects.get("access") ?? []).map((o) => o.kind));
    expect([...kinds].sort()).toEqual([...KINDS].sort());
  });

  it.each(STACKS.map(({ stack }) => stack))("%s: every one accepted as written, with no warning, and unchanged when applied again", async (stack) => {
    const objects = gatewayObjects.get(stack) ?? [];
    expect(objects.length, `${stack} plans gateway objects`).toBeGreaterThan(0);
    const first: [string, KubeResponse][] = [];
    for (const object of objects) first.push([describeObject(object), await admin.apply(standIns(object), FIELD_MANAGER)]);
    expect(problems(first)).toEqual([]);
    const changed: string[] = [];
    for (const [index, object] of objects.entries()) {
      const again = await admin.apply(standIns(object), FIELD_MANAGER);
      const generation = (r: KubeResponse) => String(r.body?.metadata?.generation);
      if (generation(again) !== generation(first[index][1])) changed.push(describeObject(object));
    }
    expect(changed).toEqual([]);
  });
});

/** One planned object of the fixture, deep-copied for breaking. */
function planned(kind: string, test: (o: KubeObject & { spec?: any }) => boolean = () => true): KubeObject & { spec: any } {
  const found = (gatewayObjects.get("access") ?? []).find((o) => o.kind === kind && test(o));
  if (!found) throw new Error(`the access fixture plans no ${kind} of that shape`);
  return structuredClone(found) as KubeObject & { spec: any };
}

/** A server-side dry run of applying `object`: the CRD's schema and CEL judge it, nothing is stored. */
const dryApply = async (object: KubeObject): Promise<KubeResponse> =>
  admin.request(
    "PATCH",
    `${(await admin.paths(object)).item}?fieldManager=${FIELD_MANAGER}&force=true&dryRun=All`,
    standIns(object),
    "application/apply-patch+yaml",
  );

describe("planned gateway objects with one thing broken are refused by the CRDs", () => {
  it("the Gateway with a listener's certificateRefs removed (TLS terminated at Envoy on existing clusters)", async () => {
    const gateway = planned("Gateway");
    expect((await dryApply(gateway)).status, "the planned Gateway itself").toBeLessThan(300);
    for (const listener of gateway.spec.listeners) if (listener.tls) delete listener.tls.certificateRefs;
    const response = await dryApply(gateway);
    expect(response.status).toBe(422);
    expect(refusal(response)).toMatch(/certificateRefs or options must be specified when mode is Terminate/);
  });

  it("a UI SecurityPolicy authorising by groups claim with its jwt section removed", async () => {
    const policy = planned("SecurityPolicy", (o) => (o as { spec?: any }).spec?.oidc !== undefined);
    expect((await dryApply(policy)).status, "the planned policy itself").toBeLessThan(300);
    delete policy.spec.jwt;
    const response = await dryApply(policy);
    expect(response.status).toBe(422);
    expect(refusal(response)).toMatch(/if authorization.rules.principal.jwt is used, jwt must be defined/);
  });

  it("a UI SecurityPolicy naming its OIDC client both inline and by reference", async () => {
    const policy = planned("SecurityPolicy", (o) => (o as { spec?: any }).spec?.oidc !== undefined);
    policy.spec.oidc.clientIDRef = { name: "oidc-client-id" };
    const response = await dryApply(policy);
    expect(response.status).toBe(422);
    expect(refusal(response)).toMatch(/only one of clientID or clientIDRef must be set/);
  });

  it("an HTTPRoute with an upper-case hostname", async () => {
    const route = planned("HTTPRoute", (o) => ((o as { spec?: any }).spec?.hostnames ?? []).length > 0);
    route.spec.hostnames = route.spec.hostnames.map((h: string) => h.toUpperCase());
    const response = await dryApply(route);
    expect(response.status).toBe(422);
    expect(refusal(response)).toMatch(/hostnames/);
  });
});
