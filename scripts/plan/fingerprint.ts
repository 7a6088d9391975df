/**
 * A plan reduced to what a deployment would do, independent of registration order: every resource by URN with
 * its type, parent, provider, options and inputs. Two fingerprints are equal exactly when `pulumi up` would be
 * asked for the same resources with the same inputs, which is what "a refactor changes no behaviour" means.
 */
import type { PlannedResource } from "./recorder";

export interface Fingerprint {
  readonly stack: string;
  /** URN → the resource without its URN, keys sorted. */
  readonly resources: Readonly<Record<string, unknown>>;
}

/** Object keys sorted at every level, so equal values serialise equally; array order is kept (it is meaningful). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

export function planFingerprint(stack: string, resources: readonly PlannedResource[]): Fingerprint {
  const byUrn = [...resources].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return {
    stack,
    resources: Object.fromEntries(
      byUrn.map(({ urn, ...rest }) => [urn, canonical({ ...rest, dependsOn: [...rest.dependsOn].sort() })]),
    ),
  };
}

/** Where two fingerprints of one stack differ: URNs only in one of them, and the inputs or options that changed. */
export function fingerprintDifferences(before: Fingerprint, after: Fingerprint): string[] {
  const out: string[] = [];
  for (const urn of Object.keys(before.resources)) if (!(urn in after.resources)) out.push(`removed ${urn}`);
  for (const urn of Object.keys(after.resources)) if (!(urn in before.resources)) out.push(`added ${urn}`);
  for (const [urn, was] of Object.entries(before.resources)) {
    const now = after.resources[urn];
    if (now === undefined) continue;
    const [a, b] = [was as Record<string, unknown>, now as Record<string, unknown>];
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out.push(`changed ${urn}: ${key}`);
    }
  }
  return out;
}
