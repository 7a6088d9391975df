import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  FEAST_NAMESPACE,
  FEAST_PG_SERVICE,
  feastClientObjects,
  feastDataStoresSecret,
  feastDataStoresTemplate,
  feastNetworkPolicies,
  feastObjectStoreSecret,
  feastServiceMonitor,
  featureStore,
  REDIS_NAME,
  REDIS_PORT,
  redisAuthTemplate,
  redisObjects,
  type FeastOidc,
  type RedisLocation,
} from "../../charts/services/feast";
import { feastFeatureServerImage, feastPermissionsInput, feastPermissionsObjects } from "../../charts/services/feast-permissions";
import { objectStoreCredentialsTemplate } from "../../charts/services/secret-files";
import type { EgressRule } from "../../charts/services/network";
import { podSecurityLabels } from "../../charts/pod-security";
import type { TeamConfig } from "../../config/teams";
import { feastDataPrefix, feastServiceAccount } from "../../domain/feast";
import { teamsUsing } from "../../domain/team-services";
import { teamIdentityName } from "../../domain/object-store-identities";
import { MANIFESTS } from "../../domain/versions";
import { createObjectGroup } from "../kubernetes/object-group";
import { namespaceLabelsTransform } from "../kubernetes/namespace-labels";
import type { ApiServerAddresses } from "../queues";
import { OnlineStoreCache, type OnlineStoreCacheArgs } from "./aws/cache";
import { createServiceRole } from "./aws/role";
import { createCredential } from "./credentials";
import { databaseEgress, databasePasswordTarget, feastGrant, requireObjectStore, storageEgress, type ServiceContext } from "./context";
import type { DatabaseEndpoint } from "./database";

const REDIS_AUTH_SECRET = "feast-redis-auth";

/** Feast reads the in-cluster S3 store through both the AWS SDK's and its own endpoint setting. */
const objectStoreEnv = (endpoint: string) => [
  { name: "AWS_ENDPOINT_URL", value: endpoint },
  { name: "FEAST_S3_ENDPOINT_URL", value: endpoint },
];

export interface FeastArgs {
  /** Every team; those that opted into feast get a store. */
  readonly teams: readonly TeamConfig[];
  /** The stack's IdP (config rules require `access` for a team with feast) and the platform admins' IdP groups. */
  readonly oidc?: FeastOidc & { readonly adminGroups: readonly string[] };
  /** Where the API server is, for the servers' TokenReview calls. */
  readonly apiServer: ApiServerAddresses;
  readonly database: DatabaseEndpoint;
  /** ElastiCache on AWS (the AUTH token is generated here); omitted: Redis in the feast namespace. */
  readonly cache?: Omit<OnlineStoreCacheArgs, "authToken">;
  /** Existing clusters: each object-store identity's generated keys (a team's store reads with the team's own). */
  readonly objectStoreKeys?: Readonly<Record<string, pulumi.Input<Readonly<Record<string, string>>>>>;
  /** Team namespaces: each team's client config goes there. */
  readonly teamNamespaces: pulumi.Input<pulumi.Resource>[];
  readonly context: ServiceContext;
}

/**
 * Feast through its operator: the operator's pinned install manifest (server-side apply), one Redis for the online
 * store (ElastiCache on AWS, in-cluster otherwise), and for each team that opted into feast its own FeatureStore
 * (registry in the team's own database, offline data under the team's prefix with the team's own storage identity,
 * `oidc` authentication), the Job that writes the team project's permissions, and its client config.
 */
export class Feast extends pulumi.ComponentResource {
  readonly databasePassword: pulumi.Resource[];

