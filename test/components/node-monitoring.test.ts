/** The EKS node monitoring agent add-on: its configuration (pure) and where the plan puts it (EKS only). */
import { beforeAll, describe, expect, it } from "vitest";
import { WORKLOAD_ADDONS, addonConfiguration, nodeMonitoringAgentConfiguration, tolerationsFor } from "../../components/cluster";
import { GPU_TAINT, SYSTEM_TAINT } from "../../components/nodes";
import { EKS_VERSIONS } from "../../domain/versions";
import type { PlanResult } from "../../scripts/plan/run";
import { fixtureStack, stackConfig } from "../helpers/stack";
import { T, ofType, one, plan } from "./plan-query";

const ADDON = "eks-node-monitoring-agent";
const GPU_TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

let prod: PlanResult;
let local: PlanResult;
let tainted: PlanResult;

beforeAll(async () => {
  prod = await plan("prod");
  local = await plan("local");
  // A GPU pool with a taint of its own, beside the GPU taint every GPU pool gets.
  const cfg = structuredClone(fixtureStack("prod"));
  const pools = cfg.nodePools as { role: string; taints?: unknown[] }[];
  const gpuPool = pools.find((p) => p.role === "gpu");
  if (!gpuPool) throw new Error("the prod fixture has no GPU pool");
  gpuPool.taints = [{ key: "example.com/reserved", value: "training", effect: "NoExecute" }];
  tainted = await plan("prod", stackConfig(cfg));
});

const agentAddon = (p: PlanResult) => one(p, T.addon, `mlops-prod-addons-${ADDON}`);
const configurationOf = (p: PlanResult) => JSON.parse(agentAddon(p).inputs.configurationValues as string);

describe("node monitoring agent configuration (pure)", () => {
  it("makes the dcgm-server DaemonSet tolerate the GPU taint, whatever its value", () => {
    expect(GPU_TAINT).toMatchObject({ key: "nvidia.com/gpu", effect: "NO_SCHEDULE" });
    expect(nodeMonitoringAgentConfiguration()).toEqual({ dcgmAgent: { tolerations: [GPU_TOLERATION] } });
    expect(JSON.parse(addonConfiguration(ADDON) ?? "{}")).toEqual(nodeMonitoringAgentConfiguration());
  });

  it("adds one toleration per further key and effect, in Kubernetes spelling, without repeating the GPU taint", () => {
    const own = { key: "example.com/reserved", value: "a", effect: "NO_EXECUTE" } as const;
    expect(tolerationsFor([GPU_TAINT, own, { ...own, value: "b" }, SYSTEM_TAINT])).toEqual([
      GPU_TOLERATION,
      { key: "example.com/reserved", operator: "Exists", effect: "NoExecute" },
      { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" },
    ]);
  });

  it("sets only fields of the add-on's configuration schema at v1.7.0 (dcgmAgent.tolerations)", () => {
    // charts/configuration.schema.json: additionalProperties false at every level, tolerations an array of objects.
    const config = nodeMonitoringAgentConfiguration([SYSTEM_TAINT]);
    expect(Object.keys(config)).toEqual(["dcgmAgent"]);
    expect(Object.keys(config.dcgmAgent as object)).toEqual(["tolerations"]);
  });

  it("is a workload add-on, pinned for every supported Kubernetes minor", () => {
    expect(WORKLOAD_ADDONS).toContain(ADDON);
    for (const [minor, entry] of Object.entries(EKS_VERSIONS)) expect(entry.addons[ADDON], minor).toMatch(/^v1\.7\.0-eksbuild\.\d+$/);
  });
});

describe("node monitoring agent in the plan", () => {
  it("is planned on EKS once, under WorkloadAddons, at the pinned version and without an AWS role", () => {
    const addons = ofType(prod, T.addon).filter((a) => a.inputs.addonName === ADDON);
    expect(addons).toHaveLength(1);
    expect(agentAddon(prod).inputs).toMatchObject({ clusterName: "mlops-prod", addonVersion: EKS_VERSIONS["1.35"].addons[ADDON] });
    expect(agentAddon(prod).parent).toBe(one(prod, T.workloadAddons, "mlops-prod-addons").urn);
    expect(agentAddon(prod).inputs.podIdentityAssociations).toBeUndefined();
    expect(ofType(prod, T.role).map((r) => r.name)).not.toContain(`mlops-prod-addons-${ADDON}`);
  });

  it("waits for the node groups, like the other add-ons with pods", () => {
    const groups = ofType(prod, T.nodeGroup);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(agentAddon(prod).dependsOn).toContain(g.urn);
  });

  it("carries the GPU toleration in its configuration values", () => {
    expect(configurationOf(prod)).toEqual({ dcgmAgent: { tolerations: [GPU_TOLERATION] } });
  });

  it("also tolerates a GPU pool's own taints", () => {
    expect(configurationOf(tainted).dcgmAgent.tolerations).toEqual([GPU_TOLERATION, { key: "example.com/reserved", operator: "Exists", effect: "NoExecute" }]);
  });

  it("is not planned on an existing cluster, which gets no EKS add-ons at all", () => {
    expect(local.resources.length).toBeGreaterThan(0);
    expect(ofType(local, T.addon)).toEqual([]);
    expect(local.resources.filter((r) => JSON.stringify(r.inputs).includes(ADDON))).toEqual([]);
  });
});

describe("node auto repair", () => {
  it("is enabled on every managed node group, GPU pools included", () => {
    const groups = ofType(prod, T.nodeGroup);
    expect(groups.filter((g) => g.name.includes("gpu")).length).toBeGreaterThan(0);
    for (const g of groups) expect(g.inputs.nodeRepairConfig, g.name).toEqual({ enabled: true });
  });
});
