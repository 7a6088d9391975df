/**
 * The chart inventory on disk: one JSON file per rendered release, under charts/inventory/, named by release and
 * the hash of everything the render depended on. Content-addressed, so stacks that pass the same values share a
 * file, and a changed value, chart version, Kubernetes version, Helm version or facts format finds no file.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { INVENTORY_HELM } from "../../domain/versions";
import { FACTS_FORMAT } from "./facts";

export const INVENTORY_DIR = join(__dirname, "..", "..", "charts", "inventory");

/** The command that refreshes the inventory; every staleness message names it. */
export const REFRESH_COMMAND = "npm run charts:inventory";

/** What one render depends on. */
export interface RenderInput {
  readonly release: string;
  readonly namespace: string;
  readonly repo?: string;
  readonly chart: string;
  readonly version: string;
  /** The Kubernetes minor the stack runs, passed to helm as --kube-version. */
  readonly kubeVersion: string;
  /** API versions helm is told the cluster serves beyond the built-in ones (RENDER_API_VERSIONS). */
  readonly apiVersions: readonly string[];
  readonly values: Record<string, unknown>;
}

/**
 * What helm is told the cluster serves beyond the built-in APIs: the Prometheus operator's API and kinds, which
 * kube-prometheus-stack installs on every stack. At deploy time helm.v4.Chart asks the live cluster; of the
 * pinned charts, external-secrets asks for `monitoring.coreos.com/v1/ServiceMonitor` (templates/_helpers.tpl)
 * before rendering its ServiceMonitors, so the inventory renders as a cluster where the platform is installed.
 */
export const RENDER_API_VERSIONS: readonly string[] = [
  "monitoring.coreos.com/v1",
  "monitoring.coreos.com/v1/ServiceMonitor",
  "monitoring.coreos.com/v1/PodMonitor",
  "monitoring.coreos.com/v1/PrometheusRule",
];

/** A Helm hook the provider skips (helm.v4.Chart renders without hooks). */
export interface DroppedHook {
  readonly kind: string;
  readonly name: string;
  /** The helm.sh/hook annotation's events, e.g. ["pre-delete"]. */
  readonly events: readonly string[];
}

/** A rendered release: its render input without the values (which may be large; the key stands for them). */
export interface InventoryFile extends Omit<RenderInput, "values"> {
  /**
   * The subcharts the rendered chart folder held (`name@version`, from their Chart.yaml files): the key covers
   * the chart's version, not how its dependencies were resolved, so this is what to compare against `helm pull`.
   */
  readonly dependencies: readonly string[];
  readonly helm: string;
  readonly factsFormat: number;
  /** sha256 of the render's inputs (renderKey). */
  readonly key: string;
  readonly objects: readonly Record<string, any>[];
  readonly hooks: readonly DroppedHook[];
}

/** JSON with object keys sorted at every depth: equal values hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function renderKey(input: RenderInput, helm: string = INVENTORY_HELM.version, factsFormat: number = FACTS_FORMAT): string {
  return createHash("sha256")
    .update(canonicalJson({ ...input, helm, factsFormat }))
    .digest("hex");
}

/** The chart's own name: the last segment of an OCI reference. */
export const chartName = (chart: string): string => chart.split("/").pop() ?? chart;

/** charts/inventory/<release>-<first 16 hex of the key>.json */
export const inventoryFileName = (release: string, key: string): string => `${release}-${key.slice(0, 16)}.json`;

export function readInventoryFiles(dir = INVENTORY_DIR): { file: string; content: InventoryFile }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({ file, content: JSON.parse(readFileSync(join(dir, file), "utf8")) as InventoryFile }));
}

export const readInventory = (dir = INVENTORY_DIR): InventoryFile[] => readInventoryFiles(dir).map((f) => f.content);

/** The inventory's entries by key, read once per process (the plan looks them up for every stack). */
let cached: Map<string, InventoryFile> | undefined;
export function inventoryByKey(dir = INVENTORY_DIR): ReadonlyMap<string, InventoryFile> {
  if (dir !== INVENTORY_DIR) return new Map(readInventory(dir).map((f) => [f.key, f]));
  cached ??= new Map(readInventory(dir).map((f) => [f.key, f]));
  return cached;
}
