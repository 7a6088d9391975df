import * as pulumi from "@pulumi/pulumi";
import type { InClusterDatabaseConfig, RdsConfig } from "../../config/services";
import { CNPG_CLUSTER, CNPG_HOST, CNPG_OPERATOR_NAMESPACE, cnpgObjects } from "../../charts/services/database-cnpg";
import { DATABASES_NAMESPACE, databaseSetupObjects, MASTER_SECRET, masterServiceTemplate, type DatabaseGrant } from "../../charts/services/database-setup";
import { externalSecret } from "../../charts/services/external-secrets";
import { serviceNetworkPolicies } from "../../charts/services/network";
import { loadValuesFile } from "../../charts/values";
import { createObjectGroup } from "../kubernetes/object-group";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { CHARTS } from "../../domain/versions";
import { ManagedDatabase } from "./aws/database";

export { CNPG_CLUSTER };

/** Where a service finds the platform's Postgres. */
export interface DatabaseEndpoint {
  readonly host: pulumi.Output<string>;
  readonly port: number;
}

/** The RDS side of the platform Postgres (EKS). */
export interface RdsServerArgs {
  /** Prefix of the RDS identifier (the cluster name). */
  readonly clusterName: string;
  readonly vpcId: pulumi.Input<string>;
  readonly vpcCidr: string;
  readonly subnetIds: pulumi.Input<string>[];
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The recovery region's databases key (automated backups' replica). @default none */
  readonly recoveryKmsKeyArn?: pulumi.Input<string>;
  readonly protect: boolean;
  readonly backup: boolean;
  /** The ClusterSecretStore the master secret is synced through. */
  readonly secretStoreName: string;
  /** Ports the databases namespace (setup Jobs) may reach in the VPC: Postgres, and MySQL with Pipelines. */
  readonly egressPorts: readonly number[];
}

export type DatabaseServerArgs =
  { readonly kind: "rds"; readonly config: RdsConfig; readonly aws: RdsServerArgs } | { readonly kind: "in-cluster"; readonly config: InClusterDatabaseConfig };

export interface PlatformDatabaseArgs {
  readonly server: DatabaseServerArgs;
  readonly labels?: Readonly<Record<string, string>>;
  /** The databases namespace first. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

type Server =
  | { readonly kind: "rds"; readonly args: RdsServerArgs; readonly masterSecretArn: pulumi.Output<string> }
  | { readonly kind: "in-cluster"; readonly config: InClusterDatabaseConfig; readonly operator: pulumi.Resource };

/**
 * The platform's Postgres server: on AWS an RDS instance with an RDS-managed master secret; on an existing
 * cluster the CloudNativePG operator (its cluster is made with the roles, by createDatabaseRoles).
 */
export class PlatformDatabase extends pulumi.ComponentResource {
  readonly endpoint: DatabaseEndpoint;
  readonly server: Server;

  constructor(name: string, args: PlatformDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:PlatformDatabase", name, {}, opts);
    const { server } = args;
    if (server.kind === "rds") {
      const aws = server.aws;
      const rds = new ManagedDatabase(
        name,
        {
          identifier: `${aws.clusterName}-postgres`,
          config: server.config,
          vpcId: aws.vpcId,
          subnetIds: aws.subnetIds,
          clientSecurityGroupId: aws.clusterSecurityGroupId,
          kmsKeyArn: aws.kmsKeyArn,
          protect: aws.protect,
          backup: aws.backup,
          recoveryKmsKeyArn: aws.recoveryKmsKeyArn,
        },
        { parent: this },
      );
      this.endpoint = { host: rds.address, port: rds.port };
      this.server = { kind: "rds", args: aws, masterSecretArn: rds.masterSecretArn };
    } else {
      const operator = createUpstreamChart(`${name}-operator`, CHARTS.cloudnativePg, CNPG_OPERATOR_NAMESPACE, loadValuesFile("cloudnative-pg"), {
        parent: this,
        dependsOn: args.dependsOn,
      });
      this.endpoint = { host: pulumi.output(CNPG_HOST), port: 5432 };
      this.server = { kind: "in-cluster", config: server.config, operator };
    }
    this.registerOutputs({ host: this.endpoint.host });
  }

  /** The RDS-managed master secret (AWS), for the secret store's policy. */
  get masterSecretArn(): pulumi.Output<string> | undefined {
    return this.server.kind === "rds" ? this.server.masterSecretArn : undefined;
  }
}

export interface DatabaseRolesArgs {
  /** One role and database per service; each grant's password Secret is made by the service's credential. */
  readonly grants: readonly DatabaseGrant[];
  /** The services' database-side password Secrets: the roles are made after them. */
  readonly passwords: readonly pulumi.Resource[];
  readonly labels?: Readonly<Record<string, string>>;
  /** The databases namespace and the secret store. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Each service's role and database, children of the database: a setup Job run as the RDS-managed master user
 * (AWS), or a CloudNativePG cluster with managed roles. Made once the services' password Secrets exist.
 */
export function createDatabaseRoles(name: string, database: PlatformDatabase, args: DatabaseRolesArgs): void {
  const child = { parent: database };
  const { server } = database;
  if (server.kind === "in-cluster") {
    const objects = cnpgObjects({ instances: server.config.instances, storageGiB: server.config.storageGiB, grants: args.grants, labels: args.labels });
    createObjectGroup(`${name}-cluster`, objects, { ...child, dependsOn: [server.operator, ...args.passwords] });
    return;
  }
  const master = server.masterSecretArn.apply((arn) => [
    externalSecret({
      name: MASTER_SECRET,
      namespace: DATABASES_NAMESPACE,
      storeName: server.args.secretStoreName,
      remoteKey: arn,
      keys: ["username", "password"],
      // The Job mounts the credential as libpq's service file: the synced Secret holds that file alone.
      template: masterServiceTemplate(),
      labels: args.labels,
    }),
  ]);
  const masterSync = createObjectGroup(`${name}-master`, master, { ...child, dependsOn: args.dependsOn });
  const policies = serviceNetworkPolicies({
    namespace: DATABASES_NAMESPACE,
    metricsPort: false,
    egress: [{ kind: "cidr", cidr: server.args.vpcCidr, ports: server.args.egressPorts }],
    labels: args.labels,
  });
  const setup = database.endpoint.host.apply((host) => [
    ...policies,
    ...databaseSetupObjects({ host, port: database.endpoint.port, grants: args.grants, labels: args.labels }),
  ]);
  createObjectGroup(`${name}-setup`, setup, { ...child, dependsOn: [masterSync, ...args.passwords, ...args.dependsOn] });
}
