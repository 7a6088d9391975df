import { describe, it, expect } from "vitest";
import { readdirSync } from "node:fs";
import { VALUES_DIR, loadValuesFile, mergeValues, valuesFileChartVersion } from "../../charts/values";
import { CHARTS, EKS_VERSIONS, RESOLVE_AT_DEPLOY, type ChartRef } from "../../domain/versions";

/** charts/values/<file>.yaml → CHARTS key. */
const FILE_TO_CHART: Record<string, keyof typeof CHARTS> = {
  "gpu-operator": "gpuOperator",
  "cluster-autoscaler": "clusterAutoscaler",
  "kube-prometheus-stack": "kubePrometheusStack",
  seaweedfs: "seaweedfs",
  "external-secrets": "externalSecrets",
  "cloudnative-pg": "cloudnativePg",
  "cert-manager": "certManager",
  "kserve-resources": "kserveResources",
  "kserve-runtime-configs": "kserveRuntimes",
  "knative-operator": "knativeOperator",
  kueue: "kueue",
  "envoy-gateway": "envoyGateway",
  dex: "dex",
  "aws-load-balancer-controller": "awsLoadBalancerController",
  opencost: "opencost",
  "fluent-bit": "fluentBit",
};
/** Charts deployed with the upstream defaults as they are: no overrides file. */
const NO_OVERRIDES: readonly (keyof typeof CHARTS)[] = ["kserveCrd"];
const valuesFiles = readdirSync(VALUES_DIR)
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""));
const EXACT = /^v?\d+\.\d+\.\d+$/;

describe("mergeValues", () => {
  it("merges objects key by key, at any depth", () => {
    expect(mergeValues({ a: { b: 1, c: { d: 1, e: 2 } }, f: 1 }, { a: { c: { e: 3 }, g: 4 } })).toEqual({ a: { b: 1, c: { d: 1, e: 3 }, g: 4 }, f: 1 });
  });

  it("replaces arrays instead of concatenating them", () => {
    expect(mergeValues({ tolerations: [{ key: "a" }, { key: "b" }] }, { tolerations: [{ key: "c" }] })).toEqual({ tolerations: [{ key: "c" }] });
    expect(mergeValues({ list: [1, 2] }, { list: [] })).toEqual({ list: [] });
  });

  it("replaces scalars, and objects by scalars or the other way round", () => {
    expect(mergeValues({ a: 1, b: { c: 1 }, d: "x" }, { a: 2, b: false, d: { e: 1 } })).toEqual({ a: 2, b: false, d: { e: 1 } });
  });

  it("applies several overrides left to right", () => {
    expect(mergeValues({ a: 1, b: 1 }, { a: 2 }, { a: 3, c: 3 })).toEqual({ a: 3, b: 1, c: 3 });
  });

  it("does not modify its inputs", () => {
    const base = { a: { b: 1 }, l: [1] };
    const override = { a: { c: 2 }, l: [2] };
    mergeValues(base, override);
    expect(base).toEqual({ a: { b: 1 }, l: [1] });
    expect(override).toEqual({ a: { c: 2 }, l: [2] });
  });
});

describe("values files", () => {
  it("exist exactly for the charts in the catalogue", () => {
    expect(valuesFiles.sort()).toEqual(Object.keys(FILE_TO_CHART).sort());
    expect([...Object.values(FILE_TO_CHART), ...NO_OVERRIDES].sort()).toEqual(Object.keys(CHARTS).sort());
  });

  it.each(Object.entries(FILE_TO_CHART))("%s.yaml says it was written for the catalogue's chart version", (file, key) => {
    expect(valuesFileChartVersion(file)).toBe(CHARTS[key].version);
  });

  it.each(Object.keys(FILE_TO_CHART))("%s.yaml parses to a values object", (file) => {
    const values = loadValuesFile(file);
    expect(typeof values).toBe("object");
    expect(Array.isArray(values)).toBe(false);
  });

  it("keep the cluster-autoscaler hardening", () => {
    expect(loadValuesFile("cluster-autoscaler")).toMatchObject({
      securityContext: { runAsNonRoot: true },
      containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    });
  });
});

/** POD-08: cpu and memory requests and a memory limit. */
const sized = (resources: any, where: string) => {
  expect(Object.keys(resources?.requests ?? {}).sort(), where).toEqual(["cpu", "memory"]);
  expect(resources?.limits?.memory, where).toMatch(/^\d+(Mi|Gi)$/);
};
const RUNTIME_DEFAULT = { seccompProfile: { type: "RuntimeDefault" } };

