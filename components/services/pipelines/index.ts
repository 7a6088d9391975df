import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { RdsConfig } from "../../../config/services";
import type { TeamConfig } from "../../../config/teams";
import {
  KFP_MYSQL_MASTER_SECRET,
  KFP_MYSQL_SECRET,
  KUBEFLOW_NAMESPACE,
  LOCAL_MYSQL,
  LOCAL_MYSQL_HOST,
  LOCAL_MYSQL_ROOT_SECRET,
  MLMD_CONFIG_SECRET,
  kfpCredentialTemplates,
  kfpSetupSecret,
  kfpSetupTemplate,
  kubeflowNetworkPolicies,
  mysqlMasterSecret,
  mysqlMasterTemplate,
  mysqlSetupObjects,
} from "../../../charts/services/pipelines";
import { DATABASES_NAMESPACE } from "../../../charts/services/database-setup";
import { teamsUsing } from "../../../domain/team-services";
import { inheritedDependsOn } from "../../dependencies";
import { createObjectGroup } from "../../kubernetes/object-group";
import { createCredential, type CredentialStore } from "../credentials";
import { ManagedDatabase } from "../aws/database";
import { clusterScopedOverlay, localMysqlOverlay } from "./cluster";
import { teamPipelinesOverlay, writeOverlay, type TeamObjectStore } from "./overlay";
import { kubeflowNamespaceLabels } from "./transforms";

export { kustomizeUrl, overlayHash, overlayKustomization, overlayPatches, teamPipelinesOverlay, writeOverlay } from "./overlay";
export { kubeflowNamespaceLabels } from "./transforms";

/** The AWS side of Kubeflow Pipelines: artifacts in S3 (each team's role, Pod Identity), the database on RDS MySQL. */
export interface PipelinesAwsArgs {
  /** The platform's cluster name (names the RDS instance and the generated credentials). */
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets for the database (DB-02). */
  readonly subnetIds: pulumi.Input<string>[];
  /** The EKS cluster security group: the only source allowed to MySQL's port. */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  /** RDS storage and master secret, and the generated credentials in Secrets Manager. */
  readonly databasesKmsKeyArn: pulumi.Input<string>;
  /** The recovery region's databases key (automated backups' replica). @default none */
  readonly recoveryDatabasesKmsKeyArn?: pulumi.Input<string>;
  /** RDS instance size, storage, Multi-AZ and backup retention. */
  readonly database: RdsConfig;
  /** protect + deletion protection + final snapshot on the database (OPS-02). */
  readonly protect: boolean;
  /** Tag the database for the AWS Backup selection (OPS-03). */
  readonly backup: boolean;
  /** The ClusterSecretStore (External Secrets); it must admit the namespaces of teams that opted into pipelines. */
  readonly secretStoreName: string;
  /** The store itself: ExternalSecrets are created after it. */
  readonly secretStore: pulumi.Resource;
  /** Lets the store's controller read the new RDS master secret; the setup objects wait for that grant. */
  readonly masterSecretAccess?: (secretArn: pulumi.Output<string>) => pulumi.Resource;
}

/** An existing cluster: the in-cluster object store (each team's own key) and the MySQL in `kubeflow`. */
export interface PipelinesLocalArgs {
  /** Host and S3 port of the in-cluster store, e.g. seaweedfs-s3.object-store.svc and 8333. */
  readonly objectStoreHost: string;
  readonly objectStorePort: number;
  /** The Secret with the team's own key in every team namespace (MlopsServices delivers it). */
  readonly credentialsSecret: string;
}

