import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy, policyDocument } from "../aws/iam";
import { planSubnets } from "../../domain/subnets";

export { planSubnets, subnetBits, type SubnetPlan } from "../../domain/subnets";

export interface NetworkArgs {
  /** VPC CIDR, /16 at most (AWS limit). Private subnets get most of it: VPC CNI pods use VPC addresses. */
  readonly vpcCidr: string;
  /** AZ names; at least 2 (EKS), 3 in prod. */
  readonly availabilityZones: readonly string[];
  /** `perAz` (one NAT gateway per AZ, prod default) or `single` (cheaper, one AZ's outage cuts egress). @default "perAz" */
  readonly natGateways?: "single" | "perAz";
  /** VPC flow logs to CloudWatch Logs (NET-05, docs/security-controls.md). @default { enabled: true, retentionDays: 365 } */
  readonly flowLogs?: { readonly enabled: boolean; readonly retentionDays: number };
  /** KMS key for the flow-log group. Required when flow logs are on. */
  readonly logsKeyArn?: pulumi.Input<string>;
  /** The EKS cluster name, for the subnet discovery tags load balancer controllers read. */
  readonly clusterName: string;
  /** protect + retain-on-delete for the flow-log group (a year of evidence in prod). @default false */
  readonly protect?: boolean;
}

/** Tags that let the AWS Load Balancer Controller find subnets (https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html). */
export function subnetTags(kind: "public" | "private", clusterName: string): Record<string, string> {
  return {
    [kind === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
    [`kubernetes.io/cluster/${clusterName}`]: "shared",
    "mlops.platform/subnet": kind,
  };
}

/**
 * A VPC with one private and one public subnet per AZ. Nodes go only into private subnets; public subnets
 * never assign public IPs on launch (FSBP EC2.15) and hold only NAT gateways and internet-facing LBs.
 * The default security group is adopted with no rules (NET-05).
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly publicSubnetIds: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:network:Network", name, {}, opts);
    const child = { parent: this };
    const plan = planSubnets(args.vpcCidr, args.availabilityZones);
    const natMode = args.natGateways ?? "perAz";

    const vpc = new aws.ec2.Vpc(name, { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: name } }, child);
    new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId: vpc.id, ingress: [], egress: [], tags: { Name: `${name}-default-deny` } }, child);
    const igw = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: { Name: name } }, child);

    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: { Name: `${name}-public` },
      },
      child,
    );

    const publicSubnets = plan.map((p) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${p.availabilityZone}`,
        {
          vpcId: vpc.id,
          cidrBlock: p.publicCidr,
          availabilityZone: p.availabilityZone,
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-public-${p.availabilityZone}`, ...subnetTags("public", args.clusterName) },
        },
        child,
      );
      new aws.ec2.RouteTableAssociation(`${name}-public-${p.availabilityZone}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, child);
      return subnet;
    });

    const natCount = natMode === "perAz" ? plan.length : 1;
    const nats = publicSubnets.slice(0, natCount).map((subnet, i) => {
      const az = plan[i].availabilityZone;
      const eip = new aws.ec2.Eip(`${name}-nat-${az}`, { domain: "vpc", tags: { Name: `${name}-nat-${az}` } }, child);
      // The NAT gateway needs the internet gateway attached before it can route.
      return new aws.ec2.NatGateway(
        `${name}-${az}`,
        { allocationId: eip.id, subnetId: subnet.id, tags: { Name: `${name}-${az}` } },
        { ...child, dependsOn: [igw] },
      );
    });

    const privateSubnets = plan.map((p, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-private-${p.availabilityZone}`,
        {
          vpcId: vpc.id,
          cidrBlock: p.privateCidr,
          availabilityZone: p.availabilityZone,
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-private-${p.availabilityZone}`, ...subnetTags("private", args.clusterName) },
        },
        child,
      );
      const routes = new aws.ec2.RouteTable(
        `${name}-private-${p.availabilityZone}`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nats[Math.min(i, nats.length - 1)].id }],
          tags: { Name: `${name}-private-${p.availabilityZone}` },
        },
        child,
      );
      new aws.ec2.RouteTableAssociation(`${name}-private-${p.availabilityZone}`, { subnetId: subnet.id, routeTableId: routes.id }, child);
      return subnet;
    });

    const flowLogs = args.flowLogs ?? { enabled: true, retentionDays: 365 };
    if (flowLogs.enabled) this.createFlowLogs(name, vpc, flowLogs.retentionDays, args.logsKeyArn, args.protect ?? false);

    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
  }

  private createFlowLogs(name: string, vpc: aws.ec2.Vpc, retentionDays: number, keyArn: pulumi.Input<string> | undefined, protect: boolean): void {
    if (keyArn === undefined) throw new Error(`${name}: flow logs need logsKeyArn (an encrypted log group)`);
    const child = { parent: this };
    const group = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { name: `/mlops/${name}/vpc-flow-logs`, retentionInDays: retentionDays, kmsKeyId: keyArn },
      { ...child, protect, retainOnDelete: protect },
    );
    const role = new aws.iam.Role(`${name}-flow-logs`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("vpc-flow-logs.amazonaws.com")) }, child);
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: role.id,
        policy: group.arn.apply((arn) =>
          JSON.stringify(
            policyDocument({
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              Resource: [arn, `${arn}:*`],
            }),
          ),
        ),
      },
      child,
    );
    new aws.ec2.FlowLog(
      `${name}`,
      {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: group.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
      },
      child,
    );
  }
}
