/** Team ceilings on an existing cluster, priced by the stack's own table: CPU, memory, GPU units by sharing, storage. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { estimateStack, HOURS_PER_MONTH } from "../../domain/cost-estimate";
import { gpuPerUnit } from "../../domain/cost-estimate/gpu-share";
import { CATALOGUE } from "../../domain/prices";
import { fixture, validate } from "../config/fixtures";
import type { PlatformConfig } from "../../config/defaults";

const PRICES = { cpuCoreHour: 0.03, memoryGiBHour: 0.004, gpuHour: 2, storageGiBMonth: 0.1 };

function local(edit: (cfg: any) => void = () => undefined): PlatformConfig {
  const cfg = fixture("local");
  cfg.costs = { allocation: { prices: PRICES } };
  edit(cfg);
  const result = validate(cfg);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

describe("estimateStack › an existing cluster with prices of its own", () => {
  it("rents nothing always, and prices each team's quota with the stack's table", () => {
    const cfg = local();
    const e = estimateStack(cfg, CATALOGUE);
    expect(e.lines).toEqual([]);
    expect(e.note).toContain("site's own");
    expect(e.teams.length).toBe(cfg.teams.length);
    expect(e.teams.length).toBeGreaterThan(0);
    for (const [i, t] of e.teams.entries()) {
      const team = cfg.teams[i];
      expect(t.lines.every((l) => l.monthlyUsd !== undefined)).toBe(true);
      expect(t.monthlyUsd).toBeCloseTo(t.lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0));
      expect(t.lines.find((l) => l.key === `team:${team?.name}:storage`)?.basis).toContain("$0.1/GiB-month");
    }
  });

  it("says there is nothing to price with when the stack has no prices", () => {
    const e = estimateStack(
      local((c) => delete c.costs),
      CATALOGUE,
    );
    expect(e.teams).toEqual([]);
    expect(e.note).toContain("without costs.allocation.prices");
  });

  it("is linear in the CPU quota", () => {
    const base = local();
    const team = base.teams[0];
    if (team === undefined) throw new Error("the local fixture has a team");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), (cpu) => {
        const e = estimateStack({ ...base, teams: [{ ...team, quota: { ...team.quota, cpu: String(cpu), memory: "0" } }] }, CATALOGUE);
        const amount = e.teams[0]?.lines.find((l) => l.key.endsWith(":cpu"))?.monthlyUsd ?? -1;
        return Math.abs(amount - cpu * PRICES.cpuCoreHour * HOURS_PER_MONTH) < 1e-6;
      }),
      { numRuns: 25 },
    );
  });

  it("counts a unit as a whole GPU, one time slice, or a MIG instance's share of 7 compute slices", () => {
    expect(gpuPerUnit({ mode: "exclusive" })).toBe(1);
    expect(gpuPerUnit({ mode: "time-slicing", replicas: 4 })).toBe(0.25);
    expect(gpuPerUnit({ mode: "mig", profile: "all-3g.40gb" })).toBeCloseTo(3 / 7);
    expect(gpuPerUnit({ mode: "mig", profile: "all-balanced" }, "2g.20gb")).toBeCloseTo(2 / 7);
    expect(gpuPerUnit({ mode: "mig", profile: "all-balanced" })).toBeCloseTo(1 / 7);
  });
});
