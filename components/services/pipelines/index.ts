import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RdsConfig } from "../../../config/services";
import * as random from "@pulumi/random";
import {
  KFP_MYSQL_SECRET,
  KFP_SETUP_SECRET,
  KFP_S3_SERVICE_ACCOUNTS,
  KUBEFLOW_NAMESPACE,
  MLMD_CONFIG_SECRET,
  kfpCredentialTemplates,
  kfpSetupTemplate,
  mysqlAliasService,
  mysqlMasterSecret,
  mysqlSetupObjects,
} from "../../../charts/services/pipelines";
import { createCredential } from "../credentials";
import { DATABASES_NAMESPACE } from "../../../charts/services/database-setup";
import { inheritedDependsOn } from "../../dependencies";
import { createObjectGroup } from "../../kubernetes/object-group";
import { dataBucketName } from "../../../domain/storage-naming";
import { KUSTOMIZE } from "../../../domain/versions";
import { ManagedDatabase } from "../aws/database";
import { createServiceRole } from "../aws/role";
import { KFP_BUCKET_PREFIX, kustomizeUrl, pipelinesOverlay, writeOverlay } from "./overlay";
import { kubeflowNamespaceLabels } from "./transforms";
import type { NamespaceQueueMetadata } from "../../queues/kubeflow";

export { KFP_BUCKET_PREFIX, kustomizeUrl, overlayHash, overlayKustomization, overlayPatches, pipelinesOverlay, writeOverlay } from "./overlay";
export { kubeflowNamespaceLabels } from "./transforms";

/** The AWS side of Kubeflow Pipelines: artifacts in S3, the database on RDS MySQL. */
export interface PipelinesAwsArgs {
  /** The platform's cluster name (names the artifacts bucket, `<cluster>-artifacts-<account>`). */
  readonly clusterName: string;
  /** The EKS cluster the Pod Identity associations belong to. */
  readonly eksClusterName: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets for the database (DB-02). */
  readonly subnetIds: pulumi.Input<string>[];
  /** The EKS cluster security group: the only source allowed to MySQL's port. */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  /** `s3`: the artifacts bucket's key (IAM grants use through S3 only); `databases`: RDS storage and master secret. */
  readonly kmsKeyArns: { readonly s3: pulumi.Input<string>; readonly databases: pulumi.Input<string> };
  /** RDS instance size, storage, Multi-AZ and backup retention. */
  readonly database: RdsConfig;
  /** protect + deletion protection + final snapshot on the database (OPS-02). */
  readonly protect: boolean;
  /** Tag the database for the AWS Backup selection (OPS-03). */
  readonly backup: boolean;
  /** The ClusterSecretStore (External Secrets) the KFP database Secrets sync through; it must admit `kubeflow`. */
  readonly secretStoreName: string;
  /** The store itself: ExternalSecrets are created after it. */
  readonly secretStore: pulumi.Resource;
  /** Lets the store's controller read the new RDS master secret; the setup objects wait for that grant. */
  readonly masterSecretAccess?: (secretArn: pulumi.Output<string>) => pulumi.Resource;
}

export interface PipelinesArgs {
  /** Labels on the objects we author (and on the `kubeflow` Namespace). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * On EKS: artifacts in the platform's artifacts bucket under `pipelines/`, the database on a managed RDS MySQL
   * instance, one Pod Identity role for the pods that touch S3. Omitted (existing cluster): upstream's
   * `env/platform-agnostic` as it is, with KFP's own in-cluster MySQL and SeaweedFS. @default undefined
   */
  readonly aws?: PipelinesAwsArgs;
  /** The queue label and annotations of the `kubeflow` Namespace: Kueue manages the steps' pods there. @default none */
  readonly namespaceQueue?: NamespaceQueueMetadata;
  /** What must exist first (nodes, and on AWS the cluster add-ons); children that need it wait for it. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

const KFP = KUSTOMIZE.kubeflowPipelines;

/**
 * Kubeflow Pipelines 2.17.0 standalone (single-user, no Istio) from upstream's kustomize trees, referenced by
 * URL at the pinned tag and built by the Kubernetes provider at deploy time (`kustomize.v2.Directory`):
 * first `cluster-scoped-resources` (namespace `kubeflow` with our Pod Security labels, CRDs, cluster RBAC),
 * then either `env/platform-agnostic` (existing clusters) or our EKS overlay (S3, RDS MySQL over TLS).
 * Teams submit runs from their namespaces through the API (`ml-pipeline:8888/8887`); runs execute in `kubeflow`.
 */
export class Pipelines extends pulumi.ComponentResource {
  readonly namespace: string = KUBEFLOW_NAMESPACE;
  /** RDS endpoint (EKS only). */
  readonly databaseAddress?: pulumi.Output<string>;
  /** ARN of the RDS-managed master secret: External Secrets' reader policy must include it (EKS only). */
  readonly masterSecretArn?: pulumi.Output<string>;
  /** The Pod Identity role of KFP's S3 clients (EKS only). */
  readonly roleArn?: pulumi.Output<string>;

