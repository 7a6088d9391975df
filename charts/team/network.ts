/**
 * NetworkPolicies of a team namespace (NS-04): deny everything, then allow DNS, the namespace itself, the
 * platform services the team opted into, Prometheus scraping, and the team's egress allowlist. NetworkPolicy
 * only allows; the instance metadata address stays unreachable because no rule allows it and every broad
 * ipBlock excepts it.
 */
import type { TeamConfig } from "../../config/teams";
import { parseCidr, contains, type Cidr } from "../../config/cidr";
import { INGRESS_NAMESPACE, KSERVE_PREDICTOR_PORT, MONITORING_NAMESPACE, PLATFORM_SERVICES, type PlatformServiceName } from "../../components/teams/services";

export const METADATA_CIDR = "169.254.169.254/32";
/** Link-local: instance metadata, the Pod Identity agent, the VPC DNS resolver; excepted from broad allowlists. */
export const LINK_LOCAL_CIDR = "169.254.0.0/16";
/** EKS Pod Identity agent, on every node's link-local address. */
export const POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32";
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];

export interface NetworkPolicySpec {
  readonly name: string;
  readonly spec: Record<string, unknown>;
}

const nsSelector = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const tcp = (port: number | string) => ({ protocol: "TCP", port });

function cidrOf(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
}

/** An ipBlock that never includes link-local addresses, the metadata address among them. */
export function ipBlock(cidr: string): { cidr: string; except?: string[] } {
  const block = cidrOf(cidr);
  return contains(block, cidrOf(LINK_LOCAL_CIDR)) ? { cidr, except: [LINK_LOCAL_CIDR] } : { cidr };
}

export function teamNetworkPolicies(team: TeamConfig, opts: { podIdentity: boolean }): NetworkPolicySpec[] {
  const policies: NetworkPolicySpec[] = [
    { name: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    {
      name: "allow-dns",
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [{ namespaceSelector: nsSelector("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, tcp(53)] }],
      },
    },
    {
      name: "allow-same-namespace",
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] },
    },
    {
      name: "allow-monitoring-scrape",
      spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: nsSelector(MONITORING_NAMESPACE) }], ports: [tcp("metrics")] }] },
    },
  ];
  if (opts.podIdentity) {
    policies.push({ name: "allow-pod-identity-agent", spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [tcp(80)] }] } });
  }
  for (const name of team.services as PlatformServiceName[]) {
    const svc = PLATFORM_SERVICES[name];
    policies.push({
      name: `allow-${name}`,
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [{ namespaceSelector: nsSelector(svc.namespace), podSelector: { matchLabels: { ...svc.podSelector } } }], ports: svc.ports.map(tcp) }],
      },
    });
  }
  if (team.services.includes("kserve")) {
    policies.push({
      name: "allow-inference-ingress",
      spec: {
        podSelector: { matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: nsSelector(INGRESS_NAMESPACE) }, { namespaceSelector: nsSelector(PLATFORM_SERVICES.kserve.namespace) }], ports: [tcp(KSERVE_PREDICTOR_PORT)] }],
      },
    });
  }
  if (team.egress.internetHttps) {
    policies.push({
      name: "allow-internet-https",
      spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: [tcp(443)] }] },
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
