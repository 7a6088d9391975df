/** Writes a plan to out/<stack>/ and renders the stdout summary. */
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { stringify, type CreateNodeOptions, type ToStringOptions } from "yaml";
import { ConfigError } from "../../config";
import { manifestOrder, manifestPath, type KubeObject } from "./extract";
import { COMPUTED_PREFIX } from "./mocks";
import type { PlannedResource } from "./recorder";
import type { PlanResult } from "./run";
import type { Violation } from "./policy";
import { schemaVersionsFor, uncheckedObjects } from "./validate";
import { chartLabel, type UpstreamRender } from "./upstream";
import { inventoryFileName } from "../inventory/store";

/** Where each chart release's objects came from: its inventory file, or null when the inventory is stale. */
export function inventoryReport(renders: readonly UpstreamRender[]) {
  return renders.map((r) => ({
    release: r.chart.release,
    chart: r.chart.chart,
    version: r.chart.version,
    inventory: r.inventory ? `charts/inventory/${inventoryFileName(r.chart.release, r.key)}` : null,
    objects: r.inventory?.objects.length ?? 0,
  }));
}

export function planDocument(result: PlanResult) {
  return {
    stack: result.stack,
    note: "Offline plan under Pulumi runtime mocks. <computed:NAME.ATTR> marks a value the cloud assigns during `pulumi up`; [secret] marks a secret.",
    resources: result.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, inputs: r.inputs, protect: r.protect })),
  };
}

/**
 * plan.json as `JSON.stringify(planDocument(result), null, 2)` writes it, in pieces: one resource at a time, so
 * the whole document (well over 100 MB of text at 1000 teams) never sits in memory as one string.
 */
export function* planJsonChunks(document: ReturnType<typeof planDocument>): Generator<string> {
  const { resources, ...head } = document;
  const opening = JSON.stringify(head, null, 2);
  // The head's closing brace is replaced by the resources array, written as JSON.stringify nests it (4 spaces).
  yield `${opening.slice(0, -2)},\n  "resources": ${resources.length === 0 ? "[]" : "["}`;
  for (const [i, resource] of resources.entries()) {
    yield `${i === 0 ? "" : ","}\n    ${JSON.stringify(resource, null, 2).replace(/\n/g, "\n    ")}`;
  }
  yield `${resources.length === 0 ? "" : "\n  ]"}\n}\n`;
}

function writeChunks(path: string, chunks: Iterable<string>): void {
  const fd = openSync(path, "w");
  try {
    for (const chunk of chunks) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/**
 * How manifests and chart references are written: never fold a long line (yaml's default folds at 80 columns,
 * which broke the drift script's ConfigMap into a `>` block of re-wrapped lines), and write multi-line strings
 * as literal `|` blocks, line for line as they are. Objects we generate share no structure worth YAML anchors;
 * skipping alias detection halves the cost.
 */
export const YAML_WRITE_OPTIONS: CreateNodeOptions & ToStringOptions = {
  aliasDuplicateObjects: false,
  lineWidth: 0,
  minContentWidth: 0,
  blockQuote: "literal",
};

/**
 * Writes files a batch at a time, so the thread pool overlaps the disk work (tens of thousands at 1000 teams),
 * rendering each batch just before it is written: the texts of all files never sit in memory together.
 */
async function writeAll(files: readonly (readonly [string, () => string])[]): Promise<void> {
  const dirs = new Set(files.map(([file]) => dirname(file)));
  for (const folder of dirs) mkdirSync(folder, { recursive: true });
  for (let i = 0; i < files.length; i += 64) await Promise.all(files.slice(i, i + 64).map(([file, render]) => writeFile(file, render())));
}

export async function writePlan(result: PlanResult, outRoot: string, violations?: readonly Violation[]): Promise<string> {
  const dir = join(outRoot, result.stack);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "manifests"), { recursive: true });
  mkdirSync(join(dir, "charts"), { recursive: true });
  writeChunks(join(dir, "plan.json"), planJsonChunks(planDocument(result)));
  const byFile = new Map<string, KubeObject[]>();
  // Append in place: copying a file's list for every object was quadratic in _cluster.yaml, which gets three
  // cluster-scoped objects per team (15,000 at 5000 teams).
  for (const { object } of result.objects) {
    const file = manifestPath(object);
    const list = byFile.get(file);
    if (list) list.push(object);
    else byFile.set(file, [object]);
  }
  const render = (objects: KubeObject[]) =>
    objects
      .sort(manifestOrder)
      .map((o) => stringify(o, YAML_WRITE_OPTIONS))
      .join("---\n");
  await writeAll([...byFile].map(([file, objects]) => [join(dir, "manifests", file), () => render(objects)] as const));
  const charts = inventoryReport(result.upstream);
  if (violations) writeFileSync(join(dir, "policy.json"), JSON.stringify({ violations, charts }, null, 2) + "\n");
  for (const [i, chart] of result.charts.entries()) {
    const { urn: _urn, ...reference } = chart;
    writeFileSync(join(dir, "charts", `${chart.release}.yaml`), stringify({ ...reference, inventory: charts[i]?.inventory ?? null }, YAML_WRITE_OPTIONS));
  }
  return dir;
}

function countComputed(value: unknown): number {
  if (typeof value === "string") return value.includes(COMPUTED_PREFIX) ? 1 : 0;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countComputed(v), 0);
  if (value && typeof value === "object") return Object.values(value).reduce((n: number, v) => n + countComputed(v), 0);
  return 0;
}

