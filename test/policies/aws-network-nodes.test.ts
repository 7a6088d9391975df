/** Network and node policies: subnets and security groups, flow logs, node groups, launch templates, cost tags. */
import { describe, it, expect } from "vitest";
import { costTags } from "../../policies/aws/cost-tags";
import { vpcFlowLogs } from "../../policies/aws/flow-logs";
import { networkExposure } from "../../policies/aws/network-exposure";
import { nodeLaunchTemplate } from "../../policies/aws/node-launch-template";
import { nodePools } from "../../policies/aws/node-pools";
import { mutate, packViolations, stackReports, stackViolations, urnOf, violations } from "./harness";

const LT_T = "aws:ec2/launchTemplate:LaunchTemplate";
const NG_T = "aws:eks/nodeGroup:NodeGroup";
const TAGS = { env: "prod", team: "platform", "cost-center": "ml-platform", owner: "platform-team", "managed-by": "pulumi" };

/** A node launch template as components/nodes builds it (kmsKeyId computed in the same run). */
const LAUNCH_TEMPLATE = {
  blockDeviceMappings: [
    {
      deviceName: "/dev/xvda",
      ebs: { deleteOnTermination: "true", encrypted: "true", kmsKeyId: "<computed:mlops-prod-ebs.arn>", volumeSize: 50, volumeType: "gp3" },
    },
  ],
  metadataOptions: { httpEndpoint: "enabled", httpPutResponseHopLimit: 1, httpTokens: "required", instanceMetadataTags: "disabled" },
  tagSpecifications: [
    { resourceType: "instance", tags: { ...TAGS, "mlops.platform/pool": "system" } },
    { resourceType: "volume", tags: { ...TAGS, "mlops.platform/pool": "system" } },
  ],
  updateDefaultVersion: true,
} as Record<string, any>;

const GPU_GROUP = {
  amiType: "AL2023_x86_64_NVIDIA",
  instanceTypes: ["g6e.xlarge"],
  labels: { "mlops.platform/pool": "gpu-inference", "mlops.platform/role": "gpu" },
  scalingConfig: { desiredSize: 0, maxSize: 8, minSize: 0 },
  taints: [{ effect: "NO_SCHEDULE", key: "nvidia.com/gpu", value: "true" }],
  version: "1.35",
} as Record<string, any>;
const SYSTEM_GROUP = {
  amiType: "AL2023_x86_64_STANDARD",
  labels: { "mlops.platform/pool": "system", "mlops.platform/role": "system" },
  scalingConfig: { desiredSize: 3, maxSize: 6, minSize: 3 },
  taints: [{ effect: "NO_SCHEDULE", key: "CriticalAddonsOnly", value: "true" }],
  version: "1.35",
} as Record<string, any>;

describe("node-launch-template (NODE-01/02/03, NET-01)", () => {
  const check = (props: object) => violations(nodeLaunchTemplate, LT_T, props as Record<string, unknown>);
  const TOKENS = 'metadataOptions.httpTokens must be "required" (IMDSv2 only)';
  const hop = (got: string) => `metadataOptions.httpPutResponseHopLimit must be 1 so pods cannot reach node credentials (got ${got})`;

  it("the compliant template passes every policy of the pack", () => {
    expect(packViolations(LT_T, LAUNCH_TEMPLATE)).toEqual([]);
  });
  it("requires IMDSv2", () => {
    expect(check(mutate(LAUNCH_TEMPLATE, (t) => (t.metadataOptions.httpTokens = "optional")))).toEqual([TOKENS]);
  });
  it("requires hop limit 1 (the @pulumi/eks enableIMDSv2 default of 2 fails)", () => {
    expect(check(mutate(LAUNCH_TEMPLATE, (t) => (t.metadataOptions.httpPutResponseHopLimit = 2)))).toEqual([hop("2")]);
  });
  it("reports both when metadataOptions is missing", () => {
    expect(check(mutate(LAUNCH_TEMPLATE, (t) => delete t.metadataOptions))).toEqual([TOKENS, hop("unset")]);
  });
  it("requires encrypted block devices", () => {
    expect(check(mutate(LAUNCH_TEMPLATE, (t) => (t.blockDeviceMappings[0].ebs.encrypted = "false")))).toEqual(["block device /dev/xvda is not encrypted"]);
    expect(check(mutate(LAUNCH_TEMPLATE, (t) => delete t.blockDeviceMappings[0].ebs.encrypted))).toEqual(["block device /dev/xvda is not encrypted"]);
    expect(check(mutate(LAUNCH_TEMPLATE, (t) => (t.blockDeviceMappings[0].ebs.encrypted = true)))).toEqual([]);
  });
  it("requires a customer key on encrypted devices", () => {
    expect(check(mutate(LAUNCH_TEMPLATE, (t) => delete t.blockDeviceMappings[0].ebs.kmsKeyId))).toEqual([
      "block device /dev/xvda has no customer-managed kmsKeyId",
    ]);
  });
  it("checks every mapping", () => {
    const second = { deviceName: "/dev/xvdb", ebs: { encrypted: "false" } };
    expect(check(mutate(LAUNCH_TEMPLATE, (t) => t.blockDeviceMappings.push(second)))).toEqual(["block device /dev/xvdb is not encrypted"]);
  });
  it("forbids public IPs on network interfaces", () => {
    for (const v of ["true", true]) {
      expect(check(mutate(LAUNCH_TEMPLATE, (t) => (t.networkInterfaces = [{ associatePublicIpAddress: v }])))).toEqual([
        "a network interface associates a public IP address",
      ]);
    }
    expect(check(mutate(LAUNCH_TEMPLATE, (t) => (t.networkInterfaces = [{ associatePublicIpAddress: "false" }])))).toEqual([]);
  });
});

