/** TLS on every Gateway listener (EXP-05) and, on EKS, load balancers through the AWS LBC's NLB (EXP-01): k8s-gateway-listeners. */
import { describe, it, expect } from "vitest";
import { gatewayListeners } from "../../policies/kubernetes/gateway-listeners";
import { EKS_CLUSTER, envoyProxy, gateway, gatewayStack, item } from "./gateway-fixture";
import { mutate, stackReports, stackViolations, type StackItem } from "./harness";

const SSL_CERT = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert";
const SSL_PORTS = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports";
const NO_TLS = (listener: string, protocol: string, port = 443) =>
  `EXP-05: Gateway platform listener ${listener} (${protocol} on ${port}) serves no TLS: use HTTPS with certificateRefs, or HTTP only behind an NLB (loadBalancerClass service.k8s.aws/nlb) terminating TLS 1.2+ (ssl-negotiation-policy) with an ACM certificate on port ${port}`;
const BOTH_HTTP = [NO_TLS("apps", "HTTP"), NO_TLS("models", "HTTP")];

/** The compliant stack with one object replaced (matched by kind and name). */
function replacing(eks: boolean, object: Record<string, any>): StackItem[] {
  const replaced = item(object);
  return gatewayStack(eks).map((i) => (i.type === replaced.type && i.name === replaced.name ? replaced : i));
}
const withProxy = (change: (proxy: any) => void) => replacing(true, mutate(envoyProxy(true), change));
const withGateway = (eks: boolean, change: (gw: any) => void) => replacing(eks, mutate(gateway(eks), change));
const serviceOf = (proxy: any) => proxy.spec.provider.kubernetes.envoyService;

describe("k8s-gateway-listeners: the compliant gateway", () => {
  it.each([
    ["EKS (HTTP listeners behind the ACM NLB)", true],
    ["existing cluster (HTTPS listeners with a certificate Secret)", false],
  ])("%s passes", (_name, eks) => {
    const stack = gatewayStack(eks);
    expect(stack.filter((i) => i.type.endsWith(":Gateway"))).toHaveLength(1);
    expect(stackViolations(gatewayListeners, stack)).toEqual([]);
  });
  it("a stack without a Gateway has nothing to judge", () => {
    expect(stackViolations(gatewayListeners, [EKS_CLUSTER])).toEqual([]);
  });
  it("reports on the Gateway's URN", () => {
    const stack = withProxy((p) => delete serviceOf(p).annotations[SSL_CERT]);
    const gatewayUrn = stack.find((i) => i.type.endsWith(":Gateway"))!.name;
    const urns = stackReports(gatewayListeners, stack).map((r) => r.urn);
    expect(urns).toHaveLength(2);
    for (const urn of urns) expect(urn).toBe(`urn:pulumi:prod::mlops-platform::kubernetes:gateway.networking.k8s.io/v1:Gateway::${gatewayUrn}`);
  });
});

