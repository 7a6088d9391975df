/** The inventory's pure parts: the render key, file names, `helm template` output parsing, helm and chart arguments. */
import { describe, it, expect, afterAll } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalJson, inventoryFileName, renderKey, RENDER_API_VERSIONS, type RenderInput } from "../../scripts/inventory/store";
import { hookOf, inventoryContent, renderedObjects } from "../../scripts/inventory/render";
import { parseModuleLine, templateArgs } from "../../scripts/inventory/helm";
import { assertChart, chartFolder, chartName, pullArgs, sameVersion } from "../../scripts/inventory/sources";

const INPUT: RenderInput = {
  release: "monitoring",
  namespace: "monitoring",
  repo: "https://prometheus-community.github.io/helm-charts",
  chart: "kube-prometheus-stack",
  version: "88.5.3",
  kubeVersion: "1.35",
  apiVersions: RENDER_API_VERSIONS,
  values: { grafana: { enabled: true, admin: { existingSecret: "g" } }, prometheus: { replicas: 1 } },
};

describe("renderKey", () => {
  it("ignores key order, at every depth", () => {
    const reordered = { ...INPUT, values: { prometheus: { replicas: 1 }, grafana: { admin: { existingSecret: "g" }, enabled: true } } };
    expect(renderKey(reordered)).toBe(renderKey(INPUT));
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
  it("changes with every input the render depends on: a value, the chart version, the Kubernetes minor, the API versions, helm, the facts format", () => {
    const variants: RenderInput[] = [
      { ...INPUT, values: { ...INPUT.values, prometheus: { replicas: 2 } } },
      { ...INPUT, version: "88.5.4" },
      { ...INPUT, kubeVersion: "1.36" },
      { ...INPUT, apiVersions: [] },
      { ...INPUT, namespace: "observability" },
      { ...INPUT, release: "metrics" },
    ];
    const keys = new Set([renderKey(INPUT), ...variants.map((v) => renderKey(v)), renderKey(INPUT, "v3.23.0"), renderKey(INPUT, undefined, 999)]);
    expect(keys.size).toBe(variants.length + 3);
    expect(renderKey(INPUT)).toMatch(/^[0-9a-f]{64}$/);
  });
  it("names the file by release and the key's first 16 hex digits", () => {
    expect(inventoryFileName("monitoring", "0123456789abcdef0123")).toBe("monitoring-0123456789abcdef.json");
  });
});

const STREAM = `---
# Source: chart/templates/empty.yaml
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: op
---
apiVersion: batch/v1
kind: Job
metadata:
  name: cleanup
  annotations:
    helm.sh/hook: pre-delete, post-upgrade
spec:
  template:
    spec:
      containers: [{ name: c, image: "r/c:1" }]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: op
spec:
  template:
    spec:
      containers: [{ name: op, image: "r/op:1" }]
---
null
`;

describe("reading helm template output", () => {
  const objects = renderedObjects(STREAM);
  it("keeps the documents that are objects, skipping empty ones", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["ServiceAccount/op", "Job/cleanup", "Deployment/op"]);
  });
  it("sets hooks apart, as helm.v4.Chart renders with hooks disabled, with their events", () => {
    const { objects: kept, hooks } = inventoryContent(objects, "ops");
    expect(kept.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(["Deployment/ops/op", "ServiceAccount/ops/op"]);
    expect(hooks).toEqual([{ kind: "Job", name: "cleanup", events: ["post-upgrade", "pre-delete"] }]);
    expect(hookOf(objects[1])).toEqual(hooks[0]);
  });
});

describe("helm and chart arguments", () => {
  it("templates as the provider does: the stack's Kubernetes minor, CRDs included, the API versions the platform serves", () => {
    expect(templateArgs(INPUT, "/charts/kps", "/tmp/v.json", ["monitoring.coreos.com/v1"])).toEqual([
      "template",
      "monitoring",
      "/charts/kps",
      "--namespace",
      "monitoring",
      "--values",
      "/tmp/v.json",
      "--kube-version",
      "1.35",
      "--include-crds",
      "--api-versions",
      "monitoring.coreos.com/v1",
    ]);
  });
  it("reads the main module of a Go binary's build info", () => {
    const info = "/bin/helm: go1.26.8\n\tpath\thelm.sh/helm/v3/cmd/helm\n\tmod\thelm.sh/helm/v3\tv3.22.0\th1:abc=\n\tdep\tdario.cat/mergo\tv1.0.1\n";
    expect(parseModuleLine(info)).toEqual({ path: "helm.sh/helm/v3", version: "v3.22.0" });
    expect(parseModuleLine("/bin/helm: go1.26.8\n")).toBeUndefined();
  });
  it("pulls a repository chart by name and repo, an OCI chart by reference", () => {
    expect(pullArgs({ repo: "https://r.example", chart: "cert-manager", version: "v1.21.1" }, "/tmp/x")).toEqual([
      "pull",
      "cert-manager",
      "--repo",
      "https://r.example",
      "--version",
      "v1.21.1",
      "--untar",
      "--untardir",
      "/tmp/x",
    ]);
    expect(pullArgs({ chart: "oci://ghcr.io/kserve/charts/kserve-crd", version: "v0.20.0" }, "/tmp/x").slice(0, 4)).toEqual([
      "pull",
      "oci://ghcr.io/kserve/charts/kserve-crd",
      "--version",
      "v0.20.0",
    ]);
    expect(chartName("oci://ghcr.io/kserve/charts/kserve-crd")).toBe("kserve-crd");
    expect(chartFolder({ chart: "oci://ghcr.io/kserve/charts/kserve-crd", version: "v0.20.0" })).toBe("kserve-crd-v0.20.0");
  });

  const tmp = mkdtempSync(join(tmpdir(), "inventory-sources-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  it("accepts a chart folder only when it holds the chart and version asked for (a leading v is semver's, not a difference)", () => {
    const dir = join(tmp, "knative-operator-v1.23.0");
    mkdirSync(dir);
    writeFileSync(join(dir, "Chart.yaml"), "apiVersion: v2\nname: knative-operator\nversion: 1.23.0\n");
    expect(() => assertChart(dir, { chart: "knative-operator", version: "v1.23.0" })).not.toThrow();
    expect(() => assertChart(dir, { chart: "knative-operator", version: "v1.24.0" })).toThrow(
      "holds chart knative-operator 1.23.0, not knative-operator v1.24.0",
    );
    expect(() => assertChart(dir, { chart: "other", version: "1.23.0" })).toThrow("not other 1.23.0");
    expect(() => assertChart(tmp, { chart: "x", version: "1" })).toThrow("holds no Chart.yaml");
    expect(sameVersion("v1.2.3", "1.2.3")).toBe(true);
    expect(sameVersion("1.2.3", "1.2.4")).toBe(false);
  });
});
