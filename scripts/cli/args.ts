/** Command-line options shared by `npm run plan` and `npm run check`, and their exit codes. */

/** Exit codes of plan and check; the README documents the same table. */
export const EXIT = {
  ok: 0,
  /** Config problems, an unreadable stack file or an unknown stack (plan); any problem at all (check). */
  problems: 1,
  /** Manifests fail the Kubernetes API schema, or two resources share a URN (plan). */
  schema: 2,
  /** A mandatory policy violation (plan). */
  policy: 3,
  /** The command line itself is wrong. */
  usage: 64,
  /** A bug: the tool crashed. The stack trace follows on stderr. */
  internal: 70,
} as const;

/** `--flag value` or `--flag=value`; undefined when absent. A flag given without a value is an error. */
export function argValue(args: readonly string[], flag: string): string | undefined {
  const eq = args.find((a) => a.startsWith(`${flag}=`));
  if (eq !== undefined) return eq.slice(flag.length + 1);
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
  return value;
}

/** Every value of a repeatable flag (`--stack a --stack b`). */
export function argValues(args: readonly string[], flag: string): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if (a.startsWith(`${flag}=`)) out.push(a.slice(flag.length + 1));
    else if (a === flag) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      out.push(value);
    }
  });
  return out;
}

/** Flags a command does not know are a usage error, so a typo never silently checks something else. */
export function unknownFlags(args: readonly string[], known: readonly string[]): string[] {
  return args.filter((a) => a.startsWith("--") && !known.includes(a.split("=")[0]));
}

export class UsageError extends Error {}
