import { environmentOf, resourcePolicy } from "../lib/define";

const REQUIRED = ["api", "audit", "authenticator"];
const ALL = [...REQUIRED, "controllerManager", "scheduler"];

export const eksControlPlaneLogging = resourcePolicy(
  {
    name: "eks-control-plane-logging",
    description: "EKS control-plane logs api, audit and authenticator everywhere, all five types in prod.",
    severity: "high",
    controls: ["EKS-02"],
  },
  ["aws:eks/cluster:Cluster"],
  (props, args, report) => {
    const types: string[] = props.enabledClusterLogTypes ?? [];
    const required = environmentOf(args) === "prod" ? ALL : REQUIRED;
    const missing = required.filter((t) => !types.includes(t));
    if (missing.length > 0) report(`enabledClusterLogTypes lacks ${missing.join(", ")}`);
  },
);
