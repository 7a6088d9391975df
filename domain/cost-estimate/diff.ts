/** The difference between two estimates of a stack, line by line, for the pull-request view. */
import type { CostLine, Estimate } from "./shape";

export interface LineDiff {
  readonly key: string;
  readonly item: string;
  readonly base?: number;
  readonly head?: number;
  /** head − base, missing amounts counted as 0; undefined when either side is unpriced. */
  readonly deltaUsd?: number;
}

export interface EstimateDiff {
  /** True when the base has no such stack: every line is new. */
  readonly newStack: boolean;
  readonly lines: readonly LineDiff[];
  readonly deltaUsd: number;
}

function allLines(estimate: Estimate | undefined): Map<string, CostLine> {
  const out = new Map<string, CostLine>();
  for (const l of estimate?.lines ?? []) out.set(l.key, l);
  for (const t of estimate?.teams ?? []) for (const l of t.lines) out.set(l.key, { ...l, item: `team ${t.team}: ${l.item}` });
  return out;
}

export function diffEstimates(base: Estimate | undefined, head: Estimate): EstimateDiff {
  const b = allLines(base);
  const h = allLines(head);
  const keys = [...new Set([...b.keys(), ...h.keys()])];
  const lines: LineDiff[] = [];
  for (const key of keys) {
    const bl = b.get(key);
    const hl = h.get(key);
    const unpriced = (bl !== undefined && bl.monthlyUsd === undefined) || (hl !== undefined && hl.monthlyUsd === undefined);
    const delta = unpriced ? undefined : (hl?.monthlyUsd ?? 0) - (bl?.monthlyUsd ?? 0);
    if (bl?.basis === hl?.basis && bl?.monthlyUsd === hl?.monthlyUsd) continue;
    lines.push({ key, item: hl?.item ?? bl?.item ?? key, base: bl?.monthlyUsd, head: hl?.monthlyUsd, deltaUsd: delta });
  }
  return { newStack: base === undefined, lines, deltaUsd: lines.reduce((s, l) => s + (l.deltaUsd ?? 0), 0) };
}
