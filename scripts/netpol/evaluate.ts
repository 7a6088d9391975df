/**
 * A small evaluator of Kubernetes NetworkPolicy semantics, as the API reference documents them
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/), for proving the connectivity the
 * planned policies allow without a CNI that enforces them:
 * - a pod is isolated for a direction when a policy of its namespace selects it with that policy type
 *   (without policyTypes: Ingress, and Egress when the policy has egress rules);
 * - a connection is allowed when the source side allows its egress and the destination side its ingress; a side
 *   that is not isolated allows everything; policies only add allowances, in any order;
 * - a peer with only podSelector means pods of the policy's namespace; with namespaceSelector, pods of the
 *   matching namespaces (narrowed by podSelector when both are set); an ipBlock matches addresses in its cidr
 *   and not in its except, and here only endpoints outside the pod network (pod IPs are implementation-defined);
 * - no `from`/`to` means every peer, no `ports` every port; a port is TCP unless it says otherwise, may be a
 *   container port's name, and may span to endPort.
 * IPv4 only. Pure: no I/O.
 */
import { contains, parseCidr, type Cidr } from "../../domain/cidr";

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

interface PolicyPort {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

interface Peer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface NetworkPolicy {
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly { readonly from?: readonly Peer[]; readonly ports?: readonly PolicyPort[] }[];
    readonly egress?: readonly { readonly to?: readonly Peer[]; readonly ports?: readonly PolicyPort[] }[];
  };
}

export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Container ports by name, for policies that name ports. */
  readonly namedPorts?: Readonly<Record<string, number>>;
}

/** Something outside the pod network: an address such as the instance metadata service. */
export interface External {
  readonly ip: string;
}

export type Endpoint = Pod | External;
export const isPod = (endpoint: Endpoint): endpoint is Pod => "namespace" in endpoint;

export interface World {
  /** Namespace labels by name; `kubernetes.io/metadata.name` is added as the API server does. */
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly policies: readonly NetworkPolicy[];
}

export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol?: "TCP" | "UDP" | "SCTP";
}

export function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const ok =
      operator === "In"
        ? has && values.includes(labels[key])
        : operator === "NotIn"
          ? !has || !values.includes(labels[key])
          : operator === "Exists"
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

function namespaceLabels(world: World, namespace: string): Record<string, string> {
  return { ...(world.namespaces[namespace] ?? {}), "kubernetes.io/metadata.name": namespace };
}

const ipCidr = (ip: string): Cidr | undefined => {
  const parsed = parseCidr(`${ip}/32`);
  return parsed.ok ? parsed.cidr : undefined;
};

function inBlock(block: NonNullable<Peer["ipBlock"]>, ip: string): boolean {
  const address = ipCidr(ip);
  const cidr = parseCidr(block.cidr);
  if (!address || !cidr.ok || !contains(cidr.cidr, address)) return false;
  return !(block.except ?? []).some((e) => {
    const except = parseCidr(e);
    return except.ok && contains(except.cidr, address);
  });
}

function peerMatches(world: World, policyNamespace: string, peer: Peer, other: Endpoint): boolean {
  if (peer.ipBlock) return !isPod(other) && inBlock(peer.ipBlock, other.ip);
  if (!isPod(other)) return false;
  if (peer.namespaceSelector) {
    return selects(peer.namespaceSelector, namespaceLabels(world, other.namespace)) && selects(peer.podSelector, other.labels);
  }
  return other.namespace === policyNamespace && selects(peer.podSelector, other.labels);
}

function portMatches(ports: readonly PolicyPort[] | undefined, connection: Connection): boolean {
  if (!ports || ports.length === 0) return true;
  const protocol = connection.protocol ?? "TCP";
  const destination = connection.to;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "string") return isPod(destination) && destination.namedPorts?.[p.port] === connection.port;
    return p.endPort === undefined ? p.port === connection.port : connection.port >= p.port && connection.port <= p.endPort;
  });
}

/** policyTypes as the API server defaults it when absent or empty: Ingress, and Egress when there are egress rules. */
const types = (policy: NetworkPolicy): readonly string[] =>
  policy.spec.policyTypes?.length ? policy.spec.policyTypes : policy.spec.egress?.length ? ["Ingress", "Egress"] : ["Ingress"];

function selecting(world: World, pod: Pod, direction: "Ingress" | "Egress"): NetworkPolicy[] {
  return world.policies.filter((p) => p.metadata.namespace === pod.namespace && types(p).includes(direction) && selects(p.spec.podSelector, pod.labels));
}

/**
 * Whether one side's policies let the connection through: `pod` is the side's pod, `other` the far end; a pod
 * no policy isolates in that direction lets everything through.
 */
function sideAllows(world: World, connection: Connection, direction: "Ingress" | "Egress"): boolean {
  const [pod, other] = direction === "Egress" ? [connection.from, connection.to] : [connection.to, connection.from];
  if (!isPod(pod)) return true;
  const policies = selecting(world, pod, direction);
  if (policies.length === 0) return true;
  return policies.some((p) =>
    (direction === "Egress"
      ? (p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }))
      : (p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }))
    ).some(
      (rule) =>
        (!rule.peers || rule.peers.length === 0 || rule.peers.some((peer) => peerMatches(world, pod.namespace, peer, other))) &&
        portMatches(rule.ports, connection),
    ),
  );
}

/** Whether the source's policies let the connection out. */
export const egressAllowed = (world: World, connection: Connection): boolean => sideAllows(world, connection, "Egress");

/** Whether the destination's policies let the connection in. */
export const ingressAllowed = (world: World, connection: Connection): boolean => sideAllows(world, connection, "Ingress");

export function allowed(world: World, connection: Connection): boolean {
  return egressAllowed(world, connection) && ingressAllowed(world, connection);
}
