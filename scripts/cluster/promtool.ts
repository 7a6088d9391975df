/** promtool over files on disk: its exit status and everything it printed, for a test to assert on and show. */
import { spawnSync } from "node:child_process";

export interface ToolRun {
  readonly ok: boolean;
  /** stdout then stderr: promtool reports results on one and failures on the other. */
  readonly output: string;
  readonly stdout: string;
}

export function runChecked(binary: string, args: readonly string[], cwd?: string): ToolRun {
  const result = spawnSync(binary, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${binary} ${args.join(" ")}: ${result.error.message}`);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

/** `promtool check rules --lint=all`: syntax, templates, and duplicate rules. */
export const checkRules = (promtool: string, ruleFiles: readonly string[]): ToolRun => runChecked(promtool, ["check", "rules", "--lint=all", ...ruleFiles]);

/** `promtool test rules`: the unit-test files, whose rule_files are relative to each test file. */
export const testRules = (promtool: string, testFiles: readonly string[]): ToolRun => runChecked(promtool, ["test", "rules", ...testFiles]);
