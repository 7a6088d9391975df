import { describe, it, expect, beforeAll } from "vitest";
import type { NodePoolConfig } from "../../config";
import {
  ACCELERATOR_LABEL,
  DEVICE_PLUGIN_CONFIG_LABEL,
  GPU_TAINT,
  MIG_CONFIG_LABEL,
  SYSTEM_TAINT,
  amiTypeFor,
  launchTemplateData,
  nodeTemplateTags,
  poolLabels,
  poolTaints,
} from "../../components/nodes";
import { migResourcesPerNode } from "../../domain/gpu-capacity";
import type { PlanResult } from "../../scripts/plan/run";
import { fixtureStack } from "../helpers/stack";
import { AWS_PROVIDER, T, input, one, ofType, plan, type Res } from "./plan-query";

type PoolInput = { name: string; role: string; minSize: number; maxSize: number; desiredSize?: number; capacityType?: string };
const prodPools = fixtureStack("prod").nodePools as PoolInput[];
const devPools = fixtureStack("dev").nodePools as PoolInput[];
const COST_TAGS = { env: "prod", "cost-center": "ml-platform", owner: "platform-team", "managed-by": "pulumi" };

function pool(overrides: Partial<NodePoolConfig>): NodePoolConfig {
  return {
    name: "p",
    role: "cpu",
    instanceTypes: ["m6i.large"],
    capacityType: "on-demand",
    minSize: 0,
    desiredSize: 0,
    maxSize: 1,
    diskSizeGiB: 100,
    labels: {},
    taints: [],
    gpuSharing: { mode: "exclusive" },
    ...overrides,
  };
}

let prod: PlanResult;
let dev: PlanResult;

beforeAll(async () => {
  prod = await plan("prod");
  dev = await plan("dev");
});

