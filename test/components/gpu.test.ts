import { describe, it, expect, beforeAll } from "vitest";
import { parse } from "yaml";
import { gpuOperatorValues, sharingConfigs } from "../../components/gpu";
import { CHARTS } from "../../domain/versions";
import type { PlanResult } from "../../scripts/plan/run";
import { parseYamlStream } from "../../scripts/plan/extract";
import { AWS_PROVIDER, T, childrenOf, input, one, plan, type Res } from "./plan-query";

const CRITICAL = [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }];
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; data?: Record<string, string> };

let prod: PlanResult;
let dev: PlanResult;
let local: PlanResult;

beforeAll(async () => {
  prod = await plan("prod");
  dev = await plan("dev");
  local = await plan("local");
});

// createObjectGroup passes the objects as one YAML stream.
const objs = (group: Res) => parseYamlStream(group.inputs.yaml as string) as Obj[];

describe("sharingConfigs (pure)", () => {
  it("publishes `default` plus one entry per time-sliced pool only", () => {
    expect(
      sharingConfigs({
        poolSharing: {
          inference: { mode: "time-slicing", replicas: 2 },
          training: { mode: "mig", profile: "all-1g.10gb" },
          batch: { mode: "exclusive" },
        },
      }),
    ).toEqual({ default: { mode: "exclusive" }, inference: { mode: "time-slicing", replicas: 2 } });
  });

  it("uses the configured default sharing", () => {
    expect(sharingConfigs({ defaultSharing: { mode: "time-slicing", replicas: 4 } })).toEqual({ default: { mode: "time-slicing", replicas: 4 } });
    expect(sharingConfigs({})).toEqual({ default: { mode: "exclusive" } });
  });
});

describe("gpuOperatorValues (pure)", () => {
  const nfdOf = (values: Record<string, unknown>) => values["node-feature-discovery"] as Record<string, Record<string, unknown>>;
  const base = { driver: "preinstalled", toolkit: "preinstalled", migStrategy: "none", migManager: false, dcgmExporter: true } as const;

  it("places the operator and NFD controllers on the system pool only when asked", () => {
    const onEks = gpuOperatorValues({ ...base, systemPool: true });
    expect(onEks.operator).toEqual({ nodeSelector: { "mlops.platform/role": "system" }, tolerations: CRITICAL });
    expect(onEks["node-feature-discovery"]).toMatchObject({ master: onEks.operator, gc: onEks.operator });
    expect(nfdOf(onEks).worker).not.toHaveProperty("nodeSelector");
    const anywhere = gpuOperatorValues({ ...base, driver: "operator", toolkit: "operator", systemPool: false });
    expect(anywhere.operator).toBeUndefined();
    for (const part of ["master", "gc", "worker"]) expect(nfdOf(anywhere)[part], part).not.toHaveProperty("nodeSelector");
    expect(anywhere).toMatchObject({ driver: { enabled: true }, toolkit: { enabled: true } });
  });

  it("gives NFD's master, gc and worker pods the runtime's seccomp profile, placed or not (POD-04)", () => {
    for (const systemPool of [true, false]) {
      const nfd = nfdOf(gpuOperatorValues({ ...base, systemPool }));
      for (const part of ["master", "gc", "worker"]) expect(nfd[part].podSecurityContext, part).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    }
  });
});

