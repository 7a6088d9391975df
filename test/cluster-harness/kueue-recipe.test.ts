/** The recipe the real-server tests build Kueue's controller by (scripts/cluster/kueue-recipe.ts): pure, so checked without Go. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CHARTS } from "../../domain/versions";
import { KUEUE_MAIN, kueueLdflags, kueueRecipe } from "../../scripts/cluster/kueue-recipe";

const RELEASE = { version: "v0.19.2", commit: "0123456789abcdef0123456789abcdef01234567", sum: "h1:abc=" };
const key = (recipe: object) => createHash("sha256").update(JSON.stringify(recipe)).digest("hex");

describe("kueueRecipe", () => {
  it("installs Kueue's main package at the release, trimmed and static", () => {
    const recipe = kueueRecipe(RELEASE);
    expect(recipe.goArgs[0]).toBe("install");
    expect(recipe.goArgs).toContain("-trimpath");
    expect(recipe.goArgs.at(-1)).toBe(`${KUEUE_MAIN}@v0.19.2`);
    expect(KUEUE_MAIN).toBe("sigs.k8s.io/kueue/cmd/kueue");
    expect(recipe.env).toEqual({ CGO_ENABLED: "0" });
    expect(recipe.goArgs[recipe.goArgs.indexOf("-ldflags") + 1]).toBe(kueueLdflags(RELEASE));
  });

  it("stamps the release and its commit into Kueue's version package, and no build date", () => {
    const flags = kueueLdflags(RELEASE);
    expect(flags).toContain("-X sigs.k8s.io/kueue/pkg/version.GitVersion=v0.19.2");
    expect(flags).toContain(`-X sigs.k8s.io/kueue/pkg/version.GitCommit=${RELEASE.commit}`);
    expect(flags).not.toContain("BuildDate");
    expect(kueueLdflags({ version: "v0.19.2" })).not.toContain("GitCommit");
  });

  it("refuses anything but a release tag", () => {
    for (const version of ["main", "v0.19", "0.19.2", "v0.20.0-devel", "v0.19.2; rm -rf /"])
      expect(() => kueueRecipe({ version }), version).toThrow(/not a Kueue release/);
  });

  it("keys the cache: the same release gives the same key, another release or module hash another", () => {
    expect(key(kueueRecipe(RELEASE))).toBe(key(kueueRecipe({ ...RELEASE })));
    expect(key(kueueRecipe({ ...RELEASE, version: "v0.19.1" }))).not.toBe(key(kueueRecipe(RELEASE)));
    expect(key(kueueRecipe({ ...RELEASE, sum: "h1:other=" }))).not.toBe(key(kueueRecipe(RELEASE)));
  });

  it("accepts the catalogue's Kueue release", () => {
    expect(kueueRecipe({ version: CHARTS.kueue.gitRef }).goArgs.at(-1)).toBe(`${KUEUE_MAIN}@${CHARTS.kueue.gitRef}`);
  });
});
