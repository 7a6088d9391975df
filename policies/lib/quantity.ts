/**
 * Kubernetes quantities, enough to order LimitRange values (binary, decimal and exponent suffixes). The pack is
 * a package of its own that imports nothing outside policies/, so this is its copy of domain/quantity.ts;
 * test/policies/pack-copies.test.ts keeps the two agreeing.
 */
const FACTORS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The value of a quantity in base units (cores, bytes, count); NaN when it is not one. */
export function quantityValue(quantity: unknown): number {
  const match = /^\+?(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(String(quantity));
  if (!match) return NaN;
  const suffix = match[2] ?? "";
  return Number(match[1]) * (suffix === "" ? 1 : (FACTORS[suffix] ?? 10 ** Number(suffix.slice(1))));
}
