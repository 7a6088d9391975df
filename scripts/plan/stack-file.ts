/**
 * Reads stacks/Pulumi.<stack>.yaml into the string map Pulumi's runtime expects. A file that is not valid
 * YAML, or not shaped like a stack file, yields problems as `file:line:column: what is wrong`, never a crash.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument, visit, type Node } from "yaml";
import { secretValueKind } from "../../config/secrets";

export const STACKS_DIR = join(__dirname, "..", "..", "stacks");

/** Placeholder for a `secure:` value: the offline plan cannot decrypt it and never needs to. */
export const SECRET_PLACEHOLDER = "[secret]";

/**
 * Aliases a stack file may expand. Each alias counts as the size of what it expands to, so an "alias bomb"
 * (a few lines that expand to gigabytes) stops here instead of exhausting memory.
 */
export const MAX_ALIAS_COUNT = 100;

/** The top-level keys of a Pulumi stack file. */
export const STACK_FILE_KEYS: readonly string[] = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

export interface StackConfig {
  /** "<namespace>:<key>" → string value (objects as JSON), as PULUMI_CONFIG carries them. */
  readonly values: Record<string, string>;
  readonly secretKeys: string[];
}

/** A problem with the file itself: where it is and what is wrong. */
export interface FileProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** `file:line:column`, or the file alone when the problem has no position. */
export const fileLocation = (problem: FileProblem): string => `${problem.file}${problem.line !== undefined ? `:${problem.line}:${problem.column ?? 1}` : ""}`;

export const formatFileProblem = (problem: FileProblem): string => `${fileLocation(problem)}: ${problem.message}`;

export type StackFileRead = { ok: true; config: StackConfig } | { ok: false; problems: FileProblem[] };

export function listStacks(dir = STACKS_DIR): string[] {
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function stackFilePath(stack: string, dir = STACKS_DIR): string {
  return join(dir, `Pulumi.${stack}.yaml`);
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** Replaces every `secure:` leaf by the placeholder; reports whether it found one. */
function maskSecure(value: unknown): { value: unknown; secret: boolean } {
  if (isSecure(value)) return { value: SECRET_PLACEHOLDER, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(maskSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, m]) => [k, maskSecure(m)] as const);
    return { value: Object.fromEntries(entries.map(([k, m]) => [k, m.value])), secret: entries.some(([, m]) => m.secret) };
  }
  return { value, secret: false };
}

/**
 * Converts a parsed stack document's `config:` block. A key with a `secure:` value anywhere inside it is a
 * secret key as a whole, as Pulumi treats it; the offline plan sees "[secret]" in place of each ciphertext.
 * An empty value (`key:` with nothing after it) arrives as "null", which the loader reports as empty.
 */
export function stackConfigFromDocument(doc: unknown): StackConfig {
  const config = (doc as { config?: Record<string, unknown> } | null)?.config ?? {};
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(config)) {
    const { value, secret } = maskSecure(raw);
    // JSON has no Infinity or NaN (it would write null): keep them as the text a reader recognises.
    const text = (v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);
    values[key] = typeof value === "string" ? value : typeof value === "number" ? String(value) : JSON.stringify(value, (_k, v: unknown) => text(v));
    if (secret) secretKeys.push(key);
  }
  return { values, secretKeys };
}

/** A key as a message may show it: a credential used as a key is named by its kind, never spelt out. */
function shownKey(key: string): string {
  const kind = secretValueKind(key);
  return kind ? `(one that looks like ${kind}; not repeated here, and rotate it if it was real)` : key;
}