describe("values files set what the pack asks of upstream pods", () => {
  it("size the containers of cluster-autoscaler, cloudnative-pg and kube-prometheus-stack (POD-08)", () => {
    sized(loadValuesFile("cluster-autoscaler").resources, "cluster-autoscaler");
    sized(loadValuesFile("cloudnative-pg").resources, "cloudnative-pg");
    const kps = loadValuesFile("kube-prometheus-stack") as Record<string, any>;
    sized(kps.grafana.resources, "grafana");
    sized(kps.grafana.sidecar.resources, "grafana sidecars");
    sized(kps["prometheus-node-exporter"].resources, "node-exporter");
    sized(kps.prometheusOperator.resources, "prometheus-operator");
    sized(kps["kube-state-metrics"].resources, "kube-state-metrics");
  });

  it("give NFD's pods in the gpu-operator chart a seccomp profile (POD-04)", () => {
    const nfd = (loadValuesFile("gpu-operator") as Record<string, any>)["node-feature-discovery"];
    for (const part of ["master", "gc", "worker"]) expect(nfd[part].podSecurityContext, part).toEqual(RUNTIME_DEFAULT);
  });

  it("give the Knative operator's two pods a seccomp profile (POD-04)", () => {
    const kn = (loadValuesFile("knative-operator") as Record<string, any>).knative_operator;
    for (const part of ["knative_operator", "operator_webhook"]) expect(kn[part].securityContext, part).toEqual(RUNTIME_DEFAULT);
  });

  it("run SeaweedFS restricted: claims instead of host paths, logs to stderr, non-root, read-only, sized (POD-01..08)", () => {
    const sw = loadValuesFile("seaweedfs") as Record<string, any>;
    for (const part of ["master", "volume", "filer", "s3"]) {
      expect(sw[part].podSecurityContext, part).toEqual({
        enabled: true,
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        ...RUNTIME_DEFAULT,
      });
      expect(sw[part].containerSecurityContext, part).toEqual({
        enabled: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      });
      sized(sw[part].resources, part);
    }
    for (const part of ["master", "filer"]) expect(sw[part].data, part).toMatchObject({ type: "persistentVolumeClaim", storageClass: "" });
    expect(sw.volume.dataDirs.map((d: { type: string }) => d.type)).toEqual(["persistentVolumeClaim"]);
    // An empty logs type makes the templates pass -logtostderr and mount no log volume.
    for (const part of ["master", "filer", "s3"]) expect(sw[part].logs, part).toEqual({ type: "" });
    expect(JSON.stringify(sw)).not.toContain("hostPath");
  });
});

describe("version catalogue", () => {
  it.each(Object.entries(CHARTS))("chart %s is pinned to an exact version", (_name, ref: ChartRef) => {
    expect(ref.version).toMatch(EXACT);
    expect(ref.version).not.toMatch(/[\^~*x]|latest/i);
    // HTTPS Helm repositories, or OCI registries for projects that publish only there (KServe).
    expect(ref.repo).toMatch(/^(https|oci):\/\//);
  });

  it.each(Object.entries(CHARTS))("chart %s points at the upstream values.yaml of that version", (_name, ref: ChartRef) => {
    expect(ref.valuesUrl).toContain((ref as ChartRef).gitRef ?? ref.version);
    // A chart released from a values template (gateway-helm) names the template; every other chart its values.yaml.
    const file = (ref as ChartRef).valuesTemplate ? "values\\.tmpl\\.yaml" : "values\\.yaml";
    expect(ref.valuesUrl).toMatch(new RegExp(`^https://github\\.com/.+/${file}$`));
  });

  it("substitutes only an image pinned to the chart version in a values template", () => {
    const templated = (Object.values(CHARTS) as ChartRef[]).filter((ref) => ref.valuesTemplate);
    expect(templated.map((ref) => ref.chart)).toEqual(["gateway-helm"]);
    for (const ref of templated) expect(Object.values(ref.valuesTemplate ?? {})).toContain(`docker.io/envoyproxy/gateway:${ref.version}`);
  });

  it("pins every EKS add-on to an exact eksbuild version", () => {
    for (const [k8s, entry] of Object.entries(EKS_VERSIONS)) {
      for (const [addon, version] of Object.entries(entry.addons)) {
        if (version === RESOLVE_AT_DEPLOY) continue;
        expect(version, `${k8s} ${addon}`).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
      }
    }
  });

  it("resolves at deploy time only the add-ons whose versions could not be verified offline", () => {
    for (const entry of Object.values(EKS_VERSIONS)) {
      const resolved = Object.entries(entry.addons)
        .filter(([, v]) => v === RESOLVE_AT_DEPLOY)
        .map(([a]) => a)
        .sort();
      expect(resolved).toEqual(["aws-fsx-csi-driver", "snapshot-controller"]);
    }
  });

  it("pins kube-proxy and the autoscaler image to the Kubernetes minor they run with", () => {
    for (const [k8s, entry] of Object.entries(EKS_VERSIONS)) {
      expect(String(entry.addons["kube-proxy"]).startsWith(`v${k8s}.`), k8s).toBe(true);
      expect(entry.clusterAutoscalerImageTag).toMatch(new RegExp(`^v${k8s.replace(".", "\\.")}\\.\\d+$`));
      expect(entry.endOfStandardSupport).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
