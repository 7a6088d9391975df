import { describe, it, expect } from "vitest";
import { Testing } from "cdk8s";
import { parse } from "yaml";
import {
  DEFAULT_SHARING_KEY,
  DEVICE_PLUGIN_CONFIG_MAP,
  GPU_OPERATOR_NAMESPACE,
  GpuOperatorChart,
  devicePluginConfig,
  gpuOperatorObjects,
} from "../../charts/gpu-operator";
import { podSecurityLabels } from "../../charts/pod-security";
import { POD_SECURITY_VERSION } from "../../domain/versions";
import { validateObjects } from "../../scripts/plan/validate";
import type { KubeObject } from "../../scripts/plan/extract";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; data?: Record<string, string> };

const objects = gpuOperatorObjects({
  sharing: {
    default: { mode: "exclusive" },
    inference: { mode: "time-slicing", replicas: 4 },
    notebooks: { mode: "time-slicing", replicas: 8 },
  },
  migStrategy: "mixed",
  commonLabels: { team: "platform", "cost-center": "cc-1" },
}) as Obj[];
const namespace = objects.find((o) => o.kind === "Namespace")!;
const configMap = objects.find((o) => o.kind === "ConfigMap")!;

describe("gpu-operator chart: namespace", () => {
  it("synthesizes the Namespace and the sharing and DCGM ConfigMaps with fixed names (no cdk8s hash)", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Namespace/gpu-operator", "ConfigMap/device-plugin-config", "ConfigMap/dcgm-metrics"]);
    expect(GPU_OPERATOR_NAMESPACE).toBe("gpu-operator");
    expect(DEVICE_PLUGIN_CONFIG_MAP).toBe("device-plugin-config");
  });

  it("enforces privileged with the pinned version, and warns and audits at restricted", () => {
    expect(namespace.metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "privileged",
      "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": POD_SECURITY_VERSION,
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": POD_SECURITY_VERSION,
    });
    expect(POD_SECURITY_VERSION).toMatch(/^v1\.\d+$/);
  });

  it("stamps the common labels on every object", () => {
    for (const o of objects) expect(o.metadata.labels).toMatchObject({ team: "platform", "cost-center": "cc-1" });
  });

  it("matches Testing.synth of the same chart", () => {
    const app = Testing.app();
    const chart = new GpuOperatorChart(app, "gpu-operator", { sharing: { default: { mode: "exclusive" } } });
    const synth = Testing.synth(chart) as Obj[];
    expect(synth.map((o) => o.kind)).toEqual(["Namespace", "ConfigMap", "ConfigMap"]);
    expect(synth[1].metadata).toMatchObject({ name: "device-plugin-config", namespace: "gpu-operator" });
  });
});

describe("gpu-operator chart: device-plugin ConfigMap", () => {
  it("lives in the operator namespace with one key per config", () => {
    expect(configMap.metadata.namespace).toBe("gpu-operator");
    expect(Object.keys(configMap.data!).sort()).toEqual(["default", "inference", "notebooks"]);
    expect(DEFAULT_SHARING_KEY).toBe("default");
  });

  it("renders time-slicing with replicas per GPU and one slice per request", () => {
    const inference = parse(configMap.data!.inference);
    expect(inference.version).toBe("v1");
    expect(inference.flags).toEqual({ migStrategy: "mixed" });
    expect(inference.sharing.timeSlicing.resources[0]).toEqual({ name: "nvidia.com/gpu", replicas: 4 });
    expect(inference.sharing.timeSlicing.resources).toHaveLength(1);
    expect(inference.sharing.timeSlicing.failRequestsGreaterThanOne).toBe(true);
    expect(inference.sharing.timeSlicing.renameByDefault).toBe(false);
    expect(parse(configMap.data!.notebooks).sharing.timeSlicing.resources[0].replicas).toBe(8);
  });

  it("renders exclusive sharing without a `sharing` key", () => {
    const exclusive = parse(configMap.data!.default);
    expect(exclusive).toEqual({ version: "v1", flags: { migStrategy: "mixed" } });
    expect("sharing" in exclusive).toBe(false);
  });

  it("defaults the MIG strategy to none", () => {
    const [, cm] = gpuOperatorObjects({ sharing: { default: { mode: "exclusive" } } }) as Obj[];
    expect(parse(cm.data!.default).flags).toEqual({ migStrategy: "none" });
  });

  it("treats MIG sharing like exclusive in the device plugin (layouts come from mig-manager)", () => {
    expect(devicePluginConfig({ mode: "mig", profile: "all-1g.10gb" }, "single")).toEqual({ version: "v1", flags: { migStrategy: "single" } });
  });
});

describe("gpu-operator chart: API schema", () => {
  it("passes the Kubernetes 1.35 API schema (1.33 and 1.36 models)", async () => {
    expect(await validateObjects(objects as unknown as KubeObject[], "1.35")).toEqual([]);
  });

  it("pod security labels default warn/audit to restricted", () => {
    expect(podSecurityLabels("baseline")).toEqual({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": POD_SECURITY_VERSION,
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": POD_SECURITY_VERSION,
    });
  });
});
