/**
 * The difference between two estimates of a stack, line by line, for the pull-request view. What the stack always
 * runs and what each team's quota allows are kept apart: team ceilings are upper bounds over shared pools, so they
 * add neither to the always-running cost nor to each other. A line that gained or lost its price is counted as such,
 * never as a change of amount.
 */
import type { CostLine, Estimate } from "./shape";

/**
 * How a line changed: `priced` (an amount on both sides, or added / removed with an amount), `newly-priced` (unpriced
 * in the base, priced now), `no-longer-priced` (priced in the base, unpriced now), `unpriced` (no amount on either side).
 */
export type LineChange = "priced" | "newly-priced" | "no-longer-priced" | "unpriced";

export interface LineDiff {
  readonly key: string;
  readonly item: string;
  /** The team whose ceiling the line belongs to; undefined for what the stack always runs. */
  readonly team?: string;
  readonly base?: number;
  readonly head?: number;
  readonly change: LineChange;
  /** head − base, an absent line counted as 0; undefined unless `change` is `priced`. */
  readonly deltaUsd?: number;
}

/** The change of one team's ceiling: the sum of its lines' priced changes (a line that gained or lost a price adds nothing). */
export interface TeamDelta {
  readonly team: string;
  readonly deltaUsd: number;
}

export interface EstimateDiff {
  /** True when the base has no such stack: every line is new. */
  readonly newStack: boolean;
  readonly lines: readonly LineDiff[];
  /** The change of the always-running cost (priced lines only). */
  readonly runningDeltaUsd: number;
  /** Per team whose ceiling lines changed, the change of its priced lines. Not additive: pools are shared. */
  readonly teams: readonly TeamDelta[];
}

interface Keyed {
  readonly line: CostLine;
  readonly team?: string;
}

function allLines(estimate: Estimate | undefined): Map<string, Keyed> {
  const out = new Map<string, Keyed>();
  for (const line of estimate?.lines ?? []) out.set(line.key, { line });
  for (const t of estimate?.teams ?? [])
    for (const line of t.lines) out.set(line.key, { line: { ...line, item: `team ${t.team}: ${line.item}` }, team: t.team });
  return out;
}

function lineChange(base: CostLine | undefined, head: CostLine | undefined): LineChange {
  const basePriced = base === undefined || base.monthlyUsd !== undefined;
  const headPriced = head === undefined || head.monthlyUsd !== undefined;
  if (basePriced && headPriced) return "priced";
  if (base !== undefined && head !== undefined && !basePriced && headPriced) return "newly-priced";
  if (base !== undefined && head !== undefined && basePriced && !headPriced) return "no-longer-priced";
  return "unpriced";
}

export function diffEstimates(base: Estimate | undefined, head: Estimate): EstimateDiff {
  const b = allLines(base);
  const h = allLines(head);
  const lines: LineDiff[] = [];
  for (const key of new Set([...b.keys(), ...h.keys()])) {
    const bl = b.get(key);
    const hl = h.get(key);
    if (bl?.line.basis === hl?.line.basis && bl?.line.monthlyUsd === hl?.line.monthlyUsd) continue;
    const change = lineChange(bl?.line, hl?.line);
    const deltaUsd = change === "priced" ? (hl?.line.monthlyUsd ?? 0) - (bl?.line.monthlyUsd ?? 0) : undefined;
    const item = hl?.line.item ?? bl?.line.item ?? key;
    lines.push({ key, item, team: hl?.team ?? bl?.team, base: bl?.line.monthlyUsd, head: hl?.line.monthlyUsd, change, deltaUsd });
  }
  const teams = [...new Set(lines.flatMap((l) => (l.team === undefined ? [] : [l.team])))].map((team) => ({
    team,
    deltaUsd: lines.filter((l) => l.team === team).reduce((sum, l) => sum + (l.deltaUsd ?? 0), 0),
  }));
  const runningDeltaUsd = lines.filter((l) => l.team === undefined).reduce((sum, l) => sum + (l.deltaUsd ?? 0), 0);
  return { newStack: base === undefined, lines, runningDeltaUsd, teams };
}