export interface PipelinesArgs {
  /** Cost labels on the platform's objects (`kubeflow`, databases namespace). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Every team; those with `pipelines` among their services get an install. */
  readonly teams: readonly Pick<TeamConfig, "name" | "services" | "costCenter">[];
  /** The team namespaces (the Teams component, which also makes the Pod Identity associations and the runner's Role). */
  readonly teamNamespaces: pulumi.Input<pulumi.Resource>[];
  /** The artifacts bucket's name. */
  readonly artifactsBucket: pulumi.Input<string>;
  /** Where generated credentials live: Secrets Manager on AWS, Kubernetes Secrets on an existing cluster. */
  readonly store: CredentialStore;
  /** EKS: RDS MySQL and S3 through the team roles. Exactly one of `aws` and `local`. @default undefined */
  readonly aws?: PipelinesAwsArgs;
  /** Existing cluster: the MySQL in `kubeflow`, the in-cluster object store. @default undefined */
  readonly local?: PipelinesLocalArgs;
  /** What must exist first (nodes, and on AWS the cluster add-ons); children that need it wait for it. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Kubeflow Pipelines 2.17.0 standalone (single-user, no Istio), one install per team that opts into `pipelines`, in
 * the team's own namespace (overlay.ts): its runs execute there as `team-workload` under the team's quota,
 * NetworkPolicies, queue and cloud identity; its runs, experiments and metadata live in its own MySQL databases,
 * reached as its own MySQL user; its artifacts under teams/<team>/pipelines/. `kubeflow` keeps the CRDs (and locally
 * the MySQL), behind NetworkPolicies.
 */
export class Pipelines extends pulumi.ComponentResource {
  readonly namespace: string = KUBEFLOW_NAMESPACE;
  /** RDS endpoint (EKS only). */
  readonly databaseAddress?: pulumi.Output<string>;
  /** ARN of the RDS-managed master secret: External Secrets' reader policy must include it (EKS only). */
  readonly masterSecretArn?: pulumi.Output<string>;
  /** The teams that got an install. */
  readonly teams: readonly string[];

  constructor(name: string, args: PipelinesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:Pipelines", name, {}, opts);
    if ((args.aws === undefined) === (args.local === undefined)) throw new Error("Pipelines needs exactly one of aws (EKS) and local (existing cluster)");
    const child = { parent: this };
    const labels = { ...args.labels };
    const dependsOn = [...args.dependsOn, ...inheritedDependsOn(opts)];

    // The Namespace and CRDs (Application, Argo, ScheduledWorkflow, Viewer); Directory's children wait for CRDs to be
    // established, so the team installs can depend on this.
    const clusterScoped = new k8s.kustomize.v2.Directory(
      `${name}-cluster-scoped`,
      { directory: writeOverlay(clusterScopedOverlay()) },
      { ...child, dependsOn, transforms: [kubeflowNamespaceLabels(labels)] },
    );
    const network = createObjectGroup(`${name}-network`, kubeflowNetworkPolicies(labels), { ...child, dependsOn: [clusterScoped] });

    const server = args.aws ? this.rds(name, args.aws, clusterScoped, labels) : this.localMysql(name, args.store, [clusterScoped, network], labels);
    const objectStore: TeamObjectStore = args.local
      ? { kind: "in-cluster", host: args.local.objectStoreHost, port: args.local.objectStorePort, credentialsSecret: args.local.credentialsSecret }
      : { kind: "s3", region: args.aws?.region ?? "" };

    const teams = teamsUsing(args.teams, "pipelines");
    this.teams = teams.map((t) => t.name);
    for (const team of teams) {
      const teamLabels = { team: team.name, "cost-center": team.costCenter };
      const after = [clusterScoped, ...args.teamNamespaces];
      const password = new random.RandomPassword(`${name}-${team.name}-database`, { length: 32, special: false }, child).result;
      const templates = pulumi.output(server.address).apply((host) => kfpCredentialTemplates(team.name, host, server.port, server.escaping));
      const credential = createCredential(
        `${name}-${team.name}-database`,
        {
          store: args.store,
          values: { password },
          targets: [
            { namespace: team.name, secretName: KFP_MYSQL_SECRET, template: templates.apply((t) => t.mysql) },
            { namespace: team.name, secretName: MLMD_CONFIG_SECRET, template: templates.apply((t) => t.mlmd) },
            { namespace: server.setupNamespace, secretName: kfpSetupSecret(team.name), template: kfpSetupTemplate(team.name, server.escaping) },
          ],
          labels: teamLabels,
          dependsOn: [...after, ...(args.aws ? [args.aws.secretStore] : [])],
        },
        child,
      );
      const objects = pulumi
        .output(server.address)
        .apply((address) => [...mysqlSetupObjects({ team: team.name, host: address, port: server.port, namespace: server.setupNamespace, labels })]);
      const database = createObjectGroup(`${name}-${team.name}-database`, objects, { ...child, dependsOn: [...after, ...server.ready, ...credential] });
      const directory = pulumi
        .all([args.artifactsBucket, server.address])
        .apply(([bucket, mysqlHost]) =>
          writeOverlay(teamPipelinesOverlay({ team: team.name, bucket, objectStore, mysqlHost, mysqlPort: server.port, labels: teamLabels })),
        );
      new k8s.kustomize.v2.Directory(`${name}-${team.name}`, { directory }, { ...child, dependsOn: [...after, database, ...credential] });
    }
    this.databaseAddress = server.databaseAddress;
    this.masterSecretArn = server.masterSecretArn;
    this.registerOutputs({ namespace: this.namespace, teams: this.teams, databaseAddress: this.databaseAddress });
  }

