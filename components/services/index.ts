import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../config/schema";
import type { ServicesConfig } from "../../config/services";
import type { TeamConfig } from "../../config/teams";
import { OBJECT_STORE_NAMESPACE } from "../../domain/platform-namespaces";
import { namespaceObjects } from "../../charts/services/namespaces";
import { CLUSTER_SECRET_STORE } from "../../charts/services/external-secrets";
import { objectStoreCredentialsTemplate } from "../../charts/services/secret-files";
import { serviceOptInLabel } from "../../domain/team-services";
import { createObjectGroup } from "../kubernetes/object-group";
import { inheritedDependsOn } from "../dependencies";
import { dataBucketName, localBucketName, OBJECT_STORE_CREDENTIALS_SECRET, OBJECT_STORE_S3_PORT, type DataBucketKind } from "../storage";
import { createCredential, type CredentialStore } from "./credentials";
import { createDatabaseRoles, PlatformDatabase, type DatabaseEndpoint, type DatabaseServerArgs } from "./database";
import { ModelMonitoring } from "./model-monitoring";
import { SecretSync } from "./secret-sync";
import { Feast } from "./feast";
import { ModelServing, type ModelServingArgs } from "./model-serving";
import { Mlflow } from "./mlflow";
import { Pipelines, type PipelinesAwsArgs } from "./pipelines";
import type { ServiceContext } from "./context";
import { ANY_API_SERVER, type ApiServerAddresses } from "../queues/namespace";
import type { AccessConfig } from "../../config/access";
import { DATABASE_USERS, serviceWiring, type ServiceWiring } from "./wiring";

export { objectStoreConsumers, serviceNamespaces } from "./wiring";

export interface MlopsServicesAwsArgs {
  readonly clusterName: string;
  readonly eksClusterName: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  readonly vpcCidr: string;
  readonly privateSubnetIds: pulumi.Input<string>[];
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  /** `recoveryDatabases`: the recovery region's databases key, when the RDS backups are replicated there. */
  readonly keys: { readonly s3: pulumi.Input<string>; readonly databases: pulumi.Input<string>; readonly recoveryDatabases?: pulumi.Input<string> };
  /** protect, deletion protection, final snapshots. */
  readonly protect: boolean;
  /** Tag the databases for the AWS Backup plan. */
  readonly backup: boolean;
}

export interface MlopsServicesArgs {
  readonly services: ServicesConfig;
  readonly teams: readonly TeamConfig[];
  readonly environment: Environment;
  /** Cost labels on every object. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Team namespaces: the teams' service credentials and drift jobs go into them. */
  readonly teamNamespaces: pulumi.Input<pulumi.Resource>[];
  /** EKS; omitted on an existing cluster. */
  readonly aws?: MlopsServicesAwsArgs;
  /** The in-cluster S3 store of an existing cluster: each consumer identity's generated keys (ObjectStore.credentials) and readiness. */
  readonly objectStore?: {
    readonly endpoint: string;
    readonly credentials: Readonly<Record<string, pulumi.Input<Readonly<Record<string, string>>>>>;
    readonly ready: pulumi.Resource;
  };
  /** The platform's cert-manager (components/cert-manager): KServe's controller waits for it. Required with KServe. */
  readonly certManager?: pulumi.Input<pulumi.Resource>[];
  /** The stack's sign-in: the Feast stores check IdP tokens against its issuer. @default none (no team may use feast) */
  readonly access?: Pick<AccessConfig, "identityProvider" | "adminGroups">;
  /** Where the API server is (the Feast servers' TokenReview calls). @default ANY_API_SERVER */
  readonly apiServer?: ApiServerAddresses;
  /** KServe's routes on the platform's Gateway (with `access` and a team serving models). @default none */
  readonly kserveGateway?: ModelServingArgs["gateway"];
}

/** The platform Postgres: RDS on AWS, CloudNativePG on an existing cluster. */
function databaseServer(database: NonNullable<ServicesConfig["database"]>, aws: MlopsServicesAwsArgs | undefined, wiring: ServiceWiring): DatabaseServerArgs {
  if (database.kind === "in-cluster") return { kind: "in-cluster", config: database };
  if (!aws) throw new Error("an RDS database needs the AWS side of MlopsServices (config resolves RDS only on EKS)");
  return {
    kind: "rds",
    config: database,
    aws: {
      clusterName: aws.clusterName,
      vpcId: aws.vpcId,
      vpcCidr: aws.vpcCidr,
      subnetIds: aws.privateSubnetIds,
      clusterSecurityGroupId: aws.clusterSecurityGroupId,
      kmsKeyArn: aws.keys.databases,
      recoveryKmsKeyArn: aws.keys.recoveryDatabases,
      protect: aws.protect,
      backup: aws.backup,
      secretStoreName: CLUSTER_SECRET_STORE,
      egressPorts: wiring.databaseEgressPorts,
    },
  };
}

