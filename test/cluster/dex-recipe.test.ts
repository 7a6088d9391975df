/** The Dex build recipe (pure): the release the chart runs, as a pseudo-version in a wrapper module. */
import { describe, expect, it } from "vitest";
import { dexRelease } from "../../scripts/cluster/dex-binary";
import { DEX_BINARIES, DEX_PSEUDO_VERSIONS, dexGoMod, dexLdflags, dexModuleFiles, dexPseudoVersion } from "../../scripts/cluster/dex-recipe";

describe("the Dex build recipe", () => {
  it("builds the release charts/values/dex.yaml runs", () => {
    expect(dexRelease()).toBe("v2.45.1");
    expect(Object.keys(DEX_PSEUDO_VERSIONS)).toContain(dexRelease());
  });

  it("names each release by a pseudo-version of its tag's commit", () => {
    for (const version of Object.values(DEX_PSEUDO_VERSIONS)) expect(version).toMatch(/^v0\.0\.0-\d{14}-[0-9a-f]{12}$/);
    expect(dexPseudoVersion("v2.45.1")).toBe("v0.0.0-20260303133905-11d2eeb52b42");
    expect(() => dexPseudoVersion("v2.46.0")).toThrow(/no pseudo-version known for Dex v2.46.0/);
  });

  it("requires Dex in a wrapper module without replaces, and stamps the release into the binary", () => {
    expect(dexGoMod("v2.45.1")).toBe("module mlops-platform.test/dex\n\ngo 1.25.0\n\nrequire github.com/dexidp/dex v0.0.0-20260303133905-11d2eeb52b42\n");
    expect(dexGoMod("v2.45.1")).not.toContain("replace");
    expect(dexLdflags("v2.45.1")).toContain("-X main.version=v2.45.1");
  });

  it("builds Dex's main package and the bcrypt tool, both files of the hashed recipe", () => {
    expect(DEX_BINARIES).toEqual({ dex: "github.com/dexidp/dex/cmd/dex", "dex-bcrypt": "mlops-platform.test/dex/bcrypt" });
    const files = dexModuleFiles("v2.45.1");
    expect(Object.keys(files).sort()).toEqual(["bcrypt/main.go", "go.mod", "ldflags", "tools.go"]);
    expect(files["bcrypt/main.go"]).toContain("bcrypt.DefaultCost");
    expect(files["tools.go"]).toContain('_ "github.com/dexidp/dex/cmd/dex"');
  });
});