/** Parses a stack file's text; `file` names it in problems. */
export function parseStackFile(text: string, file: string): StackFileRead {
  const lineCounter = new LineCounter();
  // merge: `<<: *base` merge keys, which Pulumi's own YAML reader applies too.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: true });
  const at = (offset: number | undefined, message: string): FileProblem => {
    const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
    return { file, line: pos?.line, column: pos?.col, message };
  };
  const tooDeep = "nests too deeply to read; no setting of this program is more than a few levels deep";
  // The parser recurses per level: thousands of brackets overflow its stack, and every later error is noise.
  const overflow = doc.errors.find((e) => /Maximum call stack size exceeded/.test(e.message));
  if (overflow) return { ok: false, problems: [at(overflow.pos[0], tooDeep)] };
  // A custom tag (!Ref, !Sub) would be dropped silently: a stack file holds plain data.
  const tags = doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED");
  if (tags.length > 0)
    return { ok: false, problems: tags.map((w) => at(w.pos[0], `${w.message.split("\n")[0]}: a stack file holds plain data, without YAML tags`)) };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        // yaml says "Map keys must be unique" without the key; a reader needs the key and the consequence.
        const key = e.code === "DUPLICATE_KEY" ? /^[^:\n]+(:[^\s:][^:\n]*)?/.exec(text.slice(e.pos[0]))?.[0] : undefined;
        if (key) return at(e.pos[0], `duplicate key ${shownKey(key.trim())}: a key may appear only once in a mapping`);
        if (e.code === "MULTIPLE_DOCS") return at(e.pos[0], "a stack file holds one YAML document: remove the extra ---");
        return at(e.pos[0], e.message.split("\n")[0]);
      }),
    };
  }
  const root = doc.contents;
  if (root !== null && !isMap(root)) return { ok: false, problems: [at(root.range?.[0], "a stack file is a mapping with a config: block")] };
  // Anything else at the top is read by nothing: most often a config key that lost its indentation.
  const strays = (root?.items ?? []).filter((item) => !(isScalar(item.key) && STACK_FILE_KEYS.includes(String(item.key.value))));
  if (strays.length > 0) {
    return {
      ok: false,
      problems: strays.map((item) =>
        at(
          (item.key as Node | null)?.range?.[0],
          `unknown top-level key ${shownKey(String(isScalar(item.key) ? item.key.value : item.key))}: stack settings go under config: (indented by two spaces)`,
        ),
      ),
    };
  }
  const config = root?.get("config", true) as Node | undefined;
  if (config !== undefined && config !== null && !isMap(config) && !(isScalar(config) && config.value === null)) {
    return { ok: false, problems: [at(config.range?.[0], "config: must be a mapping of <namespace>:<key> entries")] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, problems: [at(0, tooDeep)] };
    let first: number | undefined;
    visit(doc, {
      Alias: (_, node) => {
        first = node.range?.[0];
        return visit.BREAK;
      },
    });
    return { ok: false, problems: [at(first, `aliases expand beyond the ${MAX_ALIAS_COUNT} nodes a stack file may hold (${(err as Error).message})`)] };
  }
  return { ok: true, config: stackConfigFromDocument(data) };
}

/** Reads a stack by name from `dir`; an unknown name is a problem that lists the stacks there. */
export function readStackFile(stack: string, dir = STACKS_DIR): StackFileRead {
  const path = stackFilePath(stack, dir);
  const rel = relative(process.cwd(), path);
  const shown = rel === "" || rel.startsWith("..") ? path : rel;
  if (!existsSync(path)) {
    const known = existsSync(dir) ? listStacks(dir) : [];
    return { ok: false, problems: [{ file: shown, message: `no such stack file; stacks: ${known.join(", ") || "none"}` }] };
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    // A folder by that name, or a file this user may not read: a problem with the stack, not a crash of the run.
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "EISDIR"
        ? "is a folder, not a stack file"
        : code === "EACCES"
          ? "cannot be read (permission denied)"
          : `cannot be read (${code ?? (err as Error).message})`;
    return { ok: false, problems: [{ file: shown, message: why }] };
  }
  return parseStackFile(text, shown);
}

/** Reads a stack file that must be valid (tests, benchmarks): throws with every problem otherwise. */
export function readStackConfig(stack: string, dir = STACKS_DIR): StackConfig {
  const read = readStackFile(stack, dir);
  if (!read.ok) throw new Error(read.problems.map(formatFileProblem).join("\n"));
  return read.config;
}