/** External Secrets on AWS: one ClusterSecretStore over Secrets Manager for the service namespaces. */
function createSecretStore(
  name: string,
  aws: MlopsServicesAwsArgs,
  wiring: ServiceWiring,
  database: PlatformDatabase | undefined,
  ready: pulumi.Input<pulumi.Resource>[],
  labels: Record<string, string>,
  opts: pulumi.ComponentResourceOptions,
) {
  const sync = new SecretSync(
    `${name}-secrets`,
    {
      clusterName: aws.clusterName,
      eksClusterName: aws.eksClusterName,
      accountId: aws.accountId,
      region: aws.region,
      kmsKeyArn: aws.keys.databases,
      extraSecretArns: database?.masterSecretArn ? [database.masterSecretArn] : [],
      namespaces: wiring.secretStoreNamespaces,
      // Teams that opted into Evidently, MLflow or Kubeflow Pipelines receive a generated credential in their namespace.
      namespaceLabels: [serviceOptInLabel("evidently"), serviceOptInLabel("mlflow"), serviceOptInLabel("pipelines")],
      dependsOn: ready,
      labels,
    },
    opts,
  );
  const store: CredentialStore = { kind: "secrets-manager", clusterName: aws.clusterName, kmsKeyArn: aws.keys.databases, storeName: sync.storeName };
  return { sync, store };
}

/** MLflow, Feast and Evidently, each with its database role's password; returns those password Secrets. */
function createDatabaseUsers(
  name: string,
  args: MlopsServicesArgs,
  database: DatabaseEndpoint,
  context: ServiceContext,
  opts: pulumi.ComponentResourceOptions,
): pulumi.Resource[] {
  const { services, aws } = args;
  const passwords: pulumi.Resource[] = [];
  if (services.mlflow.enabled)
    passwords.push(
      ...new Mlflow(`${name}-mlflow`, { replicas: services.mlflow.replicas, database, context, teams: args.teams, teamNamespaces: args.teamNamespaces }, opts)
        .databasePassword,
    );
  if (services.feast.enabled) {
    const cache = aws && {
      nodeType: services.feast.onlineStore.nodeType,
      nodes: services.feast.onlineStore.nodes,
      vpcId: aws.vpcId,
      subnetIds: aws.privateSubnetIds,
      clientSecurityGroupId: aws.clusterSecurityGroupId,
      kmsKeyArn: aws.keys.databases,
      snapshotRetentionDays: aws.protect ? 7 : 1,
    };
    const idp = args.access?.identityProvider;
    const oidc = idp && args.access && { issuer: idp.issuer, audience: idp.kubectlClientId, adminGroups: args.access.adminGroups };
    const feast = new Feast(
      `${name}-feast`,
      {
        teams: args.teams,
        oidc,
        apiServer: args.apiServer ?? ANY_API_SERVER,
        database,
        cache,
        objectStoreKeys: args.objectStore?.credentials,
        teamNamespaces: args.teamNamespaces,
        context,
      },
      opts,
    );
    passwords.push(...feast.databasePassword);
  }
  if (services.evidently.enabled) {
    passwords.push(
      ...new ModelMonitoring(`${name}-evidently`, { database, teams: args.teams, teamNamespaces: args.teamNamespaces, context }, opts).databasePassword,
    );
  }
  return passwords;
}

/** Kubeflow Pipelines on EKS with RDS: its MySQL and the master secret through the secret store. */
function pipelinesAws(name: string, aws: MlopsServicesAwsArgs, database: ServicesConfig["database"], sync: SecretSync): PipelinesAwsArgs | undefined {
  if (database?.kind !== "rds") return undefined;
  return {
    clusterName: aws.clusterName,
    region: aws.region,
    vpcId: aws.vpcId,
    subnetIds: aws.privateSubnetIds,
    clusterSecurityGroupId: aws.clusterSecurityGroupId,
    databasesKmsKeyArn: aws.keys.databases,
    recoveryDatabasesKmsKeyArn: aws.keys.recoveryDatabases,
    database,
    protect: aws.protect,
    backup: aws.backup,
    secretStoreName: sync.storeName,
    secretStore: sync.store,
    masterSecretAccess: (arn) => sync.allowSecret(`${name}-secrets-pipelines-master`, arn),
  };
}

/**
 * The MLOps services of a stack: the namespaces, the credential path (External Secrets on AWS), the platform
 * Postgres, and each enabled service — MLflow, Feast, Kubeflow Pipelines, KServe, Evidently — wired to the
 * data buckets, Pod Identity, monitoring and the team namespaces that opted in. What needs what is decided by
 * serviceWiring (wiring.ts); the constructor creates it in order.
 */
