import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/define";
import { controlChecker } from "../lib/exceptions";
import { GATEWAY_API_GROUP, NLB_CLASS, StackObjects, envoyProxyFor, nlbTerminatesTls, proxyServiceOf, serviceOf } from "../lib/gateway";
import { nameOf, namespaceOf } from "../lib/k8s";
import { INGRESS_NAMESPACE } from "./exposure";

const EKS_CLUSTER = "aws:eks/cluster:Cluster";

/** A listener that serves TLS itself: HTTPS or TLS terminating with a certificate, or TLS passed through to the backend. */
function listenerServesTls(listener: any): boolean {
  const mode = listener?.tls?.mode ?? "Terminate";
  const certs = (listener?.tls?.certificateRefs ?? []).length > 0;
  if (listener?.protocol === "HTTPS") return mode === "Terminate" && certs;
  if (listener?.protocol === "TLS") return mode === "Passthrough" || certs;
  return false;
}

const NEEDS_NLB = `on EKS a LoadBalancer uses loadBalancerClass ${NLB_CLASS} (AWS LBC, internal by default)`;

/**
 * On EKS a LoadBalancer must be the AWS LBC's NLB: without the class the in-tree controller makes an internet-facing
 * CLB. An EnvoyProxy is judged as each Gateway resolves it (a merging one means nothing alone).
 */
function eksLoadBalancers(objects: StackObjects, resources: readonly PolicyResource[], report: (m: string, urn?: string) => void): void {
  // Outside ingress, k8s-exposure already refuses the Service.
  for (const r of resources.filter((x) => x.type === "kubernetes:core/v1:Service" && namespaceOf(x.props) === INGRESS_NAMESPACE)) {
    const svc = serviceOf(r.props);
    const check = controlChecker(namespaceOf(r.props), nameOf(r.props), report, "Service");
    check("EXP-01", svc.type !== "LoadBalancer" || svc.loadBalancerClass === NLB_CLASS, `Service ${nameOf(r.props)}: ${NEEDS_NLB}`, r.urn);
  }
  for (const gw of objects.all(GATEWAY_API_GROUP, "Gateway")) {
    const check = controlChecker(namespaceOf(gw.props), nameOf(gw.props), report, "Gateway");
    const proxy = envoyProxyFor(gw.props, objects);
    if (!proxy) {
      check(
        "EXP-01",
        false,
        `Gateway ${nameOf(gw.props)} has no EnvoyProxy (GatewayClass or Gateway parametersRef): its proxy Service would be a LoadBalancer without the NLB class`,
        gw.urn,
      );
      continue;
    }
    const svc = proxyServiceOf(proxy);
    check(
      "EXP-01",
      svc.type !== "LoadBalancer" || svc.loadBalancerClass === NLB_CLASS,
      `EnvoyProxy ${nameOf(proxy)} of Gateway ${nameOf(gw.props)}: ${NEEDS_NLB}`,
      gw.urn,
    );
  }
}

export const gatewayListeners = stackPolicy(
  {
    name: "k8s-gateway-listeners",
    description:
      "Every Gateway listener serves TLS: HTTPS or TLS with certificateRefs, or HTTP only behind an AWS NLB that terminates TLS 1.2 or newer with an ACM certificate on that port (the EnvoyProxy of the Gateway or its GatewayClass says so). On EKS, LoadBalancer Services and EnvoyProxies go through the AWS Load Balancer Controller's NLB class.",
    severity: "high",
    controls: ["EXP-01", "EXP-05"],
  },
  (args, report) => {
    const objects = new StackObjects(args.resources);
    if (args.resources.some((r) => r.type === EKS_CLUSTER)) eksLoadBalancers(objects, args.resources, report);
    for (const gw of objects.all(GATEWAY_API_GROUP, "Gateway")) {
      const name = nameOf(gw.props);
      const check = controlChecker(namespaceOf(gw.props), name, report, "Gateway");
      const proxy = envoyProxyFor(gw.props, objects);
      const svc = proxy ? proxyServiceOf(proxy) : undefined;
      for (const listener of gw.props.spec?.listeners ?? []) {
        const behindNlb = listener?.protocol === "HTTP" && svc !== undefined && nlbTerminatesTls(svc, listener.port);
        check(
          "EXP-05",
          listenerServesTls(listener) || behindNlb,
          `Gateway ${name} listener ${listener?.name} (${listener?.protocol} on ${listener?.port}) serves no TLS: use HTTPS with certificateRefs, or HTTP only behind an NLB (loadBalancerClass ${NLB_CLASS}) terminating TLS 1.2+ (ssl-negotiation-policy) with an ACM certificate on port ${listener?.port}`,
          gw.urn,
        );
      }
    }
  },
);
