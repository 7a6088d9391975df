/** The Dex chart's values (pure): the image that has static users' groups, restricted pods, our Secret, no chart extras. */
import { describe, expect, it } from "vitest";
import { DEX_CONFIG_SECRET } from "../../charts/access/dex";
import { loadValuesFile, valuesFileChartVersion } from "../../charts/values";
import { DEX_CONFIG_CHECKSUM_ANNOTATION, dexValues } from "../../components/identity";
import { CHARTS } from "../../domain/versions";

type AnyValues = Record<string, any>;
const values = loadValuesFile("dex") as AnyValues;

describe("charts/values/dex.yaml", () => {
  it("says it was written for the catalogue's chart version, tagged dex-<version> upstream", () => {
    expect(valuesFileChartVersion("dex")).toBe(CHARTS.dex.version);
    expect(CHARTS.dex).toMatchObject({ repo: "https://charts.dexidp.io", chart: "dex", gitRef: `dex-${CHARTS.dex.version}` });
  });

  it("runs Dex v2.45.1: static users carry groups from v2.45.0 on, and the chart's appVersion is 2.44.0", () => {
    expect(values.image).toEqual({ repository: "ghcr.io/dexidp/dex", tag: "v2.45.1", pullPolicy: "IfNotPresent" });
    const [major, minor] = (values.image.tag as string).slice(1).split(".").map(Number);
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(2045);
  });

  it("reads the component's config Secret; the chart makes none, no RBAC and no CRD rights (memory storage)", () => {
    expect(values.configSecret).toEqual({ create: false, name: DEX_CONFIG_SECRET });
    expect(values.rbac).toEqual({ create: false });
    expect(values.replicaCount).toBe(1);
  });

  it("runs restricted (POD-01..07): the chart's contexts are empty by default", () => {
    expect(values.podSecurityContext).toEqual({ runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, seccompProfile: { type: "RuntimeDefault" } });
    expect(values.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
  });

  it("gives the entrypoint a writable /tmp (it renders the config there) and nothing else", () => {
    expect(values.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }]);
    expect(values.volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
  });

  it("sizes the container: cpu and memory requests and a memory limit (POD-08)", () => {
    expect(Object.keys(values.resources.requests).sort()).toEqual(["cpu", "memory"]);
    expect(values.resources.limits.memory).toMatch(/^\d+Mi$/);
  });

  it("keeps Dex inside the cluster: ClusterIP, plain HTTP behind the gateway, no ingress, gRPC, chart NetworkPolicy or ServiceMonitor", () => {
    expect(values.service).toEqual({ type: "ClusterIP" });
    expect(values).toMatchObject({
      https: { enabled: false },
      grpc: { enabled: false },
      ingress: { enabled: false },
      networkPolicy: { enabled: false },
      serviceMonitor: { enabled: false },
    });
  });
});

describe("dexValues", () => {
  it("are our file's, with no checksum: a config change rolls Dex through a transform, so the chart's inventory stays", () => {
    expect(dexValues()).toEqual(values);
    expect(JSON.stringify(dexValues())).not.toContain(DEX_CONFIG_CHECKSUM_ANNOTATION);
  });
});
