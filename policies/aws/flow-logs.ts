import { COMPUTED_PREFIX, environmentOf, isKnownString, stackPolicy } from "../lib/define";

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
      // Flow logs name the VPC by its id, computed in the same run: match the id where known, else the same
      // parent component (our Network creates both).
      const ids = [vpc.props.id, `${COMPUTED_PREFIX}${vpc.name}.id>`].filter((v) => typeof v === "string");
      const logged = args.resources.some((r) => {
        if (r.type !== "aws:ec2/flowLog:FlowLog" || r.props.vpcId === undefined) return false;
        if (ids.includes(r.props.vpcId)) return true;
        // An unknown id (a real preview) falls back to the shared parent; a known id of another VPC never does.
        return !isKnownString(r.props.vpcId) && vpc.parent !== undefined && r.parent?.urn === vpc.parent.urn;
      });
      if (!logged) report(`VPC ${vpc.name} has no flow log`, vpc.urn);
    }
  },
);
