/** Runs a command-line tool to completion and returns its stdout; a missing tool or a non-zero exit throws with stderr. */
import { spawnSync } from "node:child_process";

export interface ToolOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Said after the error when the tool cannot be started at all, e.g. what the caller needs installed. */
  readonly whenMissing?: string;
}

export function runTool(command: string, args: readonly string[], options: ToolOptions = {}): string {
  // Rendered charts and `go mod download -json` outputs run to megabytes; 256 MB bounds a runaway tool.
  const result = spawnSync(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}${options.whenMissing ? ` (${options.whenMissing})` : ""}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status}):\n${result.stderr}`);
  return result.stdout;
}
