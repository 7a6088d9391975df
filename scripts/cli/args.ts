/** Command-line options shared by `npm run plan` and `npm run check`, and their exit codes. */
import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { STACKS_DIR } from "../plan/stack-file";

/** Exit codes of plan and check; the README documents the same table. */
export const EXIT = {
  ok: 0,
  /** Config problems, an unreadable stack file or an unknown stack (plan); any problem at all (check). */
  problems: 1,
  /** Manifests fail the Kubernetes API schema, two resources share a URN, or a custom resource does not wait for its chart (plan). */
  schema: 2,
  /** A mandatory policy violation (plan). */
  policy: 3,
  /** The chart inventory (charts/inventory/) lacks a release's render, so the pack could not see its objects (plan). */
  inventory: 4,
  /** The command line itself is wrong. */
  usage: 64,
  /** A bug: the tool crashed. The stack trace follows on stderr. */
  internal: 70,
} as const;

export class UsageError extends Error {}

export interface CliOptions {
  /** Stacks named with --stack, in order; empty when none was given. */
  readonly stacks: string[];
  readonly out?: string;
  /** Where the stack files are. @default stacks/ */
  readonly stacksDir: string;
}

/**
 * Parses `--stack <name>` (repeatable), `--out <dir>` and `--stacks-dir <dir>`, strictly: an unknown option, a
 * stray word (`npm run check -- dev`) or a stacks folder that does not exist is a usage error, never silently
 * a check of something else.
 */
export function parseCli(args: readonly string[], allowed: readonly ("stack" | "out" | "stacks-dir")[]): CliOptions {
  const options = {
    stack: { type: "string", multiple: true },
    out: { type: "string" },
    "stacks-dir": { type: "string" },
  } as const;
  let values: { stack?: string[]; out?: string; "stacks-dir"?: string };
  try {
    values = parseArgs({ args: [...args], options: Object.fromEntries(allowed.map((k) => [k, options[k]])), strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const stacksDir = values["stacks-dir"] ?? STACKS_DIR;
  if (!existsSync(stacksDir) || !statSync(stacksDir).isDirectory()) throw new UsageError(`--stacks-dir ${stacksDir} is not a folder`);
  return { stacks: values.stack ?? [], out: values.out, stacksDir };
}

/** Runs a CLI's main: a UsageError prints the usage and exits 64; any other error is a crash (70). */
export function runCli(usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof UsageError) {
        console.error(`${err.message}\n${usage}`);
        process.exit(EXIT.usage);
      }
      console.error(err);
      process.exit(EXIT.internal);
    },
  );
}
