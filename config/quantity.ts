/** Kubernetes resource quantities in config: the parser (domain/quantity.ts) and what a config author is told. */
import { parseQuantity } from "../domain/quantity";

export { parseQuantity };

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
