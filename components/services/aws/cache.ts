import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ELASTICACHE } from "../../../domain/versions";

export const REDIS_PORT = 6379;

export interface OnlineStoreCacheArgs {
  readonly nodeType: string;
  /** Primary plus replicas; 2 or more turns on automatic failover across AZs. */
  readonly nodes: number;
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  /** The EKS cluster security group: the only source allowed to 6379. */
  readonly clientSecurityGroupId: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** AUTH token (a Pulumi secret). */
  readonly authToken: pulumi.Input<string>;
  /** Days of daily snapshots. @default 1 */
  readonly snapshotRetentionDays?: number;
}

/** The replication group's settings as pure data (OPS-05): encrypted at rest and in transit, AUTH, failover. */
export function replicationGroupSettings(nodes: number, nodeType: string, snapshotRetentionDays: number) {
  const failover = nodes >= 2;
  return {
    engine: ELASTICACHE.engine,
    engineVersion: ELASTICACHE.engineVersion,
    nodeType,
    numCacheClusters: nodes,
    port: REDIS_PORT,
    automaticFailoverEnabled: failover,
    multiAzEnabled: failover,
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    transitEncryptionMode: "required",
    snapshotRetentionLimit: snapshotRetentionDays,
    snapshotWindow: "01:00-02:00",
    maintenanceWindow: "sun:04:00-sun:05:00",
    autoMinorVersionUpgrade: true,
  };
}

/**
 * Feast's online store on AWS: an ElastiCache (Valkey) replication group in the private subnets, TLS required,
 * AUTH token, encrypted with our key, automatic failover across AZs from two nodes on.
 */
export class OnlineStoreCache extends pulumi.ComponentResource {
  readonly address: pulumi.Output<string>;
  readonly port = REDIS_PORT;

  constructor(name: string, args: OnlineStoreCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:OnlineStoreCache", name, {}, opts);
    const child = { parent: this };
    const subnets = new aws.elasticache.SubnetGroup(name, { subnetIds: args.subnetIds, description: "Private subnets of the platform VPC" }, child);
    const sg = new aws.ec2.SecurityGroup(
      `${name}-redis`,
      { vpcId: args.vpcId, description: "Redis from the EKS cluster security group only", egress: [] },
      child,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-redis`,
      {
        securityGroupId: sg.id,
        referencedSecurityGroupId: args.clientSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: REDIS_PORT,
        toPort: REDIS_PORT,
        description: "Redis from the EKS cluster security group",
      },
      child,
    );
    const group = new aws.elasticache.ReplicationGroup(
      name,
      {
        ...replicationGroupSettings(args.nodes, args.nodeType, args.snapshotRetentionDays ?? 1),
        description: "Feast online store",
        kmsKeyId: args.kmsKeyArn,
        authToken: args.authToken,
        subnetGroupName: subnets.name,
        securityGroupIds: [sg.id],
      },
      { ...child, additionalSecretOutputs: ["authToken"] },
    );
    this.address = group.primaryEndpointAddress;
    this.registerOutputs({ address: this.address });
  }
}
