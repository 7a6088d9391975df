/**
 * OpenCost's namespace (restricted), its NetworkPolicies (NS-04) and its RBAC. Pure: plain manifests for an object group.
 *
 * A namespace of its own, not `monitoring`: OpenCost reads pods and nodes cluster-wide and its pricing ConfigMap in
 * its install namespace. In `monitoring` that namespaced read would cover Grafana's and Prometheus's ConfigMaps, and
 * its NetworkPolicies would have to be carved out of the monitoring stack's. Here default-deny admits only
 * Prometheus's scrape, and OpenCost may reach only Prometheus, DNS, the API server and, on EKS, AWS's price list.
 */
import { baselineNetworkPolicies, ipBlock, publicHttpsEgress } from "../../charts/team/network";
import { k8s, manifests, port, type Manifest } from "../../charts/kube";
import { podSecurityLabels } from "../../charts/pod-security";
import { MONITORING_NAMESPACE, OPENCOST_NAMESPACE } from "../../domain/platform-namespaces";
import { ANY_API_SERVER, type ApiServerAddresses } from "../queues/namespace";
import { OPENCOST_API_PORT, OPENCOST_POD_LABELS, OPENCOST_RELEASE } from "./opencost-values";

/** kube-prometheus-stack's Prometheus (release "monitoring"): the pods' labels and the port its Service targets. */
export const PROMETHEUS_POD_LABELS = {
  "app.kubernetes.io/name": "prometheus",
  "operator.prometheus.io/name": "monitoring-kube-prometheus-prometheus",
} as const;
export const PROMETHEUS_PORT = 9090;

/**
 * What OpenCost reads cluster-wide: the chart's ClusterRole (templates/clusterrole.yaml at opencost-2.5.17) without
 * ConfigMaps, get/list/watch only. OpenCost watches ConfigMaps in its install namespace only (the Role below).
 */
export const OPENCOST_CLUSTER_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: [""],
    resources: [
      "deployments",
      "nodes",
      "pods",
      "services",
      "resourcequotas",
      "replicationcontrollers",
      "limitranges",
      "persistentvolumeclaims",
      "persistentvolumes",
      "namespaces",
      "endpoints",
    ],
    verbs: ["get", "list", "watch"],
  },
  { apiGroups: ["extensions"], resources: ["daemonsets", "deployments", "replicasets"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["apps"], resources: ["statefulsets", "deployments", "daemonsets", "replicasets"], verbs: ["list", "watch"] },
  { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["get", "list", "watch"] },
];

export interface OpenCostNamespaceArgs {
  /** Where the API server is. @default ANY_API_SERVER */
  readonly apiServer?: ApiServerAddresses;
  /** OpenCost prices nodes from AWS's public price list (HTTPS to pricing.us-east-1.amazonaws.com). @default false */
  readonly awsPriceList?: boolean;
  /** Labels for every object (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

const nsSelector = (name: string): k8s.LabelSelector => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const tcp = (target: number): k8s.NetworkPolicyPort => ({ protocol: "TCP", port: port(target) });

export function opencostNamespaceObjects(args: OpenCostNamespaceArgs = {}): Manifest[] {
  const labels = { ...args.labels };
  const apiServer = args.apiServer ?? ANY_API_SERVER;
  const opencost = { matchLabels: { ...OPENCOST_POD_LABELS } };
  const prometheus = { namespaceSelector: nsSelector(MONITORING_NAMESPACE), podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } } };
  const serviceAccount = { kind: "ServiceAccount", name: OPENCOST_RELEASE, namespace: OPENCOST_NAMESPACE };
  return manifests((scope) => {
    // The chart's pod meets restricted with the security contexts charts/values/opencost.yaml sets.
    new k8s.KubeNamespace(scope, "namespace", { metadata: { name: OPENCOST_NAMESPACE, labels: { ...labels, ...podSecurityLabels("restricted") } } });
    const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(scope, `network-policy-${name}`, { metadata: { name, namespace: OPENCOST_NAMESPACE, labels }, spec });
    for (const baseline of baselineNetworkPolicies()) policy(baseline.name, baseline.spec);
    policy("allow-prometheus-scrape", { podSelector: opencost, policyTypes: ["Ingress"], ingress: [{ from: [prometheus], ports: [tcp(OPENCOST_API_PORT)] }] });
    policy("allow-prometheus-queries", { podSelector: opencost, policyTypes: ["Egress"], egress: [{ to: [prometheus], ports: [tcp(PROMETHEUS_PORT)] }] });
    // OpenCost watches the cluster's objects through the API server.
    policy("allow-api-server", {
      podSelector: opencost,
      policyTypes: ["Egress"],
      egress: [{ to: apiServer.cidrs.map((cidr) => ({ ipBlock: ipBlock(cidr) })), ports: apiServer.ports.map(tcp) }],
    });
    if (args.awsPriceList) policy("allow-aws-price-list", { podSelector: opencost, policyTypes: ["Egress"], egress: [publicHttpsEgress()] });

    new k8s.KubeClusterRole(scope, "cluster-role", { metadata: { name: OPENCOST_RELEASE, labels }, rules: [...OPENCOST_CLUSTER_RULES] });
    new k8s.KubeClusterRoleBinding(scope, "cluster-role-binding", {
      metadata: { name: OPENCOST_RELEASE, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: OPENCOST_RELEASE },
      subjects: [serviceAccount],
    });
    // Its pricing ConfigMap (and the metrics ConfigMap, when configured), in its own namespace only.
    new k8s.KubeRole(scope, "role", {
      metadata: { name: OPENCOST_RELEASE, namespace: OPENCOST_NAMESPACE, labels },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
    });
    new k8s.KubeRoleBinding(scope, "role-binding", {
      metadata: { name: OPENCOST_RELEASE, namespace: OPENCOST_NAMESPACE, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: OPENCOST_RELEASE },
      subjects: [serviceAccount],
    });
  });
}
