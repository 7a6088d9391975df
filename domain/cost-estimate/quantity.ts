/** Kubernetes quantities as the quotas write them: CPU cores ("16", "500m", "1e3") and bytes in GiB ("128Gi", "1Ti", "5e9"). */
const SUFFIX: Readonly<Record<string, number>> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity's value in its base unit (cores, bytes); undefined when it is not a Kubernetes quantity. */
function baseValue(text: string): number | undefined {
  const m = /^\+?((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(m|[kMGTPE]i?|Ki)?$/.exec(text.trim());
  if (!m || (m[2] !== undefined && SUFFIX[m[2]] === undefined)) return undefined;
  return Number(m[1]) * (SUFFIX[m[2] ?? ""] ?? 1);
}

/** CPU cores of a quantity; undefined when it does not parse. */
export function cores(text: string): number | undefined {
  return baseValue(text);
}

/** GiB of a byte quantity; undefined when it does not parse. */
export function gibibytes(text: string): number | undefined {
  const bytes = baseValue(text);
  return bytes === undefined ? undefined : bytes / 2 ** 30;
}
