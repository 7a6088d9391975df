/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), parsed exactly enough to compare and sum.
 * Grammar: <signedNumber><suffix>, suffix one of the binary (Ki..Ei), decimal SI (n,u,m,"",k,M,G,T,P,E)
 * or decimal-exponent (e3, E-2) forms. We reject negatives because no platform quantity may be negative.
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const QUANTITY = /^(\+)?(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** Parses a quantity into its value in base units (cores, bytes, count). Returns undefined when malformed. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text.trim() === text ? text : "");
  if (!match) return undefined;
  const value = Number(match[2]);
  const suffix = match[3] ?? "";
  if (suffix in BINARY) return value * BINARY[suffix];
  if (suffix in DECIMAL) return value * DECIMAL[suffix];
  return value * 10 ** Number(suffix.slice(1));
}

export function isQuantity(text: string): boolean {
  return parseQuantity(text) !== undefined;
}

/**
 * Kubernetes keeps a quantity as a 64-bit integer of its base unit (or milli-unit); anything larger cannot be
 * stored, and `1e400` would otherwise compare as Infinity and pass every bound.
 */
export const QUANTITY_LIMIT = 2 ** 63;

/** Why `text` is not a usable quantity, in words a config author can act on; undefined when it is. */
export function quantityProblem(text: string): string | undefined {
  const value = parseQuantity(text);
  if (value === undefined) return `"${text}" is not a Kubernetes quantity (for example 500m, 4, 16Gi)`;
  // Compared with 2^63 itself: 2^63 - 1 is not representable as a double and rounds up to 2^63.
  if (!Number.isFinite(value) || value >= QUANTITY_LIMIT)
    return `"${text}" is out of range: Kubernetes stores quantities as 64-bit integers (at most about 9.2e18 base units)`;
  return undefined;
}

export const GIB = 2 ** 30;

/** Formats a byte count as a whole-GiB quantity when exact, for messages. */
export function formatGiB(bytes: number): string {
  return Number.isInteger(bytes / GIB) ? `${bytes / GIB}Gi` : `${(bytes / GIB).toFixed(2)}Gi`;
}