describe("GpuOperator on EKS (prod)", () => {
  const component = () => one(prod, T.gpuOperator, "gpu-operator");
  const chart = () => one(prod, T.chart, "gpu-operator");
  const group = () => one(prod, T.configGroup, "gpu-operator-base");

  it("is a top-level component with exactly the ConfigGroup and the chart, both on the cluster's kubernetes provider", () => {
    expect(component().parent).toBeNull();
    expect(
      childrenOf(prod, component())
        .map((c) => `${c.type} ${c.name}`)
        .sort(),
    ).toEqual([`${T.chart} gpu-operator`, `${T.configGroup} gpu-operator-base`]);
    for (const r of [chart(), group()]) {
      expect(r.provider).toBe("urn:pulumi:prod::mlops-platform::pulumi:providers:kubernetes::mlops-prod");
      expect(r.provider).not.toContain(AWS_PROVIDER);
    }
  });

  it("deploys the catalogue's gpu-operator chart into its own namespace", () => {
    const ref = CHARTS.gpuOperator;
    expect(chart().type).toBe("kubernetes:helm.sh/v4:Chart");
    expect(chart().inputs).toMatchObject({ chart: ref.chart, version: ref.version, repositoryOpts: { repo: ref.repo }, namespace: "gpu-operator" });
  });

  it("leaves driver and toolkit to the AMI, reads our device-plugin config and uses the mixed MIG strategy", () => {
    const v = input<Record<string, unknown>>(chart(), "values");
    expect(v).toMatchObject({
      driver: { enabled: false },
      toolkit: { enabled: false },
      devicePlugin: { config: { name: "device-plugin-config", default: "default", create: false } },
      mig: { strategy: "mixed" },
      migManager: { enabled: true },
      dcgmExporter: { enabled: true },
    });
  });

  it("places the operator on the system pool", () => {
    expect(input(chart(), "values.operator.tolerations")).toEqual(CRITICAL);
    expect(input(chart(), "values.operator.nodeSelector")).toEqual({ "mlops.platform/role": "system" });
    expect(input(chart(), "values.node-feature-discovery.master.tolerations")).toEqual(CRITICAL);
  });

  it("creates the ConfigGroup before the chart", () => {
    expect(group().type).toBe("kubernetes:yaml/v2:ConfigGroup");
    expect(chart().dependsOn).toContain(group().urn);
  });

  it("holds the privileged namespace and the device-plugin ConfigMap in the ConfigGroup", () => {
    const o = objs(group());
    expect(o.map((x) => `${x.apiVersion} ${x.kind} ${x.metadata.namespace ?? ""}/${x.metadata.name}`)).toEqual([
      "v1 Namespace /gpu-operator",
      "v1 ConfigMap gpu-operator/device-plugin-config",
      "v1 ConfigMap gpu-operator/dcgm-metrics",
    ]);
    expect(o[0].metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "privileged", team: "platform", "cost-center": "ml-platform" });
    expect(o[1].metadata.labels).toMatchObject({ team: "platform", "cost-center": "ml-platform" });
  });

  it("has a config for `default` and the time-sliced pool, not the MIG pool", () => {
    const data = objs(group())[1].data!;
    expect(Object.keys(data).sort()).toEqual(["default", "gpu-inference"]);
    expect(parse(data["gpu-inference"])).toEqual({
      version: "v1",
      flags: { migStrategy: "mixed" },
      sharing: { timeSlicing: { renameByDefault: false, failRequestsGreaterThanOne: true, resources: [{ name: "nvidia.com/gpu", replicas: 2 }] } },
    });
    expect(parse(data.default)).toEqual({ version: "v1", flags: { migStrategy: "mixed" } });
  });

  it("waits for the node groups and for the monitoring stack whose CRDs its ServiceMonitor needs", () => {
    // Component-level dependsOn: the GpuOperator waits on every node group and on Observability (expanded to its children).
    const groups = [...prod.resources].filter((r) => r.type === T.nodeGroup).map((r) => r.urn);
    const monitoring = prod.resources.filter((r) => r.parent?.endsWith("mlops:observability:Observability::monitoring")).map((r) => r.urn);
    expect(monitoring.length).toBeGreaterThan(0);
    expect(component().dependsOn.slice().sort()).toEqual([...groups, ...monitoring].sort());
  });
});

describe("GpuOperator on EKS (dev)", () => {
  it("publishes a 4-replica config for the dev GPU pool and no MIG", () => {
    const chart = one(dev, T.chart, "gpu-operator");
    expect(input(chart, "values.mig.strategy")).toBe("none");
    expect(input(chart, "values.migManager.enabled")).toBe(false);
    expect(input(chart, "values.driver.enabled")).toBe(false);
    const data = objs(one(dev, T.configGroup, "gpu-operator-base"))[1].data!;
    expect(Object.keys(data).sort()).toEqual(["default", "gpu"]);
    expect(parse(data.gpu).sharing.timeSlicing.resources).toEqual([{ name: "nvidia.com/gpu", replicas: 4 }]);
  });
});

describe("GpuOperator on an existing cluster (local)", () => {
  const chart = () => one(local, T.chart, "gpu-operator");

  it("lets the operator install driver and toolkit", () => {
    expect(input(chart(), "values.driver.enabled")).toBe(true);
    expect(input(chart(), "values.toolkit.enabled")).toBe(true);
    expect(input(chart(), "values.mig.strategy")).toBe("none");
  });

  it("does not pin anything to a system pool the cluster may not have", () => {
    const v = input<Record<string, unknown>>(chart(), "values");
    expect(v.operator).toBeUndefined();
    expect(JSON.stringify(v["node-feature-discovery"])).not.toContain("nodeSelector");
    expect(JSON.stringify(v)).not.toContain("CriticalAddonsOnly");
  });

  it("goes through the kubeconfig provider, with the ConfigGroup first and an exclusive default", () => {
    const group = one(local, T.configGroup, "gpu-operator-base");
    expect(chart().provider).toBe("urn:pulumi:local::mlops-platform::pulumi:providers:kubernetes::mlops-local");
    expect(group.provider).toBe(chart().provider);
    expect(chart().dependsOn).toContain(group.urn);
    const data = objs(group)[1].data!;
    expect(Object.keys(data)).toEqual(["default"]);
    expect(parse(data.default)).toEqual({ version: "v1", flags: { migStrategy: "none" } });
  });
});