describe("k8s-gateway-listeners: HTTP listeners need TLS at the NLB (EXP-05)", () => {
  it("without the ACM certificate annotation", () => {
    expect(
      stackViolations(
        gatewayListeners,
        withProxy((p) => delete serviceOf(p).annotations[SSL_CERT]),
      ),
    ).toEqual(BOTH_HTTP);
    expect(
      stackViolations(
        gatewayListeners,
        withProxy((p) => (serviceOf(p).annotations[SSL_CERT] = "")),
      ),
    ).toEqual(BOTH_HTTP);
  });
  it("with a certificate that is not from ACM", () => {
    const iam = "arn:aws:iam::123456789012:server-certificate/platform";
    expect(
      stackViolations(
        gatewayListeners,
        withProxy((p) => (serviceOf(p).annotations[SSL_CERT] = iam)),
      ),
    ).toEqual(BOTH_HTTP);
  });
  it("without a security policy that refuses TLS older than 1.2", () => {
    const TLS_POLICY = "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy";
    expect(
      stackViolations(
        gatewayListeners,
        withProxy((p) => delete serviceOf(p).annotations[TLS_POLICY]),
      ),
    ).toEqual(BOTH_HTTP);
    for (const old of ["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS13-1-1-2021-06", "ELBSecurityPolicy-TLS13-1-0-2021-06"])
      expect(
        stackViolations(
          gatewayListeners,
          withProxy((p) => (serviceOf(p).annotations[TLS_POLICY] = old)),
        ),
        old,
      ).toEqual(BOTH_HTTP);
    for (const current of ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10"])
      expect(
        stackViolations(
          gatewayListeners,
          withProxy((p) => (serviceOf(p).annotations[TLS_POLICY] = current)),
        ),
        current,
      ).toEqual([]);
  });
  it("an ARN computed at deploy counts", () => {
    expect(
      stackViolations(
        gatewayListeners,
        withProxy((p) => (serviceOf(p).annotations[SSL_CERT] = "<computed:cert.arn>")),
      ),
    ).toEqual([]);
  });
  it("when the listener's port is not among the TLS ports; every port when unset", () => {
    expect(
      stackViolations(
        gatewayListeners,
        withProxy((p) => (serviceOf(p).annotations[SSL_PORTS] = "8443")),
      ),
    ).toEqual(BOTH_HTTP);
    expect(
      stackViolations(
        gatewayListeners,
        withProxy((p) => (serviceOf(p).annotations[SSL_PORTS] = "8443, 443")),
      ),
    ).toEqual([]);
    expect(
      stackViolations(
        gatewayListeners,
        withProxy((p) => (serviceOf(p).annotations[SSL_PORTS] = "*")),
      ),
    ).toEqual([]);
    expect(
      stackViolations(
        gatewayListeners,
        withProxy((p) => delete serviceOf(p).annotations[SSL_PORTS]),
      ),
    ).toEqual([]);
    const on80 = withGateway(true, (g) => (g.spec.listeners[1].port = 80));
    expect(stackViolations(gatewayListeners, on80)).toEqual([NO_TLS("models", "HTTP", 80)]);
  });
  it("when the load balancer is not the AWS LBC's NLB (the annotations would mean nothing)", () => {
    const noClass = withProxy((p) => delete serviceOf(p).loadBalancerClass);
    expect(stackViolations(gatewayListeners, noClass)).toEqual([
      "EXP-01: EnvoyProxy platform-proxy of Gateway platform: on EKS a LoadBalancer uses loadBalancerClass service.k8s.aws/nlb (AWS LBC, internal by default)",
      ...BOTH_HTTP,
    ]);
    expect(
      stackViolations(
        gatewayListeners,
        withProxy((p) => (serviceOf(p).type = "NodePort")),
      ),
    ).toEqual(BOTH_HTTP);
  });
  it("the Gateway's own EnvoyProxy replaces its class's, unless it merges", () => {
    const own = mutate(envoyProxy(true), (p) => {
      p.metadata.name = "platform-own";
      delete serviceOf(p).annotations[SSL_CERT];
    });
    const stack = [
      ...withGateway(true, (g) => (g.spec.infrastructure = { parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: "platform-own" } })),
      item(own),
    ];
    expect(stackViolations(gatewayListeners, stack)).toEqual(BOTH_HTTP);
    const merging = mutate(own, (p) => {
      p.spec.mergeType = "StrategicMerge";
      p.spec.provider.kubernetes.envoyService = { annotations: { "example.com/team": "platform" } };
    });
    expect(stackViolations(gatewayListeners, [...stack.slice(0, -1), item(merging)])).toEqual([]);
  });
  it("a plain HTTP listener on an existing cluster", () => {
    const plain = withGateway(false, (g) => {
      g.spec.listeners[0].protocol = "HTTP";
      delete g.spec.listeners[0].tls;
    });
    expect(stackViolations(gatewayListeners, plain)).toEqual([NO_TLS("apps", "HTTP")]);
  });
});

