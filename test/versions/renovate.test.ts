/**
 * renovate.json proposes every bump the catalogue can take: each CHARTS entry, image, manifest, kustomize tree
 * and the inventory's Helm is matched by exactly one custom manager with its name, version and source, so a new
 * catalogue entry Renovate cannot see fails here. The npm rules keep the project's exact pins.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";
import { parse } from "yaml";
import { VALUES_DIR } from "../../charts/values";
import { CHARTS, EKS_VERSIONS, IMAGES, INVENTORY_HELM, KUSTOMIZE, MANIFESTS, type ChartRef } from "../../domain/versions";
import { chartEntryProblems } from "./catalogue-rules";
import { autoReplace, extractDeps, loadRenovateConfig, REPO_ROOT, type ExtractedDep } from "./renovate-extract";

const config = loadRenovateConfig();
const CATALOGUE = "domain/versions.ts";
const catalogueText = readFileSync(join(REPO_ROOT, CATALOGUE), "utf8");
const deps = extractDeps(config, CATALOGUE, catalogueText);
/** Renovate stores registryUrl as `new URL(value).toString()`. */
const url = (value: string): string => new URL(value).toString();
const matching = (depName: string, currentValue: string): ExtractedDep[] => deps.filter((d) => d.depName === depName && d.currentValue === currentValue);

