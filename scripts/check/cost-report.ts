/**
 * The cost part of `npm run check`: per stack the monthly cost of what it always runs, per team the ceiling its
 * quota allows, and with a base (another git ref's stack files) the difference. Missing prices are problems.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateStackConfig } from "../../config/loader";
import { CATALOGUE } from "../../domain/prices";
import { readStackFile, stackFilePath } from "../plan/stack-file";
import { diffEstimates, estimateStack, LEFT_OUT, type CostLine, type Estimate, type EstimateInput } from "../../domain/cost-estimate";

export const usd = (amount: number): string => `$${Math.round(amount).toLocaleString("en-US")}`;
const signed = (amount: number): string => `${amount < 0 ? "-" : "+"}${usd(Math.abs(amount))}`;

function lineText(line: CostLine): string {
  return `${line.item}: ${line.monthlyUsd === undefined ? line.unpriced : `${usd(line.monthlyUsd)}/month`} (${line.basis})`;
}

/** The estimate's lines for the check output. */
export function costLines(estimate: Estimate): string[] {
  const e = estimate;
  const unpriced = e.lines.filter((l) => l.monthlyUsd === undefined).length;
  const out =
    e.note !== undefined
      ? [`cost estimate: ${e.note}`]
      : [
          `cost estimate (${e.region}, on-demand, 730 h/month; an estimate, not a bill): ${usd(e.monthlyUsd)}/month always running${unpriced > 0 ? `, plus ${unpriced} unpriced item(s)` : ""}`,
          ...e.lines.map((l) => `  - ${lineText(l)}`),
        ];
  for (const t of e.teams) {
    out.push(`  team ${t.team} (cost center ${t.costCenter}): ceiling ${usd(t.monthlyUsd)}/month if it used its whole quota`);
    for (const l of t.lines) out.push(`    - ${lineText(l)}`);
  }
  out.push(`  left out: ${LEFT_OUT.join("; ")}`);
  return out;
}

/** Problems for prices the stack needs and the catalogue lacks. */
export function missingPriceProblems(stack: string, estimate: Estimate): string[] {
  return estimate.missing.map(
    (m) => `cost estimate: no ${m.product} price for ${m.type} in ${m.region} (stack ${stack}, ${m.usedBy}); add it to domain/prices with its source`,
  );
}

/** The difference against a base estimate, for the pull-request view. */
export function costDiffLines(base: Estimate | undefined, head: Estimate): string[] {
  const d = diffEstimates(base, head);
  if (d.newStack) return [`cost difference: new stack (not in the base): ${usd(head.monthlyUsd)}/month always running`];
  if (d.lines.length === 0) return ["cost difference against the base: none"];
  return [
    `cost difference against the base: ${signed(d.deltaUsd)}/month (priced lines)`,
    ...d.lines.map(
      (l) =>
        `  - ${l.item}: ${l.deltaUsd === undefined ? "changed, unpriced" : signed(l.deltaUsd)} (${l.base === undefined ? "-" : usd(l.base)} → ${l.head === undefined ? "-" : usd(l.head)})`,
    ),
  ];
}

export function estimate(cfg: EstimateInput): Estimate {
  return estimateStack(cfg, CATALOGUE);
}

/**
 * Copies the base ref's stack files into `outDir` (git show <ref>:stacks/<file>) and returns that folder; a stack
 * file the base lacks is simply absent. Throws when git or the ref is not there (e.g. a clone without .git).
 */
export function baseStacksDir(ref: string, outDir: string, repoDir: string): string {
  const listing = execFileSync("git", ["ls-tree", "--name-only", `${ref}:stacks`], { cwd: repoDir, encoding: "utf8" });
  mkdirSync(outDir, { recursive: true });
  for (const file of listing.split("\n").filter((f) => /^Pulumi\..+\.yaml$/.test(f)))
    writeFileSync(join(outDir, file), execFileSync("git", ["show", `${ref}:stacks/${file}`], { cwd: repoDir, encoding: "utf8" }));
  return outDir;
}

/** The estimate of a stack file in `dir`, or undefined when the file is absent or its config is not valid. */
export function stackFileEstimate(stack: string, dir: string): Estimate | undefined {
  if (!existsSync(stackFilePath(stack, dir))) return undefined;
  const read = readStackFile(stack, dir);
  if (!read.ok) return undefined;
  const valid = validateStackConfig(read.config.values, new Set(read.config.secretKeys));
  return valid.ok ? estimate(valid.config) : undefined;
}

/** Splits `--base <ref>` / `--base=<ref>` off the command line (the shared parser knows only the plan options). */
export function takeBase(argv: readonly string[]): { base?: string; rest: string[] } {
  const rest: string[] = [];
  let base: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--base") base = argv[++i];
    else if (arg.startsWith("--base=")) base = arg.slice("--base=".length);
    else rest.push(arg);
  }
  return { base, rest };
}
