import { environmentOf, resourcePolicy } from "../lib/define";
import { controlChecker } from "../lib/exceptions";
import { exposesNodes, hasSourceAllowlist, isEnvoyProxy, isGroupKind, isInternetFacing, proxyServiceOf, serviceOf, GATEWAY_API_GROUP } from "../lib/gateway";
import { nameOf, namespaceOf } from "../lib/k8s";

export const INGRESS_NAMESPACE = "ingress";
const SERVICE = "kubernetes:core/v1:Service";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const CHART = "kubernetes:helm.sh/v4:Chart";
const GATEWAYS = ["v1", "v1beta1"].map((v) => `kubernetes:${GATEWAY_API_GROUP}/${v}:Gateway`);
const ENVOY_PROXY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy";

export const exposure = resourcePolicy(
  {
    name: "k8s-exposure",
    description:
      "LoadBalancer and NodePort Services, Gateways and EnvoyProxies (which shape the proxy Service Envoy Gateway creates at run time) only in the ingress namespace; an internet-facing load balancer in prod only with a source allowlist; no Ingress objects (the platform serves through the Gateway API only); no chart default admin passwords or anonymous access.",
    severity: "high",
    controls: ["EXP-01", "EXP-02"],
  },
  [SERVICE, INGRESS, CHART, ENVOY_PROXY, ...GATEWAYS],
  (obj, args, report) => {
    const kind = args.type.split(":").pop();
    const name = nameOf(obj);
    // A Chart resource is judged by its release namespace and name, like the objects it renders.
    const check = controlChecker(namespaceOf(obj) ?? obj.namespace, name ?? obj.name, report, kind);
    const inIngress = namespaceOf(obj) === INGRESS_NAMESPACE;
    if (args.type === SERVICE || isEnvoyProxy(args.type)) {
      const svc = args.type === SERVICE ? serviceOf(obj) : proxyServiceOf(obj);
      if (args.type === SERVICE && exposesNodes(svc) && !inIngress)
        return check("EXP-01", false, `Service ${name} of type ${svc.type} outside the ${INGRESS_NAMESPACE} namespace`);
      if (isEnvoyProxy(args.type)) {
        if (!inIngress) return check("EXP-01", false, `EnvoyProxy ${name} outside the ${INGRESS_NAMESPACE} namespace: it shapes the gateway's proxy Service`);
        // A patch can rewrite the Service past every field judged here.
        check("EXP-01", !svc.patched, `EnvoyProxy ${name} patches its proxy Service (envoyService.patch): set the fields themselves so they can be judged`);
      }
      check(
        "EXP-01",
        !(exposesNodes(svc) && isInternetFacing(svc) && environmentOf(args) === "prod" && !hasSourceAllowlist(svc)),
        `${kind} ${name}: an internet-facing load balancer in prod needs loadBalancerSourceRanges naming its sources (not the whole internet)`,
      );
      return;
    }
    if (isGroupKind(args.type, GATEWAY_API_GROUP, "Gateway")) {
      check("EXP-01", inIngress, `Gateway ${name} outside the ${INGRESS_NAMESPACE} namespace`);
      return;
    }
    if (args.type === INGRESS) {
      // No Ingress controller is installed: an Ingress would serve nothing, or be picked up by a site's own controller
      // and bypass the gateway's sign-in. Everything is served through the Gateway API.
      check("EXP-02", false, `Ingress ${name}: the platform serves only through the Gateway API; attach an HTTPRoute to the platform's Gateway instead`);
      return;
    }
    if (obj.chart === "kube-prometheus-stack") {
      const grafana = obj.values?.grafana ?? {};
      check(
        "EXP-02",
        grafana.enabled === false || Boolean(grafana.admin?.existingSecret),
        'Grafana must take its admin credentials from an existing secret, never the chart default "prom-operator"',
      );
      check("EXP-02", grafana["grafana.ini"]?.["auth.anonymous"]?.enabled !== true, "Grafana anonymous access must be off");
    }
  },
);
