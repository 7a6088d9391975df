import { environmentOf, resourcePolicy } from "../lib/define";

const OPEN = ["0.0.0.0/0", "::/0"];

export const eksEndpointAccess = resourcePolicy(
  {
    name: "eks-endpoint-access",
    description: "EKS API endpoint: private access on; public access never in prod and elsewhere only for listed CIDRs, never the whole internet.",
    severity: "critical",
    controls: ["EKS-01"],
  },
  ["aws:eks/cluster:Cluster"],
  (props, args, report) => {
    const vpc = props.vpcConfig ?? {};
    if (vpc.endpointPrivateAccess !== true) report("endpointPrivateAccess must be true");
    if (vpc.endpointPublicAccess === false) return;
    // AWS defaults endpointPublicAccess to true when unset.
    if (environmentOf(args) === "prod") report("prod clusters must not have a public API endpoint (endpointPublicAccess=false)");
    const cidrs: string[] = vpc.publicAccessCidrs ?? [];
    if (cidrs.length === 0) report("a public API endpoint needs a non-empty publicAccessCidrs");
    for (const c of cidrs.filter((c) => OPEN.includes(c))) report(`publicAccessCidrs contains ${c}: the API endpoint would be open to the internet`);
  },
);