/** Resources grouped by their top-level component (the ancestor directly under the stack). */
export function resourcesByComponent(resources: readonly PlannedResource[]): Map<string, number> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const top = (r: PlannedResource): PlannedResource => {
    let cur = r;
    for (let parent = cur.parent && byUrn.get(cur.parent); parent; parent = cur.parent && byUrn.get(cur.parent)) cur = parent;
    return cur;
  };
  const counts = new Map<string, number>();
  for (const r of resources) {
    const root = top(r);
    const key = `${root.type} ${root.name}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function policyLines(violations: readonly Violation[]): string[] {
  const mandatoryCount = violations.filter((v) => v.enforcement === "mandatory").length;
  const lines = [`Policy pack: ${violations.length} violation(s), ${mandatoryCount} mandatory`];
  for (const v of violations) lines.push(`  - [${v.enforcement}] ${v.policy}: ${v.message} (${v.urn.split("::").pop()}${v.chart ? `, chart ${v.chart}` : ""})`);
  return lines;
}

/** "What this plan cannot know", with only the lines that apply to the stack's kind of cluster. */
export function cannotKnowLines(result: PlanResult): string[] {
  const computedInputs = result.resources.reduce((n, r) => n + countComputed(r.inputs), 0);
  const charts =
    "  - what the cluster changes in upstream charts at deploy time: the pack judges each chart's objects from charts/inventory/ (rendered for this Kubernetes minor without a cluster), and the upstream manifests and kustomizations are not rendered at all";
  if (result.config?.cluster.kind === "existing") {
    return [
      "What this plan cannot know (only the cluster can tell, during `pulumi up`):",
      ...(computedInputs > 0 ? [`  - ${computedInputs} input value(s) wait on values assigned during \`pulumi up\` (shown as <computed:...>)`] : []),
      charts,
      "  - what the existing cluster already has: CRDs, namespaces, whether the CNI enforces NetworkPolicy, GPU drivers on the nodes",
    ];
  }
  return [
    "What this plan cannot know (only the cloud can tell, during `pulumi up`):",
    `  - ${computedInputs} input value(s) wait on values the cloud assigns: IDs, ARNs, endpoints, the account ID, launch-template versions (shown as <computed:...>)`,
    charts,
    "  - whether AWS accepts the plan: service quotas, instance capacity in the chosen AZs, add-on versions offered in the region, the deployer's IAM permissions",
  ];
}

export function summary(result: PlanResult, dir?: string, violations?: readonly Violation[]): string {
  const lines: string[] = [];
  if (result.problems.length > 0) {
    return new ConfigError(result.stack, result.problems).message;
  }
  lines.push(`Offline plan of stack "${result.stack}" (Pulumi runtime mocks; no engine, provider or cloud was contacted)`);
  lines.push("", "Resources per component:");
  const groups = [...resourcesByComponent(result.resources)].sort((a, b) => a[0].localeCompare(b[0]));
  const width = Math.max(...groups.map(([k]) => k.length), 10);
  for (const [key, n] of groups) lines.push(`  ${key.padEnd(width)}  ${String(n).padStart(4)}`);
  const custom = result.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length;
  lines.push(
    `  ${"total".padEnd(width)}  ${String(result.resources.length).padStart(4)}  (${custom} custom resources; the rest are components, ConfigGroups, charts and providers)`,
  );
  lines.push("", `Kubernetes objects: ${result.objects.length}; upstream charts: ${result.charts.map((c) => `${c.chart}@${c.version}`).join(", ") || "none"}`);
  const inventoried = result.upstream.filter((r) => r.inventory);
  if (result.upstream.length > 0)
    lines.push(
      `Chart inventory: ${inventoried.length} of ${result.upstream.length} release(s) inventoried, ${inventoried.reduce((n, r) => n + (r.inventory?.objects.length ?? 0), 0)} upstream objects judged by the policy pack${
        inventoried.length < result.upstream.length
          ? `; stale: ${result.upstream
              .filter((r) => !r.inventory)
              .map((r) => chartLabel(r.chart))
              .join(", ")}`
          : ""
      }`,
    );
  if (result.manifests.length > 0) lines.push(`Upstream manifests: ${result.manifests.map((m) => m.source).join(", ")}`);
  const version = result.config?.cluster.version ?? "?";
  lines.push(
    `Manifests checked against the Kubernetes API schema for ${version} (schemas ${schemaVersionsFor(version).join(" and ")}): ${result.schemaProblems.length} problem(s)`,
  );
  for (const p of result.schemaProblems) lines.push(`  - [${p.schemaVersion}] ${p.object}: ${p.message}`);
  const unchecked = uncheckedObjects(result.objects.map((o) => o.object));
  if (unchecked.length > 0) {
    lines.push(
      `  not schema-checked (no maintained schema package; the API server checks them): ${unchecked.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata?.name}`).join(", ")}`,
    );
  }
  for (const urn of result.duplicateUrns) lines.push(`  - duplicate URN: ${urn}`);
  if (violations) lines.push(...policyLines(violations));
  lines.push("", ...cannotKnowLines(result));
  if (dir)
    lines.push(
      "",
      `Written to ${dir}/: plan.json, ${violations ? "policy.json, " : ""}manifests/ (${result.objects.length} objects in ${new Set(result.objects.map((o) => manifestPath(o.object))).size} files), charts/ (${result.charts.length} files)`,
    );
  return lines.join("\n");
}
