/**
 * NetworkPolicies of the service namespaces we author workloads in (NS-04): deny everything, then allow DNS,
 * the namespace itself, Prometheus on the metrics port, and ingress from exactly the team namespaces that
 * opted into the service (the label the team chart stamps). Egress beyond that is listed per service.
 */
import { MONITORING_NAMESPACE, serviceOptInLabel } from "../../domain/team-services";
import { KUBE_SYSTEM_NAMESPACE } from "../../domain/platform-namespaces";
import { POD_IDENTITY_AGENT_CIDR, publicHttpsEgress } from "../team/network";

export interface PolicyObject {
  readonly apiVersion: "networking.k8s.io/v1";
  readonly kind: "NetworkPolicy";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

const nsSelector = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const tcp = (port: number | string) => ({ protocol: "TCP", port });

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
  /** Platform namespaces that reach the served pods too (for example a job namespace). */
  readonly alsoFrom?: readonly string[];
  readonly egress: readonly EgressRule[];
  /** Named port Prometheus scrapes, if the namespace exposes metrics. @default "metrics" */
  readonly metricsPort?: string | number | false;
  readonly labels?: Readonly<Record<string, string>>;
}

function egressPeer(rule: EgressRule) {
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

export function serviceNetworkPolicies(args: ServiceNetworkArgs): PolicyObject[] {
  const meta = (name: string) => ({ name, namespace: args.namespace, ...(args.labels ? { labels: { ...args.labels } } : {}) });
  const obj = (name: string, spec: Record<string, unknown>): PolicyObject => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(name),
    spec,
  });
  const out: PolicyObject[] = [
    obj("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    obj("allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: nsSelector(KUBE_SYSTEM_NAMESPACE), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
        },
      ],
    }),
    obj("allow-same-namespace", {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    }),
  ];
  const metrics = args.metricsPort ?? "metrics";
  if (metrics !== false) {
    out.push(
      obj("allow-monitoring-scrape", {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: nsSelector(MONITORING_NAMESPACE) }], ports: [tcp(metrics)] }],
      }),
    );
  }
  if (args.servedPods && args.servedPorts) {
    const from = [
      ...(args.service ? [{ namespaceSelector: { matchLabels: { [serviceOptInLabel(args.service)]: "true" } } }] : []),
      ...(args.alsoFrom ?? []).map((ns) => ({ namespaceSelector: nsSelector(ns) })),
    ];
    if (from.length > 0) {
      out.push(
        obj("allow-clients", {
          podSelector: { matchLabels: { ...args.servedPods } },
          policyTypes: ["Ingress"],
          ingress: [{ from, ports: args.servedPorts.map(tcp) }],
        }),
      );
    }
  }
  if (args.egress.length > 0) out.push(obj("allow-egress", { podSelector: {}, policyTypes: ["Egress"], egress: args.egress.map(egressPeer) }));
  return out;
}
