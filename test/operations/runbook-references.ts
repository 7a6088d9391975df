/**
 * What a runbook under docs/operations/ names, read from its code (inline spans and fenced blocks), and which of
 * those names do not exist: npm scripts, repository paths, config keys, and Pulumi run any other way than
 * through `npm run pulumi --` with a `--stack` (the README's rule: the CLI must find the project's Node 22).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json";
import { stackConfigSchema } from "../../config/schema";

export const REPO_ROOT = join(__dirname, "..", "..");
export const OPERATIONS_DIR = join(REPO_ROOT, "docs", "operations");

export const readRunbook = (file: string): string => readFileSync(join(OPERATIONS_DIR, file), "utf8");

/** Inline code spans outside fenced blocks, and every line of the fenced blocks (continuations joined). */
export function codeOf(markdown: string): { spans: string[]; commands: string[] } {
  const spans: string[] = [];
  const commands: string[] = [];
  const parts = markdown.split(/^ *```[a-z]*\n/m);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      const [block] = part.split(/^ *```$/m);
      commands.push(
        ...block
          .replace(/\\\n\s*/g, "")
          .split("\n")
          .map((line) => line.trim())
          .filter((line) => line !== ""),
      );
    } else {
      const text = part.split(/^ *```$/m).pop() ?? "";
      for (const match of text.matchAll(/`([^`\n]+)`/g)) spans.push(match[1]);
    }
  });
  return { spans, commands };
}

const scripts = pkg.scripts as Record<string, string>;
const PATH = /^(?:\.?[\w-]+\/)+[\w.-]*$|^[\w-]+\.(?:json|ts|md|ya?ml)$/;
const CONFIG_ROOTS = [
  "cluster",
  "network",
  "nodePools",
  "storage",
  "services",
  "teams",
  "queues",
  "guardrails",
  "access",
  "gpu",
  "aws",
  "costs",
  "observability",
  "alerting",
  "logging",
];

interface SchemaDef {
  readonly type: string;
  readonly innerType?: { _zod: { def: SchemaDef } };
  readonly in?: { _zod: { def: SchemaDef } };
  readonly shape?: Record<string, { _zod: { def: SchemaDef } }>;
  readonly options?: readonly { _zod: { def: SchemaDef } }[];
  readonly element?: { _zod: { def: SchemaDef } };
}

/** Whether a dotted key (`storage.block.reclaimPolicy`) is a field of the stack config's zod schema, as a stack file spells it. */
export function hasConfigPath(key: string, def: SchemaDef = (stackConfigSchema as unknown as { _zod: { def: SchemaDef } })._zod.def): boolean {
  const [field, ...rest] = key.split(".");
  const part = field.replace(/\[\]$/, "");
  if (def.innerType) return hasConfigPath(key, def.innerType._zod.def);
  if (def.in) return hasConfigPath(key, def.in._zod.def);
  if (def.options) return def.options.some((o) => hasConfigPath(key, o._zod.def));
  const child = def.shape?.[part]?._zod.def;
  if (!child) return false;
  const inner = field.endsWith("[]") ? (child.innerType?._zod.def.element ?? child.element)?._zod.def : child;
  if (!inner) return false;
  return rest.length === 0 || hasConfigPath(rest.join("."), inner);
}

/** Config keys a runbook names as code: `cluster.version`, `storage.block.reclaimPolicy`. */
export const configKeys = (spans: readonly string[]): string[] =>
  spans.filter((s) => /^[a-zA-Z]+(\[\])?(\.[a-zA-Z]+)+$/.test(s) && CONFIG_ROOTS.includes(s.split(".")[0].replace("[]", "")) && !PATH.test(s));

/** Everything in the runbook's code that names a script, file or command form that does not exist here. */
export function missingReferences(markdown: string): string[] {
  const { spans, commands } = codeOf(markdown);
  const out: string[] = [];
  for (const text of [...spans, ...commands]) {
    for (const match of text.matchAll(/npm run ([\w:-]+)/g)) if (!(match[1] in scripts)) out.push(`npm script ${match[1]} (in: ${text})`);
    for (const match of text.matchAll(/npx vitest run ([\w./-]+)/g)) if (!existsSync(join(REPO_ROOT, match[1]))) out.push(`test path ${match[1]}`);
  }
  // Commands to run: fenced lines, and spans with flags (prose may say `pulumi up` for the operation).
  for (const text of [...commands, ...spans.filter((s) => s.includes(" --"))]) {
    if (/(^|[;&|(]\s*)pulumi /.test(text) && !text.includes("npm run pulumi -- ")) out.push(`pulumi outside npm run pulumi: ${text}`);
    if (text.includes("npm run pulumi -- ") && !/ (state|stack|config|refresh|preview|up|destroy|cancel|import)\b/.test(text))
      out.push(`unknown pulumi command: ${text}`);
    if (/npm run pulumi -- (?!stack (ls|select))/.test(text) && !text.includes("--stack ")) out.push(`pulumi command without --stack: ${text}`);
  }
  for (const span of spans) {
    // out/ is what the plan writes, not part of the repository.
    if (!PATH.test(span) || span.includes("<") || span.startsWith("out/")) continue;
    if (!existsSync(join(REPO_ROOT, span)) && !existsSync(join(OPERATIONS_DIR, span))) out.push(`path ${span}`);
  }
  return out;
}
