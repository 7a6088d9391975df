import { isComputed, resourcePolicy } from "../lib/define";

export const vpcCniNetworkPolicy = resourcePolicy(
  {
    name: "vpc-cni-network-policy",
    description: 'The VPC CNI add-on enforces Kubernetes NetworkPolicy (enableNetworkPolicy "true").',
    severity: "high",
    controls: ["EKS-06", "NS-04"],
  },
  ["aws:eks/addon:Addon"],
  (props, _args, report) => {
    if (props.addonName !== "vpc-cni") return;
    if (isComputed(props.configurationValues)) return; // known only at deploy: the preview checks it
    let values: { enableNetworkPolicy?: unknown };
    try {
      values = props.configurationValues ? JSON.parse(props.configurationValues) : {};
    } catch {
      report("vpc-cni configurationValues is not JSON");
      return;
    }
    if (values.enableNetworkPolicy !== "true")
      report('vpc-cni configurationValues must set enableNetworkPolicy to "true"; without it NetworkPolicies are not enforced');
  },
);
