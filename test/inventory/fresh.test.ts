/**
 * The committed inventory matches what the repository plans: every chart release of every shipped and fixture
 * stack has its file (else the pack cannot see the chart's objects), and no file outlives its last user. A
 * catalogue bump or a changed value fails here with the command that refreshes the inventory.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { CHARTS, INVENTORY_HELM } from "../../domain/versions";
import { FACTS_FORMAT } from "../../scripts/inventory/facts";
import { INVENTORIED_STACK_DIRS, stackRenders, type StackRenders } from "../../scripts/inventory/stacks";
import { inventoryFileName, readInventoryFiles, REFRESH_COMMAND } from "../../scripts/inventory/store";
import { staleInventoryLines } from "../../scripts/plan/upstream";

let stacks: StackRenders[];
beforeAll(async () => {
  stacks = await stackRenders();
}, 120_000);
const files = readInventoryFiles();

describe("the chart inventory (charts/inventory/)", () => {
  it("covers the shipped stacks and the fixture stacks", () => {
    expect(INVENTORIED_STACK_DIRS.length).toBe(3);
    expect(stacks.filter((s) => s.stack.startsWith("stacks/")).length).toBeGreaterThan(0);
    expect(stacks.filter((s) => s.stack.startsWith("test/fixtures/")).length).toBeGreaterThan(0);
  });

  it(`has a current file for every chart release every stack deploys (else: run \`${REFRESH_COMMAND}\`)`, () => {
    const renders = stacks.flatMap((s) => s.renders);
    expect(renders.length).toBeGreaterThan(10);
    expect(stacks.flatMap((s) => staleInventoryLines(s.renders).map((line) => `${s.stack}: ${line}`))).toEqual([]);
  });

  it(`keeps no file that no stack uses (\`${REFRESH_COMMAND}\` removes them)`, () => {
    const used = new Set(stacks.flatMap((s) => s.renders.map((r) => inventoryFileName(r.chart.release, r.key))));
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((f) => f.file).filter((f) => !used.has(f))).toEqual([]);
  });

  it("each file is what its name and key say: a catalogue chart at its pinned version, rendered with the pinned helm and facts format", () => {
    const pinned = new Set(Object.values(CHARTS).map((c) => `${c.chart}@${c.version}`));
    for (const { file, content } of files) {
      expect(file).toBe(inventoryFileName(content.release, content.key));
      expect(pinned.has(`${content.chart.split("/").pop()}@${content.version}`), file).toBe(true);
      expect(content.helm, file).toBe(INVENTORY_HELM.version);
      expect(content.factsFormat, file).toBe(FACTS_FORMAT);
      expect(content.objects.length, file).toBeGreaterThan(0);
    }
  });

  it("holds facts, never chart text: no object carries a template's free text (ConfigMap data, scripts, CRD schemas)", () => {
    for (const { file, content } of files) {
      for (const o of content.objects) {
        expect(o.data, `${file} ${o.kind} ${o.metadata?.name}`).toBeUndefined();
        expect(o.spec?.versions?.[0]?.schema, `${file} ${o.kind} ${o.metadata?.name}`).toBeUndefined();
        for (const c of o.spec?.template?.spec?.containers ?? []) expect(c.command ?? c.args, `${file} ${o.metadata?.name}`).toBeUndefined();
      }
    }
  });
});
