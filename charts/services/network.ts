/**
 * NetworkPolicies of the service namespaces we author workloads in (NS-04): deny everything, then allow DNS,
 * the namespace itself, Prometheus on the metrics port, and ingress from exactly the team namespaces that
 * opted into the service (the label the team chart stamps). Egress beyond that is listed per service.
 */
import type { Construct } from "constructs";
import { MONITORING_NAMESPACE, serviceOptInLabel } from "../../domain/team-services";
import { baselineNetworkPolicies, POD_IDENTITY_AGENT_CIDR, publicHttpsEgress } from "../team/network";
import { k8s, manifests, port, type Manifest } from "../kube";

const nsSelector = (name: string): k8s.LabelSelector => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const tcp = (target: number | string): k8s.NetworkPolicyPort => ({ protocol: "TCP", port: port(target) });

/**
 * One team's namespace as a NetworkPolicy peer of a service it opted into: by name AND the opt-in label, so
 * another team's namespace matches neither, and the team's own only while it keeps the service.
 */
export const optedInTeamNamespace = (team: string, service: string): k8s.NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": team, [serviceOptInLabel(service)]: "true" } },
});

/** Egress a service's pods need besides DNS and their own namespace. */
export type EgressRule =
  | { readonly kind: "namespace"; readonly namespace: string; readonly podLabels?: Record<string, string>; readonly ports: readonly (number | string)[] }
  | { readonly kind: "cidr"; readonly cidr: string; readonly ports: readonly number[] }
  /** HTTPS to public addresses (AWS APIs such as S3 and Secrets Manager, reached through NAT). */
  | { readonly kind: "aws-apis" }
  /** The EKS Pod Identity agent on the node, where pods get their AWS credentials. */
  | { readonly kind: "pod-identity" };

export interface ServiceNetworkArgs {
  readonly namespace: string;
  /** The service a team opts into to reach these pods; omitted for namespaces no team reaches. */
  readonly service?: string;
  /** Pods teams reach, and on which ports. */
  readonly servedPods?: Readonly<Record<string, string>>;
  readonly servedPorts?: readonly (number | string)[];
  /**
   * Only these pods (each a set of pod labels) of the opted-in namespaces reach the served pods, where a service's
   * clients are the platform's own pods in those namespaces. @default every pod of an opted-in namespace
   */
  readonly clientPods?: readonly Readonly<Record<string, string>>[];
  /** Platform namespaces that reach the served pods too (for example a job namespace). */
  readonly alsoFrom?: readonly string[];
  readonly egress: readonly EgressRule[];
  /**
   * Let every pod of the namespace reach every other. Off where the namespace holds one workload per team (Feast's
   * stores), which then say themselves which pods of theirs meet. @default true
   */
  readonly sameNamespace?: boolean;
  /** Named port Prometheus scrapes, if the namespace exposes metrics. @default "metrics" */
  readonly metricsPort?: string | number | false;
  readonly labels?: Readonly<Record<string, string>>;
}

function egressPeer(rule: EgressRule): k8s.NetworkPolicyEgressRule {
  switch (rule.kind) {
    case "namespace":
      return {
        to: [{ namespaceSelector: nsSelector(rule.namespace), ...(rule.podLabels ? { podSelector: { matchLabels: { ...rule.podLabels } } } : {}) }],
        ports: rule.ports.map(tcp),
      };
    case "cidr":
      return { to: [{ ipBlock: { cidr: rule.cidr } }], ports: rule.ports.map(tcp) };
    case "aws-apis":
      return publicHttpsEgress();
    case "pod-identity":
      return { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [tcp(80)] };
  }
}

/** The opted-in namespaces as peers: all their pods, or only the listed ones. */
function optedInClients(service: string, clientPods?: readonly Readonly<Record<string, string>>[]): k8s.NetworkPolicyPeer[] {
  const namespaceSelector = { matchLabels: { [serviceOptInLabel(service)]: "true" } };
  return clientPods ? clientPods.map((pods) => ({ namespaceSelector, podSelector: { matchLabels: { ...pods } } })) : [{ namespaceSelector }];
}

/** The service namespace's NetworkPolicies, made in `scope` (for builders that make other objects there too). */
export function addServiceNetworkPolicies(scope: Construct, args: ServiceNetworkArgs): void {
  const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
    new k8s.KubeNetworkPolicy(scope, `network-policy-${name}`, {
      metadata: { name, namespace: args.namespace, ...(args.labels ? { labels: { ...args.labels } } : {}) },
      spec,
    });
  for (const baseline of baselineNetworkPolicies()) policy(baseline.name, baseline.spec);
  if (args.sameNamespace ?? true)
    policy("allow-same-namespace", {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
  const metrics = args.metricsPort ?? "metrics";
  if (metrics !== false) {
    policy("allow-monitoring-scrape", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: nsSelector(MONITORING_NAMESPACE) }], ports: [tcp(metrics)] }],
    });
  }
  if (args.servedPods && args.servedPorts) {
    const from: k8s.NetworkPolicyPeer[] = [
      ...(args.service ? optedInClients(args.service, args.clientPods) : []),
      ...(args.alsoFrom ?? []).map((ns) => ({ namespaceSelector: nsSelector(ns) })),
    ];
    if (from.length > 0) {
      policy("allow-clients", {
        podSelector: { matchLabels: { ...args.servedPods } },
        policyTypes: ["Ingress"],
        ingress: [{ from, ports: args.servedPorts.map(tcp) }],
      });
    }
  }
  if (args.egress.length > 0) policy("allow-egress", { podSelector: {}, policyTypes: ["Egress"], egress: args.egress.map(egressPeer) });
}

export function serviceNetworkPolicies(args: ServiceNetworkArgs): Manifest[] {
  return manifests((scope) => addServiceNetworkPolicies(scope, args));
}
