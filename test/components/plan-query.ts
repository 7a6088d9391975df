/** Small queries over a recorded plan, shared by the component, chart and plan suites. */
import type { PlannedResource } from "../../scripts/plan/recorder";
import type { PlanResult } from "../../scripts/plan/run";
import type { StackConfig } from "../../scripts/plan/stack-file";
import { runPlan } from "../../scripts/plan/run";
import { fixtureStackConfig, TODAY } from "../helpers/stack";

export type Res = PlannedResource;

/** The URN of the explicit AWS provider every AWS resource must use. */
export const AWS_PROVIDER = "pulumi:providers:aws::aws";

export const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  nat: "aws:ec2/natGateway:NatGateway",
  eip: "aws:ec2/eip:Eip",
  igw: "aws:ec2/internetGateway:InternetGateway",
  routeTable: "aws:ec2/routeTable:RouteTable",
  rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  rpa: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  eks: "aws:eks/cluster:Cluster",
  accessEntry: "aws:eks/accessEntry:AccessEntry",
  accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  addon: "aws:eks/addon:Addon",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  kmsKey: "aws:kms/key:Key",
  kmsAlias: "aws:kms/alias:Alias",
  chart: "kubernetes:helm.sh/v4:Chart",
  configGroup: "kubernetes:yaml/v2:ConfigGroup",
  network: "mlops:network:Network",
  cluster: "mlops:cluster:Cluster",
  workloadAddons: "mlops:cluster:WorkloadAddons",
  nodePools: "mlops:nodes:NodePools",
  autoscaler: "mlops:autoscaler:ClusterAutoscaler",
  gpuOperator: "mlops:gpu:GpuOperator",
  kmsKeys: "mlops:aws:KmsKeys",
} as const;

/**
 * Runs the real program for a fixture stack (test/fixtures/stacks), or for a variant config, on the fixed test
 * day. Never the shipped stacks/: adopters edit those.
 */
export async function plan(stack: string, stackConfig?: StackConfig): Promise<PlanResult> {
  const result = await runPlan(stack, { stackConfig: stackConfig ?? fixtureStackConfig(stack), today: TODAY });
  if (result.problems.length > 0) throw new Error(`stack ${stack}: ${JSON.stringify(result.problems)}`);
  return result;
}

export function ofType(p: PlanResult, type: string): Res[] {
  return p.resources.filter((r) => r.type === type);
}

/** Exactly one resource of this type and name, or a test failure naming what exists. */
export function one(p: PlanResult, type: string, name: string): Res {
  const hits = p.resources.filter((r) => r.type === type && r.name === name);
  if (hits.length !== 1) {
    const names = ofType(p, type).map((r) => r.name);
    throw new Error(`expected one ${type} named ${name}, found ${hits.length}; names of that type: ${names.join(", ")}`);
  }
  return hits[0];
}

export function childrenOf(p: PlanResult, parent: Res): Res[] {
  return p.resources.filter((r) => r.parent === parent.urn);
}

/** Reads a nested input by dotted path. */
export function input<V = unknown>(r: Res, path: string): V {
  return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], r.inputs) as V;
}
