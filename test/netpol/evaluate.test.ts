/** The NetworkPolicy evaluator against the documented semantics: examples from the reference, then properties. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allowed, selects, type Connection, type External, type NetworkPolicy, type Pod, type World } from "../../scripts/netpol/evaluate";

const pod = (namespace: string, name: string, labels: Record<string, string> = {}, namedPorts?: Record<string, number>): Pod => ({
  namespace,
  name,
  labels,
  namedPorts,
});
const policy = (namespace: string, spec: NetworkPolicy["spec"], name = "p"): NetworkPolicy => ({ metadata: { name, namespace }, spec });
const world = (policies: NetworkPolicy[], namespaces: World["namespaces"] = {}): World => ({ namespaces, policies });
const tcp = (from: Pod | External, to: Pod | External, port = 80): Connection => ({ from, to, port });

const a = pod("a", "web", { app: "web" });
const b = pod("b", "db", { app: "db" });
const denyAll = (ns: string) => policy(ns, { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, "deny");

describe("examples from the NetworkPolicy reference", () => {
  it("allows everything without policies, and nothing in or out of a default-deny namespace", () => {
    expect(allowed(world([]), tcp(a, b))).toBe(true);
    expect(allowed(world([denyAll("b")]), tcp(a, b))).toBe(false);
    expect(allowed(world([denyAll("a")]), tcp(a, b))).toBe(false);
    expect(allowed(world([denyAll("a")]), tcp(b, pod("b", "other")))).toBe(true);
  });

  it("a policy without policyTypes isolates ingress only, unless it has egress rules", () => {
    expect(allowed(world([policy("a", { podSelector: {} })]), tcp(a, b))).toBe(true);
    expect(allowed(world([policy("a", { podSelector: {} })]), tcp(b, a))).toBe(false);
    expect(allowed(world([policy("a", { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] })]), tcp(a, b))).toBe(false);
    // The API server defaults empty policyTypes like absent ones, and an empty egress list adds no Egress.
    expect(allowed(world([policy("a", { podSelector: {}, egress: [] })]), tcp(a, b))).toBe(true);
    expect(allowed(world([policy("a", { podSelector: {}, policyTypes: [] })]), tcp(b, a))).toBe(false);
  });

  it("podSelector alone means the policy's own namespace; with namespaceSelector, both must match", () => {
    const labelled = { b: { team: "db" } };
    const onlyPods = policy("b", { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }] });
    expect(allowed(world([onlyPods]), tcp(a, b))).toBe(false);
    expect(allowed(world([onlyPods]), tcp(pod("b", "web", { app: "web" }), b))).toBe(true);
    const both = policy("b", {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "a" } }, podSelector: { matchLabels: { app: "web" } } }] }],
    });
    expect(allowed(world([both], labelled), tcp(a, b))).toBe(true);
    expect(allowed(world([both], labelled), tcp(pod("a", "x", { app: "other" }), b))).toBe(false);
    // Two peers (namespace OR pod) are not one peer with both selectors.
    const either = policy("b", {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "db" } } }, { podSelector: { matchLabels: { app: "web" } } }] }],
    });
    expect(allowed(world([either], labelled), tcp(pod("b", "any"), b))).toBe(true);
    expect(allowed(world([either], labelled), tcp(a, b))).toBe(false);
  });

  it("ports: TCP by default, by name on the destination, and ranges with endPort", () => {
    const target = pod("b", "db", { app: "db" }, { metrics: 9090 });
    const byName = policy("b", { podSelector: {}, ingress: [{ ports: [{ port: "metrics" }] }] });
    expect(allowed(world([byName]), tcp(a, target, 9090))).toBe(true);
    expect(allowed(world([byName]), tcp(a, target, 9091))).toBe(false);
    const range = policy("b", { podSelector: {}, ingress: [{ ports: [{ port: 8000, endPort: 8010 }] }] });
    expect(allowed(world([range]), tcp(a, target, 8010))).toBe(true);
    expect(allowed(world([range]), { from: a, to: target, port: 8005, protocol: "UDP" })).toBe(false);
  });

  it("ipBlock matches addresses outside the pod network, less its exceptions", () => {
    const out = policy("a", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.0.0/16", "10.0.0.0/8"] } }], ports: [{ port: 443 }] }],
    });
    expect(allowed(world([out]), tcp(a, { ip: "93.184.216.34" }, 443))).toBe(true);
    expect(allowed(world([out]), tcp(a, { ip: "169.254.169.254" }, 443))).toBe(false);
    expect(allowed(world([out]), tcp(a, { ip: "10.1.2.3" }, 443))).toBe(false);
    expect(allowed(world([out]), tcp(a, b, 443))).toBe(false);
  });

  it("matchExpressions: In, NotIn, Exists, DoesNotExist", () => {
    const labels = { tier: "gpu" };
    expect(selects({ matchExpressions: [{ key: "tier", operator: "In", values: ["gpu", "cpu"] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["gpu"] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["x"] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels)).toBe(false);
  });
});

// Arbitraries over a small universe, so random policies and pods meet often.
const NAMESPACES = ["n1", "n2", "n3"];
const labelsArb = fc.dictionary(fc.constantFrom("app", "tier", "team"), fc.constantFrom("x", "y"), { maxKeys: 3 });
const selectorArb = fc.record({ matchLabels: labelsArb }, { requiredKeys: [] });
const podArb = fc.record({ namespace: fc.constantFrom(...NAMESPACES), name: fc.constantFrom("p", "q"), labels: labelsArb });
const externalArb = fc.constantFrom<External>({ ip: "169.254.169.254" }, { ip: "8.8.8.8" }, { ip: "10.1.2.3" });
const peerArb = fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: fc.record({ matchLabels: fc.constantFrom(...NAMESPACES).map((n) => ({ "kubernetes.io/metadata.name": n })) }) }),
  fc.record({ ipBlock: fc.constantFrom({ cidr: "0.0.0.0/0", except: ["169.254.0.0/16"] }, { cidr: "10.0.0.0/8" }) }),
);
const portsArb = fc.option(fc.array(fc.record({ port: fc.constantFrom(53, 80, 443) }), { minLength: 1, maxLength: 2 }), { nil: undefined });
const policyArb = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    podSelector: selectorArb,
    policyTypes: fc.constantFrom(["Ingress"], ["Egress"], ["Ingress", "Egress"]),
    ingress: fc.array(fc.record({ from: fc.option(fc.array(peerArb, { maxLength: 2 }), { nil: undefined }), ports: portsArb }), { maxLength: 2 }),
    egress: fc.array(fc.record({ to: fc.option(fc.array(peerArb, { maxLength: 2 }), { nil: undefined }), ports: portsArb }), { maxLength: 2 }),
  })
  .map(({ namespace, ...spec }) => policy(namespace, spec));
const connectionArb = fc.record({
  from: fc.oneof(podArb, podArb, externalArb),
  to: fc.oneof(podArb, podArb, externalArb),
  port: fc.constantFrom(53, 80, 443),
});

describe("properties", () => {
  it("with no policy everything is allowed", () => {
    fc.assert(fc.property(connectionArb, (c) => allowed(world([]), c)));
  });

  it("the order of policies never matters", () => {
    fc.assert(
      fc.property(
        fc.array(policyArb, { maxLength: 5 }),
        connectionArb,
        (policies, c) => allowed(world(policies), c) === allowed(world([...policies].reverse()), c),
      ),
    );
  });

  it("a default deny in a namespace stops every connection to or from its pods that no other policy allows", () => {
    fc.assert(
      fc.property(fc.constantFrom(...NAMESPACES), connectionArb, (ns, c) => {
        const touches = [c.from, c.to].some((e) => "namespace" in e && e.namespace === ns);
        return !touches || !allowed(world([denyAll(ns)]), c);
      }),
    );
  });

  it("policies only add: once both sides are isolated, another policy never takes an allowance away", () => {
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 4 }), policyArb, connectionArb, (policies, extra, c) => {
        const base = [...NAMESPACES.map(denyAll), ...policies];
        return !allowed(world(base), c) || allowed(world([...base, extra]), c);
      }),
    );
  });

  it("an address in an ipBlock's except list is never matched by it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), podArb, (x, y, source) => {
        const out = policy(source.namespace, {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.0.0/16"] } }] }],
        });
        return !allowed(world([out]), tcp(source, { ip: `169.254.${x}.${y}` }));
      }),
    );
  });

  it("an empty selector selects every set of labels, and adding a label the pod lacks deselects it", () => {
    fc.assert(
      fc.property(
        labelsArb,
        (labels) => selects({}, labels) && selects({ matchLabels: labels }, labels) && !selects({ matchLabels: { ...labels, absent: "z" } }, labels),
      ),
    );
  });
});