describe("cost-tags (OPS-01)", () => {
  const PROVIDER_T = "pulumi:providers:aws";
  it("accepts provider defaultTags as an object and as the engine's JSON string", () => {
    expect(violations(costTags, PROVIDER_T, { region: "us-east-1", defaultTags: { tags: TAGS } })).toEqual([]);
    expect(violations(costTags, PROVIDER_T, { region: "us-east-1", defaultTags: JSON.stringify({ tags: TAGS }) })).toEqual([]);
  });
  it("names the missing provider tags, in either form", () => {
    const { owner: _o, "managed-by": _m, ...partial } = TAGS;
    expect(violations(costTags, PROVIDER_T, { defaultTags: { tags: partial } })).toEqual(["provider defaultTags lack owner, managed-by"]);
    expect(violations(costTags, PROVIDER_T, { defaultTags: JSON.stringify({ tags: partial }) })).toEqual(["provider defaultTags lack owner, managed-by"]);
    expect(violations(costTags, PROVIDER_T, { defaultTags: { tags: { ...TAGS, team: "" } } })).toEqual(["provider defaultTags lack team"]);
  });
  it("reports malformed defaultTags JSON instead of throwing", () => {
    expect(violations(costTags, PROVIDER_T, { region: "us-east-1", defaultTags: '{"tags":{"env":"prod"' })).toEqual(["provider defaultTags is not valid JSON"]);
    expect(violations(costTags, PROVIDER_T, { defaultTags: "env=prod,team=platform" })).toEqual(["provider defaultTags is not valid JSON"]);
  });
  it("reports a provider without defaultTags", () => {
    expect(violations(costTags, PROVIDER_T, { region: "us-east-1" })).toEqual(["provider defaultTags lack env, team, cost-center, owner, managed-by"]);
  });
  it("launch templates tag instances and volumes", () => {
    expect(
      violations(
        costTags,
        LT_T,
        mutate(LAUNCH_TEMPLATE, (t) => t.tagSpecifications.pop()),
      ),
    ).toEqual(["tagSpecifications for volume lack env, team, cost-center, owner, managed-by"]);
    expect(
      violations(
        costTags,
        LT_T,
        mutate(LAUNCH_TEMPLATE, (t) => delete t.tagSpecifications[0].tags.owner),
      ),
    ).toEqual(["tagSpecifications for instance lack owner"]);
    expect(
      violations(
        costTags,
        LT_T,
        mutate(LAUNCH_TEMPLATE, (t) => delete t.tagSpecifications),
      ),
    ).toEqual([
      "tagSpecifications for instance lack env, team, cost-center, owner, managed-by",
      "tagSpecifications for volume lack env, team, cost-center, owner, managed-by",
    ]);
  });
});

