/**
 * NetworkPolicies of a team namespace (NS-04): deny everything, then allow DNS, the namespace itself, the
 * platform services the team opted into, Prometheus scraping, and the team's egress allowlist. NetworkPolicy
 * only allows; the instance metadata address stays unreachable because no rule allows it and every broad
 * ipBlock excepts it.
 */
import type { TeamConfig } from "../../config/teams";
import { parseCidr, contains, LINK_LOCAL_TEXT, NON_PUBLIC_TEXTS, type Cidr } from "../../domain/cidr";
import {
  INGRESS_NAMESPACE,
  KSERVE_PREDICTOR_PORT,
  MONITORING_NAMESPACE,
  PLATFORM_SERVICES,
  teamServiceTargets,
  type PlatformService,
  type PlatformServiceName,
} from "../../domain/team-services";
import type { KserveMode } from "../../config/services";
import { ENVOY_PROXY_POD_LABELS } from "../../domain/access";
import { KNATIVE_SERVING_NAMESPACE, KUBEFLOW_NAMESPACE, KUBE_SYSTEM_NAMESPACE } from "../../domain/platform-namespaces";
import { RDS_ENGINES } from "../../domain/versions";
import { k8s, port } from "../kube";
import { kfpNetworkPolicies, KFP_RESERVED_POD_LABELS, usesPipelines, type KfpNetwork } from "./pipelines";

/** Knative Serving's namespace and its queue-proxy ports on a serverless predictor. */
export { KNATIVE_SERVING_NAMESPACE };
export const KNATIVE_QUEUE_PORTS = [8012, 8013, 9090, 9091] as const;

export const METADATA_CIDR = "169.254.169.254/32";
/** Link-local: instance metadata, the Pod Identity agent, the VPC DNS resolver; excepted from broad allowlists. */
export const LINK_LOCAL_CIDR = LINK_LOCAL_TEXT;
/** EKS Pod Identity agent, on every node's link-local address. */
export const POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32";

/** Egress to HTTPS on public addresses only (AWS APIs, S3, mirrors): private ranges and link-local excepted. */
export function publicHttpsEgress(): k8s.NetworkPolicyEgressRule {
  return { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...NON_PUBLIC_TEXTS] } }], ports: [tcp(443)] };
}

export interface NetworkPolicySpec {
  readonly name: string;
  readonly spec: k8s.NetworkPolicySpec;
}

const nsSelector = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const tcp = (target: number | string): k8s.NetworkPolicyPort => ({ protocol: "TCP", port: port(target) });

function cidrOf(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
}

/** An ipBlock that never includes link-local addresses, the metadata address among them. */
export function ipBlock(cidr: string): k8s.IpBlock {
  const block = cidrOf(cidr);
  return contains(block, cidrOf(LINK_LOCAL_CIDR)) ? { cidr, except: [LINK_LOCAL_CIDR] } : { cidr };
}

export interface TeamNetworkOptions {
  /** On EKS, pods reach the Pod Identity agent for AWS credentials. */
  readonly podIdentity: boolean;
  /** How KServe serves the team's models. @default "standard" */
  readonly kserveMode?: KserveMode;
  /** An in-cluster S3 store (existing clusters); on EKS the data buckets are S3, reached over HTTPS. */
  readonly objectStore?: { readonly namespace: string; readonly port: number };
  /** The stack has the gateway (`access`): a team's own UIs (its Kubeflow Pipelines UI) are reached through it. @default false */
  readonly gateway?: boolean;
  /**
   * Where the team's own Kubeflow Pipelines reaches its MySQL databases and the Kubernetes API server (teams with
   * `pipelines`). @default KFP_DEFAULT_NETWORK: any private address on 3306 (EKS) or KFP's MySQL in kubeflow, and
   * the API server at any address
   */
  readonly pipelines?: KfpNetwork;
}

/** Where KFP's in-cluster MySQL runs on an existing cluster (upstream third-party/mysql/base at 2.17.0). */
export const KFP_IN_CLUSTER_MYSQL = { namespace: KUBEFLOW_NAMESPACE, podLabels: { app: "mysql" }, port: RDS_ENGINES.mysql.port } as const;

/**
 * Defaults when the stack passes no addresses: on EKS the RDS instance sits in the VPC, here any private range
 * (the platform passes the VPC's CIDR); elsewhere KFP's own MySQL pods. The API server at any address on 443 and
 * 6443 (its endpoints' ports on managed and kubeadm-style control planes), link-local excepted.
 */
export function kfpDefaultNetwork(podIdentity: boolean): KfpNetwork {
  return {
    database: podIdentity
      ? { kind: "cidrs", cidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], port: RDS_ENGINES.mysql.port }
      : { kind: "pods", ...KFP_IN_CLUSTER_MYSQL },
    apiServer: { cidrs: ["0.0.0.0/0"], ports: [443, 6443] },
  };
}

/** The label KServe puts on every predictor pod, with its InferenceService's name. */
export const INFERENCE_POD_LABEL = "serving.kserve.io/inferenceservice";
/** Pods of the team's InferenceServices. */
const INFERENCE_PODS = { matchExpressions: [{ key: INFERENCE_POD_LABEL, operator: "Exists" }] };

export { ENVOY_PROXY_POD_LABELS };

/** The gateway's proxy pods as a NetworkPolicy peer (not the controller, not anything else in its namespace). */
export function gatewayProxyPeer(): k8s.NetworkPolicyPeer {
  return { namespaceSelector: nsSelector(INGRESS_NAMESPACE), podSelector: { matchLabels: { ...ENVOY_PROXY_POD_LABELS } } };
}

