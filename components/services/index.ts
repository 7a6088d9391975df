import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../config/schema";
import type { ServicesConfig } from "../../config/services";
import type { TeamConfig } from "../../config/teams";
import {
  CERT_MANAGER_NAMESPACE, CNPG_OPERATOR_NAMESPACE, DATABASES_NAMESPACE, EVIDENTLY_NAMESPACE, EXTERNAL_SECRETS_NAMESPACE, FEAST_NAMESPACE, KNATIVE_OPERATOR_NAMESPACE,
  KNATIVE_SERVING_NAMESPACE, KSERVE_NAMESPACE, KUBEFLOW_NAMESPACE, MLFLOW_NAMESPACE, OBJECT_STORE_NAMESPACE,
} from "../platform-namespaces";
import { namespaceObjects, type ServiceNamespace } from "../../charts/services/namespaces";
import { serviceOptInLabel } from "../teams/services";
import { createObjectGroup } from "../kubernetes/object-group";
import { inheritedDependsOn } from "../dependencies";
import { dataBucketName, localBucketName, OBJECT_STORE_CREDENTIALS_SECRET, OBJECT_STORE_S3_PORT, type DataBucketKind } from "../storage";
import { createCredential, type CredentialStore } from "./credentials";
import { PlatformDatabase } from "./database";
import { ModelMonitoring } from "./evidently";
import { SecretSync } from "./external-secrets";
import { Feast } from "./feast";
import { ModelServing } from "./kserve";
import { Mlflow } from "./mlflow";
import { Pipelines } from "./pipelines";
import type { ServiceContext } from "./context";
import { EVIDENTLY_GRANT } from "./evidently";
import { FEAST_GRANT } from "./feast";
import { MLFLOW_GRANT } from "./mlflow";

export interface MlopsServicesAwsArgs {
  readonly clusterName: string;
  readonly eksClusterName: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  readonly vpcCidr: string;
  readonly privateSubnetIds: pulumi.Input<string>[];
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  readonly keys: { readonly s3: pulumi.Input<string>; readonly databases: pulumi.Input<string> };
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
  /** The in-cluster S3 store of an existing cluster: its generated keys and readiness. */
  readonly objectStore?: { readonly endpoint: string; readonly credentials: pulumi.Input<Record<string, string>>; readonly ready: pulumi.Resource };
}

/** The service namespaces this configuration needs, with their Pod Security level. */
export function serviceNamespaces(s: ServicesConfig, onAws: boolean): ServiceNamespace[] {
  const out: ServiceNamespace[] = [];
  if (onAws) out.push({ name: EXTERNAL_SECRETS_NAMESPACE, level: "restricted" });
  if (s.database) out.push({ name: DATABASES_NAMESPACE, level: "restricted" });
  if (s.database?.kind === "in-cluster") out.push({ name: CNPG_OPERATOR_NAMESPACE, level: "restricted" });
  if (s.mlflow.enabled) out.push({ name: MLFLOW_NAMESPACE, level: "restricted" });
  if (s.feast.enabled) out.push({ name: FEAST_NAMESPACE, level: "baseline", reason: "the Feast operator sets no container-level securityContext on the pods it creates" });
  if (s.kserve.enabled) out.push({ name: CERT_MANAGER_NAMESPACE, level: "restricted" }, { name: KSERVE_NAMESPACE, level: "restricted" });
  if (s.kserve.enabled && s.kserve.mode === "serverless") {
    out.push({ name: KNATIVE_OPERATOR_NAMESPACE, level: "baseline", reason: "the Knative operator chart sets no seccomp profile or dropped capabilities" }, { name: KNATIVE_SERVING_NAMESPACE, level: "baseline", reason: "Knative's Kourier gateway and activator are third-party workloads" });
  }
  if (s.evidently.enabled) out.push({ name: EVIDENTLY_NAMESPACE, level: "restricted" });
  return out;
}

/**
 * The MLOps services of a stack: the namespaces, the credential path (External Secrets on AWS), the platform
 * Postgres, and each enabled service — MLflow, Feast, Kubeflow Pipelines, KServe, Evidently — wired to the
 * data buckets, Pod Identity, monitoring and the team namespaces that opted in.
 */
