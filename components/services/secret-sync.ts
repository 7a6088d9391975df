import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_SECRET_STORE, clusterSecretStore, EXTERNAL_SECRETS_NAMESPACE, EXTERNAL_SECRETS_SERVICE_ACCOUNT } from "../../charts/services/external-secrets";
import { loadValuesFile } from "../../charts/values";
import { createObjectGroup } from "../kubernetes/object-group";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { CHARTS } from "../../domain/versions";
import { secretsReaderPolicy, serviceTrustPolicy } from "./aws/iam";

export interface SecretSyncArgs {
  readonly clusterName: string;
  readonly eksClusterName: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly region: string;
  /** The key the platform's secrets (and the RDS master secret) are encrypted with. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Secrets outside the platform's name prefix the controller may read (the RDS-managed master secret). */
  readonly extraSecretArns: pulumi.Input<string>[];
  /** Namespaces allowed to use the store. */
  readonly namespaces: readonly string[];
  /** Namespaces carrying one of these labels may use the store too (team namespaces that opted into a service). */
  readonly namespaceLabels: readonly string[];
  /** The external-secrets namespace (and the Prometheus operator's CRDs) first. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * External Secrets Operator from its upstream chart, reading AWS Secrets Manager with its own Pod Identity
 * role (only the platform's secrets), and one ClusterSecretStore restricted to the platform's namespaces.
 */
export class SecretSync extends pulumi.ComponentResource {
  readonly storeName = CLUSTER_SECRET_STORE;
  /** The store, ready: ExternalSecrets wait for it. */
  readonly store: pulumi.Resource;
  private readonly role: aws.iam.Role;
  private readonly args: SecretSyncArgs;

  constructor(name: string, args: SecretSyncArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:SecretSync", name, {}, opts);
    const child = { parent: this };
    this.args = args;
    const role = (this.role = new aws.iam.Role(
      `${name}-controller`,
      {
        description: "External Secrets controller: reads the platform's secrets in Secrets Manager",
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy(EXTERNAL_SECRETS_NAMESPACE, [EXTERNAL_SECRETS_SERVICE_ACCOUNT])),
      },
      child,
    ));
    new aws.iam.RolePolicy(
      `${name}-controller`,
      {
        role: role.id,
        policy: pulumi
          .all([args.accountId, args.kmsKeyArn, pulumi.all(args.extraSecretArns)])
          .apply(([id, key, extra]) => JSON.stringify(secretsReaderPolicy(args.clusterName, id, args.region, extra, { arn: key, region: args.region }))),
      },
      child,
    );
    const association = new aws.eks.PodIdentityAssociation(
      `${name}-controller`,
      {
        clusterName: args.eksClusterName,
        namespace: EXTERNAL_SECRETS_NAMESPACE,
        serviceAccount: EXTERNAL_SECRETS_SERVICE_ACCOUNT,
        roleArn: role.arn,
      },
      child,
    );
    const chart = createUpstreamChart(name, CHARTS.externalSecrets, EXTERNAL_SECRETS_NAMESPACE, loadValuesFile("external-secrets"), {
      ...child,
      dependsOn: [...args.dependsOn, association],
    });
    this.store = createObjectGroup(`${name}-store`, [clusterSecretStore(args.region, args.namespaces, args.namespaceLabels)], { ...child, dependsOn: [chart] });
    this.registerOutputs({});
  }

  /**
   * Lets the controller read one more secret made after the store (the RDS-managed master secret of a database
   * created by a later component), with a policy of its own on the controller's role.
   */
  allowSecret(name: string, secretArn: pulumi.Input<string>): pulumi.Resource {
    const a = this.args;
    return new aws.iam.RolePolicy(
      name,
      {
        role: this.role.id,
        policy: pulumi
          .all([a.accountId, a.kmsKeyArn, secretArn])
          .apply(([id, key, arn]) => JSON.stringify(secretsReaderPolicy(a.clusterName, id, a.region, [arn], { arn: key, region: a.region }))),
      },
      { parent: this },
    );
  }
}
