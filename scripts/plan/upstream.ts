/**
 * The objects inside the upstream charts a plan deploys, from the committed inventory (charts/inventory/), so the
 * offline plan's policy pack judges them as `pulumi preview --policy-pack` judges the rendered children.
 */
import { kubernetesType } from "../../policies/lib/k8s";
import {
  chartName,
  inventoryByKey,
  inventoryFileName,
  REFRESH_COMMAND,
  RENDER_API_VERSIONS,
  renderKey,
  type InventoryFile,
  type RenderInput,
} from "../inventory/store";
import type { ChartReference, KubeObject } from "./extract";

export interface UpstreamRender {
  readonly chart: ChartReference;
  readonly input: RenderInput;
  readonly key: string;
  /** The inventory entry rendered from exactly this input; absent when the inventory is stale. */
  readonly inventory?: InventoryFile;
}

/** The render input of a planned chart release: what `helm template` gets and what the inventory is keyed by. */
export function renderInput(chart: ChartReference, kubeVersion: string): RenderInput {
  return {
    release: chart.release,
    namespace: chart.namespace ?? "default",
    repo: chart.repo,
    chart: chart.chart,
    version: chart.version,
    kubeVersion,
    apiVersions: RENDER_API_VERSIONS,
    values: chart.values,
  };
}

export function upstreamRenders(charts: readonly ChartReference[], kubeVersion: string, byKey = inventoryByKey()): UpstreamRender[] {
  return charts.map((chart) => {
    const input = renderInput(chart, kubeVersion);
    const key = renderKey(input);
    return { chart, input, key, inventory: byKey.get(key) };
  });
}

/** "kube-prometheus-stack@88.5.3 (release monitoring)": how violations and summaries name a chart. */
export const chartLabel = (chart: Pick<ChartReference, "chart" | "version" | "release">): string =>
  `${chartName(chart.chart)}@${chart.version} (release ${chart.release})`;

export function staleInventoryLines(renders: readonly UpstreamRender[]): string[] {
  return renders
    .filter((r) => r.inventory === undefined)
    .map(
      (r) =>
        `chart ${chartLabel(r.chart)} has no inventory for the values this stack passes (charts/inventory/${inventoryFileName(r.chart.release, r.key)} is missing), so the policy pack cannot see its objects; run \`${REFRESH_COMMAND}\``,
    );
}

export interface UpstreamObject {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parent: string;
  readonly chart: string;
  readonly object: Record<string, any>;
}

/** Each inventoried object as a child of its chart resource, named as helm.v4.Chart names its children. */
export function upstreamObjects(renders: readonly UpstreamRender[]): UpstreamObject[] {
  return renders.flatMap(({ chart, inventory }) =>
    (inventory?.objects ?? []).map((object) => {
      const type = kubernetesType(object.apiVersion, object.kind);
      const namespace = object.metadata?.namespace;
      const name = `${chart.release}:${namespace ? `${namespace}/` : ""}${object.metadata?.name ?? "unnamed"}`;
      return { type, name, urn: `${chart.urn}$${type}::${name}`, parent: chart.urn, chart: chartLabel(chart), object };
    }),
  );
}

/**
 * The namespaces a plan uses: those it creates and those it puts objects in (ours or, from the inventory, the
 * charts'), so a namespace only an upstream manifest creates (`kubeflow` on EKS) counts once we put anything in it.
 */
export function usedNamespaces(result: { objects: readonly { object: KubeObject }[]; upstream: readonly UpstreamRender[] }): string[] {
  const names = new Set<string>();
  for (const object of [...result.objects.map((o) => o.object), ...upstreamObjects(result.upstream).map((o) => o.object)]) {
    if (object.kind === "Namespace" && object.metadata?.name) names.add(object.metadata.name);
    if (object.metadata?.namespace) names.add(object.metadata.namespace);
  }
  return [...names].sort();
}