describe("pool helpers (pure)", () => {
  it("taints GPU pools with nvidia.com/gpu and the system pool with CriticalAddonsOnly; CPU pools stay untainted", () => {
    expect(poolTaints(pool({ role: "gpu", instanceTypes: ["g6.xlarge"] }))).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
    expect(poolTaints(pool({ role: "system" }))).toEqual([{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]);
    expect(poolTaints(pool({ role: "cpu" }))).toEqual([]);
    expect(GPU_TAINT).toEqual({ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" });
    expect(SYSTEM_TAINT.key).toBe("CriticalAddonsOnly");
  });

  it("does not duplicate the GPU taint when a user taint has the same key, and keeps other user taints in EKS form", () => {
    const taints = poolTaints(
      pool({
        role: "gpu",
        instanceTypes: ["g6.xlarge"],
        taints: [
          { key: "nvidia.com/gpu", value: "false", effect: "NoExecute" },
          { key: "team", value: "nlp", effect: "PreferNoSchedule" },
        ],
      }),
    );
    expect(taints).toEqual([GPU_TAINT, { key: "team", value: "nlp", effect: "PREFER_NO_SCHEDULE" }]);
    expect(poolTaints(pool({ taints: [{ key: "x", effect: "NoExecute" }] }))).toEqual([{ key: "x", value: undefined, effect: "NO_EXECUTE" }]);
  });

  it("labels pools with name and role, and GPU pools with accelerator and sharing labels", () => {
    expect(poolLabels(pool({ name: "cpu", labels: { tier: "batch" } }))).toEqual({ tier: "batch", "mlops.platform/pool": "cpu", "mlops.platform/role": "cpu" });
    const sliced = poolLabels(pool({ name: "inf", role: "gpu", instanceTypes: ["g6e.xlarge"], gpuSharing: { mode: "time-slicing", replicas: 2 } }));
    expect(sliced).toMatchObject({ [ACCELERATOR_LABEL]: "nvidia-l40s", [DEVICE_PLUGIN_CONFIG_LABEL]: "inf" });
    expect(sliced[MIG_CONFIG_LABEL]).toBeUndefined();
    const mig = poolLabels(pool({ name: "train", role: "gpu", instanceTypes: ["p5.48xlarge"], gpuSharing: { mode: "mig", profile: "all-1g.10gb" } }));
    expect(mig).toMatchObject({ [ACCELERATOR_LABEL]: "nvidia-h100", [MIG_CONFIG_LABEL]: "all-1g.10gb" });
    expect(mig[DEVICE_PLUGIN_CONFIG_LABEL]).toBeUndefined();
    const exclusive = poolLabels(pool({ role: "gpu", instanceTypes: ["g6.xlarge"] }));
    expect(Object.keys(exclusive).sort()).toEqual([ACCELERATOR_LABEL, "mlops.platform/pool", "mlops.platform/role"]);
  });

  it("chooses the NVIDIA AL2023 AMI for GPU pools only", () => {
    expect(amiTypeFor(pool({ role: "gpu" }))).toBe("AL2023_x86_64_NVIDIA");
    expect(amiTypeFor(pool({ role: "system" }))).toBe("AL2023_x86_64_STANDARD");
    expect(amiTypeFor(pool({ role: "cpu" }))).toBe("AL2023_x86_64_STANDARD");
  });

  it("builds launch-template data with IMDSv2 (hop limit 1), an encrypted gp3 root volume and tags on instances and volumes", () => {
    const data = launchTemplateData(pool({ name: "cpu", diskSizeGiB: 80 }), { env: "dev", owner: "o" });
    expect(data.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
    expect(data.blockDeviceMappings).toEqual([
      { deviceName: "/dev/xvda", ebs: { volumeSize: 80, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
    ]);
    expect(data.tagSpecifications.map((t) => t.resourceType)).toEqual(["instance", "volume", "network-interface"]);
    for (const t of data.tagSpecifications) expect(t.tags).toEqual({ env: "dev", owner: "o", "mlops.platform/pool": "cpu" });
  });
});

describe("autoscaler node-template hints for MIG pools (pure)", () => {
  it("counts MIG instances per node from the operator's layout for the pool's GPU model, not from 7 / slices", () => {
    expect(migResourcesPerNode({ instanceTypes: ["p5.48xlarge"] }, "all-1g.10gb")).toEqual({ "nvidia.com/mig-1g.10gb": 56 });
    // A 40 GB A100 fits only four 1g.10gb instances (NVIDIA's mig-parted config), not seven.
    expect(migResourcesPerNode({ instanceTypes: ["p4d.24xlarge"] }, "all-1g.10gb")).toEqual({ "nvidia.com/mig-1g.10gb": 32 });
    expect(migResourcesPerNode({ instanceTypes: ["p4de.24xlarge"] }, "all-balanced")).toEqual({
      "nvidia.com/mig-1g.10gb": 16,
      "nvidia.com/mig-2g.20gb": 8,
      "nvidia.com/mig-3g.40gb": 8,
    });
    // H200s have no 1g.10gb profile: nothing to promise.
    expect(migResourcesPerNode({ instanceTypes: ["p5e.48xlarge"] }, "all-1g.10gb")).toEqual({});
  });

  it("tags a MIG pool with its MIG resource count per node, and nothing else", () => {
    const mig = pool({ role: "gpu", instanceTypes: ["p5.48xlarge"], gpuSharing: { mode: "mig", profile: "all-1g.10gb" } });
    expect(nodeTemplateTags(mig)).toEqual({ "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/mig-1g.10gb": "56" });
    expect(nodeTemplateTags(pool({ role: "gpu", instanceTypes: ["g6.xlarge"], gpuSharing: { mode: "time-slicing", replicas: 4 } }))).toEqual({});
    // all-balanced cuts three sizes per H100 (2 × 1g.10gb, 1 × 2g.20gb, 1 × 3g.40gb): one tag per size, 8 GPUs per node.
    expect(nodeTemplateTags(pool({ role: "gpu", instanceTypes: ["p5.48xlarge"], gpuSharing: { mode: "mig", profile: "all-balanced" } }))).toEqual({
      "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/mig-1g.10gb": "16",
      "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/mig-2g.20gb": "8",
      "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/mig-3g.40gb": "8",
    });
    // A profile the pool's GPU model lacks (H200s have no 1g.10gb): no promise at all.
    expect(nodeTemplateTags(pool({ role: "gpu", instanceTypes: ["p5e.48xlarge"], gpuSharing: { mode: "mig", profile: "all-1g.10gb" } }))).toEqual({});
  });
});

describe("NodePools component (prod)", () => {
  const template = (name: string) => one(prod, T.launchTemplate, `mlops-prod-nodes-${name}`);
  const group = (name: string) => one(prod, T.nodeGroup, `mlops-prod-nodes-${name}`);

  it("creates one launch template and one node group per pool, children of NodePools on the aws provider", () => {
    const component = one(prod, T.nodePools, "mlops-prod-nodes");
    expect(component.parent).toBeNull();
    expect(
      ofType(prod, T.launchTemplate)
        .map((r) => r.name)
        .sort(),
    ).toEqual(prodPools.map((p) => `mlops-prod-nodes-${p.name}`).sort());
    expect(
      ofType(prod, T.nodeGroup)
        .map((r) => r.name)
        .sort(),
    ).toEqual(prodPools.map((p) => `mlops-prod-nodes-${p.name}`).sort());
    for (const r of [...ofType(prod, T.launchTemplate), ...ofType(prod, T.nodeGroup)]) {
      expect(r.parent).toBe(component.urn);
      expect(r.provider).toContain(AWS_PROVIDER);
    }
  });

  it("enforces IMDSv2 with hop limit 1 and encrypts gp3 root volumes with the ebs key", () => {
    for (const p of prodPools) {
      const lt = template(p.name);
      expect(input(lt, "metadataOptions")).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
      const ebs = input<Record<string, unknown>[]>(lt, "blockDeviceMappings")[0].ebs as Record<string, unknown>;
      expect(ebs).toMatchObject({ encrypted: "true", volumeType: "gp3", kmsKeyId: "<computed:mlops-prod-ebs.arn>" });
      expect(ebs.volumeSize).toBe(p.role === "gpu" ? 200 : p.role === "system" ? 50 : 100);
      expect(lt.dependsOn).toContain(one(prod, T.kmsKey, "mlops-prod-ebs").urn);
    }
  });

  it("tags instances and volumes with the cost tags and the pool", () => {
    for (const p of prodPools) {
      const specs = input<{ resourceType: string; tags: Record<string, string> }[]>(template(p.name), "tagSpecifications");
      for (const kind of ["instance", "volume"]) {
        const spec = specs.find((s) => s.resourceType === kind);
        expect(spec?.tags, `${p.name} ${kind}`).toMatchObject({ ...COST_TAGS, "mlops.platform/pool": p.name });
      }
    }
  });

  it("runs node groups from their launch template, on all private subnets, at the control plane's version", () => {
    for (const p of prodPools) {
      const ng = group(p.name);
      expect(ng.inputs).toMatchObject({
        clusterName: "mlops-prod",
        version: "1.35",
        nodeGroupNamePrefix: `${p.name}-`,
        nodeRoleArn: "<computed:mlops-prod-nodes-node.arn>",
        launchTemplate: { id: `<computed:mlops-prod-nodes-${p.name}.id>`, version: `<computed:mlops-prod-nodes-${p.name}.latestVersion>` },
        nodeRepairConfig: { enabled: true },
      });
      expect(ng.inputs.subnetIds).toEqual(["a", "b", "c"].map((z) => `<computed:mlops-prod-private-us-east-1${z}.id>`));
      expect(ng.dependsOn).toContain(template(p.name).urn);
    }
  });

  it("uses the NVIDIA AMI for GPU pools and the standard AMI otherwise", () => {
    for (const p of prodPools) expect(group(p.name).inputs.amiType).toBe(p.role === "gpu" ? "AL2023_x86_64_NVIDIA" : "AL2023_x86_64_STANDARD");
  });

  it("takes scaling from the stack file, GPU pools from zero", () => {
    for (const p of prodPools) {
      expect(group(p.name).inputs.scalingConfig).toEqual({ minSize: p.minSize, desiredSize: p.desiredSize ?? p.minSize, maxSize: p.maxSize });
    }
    expect(input(group("gpu-training"), "scalingConfig.minSize")).toBe(0);
    expect(input(group("gpu-inference"), "scalingConfig")).toEqual({ minSize: 0, desiredSize: 0, maxSize: 8 });
    expect(input(group("system"), "scalingConfig")).toEqual({ minSize: 3, desiredSize: 3, maxSize: 6 });
  });

  it("taints GPU pools and the system pool, and labels GPU pools with the accelerator", () => {
    for (const p of prodPools.filter((x) => x.role === "gpu")) {
      expect(group(p.name).inputs.taints).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
      expect(input<Record<string, string>>(group(p.name), "labels")[ACCELERATOR_LABEL]).toMatch(/^nvidia-/);
    }
    expect(group("system").inputs.taints).toEqual([{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]);
    expect(group("cpu").inputs.taints).toEqual([]);
    expect(input(group("system"), "labels")).toEqual({ "mlops.platform/pool": "system", "mlops.platform/role": "system" });
  });

  it("labels the time-sliced pool with its device-plugin config and the MIG pool with its layout", () => {
    expect(input(group("gpu-inference"), "labels")).toEqual({
      "mlops.platform/pool": "gpu-inference",
      "mlops.platform/role": "gpu",
      [ACCELERATOR_LABEL]: "nvidia-l40s",
      "nvidia.com/device-plugin.config": "gpu-inference",
    });
    expect(input(group("gpu-training"), "labels")).toEqual({
      "mlops.platform/pool": "gpu-training",
      "mlops.platform/role": "gpu",
      [ACCELERATOR_LABEL]: "nvidia-h100",
      "nvidia.com/mig.config": "all-1g.10gb",
    });
  });

  it("tags the MIG pool's auto scaling group so the autoscaler can grow it from zero", () => {
    const tags = ofType(prod, "aws:autoscaling/tag:Tag");
    expect(tags).toHaveLength(1);
    expect(tags[0].name).toBe("mlops-prod-nodes-gpu-training-mig-1g.10gb");
    expect(tags[0].inputs.autoscalingGroupName).toBe("<computed:mlops-prod-nodes-gpu-training.autoscalingGroupName>");
    expect(tags[0].inputs.tag).toEqual({
      key: "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/mig-1g.10gb",
      value: "56",
      propagateAtLaunch: false,
    });
  });

  it("runs prod pools on demand", () => {
    for (const p of prodPools) expect(group(p.name).inputs.capacityType).toBe("ON_DEMAND");
  });

  it("gives the node role exactly the worker, ECR pull-only and SSM policies (no CNI policy)", () => {
    const role = one(prod, T.role, "mlops-prod-nodes-node");
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal).toEqual({ Service: "ec2.amazonaws.com" });
    const attached = ofType(prod, T.rpa).filter((a) => a.parent === role.parent);
    expect(attached.map((a) => a.inputs.policyArn).sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
    for (const a of attached) expect(a.inputs.role).toBe("<computed:mlops-prod-nodes-node.name>");
    const cniOnNodeRole = ofType(prod, T.rpa).filter((a: Res) => a.inputs.policyArn === "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
    expect(cniOnNodeRole.map((a) => a.inputs.role)).toEqual(["<computed:mlops-prod-vpc-cni.name>"]);
  });
});

describe("NodePools component (dev)", () => {
  const group = (name: string) => one(dev, T.nodeGroup, `mlops-dev-nodes-${name}`);

  it("runs the dev spot pools as SPOT and the system pool on demand", () => {
    for (const p of devPools) expect(group(p.name).inputs.capacityType).toBe(p.capacityType === "spot" ? "SPOT" : "ON_DEMAND");
    expect(group("cpu").inputs.capacityType).toBe("SPOT");
    expect(group("gpu").inputs.capacityType).toBe("SPOT");
    expect(group("system").inputs.capacityType).toBe("ON_DEMAND");
  });

  it("labels the time-sliced dev GPU pool with its own config name and takes scaling from the stack", () => {
    expect(input(group("gpu"), "labels")).toMatchObject({ "nvidia.com/device-plugin.config": "gpu", [ACCELERATOR_LABEL]: "nvidia-l4" });
    expect(input(group("gpu"), "scalingConfig")).toEqual({ minSize: 0, desiredSize: 0, maxSize: 2 });
    expect(input(group("system"), "scalingConfig")).toEqual({ minSize: 1, desiredSize: 2, maxSize: 3 });
  });

  it("tags dev instances with env dev", () => {
    const specs = input<{ resourceType: string; tags: Record<string, string> }[]>(one(dev, T.launchTemplate, "mlops-dev-nodes-gpu"), "tagSpecifications");
    expect(specs.find((s) => s.resourceType === "instance")?.tags).toMatchObject({
      env: "dev",
      "cost-center": "ml-platform",
      owner: "platform-team",
      "managed-by": "pulumi",
    });
  });
});
