import { describe, it, expect, beforeAll } from "vitest";
import { planSubnets, subnetBits, subnetTags } from "../../components/network";
import type { PlanResult } from "../../scripts/plan/run";
import { clone, fixtureStack, stackConfig } from "../helpers/stack";
import { AWS_PROVIDER, T, childrenOf, input, one, ofType, plan, type Res } from "./plan-query";

const prodNet = fixtureStack("prod").network as { vpcCidr: string; availabilityZones: string[] };
const devNet = fixtureStack("dev").network as { vpcCidr: string; availabilityZones: string[] };

let prod: PlanResult;
let dev: PlanResult;
let prodNetwork: Res;

beforeAll(async () => {
  prod = await plan("prod");
  dev = await plan("dev");
  prodNetwork = one(prod, T.network, "mlops-prod");
});

const tags = (r: Res) => input<Record<string, string>>(r, "tags");

describe("planSubnets (pure)", () => {
  it("carves prod's /16 into /18 private subnets and /20 public subnets from the last block", () => {
    expect(planSubnets("10.30.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c"])).toEqual([
      { availabilityZone: "us-east-1a", privateCidr: "10.30.0.0/18", publicCidr: "10.30.192.0/20" },
      { availabilityZone: "us-east-1b", privateCidr: "10.30.64.0/18", publicCidr: "10.30.208.0/20" },
      { availabilityZone: "us-east-1c", privateCidr: "10.30.128.0/18", publicCidr: "10.30.224.0/20" },
    ]);
  });

  it("needs enough bits for the AZs plus one public block", () => {
    expect([1, 2, 3, 4, 6, 7].map(subnetBits)).toEqual([1, 2, 2, 3, 3, 3]);
  });

  it("tags public subnets for internet-facing and private ones for internal load balancers", () => {
    expect(subnetTags("public", "c")).toEqual({ "kubernetes.io/role/elb": "1", "kubernetes.io/cluster/c": "shared", "mlops.platform/subnet": "public" });
    expect(subnetTags("private", "c")).toEqual({
      "kubernetes.io/role/internal-elb": "1",
      "kubernetes.io/cluster/c": "shared",
      "mlops.platform/subnet": "private",
    });
  });
});

