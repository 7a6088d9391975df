/**
 * The floors of the house, checked from the import graph: imports only go down
 * (scripts → platform → components → charts → config → domain), no file imports itself through others, and the
 * policy pack, a package of its own that CrossGuard loads from its folder, imports nothing outside policies/.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..", "..");

/** Lowest first. A file may import its own floor and those below it. */
const FLOORS = ["domain", "config", "charts", "components", "platform", "scripts"] as const;
type Floor = (typeof FLOORS)[number] | "policies";

/**
 * Where a program file lives. The pack's registry data (policies/exceptions.ts and the entries under
 * policies/exceptions/) imports nothing else and the config reads exception ids from it, so it counts as a domain
 * fact; node-version.ts imports nothing either.
 */
function floorOf(rel: string): Floor | undefined {
  if (rel === "policies/exceptions.ts" || rel.startsWith("policies/exceptions/") || rel === "node-version.ts") return "domain";
  if (rel === "platform.ts" || rel === "index.ts") return "platform";
  const top = rel.split("/")[0];
  return top === "policies" || (FLOORS as readonly string[]).includes(top) ? (top as Floor) : undefined;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ["node_modules", "test", "out", ".git"].includes(name) ? [] : sources(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Our own modules a file imports (static, type-only, dynamic, re-exports, require), as paths from the root. */
function importsOf(path: string): string[] {
  const info = ts.preProcessFile(readFileSync(path, "utf8"), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith("."))
    .flatMap((spec) => {
      const target = resolve(dirname(path), spec);
      const found = [`${target}.ts`, join(target, "index.ts"), target].find((c) => existsSync(c) && statSync(c).isFile());
      return found ? [relative(ROOT, found)] : [];
    });
}

const FILES = [...sources(ROOT)].map((p) => relative(ROOT, p)).filter((rel) => floorOf(rel) !== undefined);
const GRAPH = new Map(FILES.map((rel) => [rel, importsOf(join(ROOT, rel))]));
const EDGES = [...GRAPH].flatMap(([from, tos]) => tos.map((to) => ({ from, to })));
const rank = (floor: Floor) => (floor === "policies" ? -1 : FLOORS.indexOf(floor));

/** Strongly connected components with more than one file (Tarjan), i.e. the import cycles. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("the import graph", () => {
  it("is read from every floor", () => {
    for (const floor of [...FLOORS, "policies" as const]) expect(FILES.filter((f) => floorOf(f) === floor).length, floor).toBeGreaterThan(0);
    expect(EDGES.length).toBeGreaterThan(200);
  });

  it("has no import cycle", () => {
    expect(cycles(GRAPH)).toEqual([]);
  });

  it("only goes down: no file imports a floor above its own", () => {
    const upward = EDGES.filter(({ from, to }) => {
      const [a, b] = [floorOf(from)!, floorOf(to)!];
      if (a === "policies" || b === "policies") return false; // judged below
      return rank(b) > rank(a);
    });
    expect(upward.map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
  });

  it("keeps the domain floor free of anything of ours outside it", () => {
    const out = EDGES.filter(({ from, to }) => floorOf(from) === "domain" && floorOf(to) !== "domain");
    expect(out.map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
  });

  it("keeps the policy pack to its own folder, and only scripts run it", () => {
    const leaving = EDGES.filter(({ from, to }) => from.startsWith("policies/") && !to.startsWith("policies/"));
    expect(leaving.map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
    const users = EDGES.filter(({ from, to }) => floorOf(to) === "policies" && floorOf(from) !== "policies" && floorOf(from) !== "scripts");
    expect(users.map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
  });
});

describe("the cycle finder", () => {
  it("finds a cycle through three files and a self-import, and none in a chain", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["d"]],
      ["e", ["a"]],
    ]);
    expect(cycles(graph)).toEqual([["a", "b", "c"], ["d"]]);
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", []],
        ]),
      ),
    ).toEqual([]);
  });
});
