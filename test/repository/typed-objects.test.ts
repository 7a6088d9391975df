/**
 * One way to author Kubernetes objects (charts/kube.ts): no file of the program writes an object as a literal
 * with apiVersion and kind, except the typed CRD constructors in charts/crds/, and the two files whose
 * "objects" are something else: kustomize patches (partial by design) and a kubeconfig.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..", "..");
const NOT_OBJECTS = new Set(["components/services/pipelines/overlay.ts", "components/cluster/kubeconfig.ts"]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith(".ts") ? [path] : [];
  });
}

const FILES = ["charts", "components"].flatMap((dir) => sources(join(ROOT, dir))).map((path) => relative(ROOT, path));
/** `apiVersion: "…"` as an object key with a literal value: an object written by hand. */
const LITERAL_OBJECT = /\bapiVersion:\s*["'`]/;

describe("Kubernetes objects in charts/ and components/", () => {
  it("are read from both folders", () => {
    expect(FILES.filter((f) => f.startsWith("charts/")).length).toBeGreaterThan(10);
    expect(FILES.filter((f) => f.startsWith("components/")).length).toBeGreaterThan(30);
  });

  it("are never object literals outside the typed CRD constructors in charts/crds/", () => {
    const literal = FILES.filter((f) => !f.startsWith("charts/crds/") && !NOT_OBJECTS.has(f)).filter((f) =>
      LITERAL_OBJECT.test(readFileSync(join(ROOT, f), "utf8")),
    );
    expect(literal).toEqual([]);
  });
});
