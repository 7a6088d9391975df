/**
 * The cost part of `npm run check`: report lines, missing-price problems, differences against a base (reading the
 * base with git: check-cost-base.test.ts).
 */
import { describe, expect, it } from "vitest";
import { costDiffLines, costLines, missingPriceProblems, type BaseEstimate } from "../../scripts/check/cost-report";
import { diffEstimates, type CostLine, type Estimate } from "../../domain/cost-estimate";

const est = (system: number, extra: Partial<Estimate> = {}): Estimate => ({
  region: "us-east-1",
  lines: [
    { key: "nodes:system", item: "node pool system", basis: `${system} nodes`, monthlyUsd: system * 100 },
    { key: "eks", item: "EKS control plane", basis: "1 cluster", unpriced: "unpriced (test)" },
  ],
  monthlyUsd: system * 100,
  teams: [{ team: "a", costCenter: "cc", monthlyUsd: 50, lines: [{ key: "team:a:cpu", item: "CPU and memory", basis: "x", monthlyUsd: 50 }] }],
  missing: [],
  ...extra,
});

const based = (estimate: Estimate): BaseEstimate => ({ state: "estimated", estimate });

/** `est` with its always-running lines or team a's lines replaced. */
const withLines = (lines: CostLine[], extra: Partial<Estimate> = {}): Estimate => ({ ...est(1), lines, ...extra });
const teamA = (lines: CostLine[]) => ({ team: "a", costCenter: "cc", monthlyUsd: lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0), lines });

describe("cost report › lines", () => {
  it("says it is an estimate, totals the priced lines, counts the unpriced and names what it leaves out", () => {
    const text = costLines(est(2)).join("\n");
    expect(text).toContain("an estimate, not a bill");
    expect(text).toContain("$200/month always running, plus 1 unpriced item(s)");
    expect(text).toContain("team a (cost center cc): ceiling $50/month if it used its whole quota");
    expect(text).not.toContain("at least");
    expect(text).toContain("left out: data transfer");
  });

  it("calls a team ceiling with unpriced parts a lower bound, as the team report does", () => {
    const cpu = { key: "team:a:cpu", item: "CPU and memory", basis: "x", monthlyUsd: 50 };
    const gpu = { key: "team:a:gpu:gpu", item: "GPUs in pool gpu", basis: "4 units", unpriced: "unpriced: no price" };
    const text = costLines(est(2, { teams: [teamA([cpu, gpu])] })).join("\n");
    expect(text).toContain("team a (cost center cc): ceiling at least $50/month if it used its whole quota (1 item(s) unpriced)");
  });

  it("turns each missing price into a problem naming stack, region and type", () => {
    const e = est(1, { missing: [{ region: "us-east-1", product: "ec2", type: "g9.huge", usedBy: "node pool gpu" }] });
    expect(missingPriceProblems("dev", e)).toEqual([expect.stringContaining("no ec2 price for g9.huge in us-east-1 (stack dev, node pool gpu)")]);
  });
});

describe("cost report › differences", () => {
  it("shows the change per line and in all", () => {
    const d = diffEstimates(est(1), est(3));
    expect(d.runningDeltaUsd).toBe(200);
    expect(d.lines.map((l) => l.key)).toEqual(["nodes:system"]);
    expect(costDiffLines(based(est(1)), est(3))[0]).toBe("cost difference against the base: always running +$200/month (priced lines)");
  });

  it("counts a stack missing from the base as new", () => {
    expect(diffEstimates(undefined, est(1)).newStack).toBe(true);
    expect(costDiffLines({ state: "absent" }, est(1))).toEqual(["cost difference: new stack (not in the base): $100/month always running"]);
  });

  it("tells a base stack file this branch's schema rejects apart from a new stack", () => {
    const lines = costDiffLines({ state: "invalid" }, est(1));
    expect(lines).toEqual(["cost difference: base stack file does not validate with this branch's schema: no difference computed"]);
    expect(lines.join("\n")).not.toContain("new stack");
  });

  it("reports no difference for the same estimate, unpriced lines included", () => {
    expect(costDiffLines(based(est(2)), est(2))).toEqual(["cost difference against the base: none"]);
  });

  it("says a changed unpriced line changed without inventing an amount", () => {
    const head = est(1);
    const changed = {
      ...head,
      lines: [head.lines[0], { key: "eks", item: "EKS control plane", basis: "2 clusters", unpriced: "unpriced (test)" }],
    } as Estimate;
    expect(diffEstimates(head, changed).lines).toEqual([expect.objectContaining({ key: "eks", change: "unpriced", deltaUsd: undefined })]);
    const lines = costDiffLines(based(head), changed);
    expect(lines[0]).toBe("cost difference against the base: always running +$0/month (priced lines); 1 line(s) changed, unpriced");
    expect(lines).toContain("  - EKS control plane: changed, unpriced");
  });
});

