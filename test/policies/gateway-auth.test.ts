/** No route without authentication (EXP-02): k8s-gateway-auth over the gateway's listeners, routes and SecurityPolicies. */
import { describe, it, expect } from "vitest";
import { gatewayAuth } from "../../policies/kubernetes/gateway-auth";
import { IDP_LABEL, gatewayDefault, gatewayStack, httpRoute, idpPolicy, item, securityPolicy, targetRef, teamPolicy, uiPolicy } from "./gateway-fixture";
import { mutate, stackReports, stackViolations, type StackItem } from "./harness";

const LISTENER_OPEN = (listener: string) =>
  `EXP-02: Gateway ingress/platform listener ${listener} has no Gateway-level SecurityPolicy that authenticates (oidc or a required jwt) and denies by default: a route without a policy of its own, such as one KServe makes at run time, would be open`;
const ROUTE_OPEN = (route: string, kind = "HTTPRoute") =>
  `EXP-02: ${kind} ${route} has no SecurityPolicy with oidc or jwt targeting it, and no Gateway-level policy that authenticates and denies by default on every listener it attaches to`;
const NOBODY = (route: string, policy: string) =>
  `EXP-02: HTTPRoute ${route} is targeted by SecurityPolicy ${policy}, which authenticates nobody (no oidc, no required jwt) and replaces the Gateway's policy there`;
const OPEN_POLICY = (policy: string) =>
  `EXP-02: SecurityPolicy ${policy} allows by default and denies nothing: everyone who reaches it is authorised (only the identity provider's own route may be open)`;

/** The compliant stack with objects replaced (by kind and name) or added. */
function with_(...objects: Record<string, any>[]): StackItem[] {
  const items = objects.map(item);
  const stack = gatewayStack(true).map((i) => items.find((x) => x.type === i.type && x.name === i.name) ?? i);
  return [...stack, ...items.filter((x) => !stack.includes(x))];
}
const without = (kind: string, name: string): StackItem[] => gatewayStack(true).filter((i) => !(i.type.endsWith(`:${kind}`) && i.name === name));
const auth = (stack: readonly StackItem[]) => stackViolations(gatewayAuth, stack);

describe("k8s-gateway-auth: the compliant gateway", () => {
  it.each([true, false])("passes (EKS: %s)", (eks) => {
    const stack = gatewayStack(eks);
    expect(stack.filter((i) => i.type.endsWith(":SecurityPolicy"))).toHaveLength(4);
    expect(auth(stack)).toEqual([]);
  });
  it("each report names the object at fault", () => {
    const stack = without("SecurityPolicy", "ingress/gateway-default");
    const reports = stackReports(gatewayAuth, stack);
    expect(reports.map((r) => r.message)).toEqual([LISTENER_OPEN("apps"), LISTENER_OPEN("models")]);
    for (const r of reports) expect(r.urn).toContain("Gateway::ingress/platform");
  });
});

describe("k8s-gateway-auth: the Gateway-level default", () => {
  it("missing: both listeners are open; routes with their own policy stay covered", () => {
    expect(auth(without("SecurityPolicy", "ingress/gateway-default"))).toEqual([LISTENER_OPEN("apps"), LISTENER_OPEN("models")]);
  });
  it("without authorization it authorises every token: not a default deny", () => {
    expect(auth(with_(mutate(gatewayDefault(), (p) => delete p.spec.authorization)))).toEqual([LISTENER_OPEN("apps"), LISTENER_OPEN("models")]);
  });
  it("authorization without defaultAction denies (Envoy Gateway's default)", () => {
    expect(auth(with_(mutate(gatewayDefault(), (p) => delete p.spec.authorization.defaultAction)))).toEqual([]);
  });
  it("a JWT that may go missing, or fails open, authenticates nobody", () => {
    for (const flag of ["optional", "failOpen"])
      expect(auth(with_(mutate(gatewayDefault(), (p) => (p.spec.jwt[flag] = true)))), flag).toEqual([LISTENER_OPEN("apps"), LISTENER_OPEN("models")]);
  });
  it("allowing by default is open", () => {
    expect(auth(with_(mutate(gatewayDefault(), (p) => (p.spec.authorization.defaultAction = "Allow"))))).toEqual([
      LISTENER_OPEN("apps"),
      LISTENER_OPEN("models"),
      OPEN_POLICY("ingress/gateway-default"),
    ]);
  });
  it("a listener's own policy overrides the Gateway's there", () => {
    const loose = securityPolicy("ingress", "models-loose", {
      targetRefs: [targetRef("Gateway", "platform", "models")],
      authorization: { defaultAction: "Deny" },
    });
    expect(auth(with_(loose))).toEqual([LISTENER_OPEN("models")]);
    const strict = mutate(gatewayDefault(), (p) => {
      p.metadata.name = "models-strict";
      p.spec.targetRefs = [targetRef("Gateway", "platform", "models")];
    });
    expect(auth([...without("SecurityPolicy", "ingress/gateway-default"), item(strict)])).toEqual([LISTENER_OPEN("apps")]);
  });
  it("a policy in another namespace does not attach to the Gateway", () => {
    const elsewhere = mutate(gatewayDefault(), (p) => (p.metadata.namespace = "recsys"));
    expect(auth([...without("SecurityPolicy", "ingress/gateway-default"), item(elsewhere)])).toEqual([LISTENER_OPEN("apps"), LISTENER_OPEN("models")]);
  });
});

