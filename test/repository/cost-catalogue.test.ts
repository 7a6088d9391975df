/**
 * Every shipped stack (stacks/*.yaml) is priced by the catalogue: every region, instance type, database class and
 * cache type it uses. A stack that names a type its region does not sell fails here (us-east-1 sells no g6, g6e or
 * p5, which is why the shipped AWS stacks run in us-east-1).
 */
import { describe, expect, it } from "vitest";
import { validateStackConfig } from "../../config/loader";
import { estimateStack } from "../../domain/cost-estimate";
import { CATALOGUE, catalogueSources } from "../../domain/prices";
import { listStacks } from "../../scripts/plan/stack-file";
import { shippedStackConfig } from "../helpers/stack";

describe("price catalogue › shipped stacks", () => {
  it("prices every region and type the shipped stacks use", () => {
    const stacks = listStacks();
    expect(stacks.length).toBeGreaterThan(0);
    let estimated = 0;
    for (const stack of stacks) {
      const file = shippedStackConfig(stack);
      const valid = validateStackConfig(file.values, new Set(file.secretKeys));
      if (!valid.ok) throw new Error(`${stack} does not validate`);
      const e = estimateStack(valid.config, CATALOGUE);
      if (e.note === undefined) estimated++;
      expect(e.missing, stack).toEqual([]);
    }
    expect(estimated).toBeGreaterThan(0);
  });

  it("cites a source with its date for every price group", () => {
    const sources = catalogueSources(CATALOGUE);
    expect(sources.length).toBeGreaterThan(5);
    for (const { product, region, source } of sources) {
      expect(source.source, `${product} ${region}`).toMatch(/^(https:\/\/|[\w.-]+\/[\w.-]+@[0-9a-f]{40}:)/);
      expect(source.asOf, `${product} ${region}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