describe("node-pools (NODE-05, NET-03)", () => {
  const check = (props: object) => violations(nodePools, NG_T, props as Record<string, unknown>);
  const GPU_TAINT = "a GPU node group must carry the nvidia.com/gpu NoSchedule taint";

  it("compliant GPU and system groups pass every policy of the pack", () => {
    expect(packViolations(NG_T, GPU_GROUP)).toEqual([]);
    expect(packViolations(NG_T, SYSTEM_GROUP)).toEqual([]);
  });
  it.each([
    [3, 2, 6],
    [0, 9, 8],
    [undefined, undefined, undefined],
  ])("scaling %s/%s/%s breaks min ≤ desired ≤ max", (minSize, desiredSize, maxSize) => {
    expect(check({ ...SYSTEM_GROUP, scalingConfig: { minSize, desiredSize, maxSize } })).toEqual([
      `scalingConfig needs min ≤ desired ≤ max (got ${minSize}/${desiredSize}/${maxSize})`,
    ]);
  });
  it("GPU groups carry the nvidia.com/gpu NoSchedule taint", () => {
    expect(check({ ...GPU_GROUP, taints: [] })).toEqual([GPU_TAINT]);
    expect(check({ ...GPU_GROUP, taints: [{ effect: "NO_EXECUTE", key: "nvidia.com/gpu", value: "true" }] })).toEqual([GPU_TAINT]);
    expect(check({ ...GPU_GROUP, amiType: "BOTTLEROCKET_x86_64_NVIDIA", taints: undefined })).toEqual([GPU_TAINT]);
  });
  it("recognises GPU groups by a GPU AMI type or by the role label alone", () => {
    // Regression: only /NVIDIA/ in amiType counted.
    const { labels: _l, ...unlabelled } = GPU_GROUP;
    expect(check({ ...unlabelled, amiType: "AL2_x86_64_GPU", taints: [] })).toEqual([GPU_TAINT]);
    expect(check({ ...GPU_GROUP, amiType: "AL2_x86_64_GPU", taints: [] })).toEqual([GPU_TAINT]);
    expect(check({ ...GPU_GROUP, amiType: "CUSTOM", taints: [] })).toEqual([GPU_TAINT]);
    expect(check({ ...GPU_GROUP, amiType: "AL2_x86_64_GPU" })).toEqual([]);
  });
  it("a CPU group needs no GPU taint", () => {
    expect(check({ ...SYSTEM_GROUP, labels: { "mlops.platform/pool": "cpu", "mlops.platform/role": "cpu" }, taints: [] })).toEqual([]);
  });
  it("the system group carries CriticalAddonsOnly", () => {
    expect(check({ ...SYSTEM_GROUP, taints: [] })).toEqual(["the system node group must carry the CriticalAddonsOnly NoSchedule taint"]);
  });
  it("forbids SSH remote access", () => {
    expect(check({ ...SYSTEM_GROUP, remoteAccess: { ec2SshKey: "ops" } })).toEqual(["node groups must not enable SSH remote access; use SSM"]);
  });
});

