/**
 * The dex namespace (restricted) and its NetworkPolicies (NS-04): deny everything, then let the gateway's
 * proxies (the login page, token and keys endpoints) and Grafana (its OAuth token and userinfo calls) reach Dex's
 * HTTP port. Dex keeps its state in memory and has no upstream connector: no egress but DNS. Pure: plain
 * manifests for an object group.
 */
import { DEX_POD_LABELS, DEX_PORTS } from "../../charts/access/dex";
import { k8s, manifests, port, type Manifest } from "../../charts/kube";
import { podSecurityLabels } from "../../charts/pod-security";
import { baselineNetworkPolicies } from "../../charts/team/network";
import { ENVOY_PROXY_POD_LABELS } from "../../domain/access";
import { DEX_NAMESPACE, INGRESS_NAMESPACE, MONITORING_NAMESPACE } from "../../domain/platform-namespaces";

/** Grafana's pods in kube-prometheus-stack (the grafana subchart's selector label). */
export const GRAFANA_POD_LABELS = { "app.kubernetes.io/name": "grafana" } as const;

export interface DexNamespaceArgs {
  /** Labels for every object (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

const nsSelector = (name: string): k8s.LabelSelector => ({ matchLabels: { "kubernetes.io/metadata.name": name } });

export function dexNamespaceObjects(args: DexNamespaceArgs = {}): Manifest[] {
  const labels = { ...args.labels };
  const http: k8s.NetworkPolicyPort[] = [{ protocol: "TCP", port: port(DEX_PORTS.http) }];
  return manifests((scope) => {
    new k8s.KubeNamespace(scope, "namespace", { metadata: { name: DEX_NAMESPACE, labels: { ...labels, ...podSecurityLabels("restricted") } } });
    const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(scope, `network-policy-${name}`, { metadata: { name, namespace: DEX_NAMESPACE, labels }, spec });
    for (const baseline of baselineNetworkPolicies()) policy(baseline.name, baseline.spec);
    policy("allow-gateway", {
      podSelector: { matchLabels: { ...DEX_POD_LABELS } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: nsSelector(INGRESS_NAMESPACE), podSelector: { matchLabels: { ...ENVOY_PROXY_POD_LABELS } } }], ports: http }],
    });
    policy("allow-grafana", {
      podSelector: { matchLabels: { ...DEX_POD_LABELS } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: nsSelector(MONITORING_NAMESPACE), podSelector: { matchLabels: { ...GRAFANA_POD_LABELS } } }], ports: http }],
    });
  });
}