describe("renovate.json", () => {
  it("uses the current custom-manager schema: regex managers with managerFilePatterns, RE2-compatible match strings", () => {
    expect(config.customManagers.length).toBeGreaterThan(0);
    for (const m of config.customManagers) {
      expect(m.customType).toBe("regex");
      expect(m).not.toHaveProperty("fileMatch");
      expect(m.managerFilePatterns.length).toBeGreaterThan(0);
      for (const source of m.matchStrings) {
        expect(source).toContain("(?<currentValue>");
        // RE2 has no lookaround and no backreferences.
        expect(source).not.toMatch(/\(\?<?[=!]|\\[1-9]/);
      }
      expect(m.matchStrings.some((s) => s.includes("(?<depName>")) || m.depNameTemplate !== undefined).toBe(true);
      expect(m.datasourceTemplate).toBeDefined();
    }
    expect(config.enabledManagers).toEqual(["npm", "custom.regex"]);
  });

  it("finds only what it is meant to in the catalogue, each dependency once", () => {
    const autoscalerTags = Object.keys(EKS_VERSIONS).length;
    const expected =
      Object.keys(CHARTS).length + Object.keys(IMAGES).length + autoscalerTags + Object.keys(MANIFESTS).length + Object.keys(KUSTOMIZE).length + 1;
    expect(deps.length).toBe(expected);
    for (const d of deps) expect(d.depName, d.replaceString).toBeTruthy();
  });

  it("still finds them all when prettier reflows the catalogue (objects broken over lines or joined onto one)", async () => {
    for (const printWidth of [40, 400]) {
      const reflowed = await format(catalogueText, { parser: "typescript", printWidth, trailingComma: "all" });
      expect(reflowed, `printWidth ${printWidth}`).not.toBe(catalogueText);
      const again = extractDeps(config, CATALOGUE, reflowed).map(({ depName, currentValue }) => `${depName}@${currentValue}`);
      expect(again, `printWidth ${printWidth}`).toEqual(deps.map(({ depName, currentValue }) => `${depName}@${currentValue}`));
    }
  });

  it.each(Object.entries(CHARTS) as [string, ChartRef][])("sees chart %s with its repository, name and version", (_key, ref) => {
    const [dep, ...more] = matching(ref.chart, ref.version);
    expect(more).toEqual([]);
    if (ref.repo.startsWith("oci://")) {
      expect(dep).toMatchObject({ datasource: "docker", packageName: `${ref.repo.replace(/^oci:\/\//, "")}/${ref.chart}` });
    } else {
      expect(dep).toMatchObject({ datasource: "helm", registryUrl: ref.repo });
      expect(url(dep.registryUrl ?? "")).toBe(url(ref.repo));
    }
  });

  it.each(Object.entries(IMAGES))("sees image %s with its repository and tag", (_key, image) => {
    const found = matching(image.repository, image.tag);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ datasource: "docker", versioning: "docker" });
  });

  it("sees the cluster-autoscaler image of every EKS version, the manifests, the kustomize trees and the inventory's Helm", () => {
    for (const [minor, entry] of Object.entries(EKS_VERSIONS)) {
      expect(matching("registry.k8s.io/autoscaling/cluster-autoscaler", entry.clusterAutoscalerImageTag), minor).toHaveLength(1);
    }
    for (const m of Object.values(MANIFESTS)) {
      const repo = /^https:\/\/raw\.githubusercontent\.com\/([^/]+\/[^/]+)\//.exec(m.url)?.[1] ?? "";
      expect(matching(repo, m.version), m.url).toMatchObject([{ datasource: "github-releases" }]);
    }
    for (const k of Object.values(KUSTOMIZE)) {
      expect(matching(k.repo.replace("https://github.com/", ""), k.ref), k.repo).toMatchObject([{ datasource: "github-tags" }]);
    }
    expect(matching(INVENTORY_HELM.module, INVENTORY_HELM.version)).toMatchObject([{ datasource: "go" }]);
  });

  it("sees every image a charts/values file pins (repository and tag)", () => {
    const pinned: { file: string; repository: string; tag: string }[] = [];
    const walk = (file: string, node: unknown): void => {
      if (typeof node !== "object" || node === null) return;
      const o = node as Record<string, unknown>;
      if (typeof o.repository === "string" && o.tag !== undefined) pinned.push({ file, repository: o.repository, tag: String(o.tag) });
      Object.values(o).forEach((child) => walk(file, child));
    };
    for (const file of readdirSync(VALUES_DIR).filter((f) => f.endsWith(".yaml"))) walk(file, parse(readFileSync(join(VALUES_DIR, file), "utf8")));
    expect(pinned.length).toBeGreaterThan(0);
    for (const p of pinned) {
      const found = extractDeps(config, `charts/values/${p.file}`, readFileSync(join(VALUES_DIR, p.file), "utf8"));
      expect(
        found.filter((d) => d.depName === p.repository && d.currentValue === p.tag),
        `${p.file} ${p.repository}`,
      ).toHaveLength(1);
    }
  });

  it("a proposed chart bump moves every field that spells the version; only a gitRef spelled otherwise is left to a person", () => {
    const left: string[] = [];
    for (const [key, ref] of Object.entries(CHARTS) as [string, ChartRef][]) {
      const [dep] = matching(ref.chart, ref.version);
      const version = ref.version.replace(/(\d+)$/, (patch) => String(Number(patch) + 1));
      const after = autoReplace(catalogueText, dep, version);
      const entry = after.slice(dep.index).split(/\n {2}\},?\n/, 1)[0];
      const field = (name: string) => new RegExp(`${name}: "([^"]+)"`).exec(entry)?.[1];
      const bumped = { ...ref, version: field("version") ?? "", valuesUrl: field("valuesUrl") ?? "", gitRef: field("gitRef") };
      const template = /GatewayImage: "([^"]+)"/.exec(entry)?.[1];
      expect(bumped.version, key).toBe(version);
      left.push(...chartEntryProblems(key, template ? { ...bumped, valuesTemplate: { GatewayImage: template } } : bumped));
    }
    expect(left).toEqual([
      `CHARTS.seaweedfs (seaweedfs 4.44.1): gitRef "4.44" names another release; set it to the upstream git tag of 4.44.1, and valuesUrl to that tag`,
    ]);
  });
});

describe("renovate.json npm rules", () => {
  const rules = config.packageRules;
  it("pins exact versions, as package.json does (test/toolchain.test.ts)", () => {
    expect(config.rangeStrategy).toBe("pin");
  });

  it("groups the @pulumi packages of package.json and policies/package.json into one update", () => {
    expect(rules.find((r) => r.matchPackageNames?.includes("@pulumi/**"))?.groupName).toBe("pulumi packages");
  });

  it("never proposes a Node major (the project runs on Node 22)", () => {
    const rule = rules.find((r) => r.matchPackageNames?.includes("node"));
    expect(rule).toMatchObject({ matchUpdateTypes: ["major"], enabled: false });
  });
});
