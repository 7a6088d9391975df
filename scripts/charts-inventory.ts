/**
 * npm run charts:inventory [-- --charts <dir>] [--helm <path>] [--check]
 * Renders every upstream chart release that the shipped and fixture stacks deploy, with the values each passes,
 * and commits the security-relevant facts of every rendered object to charts/inventory/ (never the chart itself).
 * The offline plan runs the policy pack over those facts; a test fails when the inventory is stale.
 *   --charts <dir>  read charts from <dir>/<chart>-<version>/ (e.g. unpacked `helm pull --untar`); default:
 *                   `helm pull` from the catalogue's repositories into the cache
 *   --helm <path>   a helm binary of the catalogue's version; default: built from its Go module into the cache
 *   --check         render nothing: list stale and orphaned files, exit 1 if there are any
 * Exit codes: 0 done (or up to date); 1 stale (--check) or a render the pack would judge differently from its
 * facts; 64 usage; 70 a crash.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { EXIT, runCli, UsageError } from "./cli/args";
import { INVENTORY_HELM } from "../domain/versions";
import { FACTS_FORMAT } from "./inventory/facts";
import { projectionDifferences } from "./inventory/equivalence";
import { ensureHelm, runTool, templateArgs } from "./inventory/helm";
import { inventoryContent, renderedObjects } from "./inventory/render";
import { chartDirectory } from "./inventory/sources";
import { stackRenders, type StackRenders } from "./inventory/stacks";
import { INVENTORY_DIR, inventoryFileName, readInventoryFiles, type InventoryFile } from "./inventory/store";
import type { UpstreamRender } from "./plan/upstream";

const USAGE = "usage: npm run charts:inventory [-- --charts <dir>] [--helm <path>] [--check]";

interface Needed {
  readonly render: UpstreamRender;
  readonly users: StackRenders[];
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

async function renderOne(needed: Needed, helm: string, chartsDir: string | undefined, scratch: string): Promise<InventoryFile> {
  const { render } = needed;
  const dir = chartDirectory(render.input, helm, chartsDir);
  const valuesFile = join(scratch, `${render.key}.json`);
  writeFileSync(valuesFile, JSON.stringify(render.input.values));
  const rendered = renderedObjects(runTool(helm, templateArgs(render.input, dir, valuesFile, render.input.apiVersions)));
  const { objects, hooks } = inventoryContent(rendered, render.input.namespace);
  const registered = rendered.filter((o) => !o.metadata?.annotations?.["helm.sh/hook"]);
  for (const user of needed.users) {
    const differences = await projectionDifferences(registered, render.input.namespace, user.name, user.environment);
    if (differences.length > 0)
      throw new Error(
        `the facts of ${render.input.release} lose what the pack reads (${user.stack}):\n  ${differences.join("\n  ")}\nextend scripts/inventory/facts.ts`,
      );
  }
  const { values: _values, ...input } = render.input;
  return { ...input, helm: INVENTORY_HELM.version, factsFormat: FACTS_FORMAT, key: render.key, objects, hooks };
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
  const describe = (n: Needed) =>
    `${n.render.input.release} (${n.render.input.chart.split("/").pop()} ${n.render.input.version}) for ${n.users.map((u) => u.stack).join(", ")}`;
  if (flags.check) {
    for (const n of missing) console.log(`stale: no inventory for ${describe(n)}`);
    for (const f of orphans) console.log(`orphaned: charts/inventory/${f.file} is used by no stack`);
    console.log(`${needed.size} release render(s) needed, ${missing.length} missing, ${orphans.length} orphaned`);
    return missing.length + orphans.length === 0 ? EXIT.ok : EXIT.problems;
  }
  const helm = ensureHelm(flags.helm);
  mkdirSync(INVENTORY_DIR, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "charts-inventory-"));
  try {
    for (const n of missing) {
      const file = await renderOne(n, helm, flags.charts, scratch);
      const name = inventoryFileName(file.release, file.key);
      writeFileSync(join(INVENTORY_DIR, name), `${JSON.stringify(file, null, 1)}\n`);
      console.log(`wrote charts/inventory/${name}: ${file.objects.length} objects, ${file.hooks.length} dropped hook(s) — ${describe(n)}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
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
