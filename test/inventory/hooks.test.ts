/**
 * What helm.v4.Chart leaves out (Helm hooks) and keeps on destroy (`helm.sh/resource-policy: keep`), from the
 * inventory, held to the README's "Helm hooks, upgrades and teardown".
 */
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readInventory } from "../../scripts/inventory/store";
import { readmeTable } from "../helpers/readme";

const inventory = readInventory();
const HEADING = "Helm hooks, upgrades and teardown";
const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
const section = README.slice(README.indexOf(`### ${HEADING}`), README.indexOf("\n## ", README.indexOf(`### ${HEADING}`)));

/** "`a` (with …)" → "a": the first code span of a cell. */
const firstCode = (cell: string): string => /`([^`]+)`/.exec(cell)?.[1] ?? "";

describe("dropped Helm hooks", () => {
  const hookJobs = new Set(inventory.flatMap((f) => f.hooks.filter((h) => h.kind === "Job").map((h) => `${f.release} ${h.name} ${h.events.join(",")}`)));
  const rows = readmeTable(HEADING);

  it("the README's table names every hook Job a release drops, with its events, and nothing else", () => {
    expect(hookJobs.size).toBeGreaterThan(0);
    const documented = new Set(rows.map((r) => `${r[0]} ${firstCode(r[1])} ${/^([a-z-]+(, [a-z-]+)*):/.exec(r[2])?.[1].replace(/, /g, ",") ?? ""}`));
    expect(documented).toEqual(hookJobs);
  });

  it("every hook object that is not a Job is a Job's ServiceAccount or RBAC, named after a documented Job", () => {
    // `helm test` hooks are never part of a release here, and the README says so by name.
    for (const f of inventory)
      for (const h of f.hooks.filter((x) => x.events.join() === "test")) expect(section, `${f.release} ${h.name}`).toContain(`\`${h.name}\``);
    for (const f of inventory)
      for (const h of f.hooks.filter((x) => x.kind !== "Job" && x.events.join() !== "test")) {
        expect(["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"], `${f.release} ${h.kind} ${h.name}`).toContain(h.kind);
        // Named after its Job: the Job's name, or its stem before "-hook"/"-crd" (upgrade-crd-hook-sa of upgrade-crd).
        expect(
          f.hooks.some(
            (job) =>
              job.kind === "Job" &&
              job.events.join() === h.events.join() &&
              (h.name.startsWith(job.name) || job.name.startsWith(h.name.replace(/-hook-(sa|role|binding)$/, ""))),
          ),
          `${f.release} ${h.kind} ${h.name}`,
        ).toBe(true);
      }
  });

  const gpu = inventory.filter((f) => f.chart === "gpu-operator");
  const crds = (f: (typeof inventory)[number]) => new Set(f.objects.filter((o) => o.kind === "CustomResourceDefinition").map((o) => o.metadata.name));

  it("the CRDs gpu-operator's pre-upgrade Job applies are resources of the chart here, so a chart bump upgrades them", () => {
    expect(gpu.length).toBeGreaterThan(0);
    const applied = [
      "clusterpolicies.nvidia.com",
      "nvidiadrivers.nvidia.com",
      "gpuclusters.nvidia.com",
      "nodefeatures.nfd.k8s-sigs.io",
      "nodefeaturerules.nfd.k8s-sigs.io",
      "nodefeaturegroups.nfd.k8s-sigs.io",
    ];
    for (const f of gpu) for (const name of applied) expect(crds(f).has(name), `${f.key.slice(0, 16)} ${name}`).toBe(true);
    for (const name of applied) expect(section).toContain(`\`${name.split(".")[0]}\``);
  });

  it("the pre-delete GPUCluster cleanup has nothing to clean: the chart renders no GPUCluster, and the ClusterPolicy it renders is the only GPU CR", () => {
    for (const f of gpu) {
      expect(f.objects.filter((o) => o.kind === "GPUCluster")).toEqual([]);
      expect(f.objects.filter((o) => o.kind === "ClusterPolicy").map((o) => o.metadata.name)).toEqual(["cluster-policy"]);
    }
  });
});

describe("objects retained on destroy", () => {
  it("the README names every chart whose objects Helm marks keep (the provider gives them retainOnDelete)", () => {
    const keeping = new Set(
      inventory.filter((f) => f.objects.some((o) => o.metadata?.annotations?.["helm.sh/resource-policy"] === "keep")).map((f) => f.chart.split("/").pop()),
    );
    expect(keeping).toEqual(new Set(["cert-manager", "cloudnative-pg"]));
    const retained = section.slice(section.indexOf("Retained on destroy"));
    expect(retained).toContain("cert-manager");
    expect(retained).toContain("CloudNativePG");
  });
});