describe("cost report › differences › always running, team ceilings and prices gained or lost", () => {
  const cpu = (team: string, monthlyUsd: number): CostLine => ({ key: `team:${team}:cpu`, item: "CPU and memory", basis: `${monthlyUsd}`, monthlyUsd });
  const base = est(1, { teams: [teamA([cpu("a", 50)]), { team: "b", costCenter: "cc", monthlyUsd: 80, lines: [cpu("b", 80)] }] });
  const head = est(2, { teams: [teamA([cpu("a", 150)]), { team: "b", costCenter: "cc", monthlyUsd: 30, lines: [cpu("b", 30)] }] });

  it("keeps the always-running change apart from the team ceilings, and the teams apart from each other", () => {
    const d = diffEstimates(base, head);
    expect(d.runningDeltaUsd).toBe(100);
    expect(d.teams).toEqual([
      { team: "a", deltaUsd: 100 },
      { team: "b", deltaUsd: -50 },
    ]);
    const lines = costDiffLines(based(base), head);
    expect(lines[0]).toBe("cost difference against the base: always running +$100/month (priced lines)");
    expect(lines[1]).toBe("  team ceiling changes (team ceilings are not additive: pools are shared): team a +$100/month, team b -$50/month");
    expect(lines).toContain("  - team a: CPU and memory: +$100 ($50 → $150)");
  });

  it("counts lines that became priced or unpriced as such, not as changed amounts or changed unpriced lines", () => {
    const eks = (monthlyUsd?: number): CostLine =>
      monthlyUsd === undefined
        ? { key: "eks", item: "EKS control plane", basis: "1 cluster", unpriced: "unpriced (test)" }
        : { key: "eks", item: "EKS control plane", basis: "1 cluster", monthlyUsd };
    const nat = (monthlyUsd?: number): CostLine =>
      monthlyUsd === undefined
        ? { key: "nat", item: "NAT gateways", basis: "1 gateway", unpriced: "unpriced (test)" }
        : { key: "nat", item: "NAT gateways", basis: "1 gateway", monthlyUsd };
    const before = withLines([eks(), nat(30)], { monthlyUsd: 30 });
    const after = withLines([eks(73), nat()], { monthlyUsd: 73 });
    const d = diffEstimates(before, after);
    expect(d.lines).toEqual([
      expect.objectContaining({ key: "eks", change: "newly-priced", deltaUsd: undefined }),
      expect.objectContaining({ key: "nat", change: "no-longer-priced", deltaUsd: undefined }),
    ]);
    expect(d.runningDeltaUsd).toBe(0);
    const lines = costDiffLines(based(before), after);
    expect(lines[0]).toBe("cost difference against the base: always running +$0/month (priced lines); 1 line(s) newly priced, 1 line(s) no longer priced");
    expect(lines).toContain("  - EKS control plane: newly priced (unpriced → $73)");
    expect(lines).toContain("  - NAT gateways: no longer priced ($30 → unpriced)");
    expect(lines.join("\n")).not.toContain("changed, unpriced");
  });

  it("counts an added priced line at its amount and an added unpriced line as changed, unpriced", () => {
    const fsx: CostLine = { key: "fsx:scratch", item: "FSx for Lustre (scratch)", basis: "1200 GiB", monthlyUsd: 168 };
    const cache: CostLine = { key: "cache:feast", item: "ElastiCache", basis: "1 node", unpriced: "unpriced (test)" };
    const d = diffEstimates(est(1), { ...est(1), lines: [...est(1).lines, fsx, cache] });
    expect(d.lines).toEqual([
      expect.objectContaining({ key: "fsx:scratch", change: "priced", deltaUsd: 168 }),
      expect.objectContaining({ key: "cache:feast", change: "unpriced" }),
    ]);
    expect(d.runningDeltaUsd).toBe(168);
  });
});