export class MlopsServices extends pulumi.ComponentResource {
  constructor(name: string, args: MlopsServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:MlopsServices", name, {}, opts);
    const child = { parent: this };
    const s = args.services;
    const labels = { ...args.labels };
    const a = args.aws;
    const namespaces = serviceNamespaces(s, a !== undefined);
    const nsGroup = createObjectGroup(`${name}-namespaces`, namespaceObjects(namespaces, labels), { ...child, dependsOn: inheritedDependsOn(opts) });
    const ready: pulumi.Input<pulumi.Resource>[] = [nsGroup, ...inheritedDependsOn(opts)];

    let store: CredentialStore = { kind: "kubernetes" };
    let secretSync: SecretSync | undefined;
    const database = s.database
      ? new PlatformDatabase(`${name}-postgres`, {
          config: s.database,
          grants: [...(s.mlflow.enabled ? [MLFLOW_GRANT] : []), ...(s.feast.enabled ? [FEAST_GRANT] : []), ...(s.evidently.enabled ? [EVIDENTLY_GRANT] : [])],
          aws: a && { egressPorts: s.pipelines.enabled ? [5432, 3306] : [5432], clusterName: a.clusterName, vpcId: a.vpcId, vpcCidr: a.vpcCidr, subnetIds: a.privateSubnetIds, clusterSecurityGroupId: a.clusterSecurityGroupId, kmsKeyArn: a.keys.databases, protect: a.protect, backup: a.backup, secretStoreName: "aws-secrets-manager" },
          labels,
          dependsOn: ready,
        }, child)
      : undefined;
    if (a) {
      const serviceNs = namespaces.map((n) => n.name).filter((n) => n !== EXTERNAL_SECRETS_NAMESPACE);
      secretSync = new SecretSync(`${name}-secrets`, {
        clusterName: a.clusterName,
        eksClusterName: a.eksClusterName,
        accountId: a.accountId,
        region: a.region,
        kmsKeyArn: a.keys.databases,
        extraSecretArns: database?.masterSecretArn ? [database.masterSecretArn] : [],
        namespaces: [...serviceNs, ...(s.pipelines.enabled ? [KUBEFLOW_NAMESPACE] : [])],
        namespaceLabels: [serviceOptInLabel("evidently")],
        dependsOn: ready,
        labels,
      }, child);
      store = { kind: "secrets-manager", clusterName: a.clusterName, kmsKeyArn: a.keys.databases, storeName: secretSync.storeName };
      ready.push(secretSync.store);
    }
    const bucketName = (kind: DataBucketKind): pulumi.Input<string> => (a ? pulumi.output(a.accountId).apply((id) => dataBucketName(a.clusterName, kind, id)) : localBucketName(kind));
    const objectStore = args.objectStore
      ? { endpoint: args.objectStore.endpoint, namespace: OBJECT_STORE_NAMESPACE, port: OBJECT_STORE_S3_PORT, credentialsSecret: OBJECT_STORE_CREDENTIALS_SECRET }
      : undefined;
    if (args.objectStore) {
      // The store's keys in each namespace that reads or writes it (existing clusters have no Pod Identity).
      const readers = [
        ...(s.mlflow.enabled ? [MLFLOW_NAMESPACE] : []),
        ...(s.feast.enabled ? [FEAST_NAMESPACE] : []),
        ...(s.evidently.enabled ? args.teams.filter((t) => t.modelMonitors.length > 0).map((t) => t.name) : []),
      ];
      createCredential(`${name}-object-store`, {
        store,
        values: args.objectStore.credentials as Record<string, pulumi.Input<string>>,
        targets: readers.map((namespace) => ({ namespace, secretName: OBJECT_STORE_CREDENTIALS_SECRET })),
        labels,
        dependsOn: [...ready, ...args.teamNamespaces],
      }, child);
      ready.push(args.objectStore.ready);
    }
    const context: ServiceContext = {
      store,
      aws: a && { clusterName: a.clusterName, eksClusterName: a.eksClusterName, accountId: a.accountId, region: a.region, bucketKeyArn: a.keys.s3, vpcCidr: a.vpcCidr },
      objectStore,
      bucketName,
      labels,
      dependsOn: ready,
    };
    const passwords: pulumi.Resource[] = [];
    if (s.mlflow.enabled) passwords.push(...new Mlflow(`${name}-mlflow`, { replicas: s.mlflow.replicas, database: database!.endpoint, context }, child).databasePassword);
    if (s.feast.enabled) {
      const cache = a && {
        nodeType: s.feast.onlineStore.nodeType,
        nodes: s.feast.onlineStore.nodes,
        vpcId: a.vpcId,
        subnetIds: a.privateSubnetIds,
        clientSecurityGroupId: a.clusterSecurityGroupId,
        kmsKeyArn: a.keys.databases,
        snapshotRetentionDays: a.protect ? 7 : 1,
      };
      passwords.push(...new Feast(`${name}-feast`, { project: "platform", database: database!.endpoint, cache, context }, child).databasePassword);
    }
    if (s.evidently.enabled) {
      passwords.push(...new ModelMonitoring(`${name}-evidently`, { database: database!.endpoint, teams: args.teams, teamNamespaces: args.teamNamespaces, context }, child).databasePassword);
    }
    database?.finish(passwords);
    if (s.kserve.enabled) new ModelServing(`${name}-kserve`, { mode: s.kserve.mode, dependsOn: ready, labels }, child);
    if (s.pipelines.enabled) {
      new Pipelines(`${name}-pipelines`, {
        labels,
        aws: a && s.database?.kind === "rds"
          ? {
              clusterName: a.clusterName,
              eksClusterName: a.eksClusterName,
              accountId: a.accountId,
              region: a.region,
              vpcId: a.vpcId,
              subnetIds: a.privateSubnetIds,
              clusterSecurityGroupId: a.clusterSecurityGroupId,
              kmsKeyArns: { s3: a.keys.s3, databases: a.keys.databases },
              database: s.database,
              protect: a.protect,
              backup: a.backup,
              secretStoreName: secretSync!.storeName,
              secretStore: secretSync!.store,
              masterSecretAccess: (arn) => secretSync!.allowSecret(`${name}-secrets-pipelines-master`, arn),
            }
          : undefined,
        dependsOn: ready,
      }, child);
    }
    this.registerOutputs({ namespaces: namespaces.map((n) => n.name) });
  }
}