describe("Network component (prod)", () => {
  it("registers one top-level Network component named after the cluster", () => {
    expect(ofType(prod, T.network)).toHaveLength(1);
    expect(prodNetwork.parent).toBeNull();
    expect(prodNetwork.urn).toBe("urn:pulumi:prod::mlops-platform::mlops:network:Network::mlops-prod");
  });

  it("creates the VPC with the stack's CIDR and DNS on", () => {
    const vpc = one(prod, T.vpc, "mlops-prod");
    expect(vpc.inputs).toMatchObject({ cidrBlock: "10.30.0.0/16", enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: "mlops-prod" } });
    expect(vpc.inputs.cidrBlock).toBe(prodNet.vpcCidr);
  });

  it("creates one private and one public subnet per AZ with the planned CIDRs", () => {
    const planned = planSubnets(prodNet.vpcCidr, prodNet.availabilityZones);
    const subnets = ofType(prod, T.subnet);
    expect(subnets).toHaveLength(2 * prodNet.availabilityZones.length);
    for (const p of planned) {
      const priv = one(prod, T.subnet, `mlops-prod-private-${p.availabilityZone}`);
      const pub = one(prod, T.subnet, `mlops-prod-public-${p.availabilityZone}`);
      expect(priv.inputs).toMatchObject({ cidrBlock: p.privateCidr, availabilityZone: p.availabilityZone, vpcId: "<computed:mlops-prod.id>" });
      expect(pub.inputs).toMatchObject({ cidrBlock: p.publicCidr, availabilityZone: p.availabilityZone, vpcId: "<computed:mlops-prod.id>" });
      expect(tags(priv).Name).toBe(`mlops-prod-private-${p.availabilityZone}`);
      expect(tags(pub).Name).toBe(`mlops-prod-public-${p.availabilityZone}`);
    }
  });

  it("never maps public IPs on launch, on any subnet", () => {
    const values = ofType(prod, T.subnet).map((s) => s.inputs.mapPublicIpOnLaunch);
    expect(values).toEqual(values.map(() => false));
  });

  it("tags subnets for load balancer discovery by kind", () => {
    for (const s of ofType(prod, T.subnet)) {
      const isPublic = s.name.includes("-public-");
      expect(tags(s)).toMatchObject({ "kubernetes.io/cluster/mlops-prod": "shared", "mlops.platform/subnet": isPublic ? "public" : "private" });
      expect(tags(s)["kubernetes.io/role/elb"]).toBe(isPublic ? "1" : undefined);
      expect(tags(s)["kubernetes.io/role/internal-elb"]).toBe(isPublic ? undefined : "1");
    }
  });

  it("puts one NAT gateway (with its EIP) in each AZ's public subnet (perAz)", () => {
    const nats = ofType(prod, T.nat);
    expect(nats.map((n) => n.name).sort()).toEqual(prodNet.availabilityZones.map((az) => `mlops-prod-${az}`));
    expect(
      ofType(prod, T.eip)
        .map((e) => e.name)
        .sort(),
    ).toEqual(prodNet.availabilityZones.map((az) => `mlops-prod-nat-${az}`));
    for (const az of prodNet.availabilityZones) {
      const nat = one(prod, T.nat, `mlops-prod-${az}`);
      expect(nat.inputs).toMatchObject({ allocationId: `<computed:mlops-prod-nat-${az}.id>`, subnetId: `<computed:mlops-prod-public-${az}.id>` });
      expect(nat.dependsOn).toContain(one(prod, T.igw, "mlops-prod").urn);
      expect(one(prod, T.eip, `mlops-prod-nat-${az}`).inputs.domain).toBe("vpc");
    }
  });

  it("routes each private route table's 0.0.0.0/0 through its own AZ's NAT gateway", () => {
    for (const az of prodNet.availabilityZones) {
      const rt = one(prod, T.routeTable, `mlops-prod-private-${az}`);
      expect(rt.inputs.routes).toEqual([{ cidrBlock: "0.0.0.0/0", natGatewayId: `<computed:mlops-prod-${az}.id>` }]);
      expect(rt.dependsOn).toContain(one(prod, T.nat, `mlops-prod-${az}`).urn);
      const assoc = one(prod, T.rta, `mlops-prod-private-${az}`);
      expect(assoc.dependsOn).toEqual(expect.arrayContaining([rt.urn, one(prod, T.subnet, `mlops-prod-private-${az}`).urn]));
    }
  });

  it("routes the public route table through the internet gateway and associates every public subnet", () => {
    const rt = one(prod, T.routeTable, "mlops-prod-public");
    expect(rt.inputs.routes).toEqual([{ cidrBlock: "0.0.0.0/0", gatewayId: "<computed:mlops-prod.id>" }]);
    expect(rt.dependsOn).toContain(one(prod, T.igw, "mlops-prod").urn);
    for (const az of prodNet.availabilityZones) expect(one(prod, T.rta, `mlops-prod-public-${az}`).dependsOn).toContain(rt.urn);
  });

  it("adopts the default security group with no rules at all", () => {
    const sg = one(prod, T.defaultSg, "mlops-prod-default");
    expect(sg.inputs.ingress).toEqual([]);
    expect(sg.inputs.egress).toEqual([]);
    expect(sg.inputs.tags).toEqual({ Name: "mlops-prod-default-deny" });
  });

  it("sends ALL traffic flow logs to a KMS-encrypted log group kept 365 days", () => {
    const group = one(prod, T.logGroup, "mlops-prod-flow-logs");
    expect(group.inputs).toEqual({ name: "/mlops/mlops-prod/vpc-flow-logs", retentionInDays: 365, kmsKeyId: "<computed:mlops-prod-logs.arn>" });
    const flow = one(prod, T.flowLog, "mlops-prod");
    expect(flow.inputs).toMatchObject({
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: "<computed:mlops-prod-flow-logs.arn>",
      iamRoleArn: "<computed:mlops-prod-flow-logs.arn>",
      vpcId: "<computed:mlops-prod.id>",
    });
    expect(flow.dependsOn).toEqual(expect.arrayContaining([group.urn, one(prod, T.vpc, "mlops-prod").urn, one(prod, T.role, "mlops-prod-flow-logs").urn]));
  });

  // config/schema.ts documents cluster.protect as "protect and retain-on-delete for stateful resources (cluster,
  // keys, log groups); forced on in prod", and the control-plane log group honours it. The flow-log group holds a
  // year of NET-05 evidence but is created without protect: a stack destroy or rename deletes it.
  it("protects and retains the prod flow-log group like the other stateful log group", () => {
    const group = one(prod, T.logGroup, "mlops-prod-flow-logs");
    expect(one(prod, T.logGroup, "mlops-prod-control-plane").protect).toBe(true);
    expect(group.protect).toBe(true);
    expect(group.retainOnDelete).toBe(true);
  });

  it("lets only the flow-log service assume the flow-log role, scoped to its own group", () => {
    const trust = JSON.parse(one(prod, T.role, "mlops-prod-flow-logs").inputs.assumeRolePolicy as string);
    expect(trust.Statement).toEqual([{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const policy = JSON.parse(one(prod, T.rolePolicy, "mlops-prod-flow-logs").inputs.policy as string);
    expect(policy.Statement[0].Resource).toEqual(["<computed:mlops-prod-flow-logs.arn>", "<computed:mlops-prod-flow-logs.arn>:*"]);
    expect(policy.Statement[0].Action).not.toContain("*");
  });

  it("derives every child name from the component name and parents it to the Network", () => {
    const children = childrenOf(prod, prodNetwork);
    // VPC, default SG, IGW, public route table; per AZ: 2 subnets, 2 associations, private route table, EIP, NAT;
    // flow logs: log group, role, role policy, flow log.
    expect(children.length).toBe(4 + 7 * prodNet.availabilityZones.length + 4);
    for (const c of children) expect(c.name.startsWith("mlops-prod")).toBe(true);
    for (const type of [T.vpc, T.subnet, T.nat, T.eip, T.routeTable, T.rta, T.defaultSg, T.flowLog, T.igw]) {
      for (const r of ofType(prod, type)) expect(r.parent, r.urn).toBe(prodNetwork.urn);
    }
    expect(one(prod, T.subnet, "mlops-prod-private-us-east-1a").urn).toBe(
      "urn:pulumi:prod::mlops-platform::mlops:network:Network$aws:ec2/subnet:Subnet::mlops-prod-private-us-east-1a",
    );
  });

  it("uses the explicit aws provider for every AWS resource", () => {
    for (const c of childrenOf(prod, prodNetwork)) {
      expect(c.provider, c.urn).toContain(AWS_PROVIDER);
      expect(c.provider).toBe("urn:pulumi:prod::mlops-platform::pulumi:providers:aws::aws");
    }
  });
});

describe("Network component (dev)", () => {
  it("uses the dev CIDR and two AZs", () => {
    expect(one(dev, T.vpc, "mlops-dev").inputs.cidrBlock).toBe(devNet.vpcCidr);
    const planned = planSubnets(devNet.vpcCidr, devNet.availabilityZones);
    expect(planned.map((p) => p.privateCidr)).toEqual(["10.10.0.0/18", "10.10.64.0/18"]);
    for (const p of planned) {
      expect(one(dev, T.subnet, `mlops-dev-private-${p.availabilityZone}`).inputs.cidrBlock).toBe(p.privateCidr);
      expect(one(dev, T.subnet, `mlops-dev-public-${p.availabilityZone}`).inputs.cidrBlock).toBe(p.publicCidr);
    }
  });

  it("has a single NAT gateway that every private route table uses", () => {
    const nats = ofType(dev, T.nat);
    expect(nats.map((n) => n.name)).toEqual(["mlops-dev-us-east-1a"]);
    expect(ofType(dev, T.eip)).toHaveLength(1);
    for (const az of devNet.availabilityZones) {
      const rt = one(dev, T.routeTable, `mlops-dev-private-${az}`);
      expect(rt.inputs.routes).toEqual([{ cidrBlock: "0.0.0.0/0", natGatewayId: "<computed:mlops-dev-us-east-1a.id>" }]);
      expect(rt.dependsOn).toContain(nats[0].urn);
    }
  });

  it("keeps flow logs on with the dev tier retention (30 days), encrypted", () => {
    expect(one(dev, T.logGroup, "mlops-dev-flow-logs").inputs).toMatchObject({ retentionInDays: 30, kmsKeyId: "<computed:mlops-dev-logs.arn>" });
    expect(one(dev, T.flowLog, "mlops-dev").inputs.trafficType).toBe("ALL");
  });
});

describe("Network variants", () => {
  it("creates no flow-log resources when a non-prod stack turns them off", async () => {
    const cfg = clone(fixtureStack("dev"));
    (cfg.network as Record<string, unknown>).flowLogs = { enabled: false };
    const p = await plan("dev", stackConfig(cfg));
    expect(ofType(p, T.flowLog)).toEqual([]);
    const network = one(p, T.network, "mlops-dev");
    expect(ofType(p, T.logGroup).filter((g) => g.parent === network.urn)).toEqual([]);
    expect(ofType(p, T.role).filter((g) => g.parent === network.urn)).toEqual([]);
    expect(one(p, T.logGroup, "mlops-dev-control-plane").parent).toBe(one(p, T.cluster, "mlops-dev").urn);
    expect(ofType(p, T.subnet)).toHaveLength(4);
  });
});
