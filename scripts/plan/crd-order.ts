/**
 * Custom resources wait for the chart that defines their kind: each object of a kind whose CRD an upstream chart
 * installs must belong to a resource that depends on that chart, through dependsOn or a parent that does. Pulumi
 * then creates it after the chart's children and, on destroy, deletes it before them (a dependency on a
 * multi-language component covers its children, pulumi/pulumi#7788), so an operator is still running when the
 * custom resources it put finalizers on go.
 */
import type { KubeObject } from "./extract";
import type { PlannedResource } from "./recorder";
import { chartLabel, upstreamObjects, type UpstreamRender } from "./upstream";

/** What the check reads of a plan (run.ts calls it while building the PlanResult). */
export interface PlannedGraph {
  readonly resources: readonly PlannedResource[];
  readonly objects: readonly { source: string; object: KubeObject }[];
  readonly upstream: readonly UpstreamRender[];
}

export interface CustomResourceUse {
  /** "monitoring.coreos.com/ServiceMonitor" */
  readonly kind: string;
  /** The resource that creates the object: a ConfigGroup, a Kubernetes resource, or a chart. */
  readonly consumer: string;
  /** The chart resource whose CRD defines the kind. */
  readonly provider: string;
  readonly providerChart: string;
  readonly ordered: boolean;
}

const groupOf = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

/** Every resource a resource waits for: its dependsOn and its parent, transitively. */
function waitsFor(result: PlannedGraph): (urn: string) => ReadonlySet<string> {
  const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
  const memo = new Map<string, Set<string>>();
  const closure = (urn: string): Set<string> => {
    const known = memo.get(urn);
    if (known) return known;
    const out = new Set<string>();
    memo.set(urn, out);
    const resource = byUrn.get(urn);
    for (const next of [...(resource?.dependsOn ?? []), ...(resource?.parent ? [resource.parent] : [])]) {
      out.add(next);
      for (const further of closure(next)) out.add(further);
    }
    return out;
  };
  return closure;
}

export function customResourceUses(result: PlannedGraph): CustomResourceUse[] {
  const definedBy = new Map<string, { urn: string; label: string }>();
  for (const { chart, inventory } of result.upstream) {
    for (const o of inventory?.objects ?? []) {
      if (o.kind === "CustomResourceDefinition" && o.spec?.names?.kind)
        definedBy.set(`${o.spec.group}/${o.spec.names.kind}`, { urn: chart.urn, label: chartLabel(chart) });
    }
  }
  const closure = waitsFor(result);
  const users = [
    ...result.objects.map(({ source, object }) => ({ consumer: source, apiVersion: object.apiVersion, kind: object.kind })),
    ...upstreamObjects(result.upstream).map((o) => ({ consumer: o.parent, apiVersion: String(o.object.apiVersion), kind: String(o.object.kind) })),
  ];
  const uses = new Map<string, CustomResourceUse>();
  for (const user of users) {
    const kind = `${groupOf(user.apiVersion)}/${user.kind}`;
    const provider = definedBy.get(kind);
    if (!provider || provider.urn === user.consumer) continue;
    const key = `${user.consumer} ${kind}`;
    if (!uses.has(key))
      uses.set(key, {
        kind,
        consumer: user.consumer,
        provider: provider.urn,
        providerChart: provider.label,
        ordered: closure(user.consumer).has(provider.urn),
      });
  }
  return [...uses.values()];
}

export function unorderedCustomResourceLines(result: PlannedGraph): string[] {
  return customResourceUses(result)
    .filter((u) => !u.ordered)
    .map((u) => `${u.consumer.split("::").pop()} creates ${u.kind} but does not wait for ${u.providerChart}, which defines it: add the chart to its dependsOn`);
}