/** Pods of the team's model-drift CronJobs (charts/services/drift). */
export const MODEL_DRIFT_POD_LABELS = { "app.kubernetes.io/name": "model-drift" } as const;
/**
 * Pods of the team's own Pushgateway, which its drift jobs push to and Prometheus scrapes (charts/services/drift/
 * pushgateway.ts). Reached in-namespace (allow-same-namespace) and from monitoring on its port named `metrics`
 * (allow-monitoring-scrape): no policy of its own.
 */
export const MODEL_DRIFT_PUSHGATEWAY_POD_LABELS = { "app.kubernetes.io/name": "model-drift-pushgateway" } as const;
/** Pod labels only the platform's pods in a team namespace carry (the team-reserved-pod-labels guardrail). */
export const RESERVED_TEAM_POD_LABELS: readonly Readonly<Record<string, string>>[] = [MODEL_DRIFT_POD_LABELS, MODEL_DRIFT_PUSHGATEWAY_POD_LABELS];
/** Pod labels only the platform's pods carry in a team namespace with `pipelines`: its own KFP install's (charts/team/pipelines.ts). */
export const RESERVED_PIPELINES_POD_LABELS = KFP_RESERVED_POD_LABELS;

/** What every namespace of ours starts from: everything denied, then DNS to kube-dns. */
export function baselineNetworkPolicies(): NetworkPolicySpec[] {
  return [
    { name: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    {
      name: "allow-dns",
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ namespaceSelector: nsSelector(KUBE_SYSTEM_NAMESPACE), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [{ protocol: "UDP", port: port(53) }, tcp(53)],
          },
        ],
      },
    },
  ];
}

export function teamNetworkPolicies(team: TeamConfig, opts: TeamNetworkOptions): NetworkPolicySpec[] {
  const policies: NetworkPolicySpec[] = [
    ...baselineNetworkPolicies(),
    {
      name: "allow-same-namespace",
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] },
    },
    {
      name: "allow-monitoring-scrape",
      spec: {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: nsSelector(MONITORING_NAMESPACE) }], ports: [tcp("metrics")] }],
      },
    },
  ];
  if (opts.podIdentity) {
    policies.push({
      name: "allow-pod-identity-agent",
      spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [tcp(80)] }] },
    });
  }
  for (const name of team.services as PlatformServiceName[]) {
    const svc: PlatformService = PLATFORM_SERVICES[name];
    // The team's own instance where the service runs one per team (Evidently), else the service's targets.
    const targets = teamServiceTargets(name, team.name);
    if (targets.length === 0) continue;
    policies.push({
      name: `allow-${name}`,
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: targets.map((t) => ({
          to: [{ namespaceSelector: nsSelector(svc.namespace), podSelector: { matchLabels: { ...t.podSelector } } }],
          ports: t.ports.map(tcp),
        })),
      },
    });
  }
  if (team.services.includes("kserve")) {
    // Predictors are scraped by Prometheus on the model-server port and, when the team serves its models on the
    // gateway, called by the gateway's proxies there; serverless ones are reached through Knative's activator and
    // Kourier gateway on the queue-proxy ports.
    const serverless = opts.kserveMode === "serverless";
    const ingress: k8s.NetworkPolicyIngressRule[] = [
      {
        from: [...(team.modelEndpoints ? [gatewayProxyPeer()] : []), { namespaceSelector: nsSelector(MONITORING_NAMESPACE) }],
        ports: [tcp(KSERVE_PREDICTOR_PORT)],
      },
    ];
    if (serverless) ingress.push({ from: [{ namespaceSelector: nsSelector(KNATIVE_SERVING_NAMESPACE) }], ports: KNATIVE_QUEUE_PORTS.map(tcp) });
    policies.push({
      name: "allow-inference-ingress",
      spec: { podSelector: INFERENCE_PODS, policyTypes: ["Ingress"], ingress },
    });
  }
  // Object storage: S3 over HTTPS on EKS, the in-cluster store otherwise.
  const storage = opts.objectStore
    ? { to: [{ namespaceSelector: nsSelector(opts.objectStore.namespace) }], ports: [tcp(opts.objectStore.port)] }
    : publicHttpsEgress();
  if (team.services.includes("kserve")) {
    // KServe's storage initializer fetches the model from the models bucket, whatever else the team allows.
    policies.push({ name: "allow-inference-model-download", spec: { podSelector: INFERENCE_PODS, policyTypes: ["Egress"], egress: [storage] } });
  }
  if (team.modelMonitors.length > 0) {
    // The drift jobs fetch their datasets from the team's prefix of the datasets bucket, whatever else the team allows.
    policies.push({
      name: "allow-model-drift-data",
      spec: { podSelector: { matchLabels: { ...MODEL_DRIFT_POD_LABELS } }, policyTypes: ["Egress"], egress: [storage] },
    });
  }
  if (usesPipelines(team)) {
    // The team's own Kubeflow Pipelines: its database, storage and API-server egress, its UI behind the gateway.
    const network = opts.pipelines ?? kfpDefaultNetwork(opts.podIdentity);
    policies.push(...kfpNetworkPolicies(network, { ipBlock, storage, gateway: opts.gateway ? gatewayProxyPeer() : undefined }));
  }
  if (team.egress.internetHttps) {
    policies.push({
      name: "allow-internet-https",
      spec: { podSelector: {}, policyTypes: ["Egress"], egress: [publicHttpsEgress()] },
    });
  }
  if (team.egress.allow.length > 0) {
    policies.push({
      name: "allow-egress-allowlist",
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: team.egress.allow.map((rule) => ({ to: [{ ipBlock: ipBlock(rule.cidr) }], ports: rule.ports.map(tcp) })),
      },
    });
  }
  return policies;
}
