/** IPv4 CIDR arithmetic for config checks and subnet planning. Pure; property-tested. */
export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
}

// No leading zeros: "010" reads as octal in some tools and as decimal in others.
const OCTET = "(0|[1-9]\\d{0,2})";
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}\\/(0|[1-9]\\d?)$`);

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; reason: string };

/** Parses `a.b.c.d/n`, insisting that it is a network address (no host bits set). */
export function parseCidr(text: string): CidrParse {
  const m = IPV4.exec(text);
  if (!m) return { ok: false, reason: `"${text}" is not an IPv4 CIDR (a.b.c.d/n)` };
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return { ok: false, reason: `"${text}" is not an IPv4 CIDR (a.b.c.d/n)` };
  const address = ipToInt(octets);
  const base = (address & maskOf(prefix)) >>> 0;
  if (base !== address) {
    return { ok: false, reason: `"${text}" is not a network address; did you mean ${formatCidr({ base, prefix })}?` };
  }
  return { ok: true, cidr: { base, prefix } };
}

export function ipToInt(octets: number[]): number {
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function size(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function formatCidr(cidr: Cidr): string {
  const b = cidr.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${cidr.prefix}`;
}

export function overlaps(first: Cidr, second: Cidr): boolean {
  const aEnd = first.base + size(first);
  const bEnd = second.base + size(second);
  return first.base < bEnd && second.base < aEnd;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

/** The `index`-th block of prefix `newPrefix` inside `parent`. */
export function subnet(parent: Cidr, newPrefix: number, index: number): Cidr {
  if (newPrefix < parent.prefix || newPrefix > 32) throw new RangeError(`cannot carve /${newPrefix} from ${formatCidr(parent)}`);
  const count = 2 ** (newPrefix - parent.prefix);
  if (index < 0 || index >= count) throw new RangeError(`block ${index} out of range 0..${count - 1}`);
  return { base: parent.base + index * 2 ** (32 - newPrefix), prefix: newPrefix };
}

const cidrConst = (text: string): Cidr => (parseCidr(text) as { cidr: Cidr }).cidr;

/** RFC 1918 ranges: EKS requires the service CIDR inside one of them. */
export const RFC1918_TEXTS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;
export const RFC1918: readonly Cidr[] = RFC1918_TEXTS.map(cidrConst);

/** Private networks: RFC 1918 and the shared range EKS custom networking gives pods (100.64.0.0/10, RFC 6598). */
export const PRIVATE_NETWORK_TEXTS = [...RFC1918_TEXTS, "100.64.0.0/10"] as const;
export const PRIVATE_NETWORKS: readonly Cidr[] = PRIVATE_NETWORK_TEXTS.map(cidrConst);

/** Link-local: instance metadata, the Pod Identity agent, the VPC DNS resolver. */
export const LINK_LOCAL_TEXT = "169.254.0.0/16";

/** The Kubernetes service range EKS gets when the stack names none (cluster.serviceCidr). */
export const DEFAULT_SERVICE_CIDR = "172.20.0.0/16";
export const LINK_LOCAL = cidrConst(LINK_LOCAL_TEXT);

/** Everything that is not "the internet"; team HTTPS egress to public addresses excepts all of it. */
export const NON_PUBLIC_TEXTS = [...PRIVATE_NETWORK_TEXTS, LINK_LOCAL_TEXT] as const;

/**
 * The widest block an allowlist entry (team egress, public API endpoint) may name: 65,536 addresses. An
 * allowlist names networks (an office, a VPN, a warehouse); anything wider is "most of the internet" written
 * as a list, which is how two /1s quietly become 0.0.0.0/0.
 */
export const WIDEST_ALLOWLIST_PREFIX = 16;

/** Why an allowlist entry is too broad, or undefined when it is narrow enough. */
export function broadAllowlistReason(cidr: Cidr): string | undefined {
  if (cidr.prefix >= WIDEST_ALLOWLIST_PREFIX) return undefined;
  return `${formatCidr(cidr)} spans ${size(cidr).toLocaleString("en-US")} addresses; allowlist entries are /${WIDEST_ALLOWLIST_PREFIX} or narrower (name the networks you need, one entry each)`;
}
