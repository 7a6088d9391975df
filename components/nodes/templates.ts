/**
 * Pure builders for node pools: labels, taints, launch-template data and autoscaler tags.
 * Kept free of Pulumi resources so every rule (NODE-01..05) is unit-tested directly.
 */
import type { NodePoolConfig } from "../../config";
import { instanceType } from "../../domain/instance-types";
import { migResourcesPerNode } from "../../domain/gpu-capacity";
import { AMI_TYPES } from "../../domain/versions";

export type EksTaintEffect = "NO_SCHEDULE" | "PREFER_NO_SCHEDULE" | "NO_EXECUTE";
export interface EksTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: EksTaintEffect;
}

const EFFECTS: Record<string, EksTaintEffect> = { NoSchedule: "NO_SCHEDULE", PreferNoSchedule: "PREFER_NO_SCHEDULE", NoExecute: "NO_EXECUTE" };

/** The taint that keeps everything but tolerating GPU workloads off GPU nodes (NODE-05). */
export const GPU_TAINT: EksTaint = { key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" };
/** The taint that reserves the system pool for cluster add-ons. */
export const SYSTEM_TAINT: EksTaint = { key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" };

/** Label cluster-autoscaler's AWS provider reads to recognise GPU node groups. */
export const ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator";
/** Labels the GPU operator reads per node: which device-plugin config and which MIG layout to apply. */
export const DEVICE_PLUGIN_CONFIG_LABEL = "nvidia.com/device-plugin.config";
export const MIG_CONFIG_LABEL = "nvidia.com/mig.config";

export function poolTaints(pool: NodePoolConfig): EksTaint[] {
  const own = pool.taints.map((t) => ({ key: t.key, value: t.value, effect: EFFECTS[t.effect] }));
  const base = pool.role === "system" ? [SYSTEM_TAINT] : pool.role === "gpu" ? [GPU_TAINT] : [];
  return [...base, ...own.filter((t) => !base.some((b) => b.key === t.key))];
}

export function poolLabels(pool: NodePoolConfig): Record<string, string> {
  const labels: Record<string, string> = { ...pool.labels, "mlops.platform/pool": pool.name, "mlops.platform/role": pool.role };
  if (pool.role === "gpu") {
    const model = instanceType(pool.instanceTypes[0])?.gpuModel ?? "unknown";
    labels[ACCELERATOR_LABEL] = `nvidia-${model.toLowerCase()}`;
    if (pool.gpuSharing.mode === "time-slicing") labels[DEVICE_PLUGIN_CONFIG_LABEL] = pool.name;
    if (pool.gpuSharing.mode === "mig") labels[MIG_CONFIG_LABEL] = pool.gpuSharing.profile;
  }
  return labels;
}

export function amiTypeFor(pool: NodePoolConfig): string {
  return pool.role === "gpu" ? AMI_TYPES.gpu : AMI_TYPES.cpu;
}

/**
 * Launch-template data: IMDSv2 only with hop limit 1 so pods cannot reach node credentials (NODE-01/02),
 * an encrypted gp3 root volume with our key (NODE-03), and tags that reach instances and volumes, which
 * node-group tags do not (OPS-01). No network interfaces: nodes sit in private subnets without public IPs.
 */
export function launchTemplateData(pool: NodePoolConfig, tags: Readonly<Record<string, string>>) {
  const resourceTags = { ...tags, "mlops.platform/pool": pool.name };
  return {
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
    blockDeviceMappings: [
      {
        deviceName: "/dev/xvda",
        ebs: { volumeSize: pool.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      },
    ],
    tagSpecifications: (["instance", "volume", "network-interface"] as const).map((resourceType) => ({ resourceType, tags: resourceTags })),
  };
}

/**
 * ASG tags cluster-autoscaler reads to build a node from nothing. Labels and taints it gets from
 * eks:DescribeNodegroup, and it knows nvidia.com/gpu per instance type; MIG resources it can only learn
 * from these tags, so a MIG pool at zero would otherwise never scale up.
 */
export function nodeTemplateTags(pool: NodePoolConfig): Record<string, string> {
  if (pool.role !== "gpu" || pool.gpuSharing.mode !== "mig") return {};
  const resources = migResourcesPerNode(pool, pool.gpuSharing.profile);
  return Object.fromEntries(
    Object.entries(resources).map(([resource, count]) => [`k8s.io/cluster-autoscaler/node-template/resources/${resource}`, String(count)]),
  );
}
