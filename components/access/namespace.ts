/**
 * The `ingress` namespace (restricted) and its NetworkPolicies (NS-04): deny everything and allow DNS, then the
 * listener port from anywhere (the load balancer, or on EKS the NLB's addresses, which are the clients'), the
 * proxies to the pods behind each UI route on their own ports (never the rest of those namespaces; a team's own UI
 * instance, that team's pods alone), the opted-in teams' predictors, the identity provider and the controller's xDS;
 * the controller and certgen to the API server; Prometheus to both metrics ports. Pure: plain manifests.
 */
import { manifests, port, k8s, type Manifest } from "../../charts/kube";
import { podSecurityLabels } from "../../charts/pod-security";
import { baselineNetworkPolicies, ipBlock, publicHttpsEgress } from "../../charts/team/network";
import { PROXY_LISTENER_PORT, PROXY_METRICS_PORT } from "../../charts/access/gateway";
import { DEX_POD_LABELS } from "../../charts/access/dex";
import { uiRouteEgress } from "../../charts/services/ui-network";
import { DEX_IN_CLUSTER_URL, type AccessConfig } from "../../config/access";
import { ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE, MODEL_ROUTES_LABEL, type UiRoute } from "../../domain/access";
import { MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { KSERVE_PREDICTOR_PORT } from "../../domain/team-services";
import { ANY_API_SERVER, type ApiServerAddresses } from "../queues";
import { CERTGEN_POD_LABELS } from "./certgen";
import { CONTROLLER_PORTS, CONTROLLER_POD_LABELS } from "./values";

/** Dex's namespace and port, from the in-cluster address the proxies call (<service>.<namespace>.svc…:<port>). */
const DEX = new URL(DEX_IN_CLUSTER_URL);
const DEX_NAMESPACE = DEX.hostname.split(".")[1];
const DEX_PORT = Number(DEX.port);

export interface IngressNamespaceArgs {
  readonly access: Pick<AccessConfig, "identityProvider">;
  /** The UI routes the gateway serves (domain/access.ts uiRoutes): the proxies reach the pods behind each, on the pods' port. */
  readonly uiRoutes: readonly Pick<UiRoute, "app" | "team" | "backend">[];
  /** Where the API server is. @default ANY_API_SERVER */
  readonly apiServer?: ApiServerAddresses;
  readonly labels?: Readonly<Record<string, string>>;
}

const nsSelector = (name: string): k8s.LabelSelector => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const tcp = (target: number): k8s.NetworkPolicyPort => ({ protocol: "TCP", port: port(target) });

/** The proxies' egress to the identity provider: Dex's pods in its namespace, or the company's IdP over public HTTPS. */
function toIdentityProvider(access: IngressNamespaceArgs["access"]): k8s.NetworkPolicyEgressRule {
  if (access.identityProvider.kind === "dex") {
    return { to: [{ namespaceSelector: nsSelector(DEX_NAMESPACE), podSelector: { matchLabels: { ...DEX_POD_LABELS } } }], ports: [tcp(DEX_PORT)] };
  }
  return publicHttpsEgress();
}

/** The proxies' egress to the UI routes' pods (charts/services/ui-network.ts uiRouteEgress), each rule once. */
function toUis(routes: IngressNamespaceArgs["uiRoutes"]): k8s.NetworkPolicyEgressRule[] {
  const rules = new Map(routes.map((route) => uiRouteEgress(route)).map((rule) => [JSON.stringify(rule), rule]));
  return [...rules.values()];
}

export function ingressNamespaceObjects(args: IngressNamespaceArgs): Manifest[] {
  const labels = { ...args.labels };
  const apiServer = args.apiServer ?? ANY_API_SERVER;
  const proxies = { matchLabels: { ...ENVOY_PROXY_POD_LABELS } };
  const controller = { matchLabels: { ...CONTROLLER_POD_LABELS } };
  const toApiServer: k8s.NetworkPolicyEgressRule = { to: apiServer.cidrs.map((cidr) => ({ ipBlock: ipBlock(cidr) })), ports: apiServer.ports.map(tcp) };
  return manifests((scope) => {
    // Envoy Gateway's controller, certgen and proxies meet restricted (non-root 65532, RuntimeDefault, no capabilities).
    new k8s.KubeNamespace(scope, "namespace", { metadata: { name: GATEWAY_NAMESPACE, labels: { ...labels, ...podSecurityLabels("restricted") } } });
    const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(scope, `network-policy-${name}`, { metadata: { name, namespace: GATEWAY_NAMESPACE, labels }, spec });
    for (const baseline of baselineNetworkPolicies()) policy(baseline.name, baseline.spec);
    // The listener port from any address: who may connect is the load balancer's sourceRanges, who may pass the SecurityPolicies.
    policy("allow-listener", { podSelector: proxies, policyTypes: ["Ingress"], ingress: [{ ports: [tcp(PROXY_LISTENER_PORT)] }] });
    policy("allow-proxy-egress", {
      podSelector: proxies,
      policyTypes: ["Egress"],
      egress: [
        ...toUis(args.uiRoutes),
        { to: [{ namespaceSelector: { matchLabels: { [MODEL_ROUTES_LABEL]: "true" } } }], ports: [tcp(KSERVE_PREDICTOR_PORT)] },
        toIdentityProvider(args.access),
        { to: [{ podSelector: controller }], ports: [tcp(CONTROLLER_PORTS.xds)] },
      ],
    });
    policy("allow-xds", {
      podSelector: controller,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: proxies }], ports: [tcp(CONTROLLER_PORTS.xds)] }],
    });
    // The controller watches and writes through the API server; certgen writes its Secrets there.
    policy("allow-api-server", { podSelector: controller, policyTypes: ["Egress"], egress: [toApiServer] });
    policy("allow-certgen-api-server", { podSelector: { matchLabels: { ...CERTGEN_POD_LABELS } }, policyTypes: ["Egress"], egress: [toApiServer] });
    // The proxies and the controller both serve Prometheus metrics on 19001.
    policy("allow-monitoring-scrape", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: nsSelector(MONITORING_NAMESPACE) }], ports: [tcp(PROXY_METRICS_PORT)] }],
    });
  });
}
