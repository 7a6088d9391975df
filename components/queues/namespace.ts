/**
 * The kueue-system namespace (restricted) and its NetworkPolicies (NS-04): deny everything, then let the API
 * server call the webhooks and the visibility API, let Prometheus scrape metrics, and let the controller reach
 * DNS and the API server. Pure: plain manifests for an object group.
 */
import { baselineNetworkPolicies, ipBlock } from "../../charts/team/network";
import { k8s, manifests, port, type Manifest } from "../../charts/kube";
import { podSecurityLabels } from "../../charts/pod-security";
import { formatCidr, parseCidr, subnet } from "../../domain/cidr";
import { KUEUE_NAMESPACE, MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { KUEUE_POD_LABELS, KUEUE_PORTS } from "./values";

/** Where the API server is, as NetworkPolicy sees it: the addresses of its endpoints and their ports. */
export interface ApiServerAddresses {
  /** Addresses the API server calls webhooks from and serves on. */
  readonly cidrs: readonly string[];
  /** Ports its endpoints (and the kubernetes Service) listen on. */
  readonly ports: readonly number[];
}

/**
 * On an existing cluster the API server's addresses are not in the config: any address, on the ports kubeadm-style
 * (6443) and managed (443) control planes use. The webhooks are TLS with Kueue's own CA, the visibility API
 * authenticates the caller, and nothing else in the namespace listens.
 */
export const ANY_API_SERVER: ApiServerAddresses = { cidrs: ["0.0.0.0/0"], ports: [443, 6443] };

/**
 * On EKS the control plane's network interfaces sit in the cluster's subnets: the VPC. Pods reach it through the
 * kubernetes Service, the first address of the service range, which policy may see before translation.
 */
export function eksApiServer(vpcCidr: string, serviceCidr: string): ApiServerAddresses {
  const parsed = parseCidr(serviceCidr);
  if (!parsed.ok) throw new Error(`cluster.serviceCidr: ${parsed.reason}`);
  return { cidrs: [vpcCidr, formatCidr(subnet(parsed.cidr, 32, 1))], ports: [443] };
}

export interface KueueNamespaceArgs {
  /** Where the API server is. @default ANY_API_SERVER */
  readonly apiServer?: ApiServerAddresses;
  /** Labels for every object (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

const nsSelector = (name: string): k8s.LabelSelector => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const tcp = (target: number): k8s.NetworkPolicyPort => ({ protocol: "TCP", port: port(target) });

export function kueueNamespaceObjects(args: KueueNamespaceArgs = {}): Manifest[] {
  const labels = { ...args.labels };
  const apiServer = args.apiServer ?? ANY_API_SERVER;
  const fromApiServer = apiServer.cidrs.map((cidr) => ({ ipBlock: ipBlock(cidr) }));
  const controller = { matchLabels: { ...KUEUE_POD_LABELS } };
  return manifests((scope) => {
    // Kueue's chart meets restricted on its defaults (non-root image, RuntimeDefault, no capabilities).
    new k8s.KubeNamespace(scope, "namespace", { metadata: { name: KUEUE_NAMESPACE, labels: { ...labels, ...podSecurityLabels("restricted") } } });
    const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(scope, `network-policy-${name}`, { metadata: { name, namespace: KUEUE_NAMESPACE, labels }, spec });
    for (const baseline of baselineNetworkPolicies()) policy(baseline.name, baseline.spec);
    // Admission and CRD conversion webhooks (fail closed) and the visibility APIService, both called by the API server.
    policy("allow-api-server-calls", {
      podSelector: controller,
      policyTypes: ["Ingress"],
      ingress: [{ from: fromApiServer, ports: [tcp(KUEUE_PORTS.webhook), tcp(KUEUE_PORTS.visibility)] }],
    });
    policy("allow-monitoring-scrape", {
      podSelector: controller,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: nsSelector(MONITORING_NAMESPACE) }], ports: [tcp(KUEUE_PORTS.metrics)] }],
    });
    // The controller watches and writes through the API server only.
    policy("allow-api-server", {
      podSelector: controller,
      policyTypes: ["Egress"],
      egress: [{ to: apiServer.cidrs.map((cidr) => ({ ipBlock: ipBlock(cidr) })), ports: apiServer.ports.map(tcp) }],
    });
  });
}
