/**
 * npm run charts:inventory [-- --charts <dir>] [--helm <path>] [--check]
 * Renders every upstream chart release that the shipped and fixture stacks deploy, with the values each passes,
 * and commits the security-relevant facts of every rendered object to charts/inventory/ (never the chart itself).
 * The offline plan runs the policy pack over those facts; a test fails when the inventory is stale.
 *   --charts <dir>  read charts from <dir>/<chart>-<version>/ (e.g. unpacked `helm pull --untar`); default:
 *                   `helm pull` from the catalogue's repositories into the cache
 *   --helm <path>   a helm binary of the catalogue's version; default: built from its Go module into the cache
 *   --check         render nothing: list stale and orphaned files, exit 1 if there are any
 * Exit codes: 0 done (or up to date); 1 stale (--check), or the pack would judge a render's facts differently from
 * the rendered objects (nothing is written then); 64 usage; 70 a crash.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { EXIT, runCli, UsageError } from "./cli/args";
import { INVENTORY_HELM } from "../domain/versions";
import { FACTS_FORMAT } from "./inventory/facts";
import { projectionDifferences } from "./inventory/equivalence";
import { runTool } from "./cli/run-tool";
import { ensureHelm, templateArgs } from "./inventory/helm";
import { inventoryContent, isHook, renderedObjects } from "./inventory/render";
import { scopeResolver, type ScopeOf } from "./inventory/scope";
import { chartDependencies, chartDirectory, chartName } from "./inventory/sources";
import { stackRenders, type StackRenders } from "./inventory/stacks";
import { INVENTORY_DIR, inventoryFileName, readInventoryFiles, type InventoryFile } from "./inventory/store";
import type { UpstreamRender } from "./plan/upstream";

const USAGE = "usage: npm run charts:inventory [-- --charts <dir>] [--helm <path>] [--check]";

type Obj = Record<string, unknown> & { kind?: unknown };

interface Needed {
  readonly render: UpstreamRender;
  readonly users: StackRenders[];
}

interface Rendered {
  readonly needed: Needed;
  readonly objects: Obj[];
  readonly dependencies: string[];
}

function neededRenders(stacks: readonly StackRenders[]): Map<string, Needed> {
  const needed = new Map<string, Needed>();
  for (const stack of stacks) {
    for (const render of stack.renders) {
      const entry = needed.get(render.key) ?? { render, users: [] };
      entry.users.push(stack);
      needed.set(render.key, entry);
    }
  }
  return needed;
}

const describe = (needed: Needed) =>
  `${needed.render.input.release} (${chartName(needed.render.input.chart)} ${needed.render.input.version}) for ${needed.users.map((u) => u.stack).join(", ")}`;

function render(needed: Needed, helm: string, chartsDir: string | undefined, scratch: string): Rendered {
  const { input, key } = needed.render;
  const dir = chartDirectory(input, helm, chartsDir);
  const valuesFile = join(scratch, `${key}.json`);
  writeFileSync(valuesFile, JSON.stringify(input.values));
  return { needed, objects: renderedObjects(runTool(helm, templateArgs(input, dir, valuesFile, input.apiVersions))), dependencies: chartDependencies(dir) };
}

/** The verdicts the pack would reach on the facts must equal those on the rendered objects, for every stack using them. */
async function factsDifferences(rendered: Rendered, scopeOf: ScopeOf): Promise<string[]> {
  const registered = rendered.objects.filter((o) => !isHook(o));
  const out: string[] = [];
  for (const user of rendered.needed.users) {
    const differences = await projectionDifferences(registered, rendered.needed.render.input.namespace, user.name, user.environment, scopeOf);
    out.push(...differences.map((d) => `${rendered.needed.render.input.release} (${user.stack}): ${d}`));
  }
  return out;
}

function inventoryFile(rendered: Rendered, scopeOf: ScopeOf): InventoryFile {
  const { values: _values, ...input } = rendered.needed.render.input;
  const { objects, hooks } = inventoryContent(rendered.objects, input.namespace, scopeOf);
  return {
    ...input,
    dependencies: rendered.dependencies,
    helm: INVENTORY_HELM.version,
    factsFormat: FACTS_FORMAT,
    key: rendered.needed.render.key,
    objects,
    hooks,
  };
}

async function main(): Promise<number> {
  let flags: { charts?: string; helm?: string; check?: boolean };
  try {
    flags = parseArgs({
      args: process.argv.slice(2),
      options: { charts: { type: "string" }, helm: { type: "string" }, check: { type: "boolean" } },
      strict: true,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const stacks = await stackRenders();
  const needed = neededRenders(stacks);
  const existing = new Map(readInventoryFiles().map((f) => [f.content.key, f]));
  const missing = [...needed.values()].filter((n) => !existing.has(n.render.key));
  const orphans = [...existing.values()].filter((f) => !needed.has(f.content.key));
  if (flags.check) {
    for (const n of missing) console.log(`stale: no inventory for ${describe(n)}`);
    for (const f of orphans) console.log(`orphaned: charts/inventory/${f.file} is used by no stack`);
    console.log(`${needed.size} release render(s) needed, ${missing.length} missing, ${orphans.length} orphaned`);
    return missing.length + orphans.length === 0 ? EXIT.ok : EXIT.problems;
  }
  const helm = ensureHelm(flags.helm);
  const scratch = mkdtempSync(join(tmpdir(), "charts-inventory-"));
  let rendered: Rendered[];
  try {
    rendered = missing.map((n) => render(n, helm, flags.charts, scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // Custom kinds are namespaced or not as their CRDs say, whichever chart installs them.
  const crds = [...rendered.flatMap((r) => r.objects), ...[...existing.values()].flatMap((f) => f.content.objects)].filter(
    (o) => o.kind === "CustomResourceDefinition",
  );
  const scopeOf = scopeResolver(crds);
  const differences = (await Promise.all(rendered.map((r) => factsDifferences(r, scopeOf)))).flat();
  if (differences.length > 0) {
    console.error(`the facts lose what the policy pack reads; extend scripts/inventory/facts.ts (nothing was written):\n  ${differences.join("\n  ")}`);
    return EXIT.problems;
  }
  mkdirSync(INVENTORY_DIR, { recursive: true });
  for (const r of rendered) {
    const file = inventoryFile(r, scopeOf);
    const name = inventoryFileName(file.release, file.key);
    writeFileSync(join(INVENTORY_DIR, name), `${JSON.stringify(file, null, 1)}\n`);
    console.log(`wrote charts/inventory/${name}: ${file.objects.length} objects, ${file.hooks.length} dropped hook(s) — ${describe(r.needed)}`);
  }
  for (const f of orphans) {
    unlinkSync(join(INVENTORY_DIR, f.file));
    console.log(`removed charts/inventory/${f.file}: no stack renders it any more`);
  }
  console.log(
    `${needed.size} release render(s) across ${stacks.length} stacks: ${missing.length} rendered, ${needed.size - missing.length} already current, ${orphans.length} removed`,
  );
  return EXIT.ok;
}

runCli(USAGE, main);