  constructor(name: string, args: PipelinesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:Pipelines", name, {}, opts);
    const child = { parent: this };
    const labels = { ...args.labels };
    const dependsOn = [...args.dependsOn, ...inheritedDependsOn(opts)];

    // The Namespace, CRDs (Application, Argo, ScheduledWorkflow, Viewer) and cluster RBAC; Directory's children
    // wait for CRDs to be established, so the namespaced install below can depend on this component.
    const clusterScoped = new k8s.kustomize.v2.Directory(
      `${name}-cluster-scoped`,
      { directory: kustomizeUrl(KFP.paths.clusterScoped) },
      {
        ...child,
        dependsOn,
        transforms: [kubeflowNamespaceLabels(labels, args.namespaceQueue)],
      },
    );

    if (!args.aws) {
      new k8s.kustomize.v2.Directory(name, { directory: kustomizeUrl(KFP.paths.platformAgnostic) }, { ...child, dependsOn: [clusterScoped] });
      this.registerOutputs({ namespace: this.namespace });
      return;
    }

    const onAws = createPipelinesOnAws(name, args.aws, clusterScoped, labels, child);
    this.databaseAddress = onAws.databaseAddress;
    this.masterSecretArn = onAws.masterSecretArn;
    this.roleArn = onAws.roleArn;
    this.registerOutputs({ namespace: this.namespace, databaseAddress: this.databaseAddress, roleArn: this.roleArn });
  }
}

/**
 * On EKS: KFP's RDS MySQL and its own user (made by a setup Job as the master user), the Pod Identity role for
 * artifacts, and our overlay of upstream's tree rendered once the account id is known.
 */
function createPipelinesOnAws(
  name: string,
  aws: PipelinesAwsArgs,
  clusterScoped: pulumi.Resource,
  labels: Record<string, string>,
  opts: { parent: pulumi.Resource },
) {
  const db = new ManagedDatabase(
    `${name}-mysql`,
    {
      identifier: `${aws.clusterName}-pipelines-mysql`,
      engine: "mysql",
      config: aws.database,
      vpcId: aws.vpcId,
      subnetIds: aws.subnetIds,
      clientSecurityGroupId: aws.clusterSecurityGroupId,
      kmsKeyArn: aws.kmsKeyArns.databases,
      protect: aws.protect,
      backup: aws.backup,
    },
    opts,
  );

  // One role for every KFP pod that reads or writes artifacts, limited to pipelines/ of the artifacts bucket.
  // Pod Identity injects credentials when a pod is created: the associations exist before KFP's pods.
  const { role, associations } = createServiceRole(
    name,
    {
      namespace: KUBEFLOW_NAMESPACE,
      serviceAccounts: KFP_S3_SERVICE_ACCOUNTS,
      where: { bucket: "artifacts", prefix: KFP_BUCKET_PREFIX },
      aws: { clusterName: aws.clusterName, eksClusterName: aws.eksClusterName, accountId: aws.accountId, region: aws.region, bucketKeyArn: aws.kmsKeyArns.s3 },
      description: "Kubeflow Pipelines: artifacts under pipelines/ of the artifacts bucket",
    },
    opts,
  );

  // KFP's own MySQL user (generated password in Secrets Manager, synced by External Secrets), made by a setup
  // Job as the master user: RDS rotates the master password, which KFP would only re-read on restart.
  const password = new random.RandomPassword(`${name}-database`, { length: 32, special: false }, opts).result;
  const templates = kfpCredentialTemplates(db.port);
  const credential = createCredential(
    `${name}-database`,
    {
      store: { kind: "secrets-manager", clusterName: aws.clusterName, kmsKeyArn: aws.kmsKeyArns.databases, storeName: aws.secretStoreName },
      values: { password },
      targets: [
        { namespace: KUBEFLOW_NAMESPACE, secretName: KFP_MYSQL_SECRET, template: templates.mysql },
        { namespace: KUBEFLOW_NAMESPACE, secretName: MLMD_CONFIG_SECRET, template: templates.mlmd },
        { namespace: DATABASES_NAMESPACE, secretName: KFP_SETUP_SECRET, template: kfpSetupTemplate() },
      ],
      labels,
      dependsOn: [clusterScoped, aws.secretStore],
    },
    opts,
  );
  const objects = pulumi
    .all([db.address, db.masterSecretArn])
    .apply(([address, arn]) => [
      mysqlAliasService(address, labels),
      mysqlMasterSecret(aws.secretStoreName, arn, labels),
      ...mysqlSetupObjects({ host: address, port: db.port, credentialSecret: KFP_SETUP_SECRET, labels }),
    ]);
  const database = createObjectGroup(`${name}-database`, objects, {
    ...opts,
    dependsOn: [clusterScoped, aws.secretStore, ...credential, ...(aws.masterSecretAccess ? [aws.masterSecretAccess(db.masterSecretArn)] : [])],
  });

  // The overlay carries the bucket (it embeds the account id) and the region: rendered once those are known.
  const directory = pulumi
    .output(aws.accountId)
    .apply((accountId) =>
      writeOverlay(pipelinesOverlay({ bucket: dataBucketName(aws.clusterName, "artifacts", accountId), region: aws.region, mysqlPort: db.port })),
    );
  new k8s.kustomize.v2.Directory(name, { directory }, { ...opts, dependsOn: [clusterScoped, database, ...associations] });
  return { databaseAddress: db.address, masterSecretArn: db.masterSecretArn, roleArn: role.arn };
}
