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
