/** A config problem: where it is (a path such as `nodePools[2].minSize`) and which rule it breaks. */
export interface Problem {
  readonly path: string;
  readonly message: string;
  /** The path as people read it, naming list items: `teams[2] (vision).quota.gpu`. @default path */
  readonly where?: string;
}

/** One problem as a line of output: `teams[2] (vision).quota.gpu: message`. */
export const formatProblem = (problem: Problem): string => `${problem.where ?? problem.path}: ${problem.message}`;

export type PathSegment = string | number | symbol;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else out += out === "" ? String(s) : `.${String(s)}`;
  }
  return out === "" ? "(root)" : out;
}

/** Thrown by the loader: carries every problem, and prints them one per line. */
export class ConfigError extends Error {
  constructor(
    readonly stack_: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      `stack "${stack_}": ${problems.length} config problem${problems.length === 1 ? "" : "s"}; nothing was created.\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}
