/** Pulls Kubernetes objects and upstream chart references out of a recorded plan. */
import type { PlannedResource } from "./recorder";

export type KubeObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata?: { name?: string; namespace?: string } };

export interface ChartReference {
  readonly urn: string;
  readonly release: string;
  readonly repo?: string;
  readonly chart: string;
  readonly version: string;
  readonly namespace?: string;
  readonly values: Record<string, unknown>;
}

import { parseAllDocuments } from "yaml";

const CHART_TYPES = new Set(["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release"]);
const CONFIG_GROUP = "kubernetes:yaml/v2:ConfigGroup";
/** Upstream manifests the provider fetches and renders at deploy time: a file by URL, a kustomization. */
const MANIFEST_TYPES = new Set(["kubernetes:yaml/v2:ConfigFile", "kubernetes:kustomize/v2:Directory"]);

export interface ManifestReference {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  /** The URL or kustomization directory. */
  readonly source: string;
}

export function manifestReferences(resources: readonly PlannedResource[]): ManifestReference[] {
  return resources
    .filter((r) => MANIFEST_TYPES.has(r.type))
    .map((r) => ({ urn: r.urn, name: r.name, type: r.type, source: String(r.inputs.file ?? r.inputs.directory ?? "") }));
}

function isKubeObject(value: unknown): value is KubeObject {
  const v = value as KubeObject;
  return typeof v === "object" && v !== null && typeof v.apiVersion === "string" && typeof v.kind === "string";
}

/** Every Kubernetes object the stack creates directly (k8s.* resources) or through cdk8s ConfigGroups. */
export function kubernetesObjects(resources: readonly PlannedResource[]): { source: string; object: KubeObject }[] {
  const out: { source: string; object: KubeObject }[] = [];
  for (const r of resources) {
    if (!r.type.startsWith("kubernetes:") || CHART_TYPES.has(r.type) || MANIFEST_TYPES.has(r.type)) continue;
    if (r.type === CONFIG_GROUP) {
      const fromYaml = typeof r.inputs.yaml === "string" ? parseYamlStream(r.inputs.yaml) : [];
      for (const obj of [...((r.inputs.objs as unknown[] | undefined) ?? []), ...fromYaml]) if (isKubeObject(obj)) out.push({ source: r.urn, object: obj });
    } else if (r.custom && isKubeObject(r.inputs)) {
      out.push({ source: r.urn, object: r.inputs });
    }
  }
  return out;
}

/** Documents of a YAML stream; JSON-form documents (what createObjectGroup writes) take the fast path. */
export function parseYamlStream(text: string): unknown[] {
  return text
    .split(/^---\s*$/m)
    .map((doc) => doc.trim())
    .filter((doc) => doc !== "")
    .flatMap((doc) => (doc.startsWith("{") ? [JSON.parse(doc)] : parseAllDocuments(doc).map((d) => d.toJS())));
}

const ociRegistry = (chart: string) => (chart.startsWith("oci://") ? chart.slice(0, chart.lastIndexOf("/")) : undefined);

export function chartReferences(resources: readonly PlannedResource[]): ChartReference[] {
  return resources
    .filter((r) => CHART_TYPES.has(r.type))
    .map((r) => ({
      urn: r.urn,
      release: r.name,
      // An OCI chart names its registry in the chart reference itself (oci://registry/path/chart).
      repo: (r.inputs.repositoryOpts as { repo?: string } | undefined)?.repo ?? ociRegistry(String(r.inputs.chart)),
      chart: String(r.inputs.chart),
      version: String(r.inputs.version),
      namespace: r.inputs.namespace as string | undefined,
      values: (r.inputs.values as Record<string, unknown> | undefined) ?? {},
    }));
}

/**
 * The file an object is written to: one multi-document YAML file per namespace (`_cluster.yaml` for
 * cluster-scoped objects), so a team's whole bundle reads and diffs as one file and 1000 teams make 1000
 * files, not 20,000.
 */
export function manifestPath(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? "_cluster"}.yaml`;
}

/** Stable order inside a file: kind, then name. */
export function manifestOrder(left: KubeObject, right: KubeObject): number {
  return left.kind.localeCompare(right.kind) || (left.metadata?.name ?? "").localeCompare(right.metadata?.name ?? "");
}
