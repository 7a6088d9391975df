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

/**
 * A ConfigGroup's `yaml` input read as the objects it holds: each document is JSON (components/kubernetes/
 * object-group.ts), and the order of keys inside a document means nothing to the API server.
 */
function readableInputs(resource: PlannedResource): Record<string, unknown> {
  const yaml = resource.inputs.yaml;
  if (resource.type !== "kubernetes:yaml/v2:ConfigGroup" || typeof yaml !== "string") return resource.inputs;
  const documents = yaml.split("\n---\n").map((document) => {
    try {
      return JSON.parse(document) as unknown;
    } catch {
      return document; // not ours (or a computed placeholder): compared as text
    }
  });
  return { ...resource.inputs, yaml: documents };
}

export function planFingerprint(stack: string, resources: readonly PlannedResource[]): Fingerprint {
  const byUrn = [...resources].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return {
    stack,
    resources: Object.fromEntries(
      byUrn.map((resource) => {
        const { urn, ...rest } = resource;
        return [urn, canonical({ ...rest, inputs: readableInputs(resource), dependsOn: [...rest.dependsOn].sort() })];
      }),
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
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out.push(`changed ${urn}: ${key}${whereDifferent(a[key], b[key])}`);
    }
  }
  return out;
}

const shown = (value: unknown): string => (value === undefined ? "(absent)" : JSON.stringify(value).slice(0, 120));

/** The first path at which two values differ, with both sides: ` at .objs[2].spec.replicas: 1 → 2`. */
export function whereDifferent(before: unknown, after: unknown, path = ""): string {
  if (JSON.stringify(before) === JSON.stringify(after)) return "";
  const container = (value: unknown) => value !== null && typeof value === "object";
  if (!container(before) || !container(after) || Array.isArray(before) !== Array.isArray(after))
    return ` at ${path || "."}: ${shown(before)} → ${shown(after)}`;
  const [a, b] = [before as Record<string, unknown>, after as Record<string, unknown>];
  const keys = Array.isArray(before)
    ? Array.from({ length: Math.max((before as unknown[]).length, (after as unknown[]).length) }, (_, i) => String(i))
    : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const key of keys) {
    const step = Array.isArray(before) ? `${path}[${key}]` : `${path}.${key}`;
    const found = whereDifferent(a[key], b[key], step);
    if (found) return found;
  }
  return "";
}
