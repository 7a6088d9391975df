import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/define";
import { controlChecker } from "../lib/exceptions";
import { ENVOY_GATEWAY_GROUP, GATEWAY_API_GROUP, NLB_CLASS, StackObjects, envoyProxyFor, nlbTerminatesTls, proxyServiceOf, serviceOf } from "../lib/gateway";
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

/** On EKS a LoadBalancer must be the AWS LBC's NLB: without the class the in-tree controller makes an internet-facing CLB. */
function eksLoadBalancers(objects: StackObjects, resources: readonly PolicyResource[], report: (m: string, urn?: string) => void): void {
  const services = resources.filter((r) => r.type === "kubernetes:core/v1:Service").map((r) => ({ r, svc: serviceOf(r.props), kind: "Service" }));
  const proxies = objects.all(ENVOY_GATEWAY_GROUP, "EnvoyProxy").map((r) => ({ r, svc: proxyServiceOf(r.props), kind: "EnvoyProxy" }));
  for (const { r, svc, kind } of [...services, ...proxies]) {
    // Outside ingress, k8s-exposure already refuses the Service.
    if (svc.type !== "LoadBalancer" || (kind === "Service" && namespaceOf(r.props) !== INGRESS_NAMESPACE)) continue;
    const check = controlChecker(namespaceOf(r.props), nameOf(r.props), report, kind);
    check(
      "EXP-01",
      svc.loadBalancerClass === NLB_CLASS,
      `${kind} ${nameOf(r.props)}: on EKS a LoadBalancer uses loadBalancerClass ${NLB_CLASS} (AWS LBC, internal by default)`,
      r.urn,
    );
  }
  for (const gw of objects.all(GATEWAY_API_GROUP, "Gateway")) {
    const check = controlChecker(namespaceOf(gw.props), nameOf(gw.props), report, "Gateway");
    check(
      "EXP-01",
      envoyProxyFor(gw.props, objects) !== undefined,
      `Gateway ${nameOf(gw.props)} has no EnvoyProxy (GatewayClass or Gateway parametersRef): its proxy Service would be a LoadBalancer without the NLB class`,
      gw.urn,
    );
  }
}

export const gatewayListeners = stackPolicy(
  {
    name: "k8s-gateway-listeners",
    description:
      "Every Gateway listener serves TLS: HTTPS or TLS with certificateRefs, or HTTP only behind an AWS NLB that terminates TLS with an ACM certificate on that port (the EnvoyProxy of the Gateway or its GatewayClass says so). On EKS, LoadBalancer Services and EnvoyProxies go through the AWS Load Balancer Controller's NLB class.",
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
          `Gateway ${name} listener ${listener?.name} (${listener?.protocol} on ${listener?.port}) serves no TLS: use HTTPS with certificateRefs, or HTTP only behind an NLB (loadBalancerClass ${NLB_CLASS}) terminating TLS with an ACM certificate on port ${listener?.port}`,
          gw.urn,
        );
      }
    }
  },
);