describe("k8s-gateway-listeners: HTTPS and TLS listeners (EXP-05)", () => {
  it("HTTPS needs certificateRefs and terminates", () => {
    expect(
      stackViolations(
        gatewayListeners,
        withGateway(false, (g) => (g.spec.listeners[0].tls.certificateRefs = [])),
      ),
    ).toEqual([NO_TLS("apps", "HTTPS")]);
    expect(
      stackViolations(
        gatewayListeners,
        withGateway(false, (g) => delete g.spec.listeners[0].tls),
      ),
    ).toEqual([NO_TLS("apps", "HTTPS")]);
    expect(
      stackViolations(
        gatewayListeners,
        withGateway(false, (g) => delete g.spec.listeners[0].tls.mode),
      ),
    ).toEqual([]);
  });
  it("TLS passes through or terminates with a certificate", () => {
    const tls = (tlsSpec: object) => withGateway(false, (g) => Object.assign(g.spec.listeners[0], { protocol: "TLS", tls: tlsSpec }));
    expect(stackViolations(gatewayListeners, tls({ mode: "Passthrough" }))).toEqual([]);
    expect(stackViolations(gatewayListeners, tls({ mode: "Terminate", certificateRefs: [{ name: "platform-tls" }] }))).toEqual([]);
    expect(stackViolations(gatewayListeners, tls({ mode: "Terminate" }))).toEqual([NO_TLS("apps", "TLS")]);
  });
  it.each(["TCP", "UDP"])("a %s listener serves no TLS", (protocol) => {
    expect(
      stackViolations(
        gatewayListeners,
        withGateway(false, (g) => (g.spec.listeners[1].protocol = protocol)),
      ),
    ).toEqual([NO_TLS("models", protocol)]);
  });
});

describe("k8s-gateway-listeners: the NLB class on EKS (EXP-01)", () => {
  const lb = (namespace: string, extra: object = {}) =>
    item({ apiVersion: "v1", kind: "Service", metadata: { name: "edge", namespace }, spec: { type: "LoadBalancer", ports: [{ port: 443 }], ...extra } });
  const NEEDS_NLB = (kind: string, name: string) =>
    `EXP-01: ${kind} ${name}${kind === "EnvoyProxy" ? " of Gateway platform" : ""}: on EKS a LoadBalancer uses loadBalancerClass service.k8s.aws/nlb (AWS LBC, internal by default)`;

  it("a LoadBalancer Service in ingress without the class, on EKS only", () => {
    expect(stackViolations(gatewayListeners, [EKS_CLUSTER, lb("ingress")])).toEqual([NEEDS_NLB("Service", "edge")]);
    expect(stackViolations(gatewayListeners, [EKS_CLUSTER, lb("ingress", { loadBalancerClass: "service.k8s.aws/nlb" })])).toEqual([]);
    expect(stackViolations(gatewayListeners, [lb("ingress")])).toEqual([]);
  });
  it("outside ingress the Service is k8s-exposure's to refuse, not reported twice", () => {
    expect(stackViolations(gatewayListeners, [EKS_CLUSTER, lb("recsys")])).toEqual([]);
  });
  it("an EnvoyProxy without envoyService asks for Envoy Gateway's default, a LoadBalancer without the class", () => {
    const bare = withProxy((p) => delete p.spec.provider.kubernetes.envoyService);
    expect(stackViolations(gatewayListeners, bare)).toEqual([NEEDS_NLB("EnvoyProxy", "platform-proxy"), ...BOTH_HTTP]);
    const clusterIp = withProxy((p) => (p.spec.provider.kubernetes.envoyService = { type: "ClusterIP" }));
    expect(stackViolations(gatewayListeners, clusterIp)).toEqual(BOTH_HTTP);
  });
  it("a Gateway with no EnvoyProxy on EKS; on an existing cluster only its listeners matter", () => {
    const noRef = replacing(
      true,
      mutate(gateway(true), () => undefined),
    ).map((i) => (i.type.endsWith(":GatewayClass") ? item(mutate(i.props, (c: any) => delete c.spec.parametersRef)) : i));
    expect(stackViolations(gatewayListeners, noRef)).toEqual([
      "EXP-01: Gateway platform has no EnvoyProxy (GatewayClass or Gateway parametersRef): its proxy Service would be a LoadBalancer without the NLB class",
      ...BOTH_HTTP,
    ]);
    const existing = gatewayStack(false).filter((i) => !i.type.endsWith(":EnvoyProxy"));
    expect(stackViolations(gatewayListeners, existing)).toEqual([]);
  });
});