describe("network-exposure (NET-01, NET-03, NET-05)", () => {
  const SG_T = "aws:ec2/securityGroup:SecurityGroup";
  const RULE_T = "aws:ec2/securityGroupRule:SecurityGroupRule";
  const INGRESS_T = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
  const sg = (ingress: object[]) =>
    violations(networkExposure, SG_T, { vpcId: "<computed:vpc.id>", ingress, egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] });

  it("subnets never map public IPs on launch", () => {
    expect(violations(networkExposure, "aws:ec2/subnet:Subnet", { cidrBlock: "10.30.192.0/20", mapPublicIpOnLaunch: false })).toEqual([]);
    expect(violations(networkExposure, "aws:ec2/subnet:Subnet", { cidrBlock: "10.30.192.0/20", mapPublicIpOnLaunch: true })).toEqual([
      "mapPublicIpOnLaunch must be false",
    ]);
  });
  it("allows 443 and 80 from the internet, and anything from private ranges", () => {
    expect(
      sg([
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "tcp", fromPort: 80, toPort: 80, ipv6CidrBlocks: ["::/0"] },
      ]),
    ).toEqual([]);
    expect(sg([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }])).toEqual([]);
  });
  it("reports SSH, ranges and IPv6 open to the internet", () => {
    expect(sg([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }])).toEqual(["ingress 22-22 is open to the internet"]);
    expect(sg([{ protocol: "tcp", fromPort: 80, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }])).toEqual(["ingress 80-443 is open to the internet"]);
    expect(sg([{ protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"] }])).toEqual(["ingress 22-22 is open to the internet"]);
  });
  it("standalone rules: ingress counts, egress does not", () => {
    const rule = { securityGroupId: "<computed:sg.id>", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };
    expect(violations(networkExposure, RULE_T, { ...rule, type: "ingress" })).toEqual(["ingress 22-22 is open to the internet"]);
    expect(violations(networkExposure, RULE_T, { ...rule, type: "egress" })).toEqual([]);
  });
  it("vpc ingress rules (cidrIpv4 / cidrIpv6)", () => {
    expect(violations(networkExposure, INGRESS_T, { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "0.0.0.0/0" })).toEqual([
      "ingress 5432-5432 is open to the internet",
    ]);
    expect(violations(networkExposure, INGRESS_T, { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" })).toEqual([]);
    expect(violations(networkExposure, INGRESS_T, { ipProtocol: "tcp", fromPort: 988, toPort: 988, referencedSecurityGroupId: "<computed:nodes.id>" })).toEqual(
      [],
    );
  });
  it("protocol -1 / all opens every port, whatever fromPort/toPort say", () => {
    // Regression. EC2 IpPermission: "-1 ... allows traffic on all ports, regardless of any port range you specify".
    const EVERY = "ingress on every port is open to the internet";
    expect(violations(networkExposure, INGRESS_T, { ipProtocol: "-1", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" })).toEqual([EVERY]);
    expect(violations(networkExposure, INGRESS_T, { ipProtocol: "all", cidrIpv6: "::/0" })).toEqual([EVERY]);
    expect(violations(networkExposure, RULE_T, { type: "ingress", protocol: "ALL", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] })).toEqual([EVERY]);
    expect(sg([{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }])).toEqual([EVERY]);
    expect(sg([{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] }])).toEqual([]);
  });
  it("the VPC default security group has no rules", () => {
    const DSG_T = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
    expect(violations(networkExposure, DSG_T, { vpcId: "<computed:vpc.id>", ingress: [], egress: [] })).toEqual([]);
    expect(violations(networkExposure, DSG_T, { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] })).toEqual([
      "the VPC default security group must have no rules",
    ]);
    expect(violations(networkExposure, DSG_T, { egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] })).toEqual([
      "the VPC default security group must have no rules",
    ]);
  });
});

describe("vpc-flow-logs (NET-05)", () => {
  const NET = (stack: string) => urnOf(stack, "mlops:network:Network", "mlops");
  const network = (stack = "prod", withLog = true) => [
    { type: "mlops:network:Network", name: "mlops", props: {}, urn: NET(stack) },
    { type: "aws:ec2/vpc:Vpc", name: "mlops", props: { cidrBlock: "10.30.0.0/16" }, parent: NET(stack) },
    ...(withLog ? [{ type: "aws:ec2/flowLog:FlowLog", name: "mlops", props: { vpcId: "<computed:mlops.id>", trafficType: "ALL" }, parent: NET(stack) }] : []),
  ];

  it("a prod VPC with a flow log in its component passes", () => {
    expect(stackViolations(vpcFlowLogs, network())).toEqual([]);
  });
  it("reports a prod VPC without one, at the VPC's URN", () => {
    expect(stackReports(vpcFlowLogs, network("prod", false))).toEqual([
      { message: "VPC mlops has no flow log", urn: urnOf("prod", "aws:ec2/vpc:Vpc", "mlops") },
    ]);
  });
  it("does not require flow logs outside prod (config or URN)", () => {
    expect(stackViolations(vpcFlowLogs, network("dev", false), "dev")).toEqual([]);
    expect(stackViolations(vpcFlowLogs, network("dev", false), null, "dev")).toEqual([]);
    expect(stackViolations(vpcFlowLogs, network("sandbox", false), null, "sandbox")).toEqual(["VPC mlops has no flow log"]);
  });
  it("a flow log without vpcId (a subnet's) elsewhere does not mark every VPC as logged", () => {
    // Regression: r.props.vpcId (undefined) equalled vpc.props.id (undefined in inputs).
    const subnetLog = {
      type: "aws:ec2/flowLog:FlowLog",
      name: "other-subnet",
      props: { subnetId: "<computed:other.id>", trafficType: "ALL" },
      parent: urnOf("prod", "mlops:other:Other", "o"),
    };
    expect(stackViolations(vpcFlowLogs, [...network("prod", false), subnetLog])).toEqual(["VPC mlops has no flow log"]);
    const subnetLogInComponent = { ...subnetLog, parent: NET("prod") };
    expect(stackViolations(vpcFlowLogs, [...network("prod", false), subnetLogInComponent])).toEqual(["VPC mlops has no flow log"]);
  });
  it("matches the VPC's id or its computed placeholder outside the component", () => {
    const vpc = { type: "aws:ec2/vpc:Vpc", name: "edge", props: { cidrBlock: "10.40.0.0/16" } };
    const log = (vpcId: string) => ({ type: "aws:ec2/flowLog:FlowLog", name: "edge-log", props: { vpcId, trafficType: "ALL" } });
    expect(stackViolations(vpcFlowLogs, [vpc, log("<computed:edge.id>")])).toEqual([]);
    expect(stackViolations(vpcFlowLogs, [{ ...vpc, props: { ...vpc.props, id: "vpc-0edge" } }, log("vpc-0edge")])).toEqual([]);
    expect(stackViolations(vpcFlowLogs, [vpc, log("<computed:edge-2.id>")])).toEqual(["VPC edge has no flow log"]);
  });
  it("two parentless resources do not count as the same component", () => {
    const vpc = { type: "aws:ec2/vpc:Vpc", name: "edge", props: { cidrBlock: "10.40.0.0/16" } };
    const otherLog = { type: "aws:ec2/flowLog:FlowLog", name: "legacy", props: { vpcId: "vpc-0legacy", trafficType: "ALL" } };
    expect(stackViolations(vpcFlowLogs, [vpc, otherLog])).toEqual(["VPC edge has no flow log"]);
  });
});
