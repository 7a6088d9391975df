/**
 * The cost part of `npm run check`: per stack the monthly cost of what it always runs, per team the ceiling its
 * quota allows, and with a base (another git ref's stack files) the difference. Missing prices are problems.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, relative, sep } from "node:path";
import { validateStackConfig } from "../../config/loader";
import { CATALOGUE } from "../../domain/prices";
import { UsageError } from "../cli/args";
import { readStackFile, stackFilePath } from "../plan/stack-file";
import { diffEstimates, estimateStack, LEFT_OUT, type CostLine, type Estimate, type EstimateInput, type LineDiff } from "../../domain/cost-estimate";

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
    // As in the team report: with unpriced parts the priced sum is a lower bound.
    const open = t.lines.filter((l) => l.monthlyUsd === undefined).length;
    const ceiling = open === 0 ? usd(t.monthlyUsd) : `at least ${usd(t.monthlyUsd)}`;
    const unpricedNote = open === 0 ? "" : ` (${open} item(s) unpriced)`;
    out.push(`  team ${t.team} (cost center ${t.costCenter}): ceiling ${ceiling}/month if it used its whole quota${unpricedNote}`);
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

/** A stack as the base has it: absent (a new stack), present but invalid under this branch's schema, or estimated. */
export type BaseEstimate = { readonly state: "absent" } | { readonly state: "invalid" } | { readonly state: "estimated"; readonly estimate: Estimate };

const amount = (value: number | undefined): string => (value === undefined ? "-" : usd(value));

function diffLineText(line: LineDiff): string {
  switch (line.change) {
    case "priced":
      return `${signed(line.deltaUsd ?? 0)} (${amount(line.base)} → ${amount(line.head)})`;
    case "newly-priced":
      return `newly priced (unpriced → ${amount(line.head)})`;
    case "no-longer-priced":
      return `no longer priced (${amount(line.base)} → unpriced)`;
    default:
      return "changed, unpriced";
  }
}

/**
 * The difference against the base, for the pull-request view: the always-running change and, apart from it, each
 * team's ceiling change (ceilings are upper bounds over shared pools, so they are not added up); lines that gained or
 * lost a price are counted as such.
 */
export function costDiffLines(base: BaseEstimate, head: Estimate): string[] {
  if (base.state === "invalid") return ["cost difference: base stack file does not validate with this branch's schema: no difference computed"];
  if (base.state === "absent") return [`cost difference: new stack (not in the base): ${usd(head.monthlyUsd)}/month always running`];
  const d = diffEstimates(base.estimate, head);
  if (d.lines.length === 0) return ["cost difference against the base: none"];
  const count = (change: LineDiff["change"]) => d.lines.filter((l) => l.change === change).length;
  const counts = [
    [count("newly-priced"), "newly priced"],
    [count("no-longer-priced"), "no longer priced"],
    [count("unpriced"), "changed, unpriced"],
  ] as const;
  const others = counts.filter(([n]) => n > 0).map(([n, what]) => `${n} line(s) ${what}`);
  const out = [
    `cost difference against the base: always running ${signed(d.runningDeltaUsd)}/month (priced lines)${others.length > 0 ? `; ${others.join(", ")}` : ""}`,
  ];
  if (d.teams.length > 0)
    out.push(
      `  team ceiling changes (team ceilings are not additive: pools are shared): ${d.teams.map((t) => `team ${t.team} ${signed(t.deltaUsd)}/month`).join(", ")}`,
    );
  for (const l of d.lines) out.push(`  - ${l.item}: ${diffLineText(l)}`);
  return out;
}

export function estimate(cfg: EstimateInput): Estimate {
  return estimateStack(cfg, CATALOGUE);
}

/** What the base is priced with: changing any of these changes the estimate without changing a stack file. */
export const PRICING_PATHS = ["domain/prices", "domain/cost-estimate", "config/defaults.ts"] as const;

/**
 * One line when this branch changed the price catalogue, the defaults or the estimator since the base (both sides
 * are priced with this branch's), or when git could not tell; undefined when they are the same.
 */
export function pricingChangeLine(ref: string, repoDir: string): string | undefined {
  try {
    execFileSync("git", ["diff", "--quiet", ref, "HEAD", "--", ...PRICING_PATHS], { cwd: repoDir, stdio: "pipe" });
    return undefined;
  } catch (err) {
    if ((err as { status?: number }).status === 1)
      return "prices, defaults or the estimator changed in this branch: the difference shows stack-file changes only, both sides priced with this branch's catalogue";
    const reason = String((err as { stderr?: unknown }).stderr ?? (err as Error).message)
      .trim()
      .split("\n")[0];
    return `prices, defaults or the estimator: the comparison with the base could not be made (git diff: ${reason}); both sides are priced with this branch's catalogue`;
  }
}

/** The stacks folder's path inside the repository, with / separators ("" for the root); a UsageError outside it. */
export function repoPath(stacksDir: string, repoDir: string): string {
  const rel = relative(realpathSync(repoDir), realpathSync(stacksDir));
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw new UsageError(`--stacks-dir ${stacksDir} is outside the repository, so --base cannot read it from a git ref`);
  return rel.split(sep).join("/");
}

/**
 * Empties `outDir`, then copies into it the stack files the base ref has in the stacks folder (`stacksDir`, read at
 * its path inside the repository) and returns that folder; a stack file the base lacks, or the whole folder, is
 * simply absent. Throws when git or the ref is not there (e.g. a clone without .git).
 */
export function baseStacksDir(ref: string, outDir: string, repoDir: string, stacksDir: string = join(repoDir, "stacks")): string {
  const rel = repoPath(stacksDir, repoDir);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repoDir, encoding: "utf8", stdio: "pipe" });
  // Paths are relative to repoDir: git ls-tree lists `<rel>/<file>`, and `<ref>:./<path>` reads from there.
  const listing = git("ls-tree", "-z", "--name-only", ref, rel === "" ? "./" : `${rel}/`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const path of listing.split("\0").filter((f) => /^Pulumi\..+\.yaml$/.test(basename(f))))
    writeFileSync(join(outDir, basename(path)), git("show", `${ref}:./${path}`));
  return outDir;
}

/** The base's estimate of a stack file in `dir`: absent, invalid under this branch's schema, or estimated. */
export function stackFileEstimate(stack: string, dir: string): BaseEstimate {
  if (!existsSync(stackFilePath(stack, dir))) return { state: "absent" };
  const read = readStackFile(stack, dir);
  if (!read.ok) return { state: "invalid" };
  const valid = validateStackConfig(read.config.values, new Set(read.config.secretKeys));
  return valid.ok ? { state: "estimated", estimate: estimate(valid.config) } : { state: "invalid" };
}

/**
 * Splits `--base <ref>` / `--base=<ref>` off the command line (the shared parser knows only the plan options). A
 * missing or empty ref, or one that git would read as an option, is a UsageError.
 */
export function takeBase(argv: readonly string[]): { base?: string; rest: string[] } {
  const rest: string[] = [];
  let base: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--base" || arg.startsWith("--base=")) {
      base = arg === "--base" ? argv[++i] : arg.slice("--base=".length);
      if (base === undefined || base === "") throw new UsageError("--base needs a git ref (--base <ref> or --base=<ref>)");
      if (base.startsWith("-")) throw new UsageError(`--base ${base}: a git ref cannot start with "-"`);
    } else rest.push(arg);
  }
  return { base, rest };
}