  constructor(name: string, args: FeastArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:Feast", name, {}, opts);
    const child = { parent: this };
    const ctx = args.context;
    // ElastiCache AUTH tokens are 16-128 printable characters; alphanumeric keeps the connection string plain.
    const redisPassword = new random.RandomPassword(`${name}-redis`, { length: 48, special: false }, child).result;
    const cache = args.cache ? new OnlineStoreCache(`${name}-online`, { ...args.cache, authToken: redisPassword }, child) : undefined;
    const redis: pulumi.Output<RedisLocation> = cache
      ? pulumi.output(cache.address).apply((host) => ({ host, port: cache.port, tls: true }))
      : pulumi.output({ host: `${REDIS_NAME}.${FEAST_NAMESPACE}.svc`, port: REDIS_PORT, tls: false });
    const redisAuth = cache
      ? []
      : createCredential(
          // The credential's name of the single store before stores were per team: the Secret keeps its URN.
          name,
          {
            store: ctx.store,
            values: { redisPassword },
            targets: [{ namespace: FEAST_NAMESPACE, secretName: REDIS_AUTH_SECRET, template: redisAuthTemplate() }],
            labels: ctx.labels,
            dependsOn: ctx.dependsOn,
          },
          child,
        );
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
    const teams = teamsUsing(args.teams, "feast");
    const env = ctx.aws ? [{ name: "AWS_REGION", value: ctx.aws.region }] : objectStoreEnv(requireObjectStore(ctx, "Feast").endpoint);
    const passwords: pulumi.Resource[] = [];
    const stores: unknown[] = [];
    const waits: pulumi.Resource[] = [];
    const oidc = args.oidc;
    if (teams.length > 0 && !oidc)
      throw new Error("Feast stores authenticate against the stack's identity provider: config rules require `access` for a team with feast");
    for (const team of teams) {
      if (!oidc) break;
      const own = this.teamStore(name, team.name, { redis, redisPassword, args }, child);
      passwords.push(...own.databasePassword);
      waits.push(...own.ready);
      stores.push(
        featureStore({ team: team.name, oidc, env, credentialsSecret: own.credentialsSecret, labels: ctx.labels }),
        ...feastPermissionsObjects({
          team: team.name,
          input: feastPermissionsInput(team, oidc.adminGroups),
          namespace: FEAST_NAMESPACE,
          image: feastFeatureServerImage(),
          registry: { secretName: feastDataStoresSecret(team.name), sqlKey: "sql", pgService: FEAST_PG_SERVICE },
          labels: ctx.labels,
        }),
      );
      createObjectGroup(`${name}-${team.name}-client`, [feastClientObjects(team.name, ctx.labels)], { ...child, dependsOn: args.teamNamespaces });
    }
    this.databasePassword = passwords;
    const egress: EgressRule[] = [
      databaseEgress(ctx, args.database),
      ...storageEgress(ctx),
      ...(cache && ctx.aws ? [{ kind: "cidr" as const, cidr: ctx.aws.vpcCidr, ports: [REDIS_PORT] }] : []),
      // TokenReview of service-account tokens, and the IdP's discovery document and keys (public HTTPS).
      ...args.apiServer.cidrs.map((cidr) => ({ kind: "cidr" as const, cidr, ports: args.apiServer.ports })),
      ...(ctx.aws ? [] : [{ kind: "aws-apis" as const }]),
    ];
    const objects: unknown[] = [
      ...stores,
      feastServiceMonitor(ctx.labels),
      ...feastNetworkPolicies({ teams: teams.map((t) => t.name), egress, labels: ctx.labels }),
      ...(cache ? [] : redisObjects({ passwordSecret: REDIS_AUTH_SECRET, labels: ctx.labels })),
    ];
    createObjectGroup(`${name}-store`, objects, { ...child, dependsOn: [operator, ...passwords, ...redisAuth, ...waits, ...ctx.dependsOn] });
    this.registerOutputs({ featureStores: teams.map((t) => t.name) });
  }

  /** One team's registry credential (its database role, Redis, OIDC settings), storage identity and registry URL. */
  private teamStore(
    name: string,
    team: string,
    shared: { redis: pulumi.Output<RedisLocation>; redisPassword: pulumi.Output<string>; args: FeastArgs },
    child: { parent: pulumi.Resource },
  ) {
    const { args, redis, redisPassword } = shared;
    const ctx = args.context;
    const grant = feastGrant(team);
    const password = new random.RandomPassword(`${name}-${team}-database`, { length: 32, special: false }, child).result;
    const db = pulumi.output(args.database.host).apply((host) => ({ host, port: args.database.port, database: grant.database, user: grant.role }));
    const template = pulumi.all([db, redis]).apply(([location, r]) => feastDataStoresTemplate(location, r, args.oidc));
    const databasePassword = createCredential(
      `${name}-${team}`,
      {
        store: ctx.store,
        values: { password, redisPassword },
        targets: [{ namespace: FEAST_NAMESPACE, secretName: feastDataStoresSecret(team), template }, databasePasswordTarget(ctx, grant)],
        labels: ctx.labels,
        dependsOn: ctx.dependsOn,
      },
      child,
    );
    // The team's data only: EKS, a Pod Identity role of the store's account on the team's feast/ prefix; existing
    // clusters, a copy of the team's own object-store keys (teams/<team>/ of each bucket) in the feast namespace.
    const ready: pulumi.Resource[] = [];
    let credentialsSecret: string | undefined;
    if (ctx.aws) {
      ready.push(
        ...createServiceRole(
          `${name}-${team}-data`,
          {
            namespace: FEAST_NAMESPACE,
            serviceAccounts: [feastServiceAccount(team)],
            where: { bucket: "datasets", prefix: feastDataPrefix(team) },
            aws: ctx.aws,
            description: `Feast store of team ${team}: feature data under ${feastDataPrefix(team)} of the datasets bucket`,
          },
          child,
        ).associations,
      );
    } else {
      const keys = args.objectStoreKeys?.[teamIdentityName(team)];
      if (!keys) throw new Error(`the object store has no identity ${teamIdentityName(team)} for team ${team}'s Feast store`);
      credentialsSecret = feastObjectStoreSecret(team);
      ready.push(
        ...createCredential(
          `${name}-${team}-object-store`,
          {
            store: ctx.store,
            values: keys as unknown as Record<string, pulumi.Input<string>>,
            targets: [{ namespace: FEAST_NAMESPACE, secretName: credentialsSecret, template: objectStoreCredentialsTemplate() }],
            labels: ctx.labels,
            dependsOn: ctx.dependsOn,
          },
          child,
        ),
      );
    }
    return { databasePassword, ready, credentialsSecret };
  }
}
