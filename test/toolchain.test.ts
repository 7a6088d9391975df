import { describe, expect, it } from "vitest";
import pkg from "../package.json";

describe("toolchain", () => {
  it("runs on the project's own Node 22 (from the npm package `node`), not the machine's", () => {
    expect(process.versions.node.split(".")[0]).toBe("22");
    expect(pkg.devDependencies.node.split(".")[0]).toBe("22");
  });

  it("pins every dependency exactly", () => {
    const all = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;
    const loose = Object.entries(all).filter(([, v]) => !/^(npm:[\w@/.-]+@)?\d+\.\d+\.\d+$/.test(v));
    expect(loose).toEqual([]);
  });
});
