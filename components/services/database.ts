import * as pulumi from "@pulumi/pulumi";
import type { InClusterDatabaseConfig, RdsConfig } from "../../config/services";
import { CNPG_CLUSTER, CNPG_HOST, CNPG_OPERATOR_NAMESPACE, cnpgObjects } from "../../charts/services/database-cnpg";
import { DATABASES_NAMESPACE, databaseSetupObjects, MASTER_SECRET, type DatabaseGrant } from "../../charts/services/database-setup";
import { externalSecret } from "../../charts/services/external-secrets";
import { serviceNetworkPolicies } from "../../charts/services/network";
import { loadValuesFile } from "../../charts/values";
import { createObjectGroup } from "../kubernetes/object-group";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { CHARTS } from "../versions";
import { ManagedDatabase } from "./aws/database";

export { CNPG_CLUSTER };

/** Where a service finds the platform's Postgres. */
export interface DatabaseEndpoint {
  readonly host: pulumi.Output<string>;
  readonly port: number;
}

export interface PlatformDatabaseArgs {
  readonly config: RdsConfig | InClusterDatabaseConfig;
  /** One role and database per service; each grant's password Secret is made by the service's credential. */
  readonly grants: readonly DatabaseGrant[];
  readonly aws?: {
    /** Ports the databases namespace (setup Jobs) may reach in the VPC: Postgres, and MySQL with Pipelines. */
    readonly egressPorts: readonly number[];
    /** Prefix of the RDS identifier (the cluster name). */
    readonly clusterName: string;
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
    readonly subnetIds: pulumi.Input<string>[];
    readonly clusterSecurityGroupId: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly protect: boolean;
    readonly backup: boolean;
    readonly secretStoreName: string;
  };
  readonly labels?: Readonly<Record<string, string>>;
  /** The databases namespace (and, on AWS, the secret store) first. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * The platform's Postgres and each service's role and database on it: on AWS an RDS instance and a setup Job
 * run as the RDS-managed master user; on an existing cluster a CloudNativePG cluster with managed roles.
 * Call `finish(passwordSecrets)` once the services' password Secrets exist, so the roles are made after them.
 */
export class PlatformDatabase extends pulumi.ComponentResource {
  readonly endpoint: DatabaseEndpoint;
  /** The RDS-managed master secret (AWS), for the secret store's policy. */
  readonly masterSecretArn?: pulumi.Output<string>;
  private readonly rds?: ManagedDatabase;
  private readonly operator?: pulumi.Resource;

  constructor(private readonly name: string, private readonly args: PlatformDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:PlatformDatabase", name, {}, opts);
    const cfg = args.config;
    if (cfg.kind === "rds") {
      const a = args.aws!;
      this.rds = new ManagedDatabase(name, { identifier: `${a.clusterName}-postgres`, config: cfg, vpcId: a.vpcId, subnetIds: a.subnetIds, clientSecurityGroupId: a.clusterSecurityGroupId, kmsKeyArn: a.kmsKeyArn, protect: a.protect, backup: a.backup }, { parent: this });
      this.endpoint = { host: this.rds.address, port: this.rds.port };
      this.masterSecretArn = this.rds.masterSecretArn;
    } else {
      this.operator = createUpstreamChart(`${name}-operator`, CHARTS.cloudnativePg, CNPG_OPERATOR_NAMESPACE, loadValuesFile("cloudnative-pg"), { parent: this, dependsOn: args.dependsOn });
      this.endpoint = { host: pulumi.output(CNPG_HOST), port: 5432 };
    }
    this.registerOutputs({ host: this.endpoint.host });
  }

  /** Roles and databases, after the services' password Secrets (`passwords`) exist in the databases namespace. */
  finish(passwords: pulumi.Resource[]): void {
    const { name, args } = this;
    const child = { parent: this };
    const cfg = args.config;
    if (cfg.kind === "in-cluster") {
      createObjectGroup(`${name}-cluster`, cnpgObjects({ instances: cfg.instances, storageGiB: cfg.storageGiB, grants: args.grants, labels: args.labels }), { ...child, dependsOn: [this.operator!, ...passwords] });
      return;
    }
    const a = args.aws!;
    const master = pulumi.all([this.masterSecretArn!]).apply(([arn]) => [
      externalSecret({ name: MASTER_SECRET, namespace: DATABASES_NAMESPACE, storeName: a.secretStoreName, remoteKey: arn, keys: ["username", "password"], labels: args.labels }),
    ]);
    const masterSync = createObjectGroup(`${name}-master`, master, { ...child, dependsOn: args.dependsOn });
    const policies = serviceNetworkPolicies({
      namespace: DATABASES_NAMESPACE,
      metricsPort: false,
      egress: [{ kind: "cidr", cidr: a.vpcCidr, ports: a.egressPorts }],
      labels: args.labels,
    });
    const setup = this.endpoint.host.apply((host) => [...policies, ...databaseSetupObjects({ host, port: this.endpoint.port, grants: args.grants, labels: args.labels })]);
    createObjectGroup(`${name}-setup`, setup, { ...child, dependsOn: [masterSync, ...passwords, ...args.dependsOn] });
  }
}
