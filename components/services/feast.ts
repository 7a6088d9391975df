import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  FEAST_DATA_STORES_SECRET,
  FEAST_NAMESPACE,
  FEAST_SERVICE_ACCOUNT,
  FEATURE_STORE,
  feastDataStoresTemplate,
  feastNetworkPolicies,
  feastServiceMonitor,
  featureStore,
  REDIS_NAME,
  REDIS_PORT,
  redisAuthTemplate,
  redisObjects,
} from "../../charts/services/feast";
import { podSecurityLabels } from "../../charts/pod-security";
import { createObjectGroup } from "../kubernetes/object-group";
import { namespaceLabelsTransform } from "../kubernetes/namespace-labels";
import { MANIFESTS } from "../../domain/versions";
import { FEAST_DATA_PREFIX } from "../../domain/object-store-identities";
import { OnlineStoreCache, type OnlineStoreCacheArgs } from "./aws/cache";
import { createServiceRole } from "./aws/role";
import { createCredential } from "./credentials";
import { databaseEgress, databasePasswordTarget, grantFor, requireObjectStore, storageEgress, type ServiceContext } from "./context";
import type { DatabaseEndpoint } from "./database";

export const FEAST_GRANT = grantFor("feast");
/** Feature data (offline store sources) under this prefix of the datasets bucket. */
export { FEAST_DATA_PREFIX };
const REDIS_AUTH_SECRET = "feast-redis-auth";

/** Feast reads the in-cluster S3 store through both the AWS SDK's and its own endpoint setting. */
const objectStoreEnv = (endpoint: string) => [
  { name: "AWS_ENDPOINT_URL", value: endpoint },
  { name: "FEAST_S3_ENDPOINT_URL", value: endpoint },
];

export interface FeastArgs {
  readonly project: string;
  readonly database: DatabaseEndpoint;
  /** ElastiCache on AWS (the AUTH token is generated here); omitted: Redis in the feast namespace. */
  readonly cache?: Omit<OnlineStoreCacheArgs, "authToken">;
  readonly context: ServiceContext;
}

/**
 * Feast through its operator: the operator's pinned install manifest (server-side apply), the data stores (the
 * platform Postgres for the registry, Redis for the online store: ElastiCache on AWS, in-cluster otherwise), a
 * FeatureStore with registry, offline and online servers, and a Pod Identity role on the datasets' feast/ prefix.
 */
export class Feast extends pulumi.ComponentResource {
  readonly databasePassword: pulumi.Resource[];

  constructor(name: string, args: FeastArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:Feast", name, {}, opts);
    const child = { parent: this };
    const ctx = args.context;
    const password = new random.RandomPassword(`${name}-database`, { length: 32, special: false }, child).result;
    // ElastiCache AUTH tokens are 16-128 printable characters; alphanumeric keeps the connection string plain.
    const redisPassword = new random.RandomPassword(`${name}-redis`, { length: 48, special: false }, child).result;

    const cache = args.cache ? new OnlineStoreCache(`${name}-online`, { ...args.cache, authToken: redisPassword }, child) : undefined;
    const redis = cache
      ? pulumi.output(cache.address).apply((host) => ({ host, port: cache.port, tls: true }))
      : pulumi.output({ host: `${REDIS_NAME}.${FEAST_NAMESPACE}.svc`, port: REDIS_PORT, tls: false });
    const template = pulumi
      .all([args.database.host, redis])
      .apply(([host, r]) => feastDataStoresTemplate({ host, port: args.database.port, database: FEAST_GRANT.database, user: FEAST_GRANT.role }, r));
    this.databasePassword = createCredential(
      name,
      {
        store: ctx.store,
        values: { password, redisPassword },
        targets: [
          { namespace: FEAST_NAMESPACE, secretName: FEAST_DATA_STORES_SECRET, template },
          databasePasswordTarget(ctx, FEAST_GRANT),
          ...(cache ? [] : [{ namespace: FEAST_NAMESPACE, secretName: REDIS_AUTH_SECRET, template: redisAuthTemplate() }]),
        ],
        labels: ctx.labels,
        dependsOn: ctx.dependsOn,
      },
      child,
    );

    const identity = ctx.aws
      ? createServiceRole(
          `${name}-data`,
          {
            namespace: FEAST_NAMESPACE,
            serviceAccounts: [FEAST_SERVICE_ACCOUNT],
            where: { bucket: "datasets", prefix: FEAST_DATA_PREFIX },
            aws: ctx.aws,
            description: "Feast servers: feature data under feast/ of the datasets bucket",
          },
          child,
        ).associations
      : [];
    // Server-side apply (the provider's default): the operator's CRD is too large for client-side apply.
    const operator = new k8s.yaml.v2.ConfigFile(
      `${name}-operator`,
      { file: MANIFESTS.feastOperator.url },
      {
        ...child,
        dependsOn: ctx.dependsOn,
        // The operator's pod sets no seccomp profile, which restricted requires: baseline, warning at restricted.
        transforms: [namespaceLabelsTransform({ ...ctx.labels, ...podSecurityLabels("baseline") })],
      },
    );
    const env = ctx.aws ? [{ name: "AWS_REGION", value: ctx.aws.region }] : objectStoreEnv(requireObjectStore(ctx, "Feast").endpoint);
    const objects: unknown[] = [
      featureStore({ project: args.project, env, credentialsSecret: ctx.objectStore?.credentialsSecret, labels: ctx.labels }),
      feastServiceMonitor(ctx.labels),
      ...feastNetworkPolicies({
        egress: [
          databaseEgress(ctx, args.database),
          ...storageEgress(ctx),
          ...(cache && ctx.aws ? [{ kind: "cidr" as const, cidr: ctx.aws.vpcCidr, ports: [REDIS_PORT] }] : []),
        ],
        labels: ctx.labels,
      }),
      ...(cache ? [] : redisObjects({ passwordSecret: REDIS_AUTH_SECRET, labels: ctx.labels })),
    ];
    createObjectGroup(`${name}-store`, objects, { ...child, dependsOn: [operator, ...this.databasePassword, ...identity, ...ctx.dependsOn] });
    this.registerOutputs({ featureStore: FEATURE_STORE });
  }
}