  /** EKS: one RDS MySQL for every team, its master credential synced for the setup Jobs in the databases namespace. */
  private rds(name: string, aws: PipelinesAwsArgs, clusterScoped: pulumi.Resource, labels: Record<string, string>) {
    const child = { parent: this };
    const db = new ManagedDatabase(
      `${name}-mysql`,
      {
        identifier: `${aws.clusterName}-pipelines-mysql`,
        engine: "mysql",
        config: aws.database,
        vpcId: aws.vpcId,
        subnetIds: aws.subnetIds,
        clientSecurityGroupId: aws.clusterSecurityGroupId,
        kmsKeyArn: aws.databasesKmsKeyArn,
        protect: aws.protect,
        backup: aws.backup,
        recoveryKmsKeyArn: aws.recoveryDatabasesKmsKeyArn,
      },
      child,
    );
    const master = createObjectGroup(
      `${name}-database`,
      db.masterSecretArn.apply((arn) => [mysqlMasterSecret(aws.secretStoreName, arn, labels)]),
      { ...child, dependsOn: [clusterScoped, aws.secretStore, ...(aws.masterSecretAccess ? [aws.masterSecretAccess(db.masterSecretArn)] : [])] },
    );
    return {
      address: db.address,
      port: db.port,
      setupNamespace: DATABASES_NAMESPACE,
      escaping: "sprig" as const,
      ready: [master],
      databaseAddress: db.address,
      masterSecretArn: db.masterSecretArn,
    };
  }

  /** Existing cluster: upstream's MySQL in `kubeflow` with a generated root password, only for the setup Jobs there. */
  private localMysql(name: string, store: CredentialStore, after: pulumi.Resource[], labels: Record<string, string>) {
    const child = { parent: this };
    const password = new random.RandomPassword(`${name}-mysql-root`, { length: 32, special: false }, child).result;
    const root = createCredential(
      `${name}-mysql-root`,
      {
        store,
        values: { username: "root", password },
        targets: [
          { namespace: KUBEFLOW_NAMESPACE, secretName: LOCAL_MYSQL_ROOT_SECRET, template: { password: "{{ .password }}" } },
          { namespace: KUBEFLOW_NAMESPACE, secretName: KFP_MYSQL_MASTER_SECRET, template: mysqlMasterTemplate("none") },
        ],
        labels,
        dependsOn: after,
      },
      child,
    );
    const mysql = new k8s.kustomize.v2.Directory(
      `${name}-mysql`,
      { directory: writeOverlay(localMysqlOverlay(labels)) },
      { ...child, dependsOn: [...after, ...root] },
    );
    return {
      address: LOCAL_MYSQL_HOST,
      port: LOCAL_MYSQL.port,
      setupNamespace: KUBEFLOW_NAMESPACE,
      escaping: "none" as const,
      ready: [mysql, ...root],
      databaseAddress: undefined,
      masterSecretArn: undefined,
    };
  }
}