export class MlopsServices extends pulumi.ComponentResource {
  constructor(name: string, args: MlopsServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:MlopsServices", name, {}, opts);
    const child = { parent: this };
    const { services, aws } = args;
    const labels = { ...args.labels };
    const wiring = serviceWiring(services, args.teams, aws !== undefined);
    const nsGroup = createObjectGroup(`${name}-namespaces`, namespaceObjects(wiring.namespaces, labels), { ...child, dependsOn: inheritedDependsOn(opts) });
    const namespacesReady: pulumi.Input<pulumi.Resource>[] = [nsGroup, ...inheritedDependsOn(opts)];

    const database = services.database
      ? new PlatformDatabase(`${name}-postgres`, { server: databaseServer(services.database, aws, wiring), labels, dependsOn: namespacesReady }, child)
      : undefined;
    const secrets = aws ? createSecretStore(name, aws, wiring, database, namespacesReady, labels, child) : undefined;
    const storeReady = [...namespacesReady, ...(secrets ? [secrets.sync.store] : [])];
    const store: CredentialStore = secrets?.store ?? { kind: "kubernetes" };

    if (args.objectStore) {
      const keys = args.objectStore.credentials;
      // Each consumer's own keys in its own namespace only (existing clusters have no Pod Identity); one Secret
      // per namespace. Each reader mounts the credentials file; Feast's DuckDB reads only the raw keys (see own-workloads.ts).
      for (const reader of wiring.objectStoreReaders) {
        const values = keys[reader.identity];
        if (!values) throw new Error(`the object store has no identity ${reader.identity}: give ObjectStore the consumers of objectStoreConsumers()`);
        createCredential(
          `${name}-object-store`,
          {
            store,
            values: values as unknown as Record<string, pulumi.Input<string>>,
            targets: [{ namespace: reader.namespace, secretName: OBJECT_STORE_CREDENTIALS_SECRET, template: objectStoreCredentialsTemplate() }],
            labels,
            dependsOn: [...storeReady, ...args.teamNamespaces],
          },
          child,
        );
      }
    }
    const ready = [...storeReady, ...(args.objectStore ? [args.objectStore.ready] : [])];
    const context: ServiceContext = {
      store,
      aws: aws && {
        clusterName: aws.clusterName,
        eksClusterName: aws.eksClusterName,
        accountId: aws.accountId,
        region: aws.region,
        bucketKeyArn: aws.keys.s3,
        vpcCidr: aws.vpcCidr,
      },
      objectStore: args.objectStore && {
        endpoint: args.objectStore.endpoint,
        namespace: OBJECT_STORE_NAMESPACE,
        port: OBJECT_STORE_S3_PORT,
        credentialsSecret: OBJECT_STORE_CREDENTIALS_SECRET,
      },
      bucketName: (kind: DataBucketKind) =>
        aws ? pulumi.output(aws.accountId).apply((id) => dataBucketName(aws.clusterName, kind, id)) : localBucketName(kind),
      labels,
      dependsOn: ready,
    };

    if (database) {
      const passwords = createDatabaseUsers(name, args, database.endpoint, context, child);
      createDatabaseRoles(`${name}-postgres`, database, { grants: wiring.grants, passwords, labels, dependsOn: ready });
    } else {
      const orphans = DATABASE_USERS.filter((service) => services[service].enabled);
      if (orphans.length > 0) throw new Error(`${orphans.join(", ")} need the platform database, but the services config has none (resolveServices sets it)`);
    }
    if (services.kserve.enabled) {
      if (!args.certManager) throw new Error("KServe needs the platform's cert-manager (MlopsServicesArgs.certManager)");
      new ModelServing(
        `${name}-kserve`,
        { mode: services.kserve.mode, dependsOn: ready, certManager: args.certManager, labels, gateway: args.kserveGateway },
        child,
      );
    }
    if (services.pipelines.enabled) {
      const objectStore = context.objectStore;
      new Pipelines(
        `${name}-pipelines`,
        {
          labels,
          teams: args.teams,
          teamNamespaces: args.teamNamespaces,
          artifactsBucket: context.bucketName("artifacts"),
          store,
          aws: aws && secrets && pipelinesAws(name, aws, services.database, secrets.sync),
          local: aws
            ? undefined
            : objectStore && {
                objectStoreHost: new URL(objectStore.endpoint).hostname,
                objectStorePort: objectStore.port,
                credentialsSecret: objectStore.credentialsSecret,
              },
          dependsOn: ready,
        },
        child,
      );
    }
    this.registerOutputs({ namespaces: wiring.namespaces.map((n) => n.name) });
  }
}
