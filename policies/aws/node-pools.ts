import { resourcePolicy } from "../lib/define";

const GPU_AMI = /NVIDIA|GPU/;

export const nodePools = resourcePolicy(
  {
    name: "node-pools",
    description: "Node groups: min ≤ desired ≤ max, GPU groups tainted nvidia.com/gpu, the system group tainted CriticalAddonsOnly, no SSH remote access.",
    severity: "medium",
    controls: ["NODE-05", "NET-03"],
  },
  ["aws:eks/nodeGroup:NodeGroup"],
  (props, _args, report) => {
    const s = props.scalingConfig ?? {};
    if (!(s.minSize <= s.desiredSize && s.desiredSize <= s.maxSize))
      report(`scalingConfig needs min ≤ desired ≤ max (got ${s.minSize}/${s.desiredSize}/${s.maxSize})`);
    const taints: { key: string; effect: string }[] = props.taints ?? [];
    const has = (key: string) => taints.some((t) => t.key === key && t.effect === "NO_SCHEDULE");
    const gpu = GPU_AMI.test(props.amiType ?? "") || props.labels?.["mlops.platform/role"] === "gpu";
    if (gpu && !has("nvidia.com/gpu")) report("a GPU node group must carry the nvidia.com/gpu NoSchedule taint");
    if (props.labels?.["mlops.platform/role"] === "system" && !has("CriticalAddonsOnly"))
      report("the system node group must carry the CriticalAddonsOnly NoSchedule taint");
    if (props.remoteAccess) report("node groups must not enable SSH remote access; use SSM");
  },
);
