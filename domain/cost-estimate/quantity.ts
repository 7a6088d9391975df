/** Kubernetes quantities as the quotas write them: CPU cores ("16", "500m") and bytes in GiB ("128Gi", "1Ti"). */
const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** -20, Mi: 2 ** -10, Gi: 1, Ti: 2 ** 10, Pi: 2 ** 20 };
const DECIMAL: Readonly<Record<string, number>> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** CPU cores of a quantity; undefined when it does not parse. */
export function cores(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) / (m[2] === "m" ? 1000 : 1);
}

/** GiB of a byte quantity; undefined when it does not parse. */
export function gibibytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]i|[kMGTP])?$/.exec(text);
  if (!m) return undefined;
  const unit = m[2];
  if (unit === undefined) return Number(m[1]) / 2 ** 30;
  const binary = BINARY[unit];
  if (binary !== undefined) return Number(m[1]) * binary;
  return (Number(m[1]) * (DECIMAL[unit] ?? 1)) / 2 ** 30;
}
