import { asArray, resourcePolicy } from "../lib/define";

const OPEN = ["0.0.0.0/0", "::/0"];
const WEB = [80, 443];

function openToWorld(rule: { cidrBlocks?: string[]; ipv6CidrBlocks?: string[]; cidrIpv4?: string; cidrIpv6?: string }): boolean {
  return [...asArray(rule.cidrBlocks), ...asArray(rule.ipv6CidrBlocks), ...asArray(rule.cidrIpv4), ...asArray(rule.cidrIpv6)].some((c) => OPEN.includes(c));
}

export const networkExposure = resourcePolicy(
  {
    name: "network-exposure",
    description:
      "Subnets never assign public IPs on launch; no security group ingress from the internet except 80/443; the default security group has no rules.",
    severity: "high",
    controls: ["NET-01", "NET-03", "NET-05"],
  },
  [
    "aws:ec2/subnet:Subnet",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  ],
  (props, args, report) => {
    switch (args.type) {
      case "aws:ec2/subnet:Subnet":
        if (props.mapPublicIpOnLaunch === true) report("mapPublicIpOnLaunch must be false");
        return;
      case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
        if ((props.ingress ?? []).length > 0 || (props.egress ?? []).length > 0) report("the VPC default security group must have no rules");
        return;
      default: {
        const rules = args.type === "aws:ec2/securityGroup:SecurityGroup" ? (props.ingress ?? []) : props.type === "egress" ? [] : [props];
        for (const r of rules) {
          // Protocol -1 ("all") opens every port whatever the port range says.
          const protocol = String(r.protocol ?? r.ipProtocol ?? "tcp").toLowerCase();
          const allPorts = protocol === "-1" || protocol === "all";
          const webOnly = !allPorts && r.fromPort === r.toPort && WEB.includes(r.fromPort);
          if (openToWorld(r) && !webOnly) report(`ingress ${allPorts ? "on every port" : `${r.fromPort}-${r.toPort}`} is open to the internet`);
        }
      }
    }
  },
);