describe("k8s-gateway-auth: routes", () => {
  it("a route without a policy of its own falls back on the listener's default", () => {
    expect(auth(with_(httpRoute("ingress", "grafana", "apps")))).toEqual([]);
    expect(auth([...with_(httpRoute("ingress", "grafana", "apps")).filter((i) => !i.name?.endsWith("gateway-default"))])).toEqual([
      LISTENER_OPEN("apps"),
      LISTENER_OPEN("models"),
      ROUTE_OPEN("ingress/grafana"),
    ]);
  });
  it("a route attached to every listener needs each covered", () => {
    const everywhere = mutate(httpRoute("ingress", "grafana", "apps"), (r) => delete r.spec.parentRefs[0].sectionName);
    const loose = securityPolicy("ingress", "models-loose", { targetRefs: [targetRef("Gateway", "platform", "models")], jwt: { providers: [] } });
    expect(auth(with_(everywhere, loose))).toEqual([LISTENER_OPEN("models"), ROUTE_OPEN("ingress/grafana")]);
  });
  it("a route on a Gateway the stack does not declare is not covered", () => {
    const stray = mutate(httpRoute("ingress", "grafana", "apps"), (r) => (r.spec.parentRefs[0].name = "other"));
    expect(auth(with_(stray))).toEqual([ROUTE_OPEN("ingress/grafana")]);
  });
  it("a route attached to nothing is served nowhere", () => {
    expect(auth(with_(mutate(httpRoute("ingress", "grafana", "apps"), (r) => (r.spec.parentRefs = []))))).toEqual([]);
  });
  it("its own policy replaces the Gateway's: one that authenticates nobody opens it", () => {
    const cors = mutate(uiPolicy("mlflow"), (p) => {
      delete p.spec.oidc;
      delete p.spec.jwt;
    });
    expect(auth(with_(cors))).toEqual([NOBODY("ingress/mlflow", "mlflow"), ROUTE_OPEN("ingress/mlflow")]);
  });
  it("unless it merges into the Gateway's", () => {
    const merged = mutate(uiPolicy("mlflow"), (p) => {
      delete p.spec.oidc;
      delete p.spec.jwt;
      p.spec.mergeType = "StrategicMerge";
    });
    expect(auth(with_(merged))).toEqual([]);
  });
  it("OIDC alone authenticates; a JWT alone does too", () => {
    expect(auth(with_(mutate(uiPolicy("mlflow"), (p) => delete p.spec.jwt)))).toEqual([]);
    expect(auth(with_(mutate(uiPolicy("mlflow"), (p) => delete p.spec.oidc)))).toEqual([]);
  });
  it("a policy on one rule of the route does not cover the rest", () => {
    const rule = mutate(uiPolicy("grafana"), (p) => (p.spec.targetRefs = [targetRef("HTTPRoute", "grafana", "rule-0")]));
    expect(auth(with_(httpRoute("ingress", "grafana", "apps"), rule))).toEqual([]);
    const noDefault = with_(httpRoute("ingress", "grafana", "apps"), rule).filter((i) => !i.name?.endsWith("gateway-default"));
    expect(auth(noDefault)).toContain(ROUTE_OPEN("ingress/grafana"));
  });
  it("a team's selector covers its routes; labels must match; other namespaces are not selected", () => {
    const noDefault = (...objects: Record<string, any>[]) => with_(...objects).filter((i) => !i.name?.endsWith("gateway-default"));
    const listeners = [LISTENER_OPEN("apps"), LISTENER_OPEN("models")];
    expect(auth(noDefault())).toEqual(listeners);
    const labelled = mutate(teamPolicy("recsys"), (p) => (p.spec.targetSelectors[0].matchLabels = { "serving.kserve.io/inferenceservice": "ranker" }));
    expect(auth(noDefault(labelled))).toEqual([...listeners, ROUTE_OPEN("recsys/ranker-recsys")]);
    const elsewhere = mutate(teamPolicy("recsys"), (p) => (p.metadata.namespace = "fraud"));
    expect(auth([...noDefault().filter((i) => i.name !== "recsys/model-endpoints"), item(elsewhere)])).toEqual([
      ...listeners,
      ROUTE_OPEN("recsys/ranker-recsys"),
    ]);
  });
  it("a GRPCRoute is judged like an HTTPRoute", () => {
    const grpc = mutate(httpRoute("ingress", "feast", "apps"), (r) => Object.assign(r, { kind: "GRPCRoute" }));
    expect(auth(with_(grpc))).toEqual([]);
    expect(auth(with_(grpc).filter((i) => !i.name?.endsWith("gateway-default")))).toContain(ROUTE_OPEN("ingress/feast", "GRPCRoute"));
  });
  it.each(["TCPRoute", "TLSRoute", "UDPRoute"])("a %s is refused", (kind) => {
    const l4 = mutate(httpRoute("ingress", "redis", "apps"), (r) => Object.assign(r, { apiVersion: "gateway.networking.k8s.io/v1alpha2", kind }));
    expect(auth(with_(l4))).toEqual([`EXP-02: ${kind} ingress/redis: the gateway serves HTTP routes only, which a SecurityPolicy can authenticate`]);
  });
});

