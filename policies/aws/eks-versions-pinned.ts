import { resourcePolicy } from "../lib/define";

export const eksVersionsPinned = resourcePolicy(
  {
    name: "eks-versions-pinned",
    description: "EKS control plane, node groups and add-ons carry explicit versions.",
    severity: "medium",
    controls: ["EKS-04", "OPS-04"],
  },
  ["aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:eks/addon:Addon"],
  (props, args, report) => {
    if (args.type === "aws:eks/addon:Addon") {
      if (!props.addonVersion) report(`add-on ${props.addonName} has no addonVersion`);
    } else if (!props.version) report("version must be set explicitly");
  },
);
