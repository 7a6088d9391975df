import { environmentOf, stackPolicy } from "../lib/define";

export const vpcFlowLogs = stackPolicy(
  {
    name: "vpc-flow-logs",
    description: "In prod every VPC has flow logs.",
    severity: "medium",
    controls: ["NET-05"],
  },
  (args, report) => {
    for (const vpc of args.resources.filter((r) => r.type === "aws:ec2/vpc:Vpc")) {
      if (environmentOf({ urn: vpc.urn, getConfig: args.getConfig }) !== "prod") continue;
      // Flow logs name the VPC by its (computed) id: match by parent component instead.
      const logged = args.resources.some((r) => r.type === "aws:ec2/flowLog:FlowLog" && (r.props.vpcId === vpc.props.id || r.parent?.urn === vpc.parent?.urn));
      if (!logged) report(`VPC ${vpc.name} has no flow log`, vpc.urn);
    }
  },
);
