/**
 * Fluent Bit's namespace and its NetworkPolicies (NS-04). Pure: plain manifests for an object group.
 *
 * A namespace of its own at Pod Security `privileged` (the fluent-bit-host-logs exception: hostPath mounts are refused
 * by baseline too), so no other namespace needs host access for logs. Default-deny, then: DNS, the API server (the
 * kubernetes filter), Prometheus's scrape, and the way out to the logs: on EKS HTTPS to CloudWatch Logs and the Pod
 * Identity agent; on an existing cluster the destination's port.
 */
import { baselineNetworkPolicies, ipBlock, POD_IDENTITY_AGENT_CIDR, publicHttpsEgress } from "../../charts/team/network";
import { k8s, manifests, port, type Manifest } from "../../charts/kube";
import { podSecurityLabels } from "../../charts/pod-security";
import { LINK_LOCAL_TEXT } from "../../domain/cidr";
import { LOGGING_NAMESPACE, MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { ANY_API_SERVER, type ApiServerAddresses } from "../queues/namespace";
import { FLUENT_BIT_METRICS_PORT, FLUENT_BIT_POD_LABELS } from "./values";

/** Where the logs leave the cluster: CloudWatch Logs through AWS's public endpoints, or the site's destination port. */
export type LogEgress = { readonly kind: "cloudwatch" } | { readonly kind: "site"; readonly port: number };

export interface LoggingNamespaceArgs {
  readonly egress: LogEgress;
  /** Where the API server is. @default ANY_API_SERVER */
  readonly apiServer?: ApiServerAddresses;
  /** Labels for every object (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

const nsSelector = (name: string): k8s.LabelSelector => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const tcp = (target: number): k8s.NetworkPolicyPort => ({ protocol: "TCP", port: port(target) });

export function loggingNamespaceObjects(args: LoggingNamespaceArgs): Manifest[] {
  const labels = { ...args.labels };
  const apiServer = args.apiServer ?? ANY_API_SERVER;
  const fluentBit = { matchLabels: { ...FLUENT_BIT_POD_LABELS } };
  return manifests((scope) => {
    new k8s.KubeNamespace(scope, "namespace", { metadata: { name: LOGGING_NAMESPACE, labels: { ...labels, ...podSecurityLabels("privileged") } } });
    const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(scope, `network-policy-${name}`, { metadata: { name, namespace: LOGGING_NAMESPACE, labels }, spec });
    for (const baseline of baselineNetworkPolicies()) policy(baseline.name, baseline.spec);
    policy("allow-prometheus-scrape", {
      podSelector: fluentBit,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: nsSelector(MONITORING_NAMESPACE) }], ports: [tcp(FLUENT_BIT_METRICS_PORT)] }],
    });
    // The kubernetes filter reads each pod's namespace and labels from the API server.
    policy("allow-api-server", {
      podSelector: fluentBit,
      policyTypes: ["Egress"],
      egress: [{ to: apiServer.cidrs.map((cidr) => ({ ipBlock: ipBlock(cidr) })), ports: apiServer.ports.map(tcp) }],
    });
    if (args.egress.kind === "cloudwatch") {
      policy("allow-cloudwatch-logs", { podSelector: fluentBit, policyTypes: ["Egress"], egress: [publicHttpsEgress()] });
      policy("allow-pod-identity-agent", {
        podSelector: fluentBit,
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [tcp(80)] }],
      });
    } else {
      // The destination is a host name NetworkPolicy cannot resolve: its port on any address but link-local.
      policy("allow-log-destination", {
        podSelector: fluentBit,
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [LINK_LOCAL_TEXT] } }], ports: [tcp(args.egress.port)] }],
      });
    }
  });
}