describe("k8s-gateway-auth: the identity provider's route and open policies", () => {
  it("the IdP's route needs its label to be open", () => {
    const unlabelled = mutate(httpRoute("ingress", "login", "apps", IDP_LABEL), (r) => (r.metadata.labels = {}));
    expect(auth(with_(unlabelled))).toEqual([NOBODY("ingress/login", "dex-login"), ROUTE_OPEN("ingress/login"), OPEN_POLICY("ingress/dex-login")]);
    const wrongValue = mutate(unlabelled, (r) => (r.metadata.labels = { "mlops.platform/identity-provider": "yes" }));
    expect(auth(with_(wrongValue))).toHaveLength(3);
  });
  it("an open policy is fine only where every target is the IdP's route", () => {
    const wider = mutate(idpPolicy(), (p) => p.spec.targetRefs.push(targetRef("HTTPRoute", "mlflow")));
    // Two policies on one route: Envoy Gateway applies one of them, so each must authenticate.
    expect(auth(with_(wider))).toEqual([NOBODY("ingress/mlflow", "dex-login"), ROUTE_OPEN("ingress/mlflow"), OPEN_POLICY("ingress/dex-login")]);
    const onGateway = mutate(idpPolicy(), (p) => (p.spec.targetRefs = [targetRef("Gateway", "platform")]));
    expect(auth(with_(onGateway))).toContain(OPEN_POLICY("ingress/dex-login"));
    const bySelector = mutate(idpPolicy(), (p) => {
      delete p.spec.targetRefs;
      p.spec.targetSelectors = [{ kind: "HTTPRoute", matchLabels: IDP_LABEL }];
    });
    expect(auth(with_(bySelector))).toEqual([]);
    expect(auth(with_(mutate(bySelector, (p) => (p.spec.targetSelectors[0].matchLabels = {}))))).toContain(OPEN_POLICY("ingress/dex-login"));
  });
  it("an authenticating policy that allows by default is still open; one deny rule closes it", () => {
    const allowAll = mutate(
      uiPolicy("mlflow"),
      (p) => (p.spec.authorization = { defaultAction: "Allow", rules: [{ action: "Allow", principal: { clientCIDRs: ["10.0.0.0/8"] } }] }),
    );
    expect(auth(with_(allowAll))).toEqual([OPEN_POLICY("ingress/mlflow")]);
    const denyOne = mutate(allowAll, (p) => p.spec.authorization.rules.unshift({ action: "Deny", principal: { clientCIDRs: ["0.0.0.0/0"] } }));
    expect(auth(with_(denyOne))).toEqual([]);
  });
});
