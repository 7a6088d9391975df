/**
 * Feast the way upstream recommends deploying it today: the Feast operator's FeatureStore resource. Registry in
 * SQL (the platform Postgres), offline store as files (duckdb) over object storage, online store in Redis,
 * and the feature server. On existing clusters, Redis runs here from the upstream image with AUTH, reachable
 * from the feature server's namespace only (OPS-05).
 */
import { imageRef } from "../../domain/versions";
import { postgresUrl, type DatabaseLocation } from "./mlflow";
import type { SecretTemplate } from "./external-secrets";
import { serviceNetworkPolicies, type EgressRule } from "./network";
import { PG_SERVICE_KEY, pgServiceEnv, pgServiceFile, secretFiles } from "./secret-files";
import { DEFAULT_UID, k8s, manifests, port, resources, restrictedPodSpec, type Manifest, singleManifest } from "../kube";
import { featureStoreResource, type FeatureStoreServices, type RegistryServerConfigs, type ResourceRequirements, type ServerConfigs } from "../crds/feast";
import { serviceMonitor } from "../crds/monitoring";
import { FEAST_NAMESPACE } from "../../domain/platform-namespaces";

export { FEAST_NAMESPACE };
export const FEATURE_STORE = "platform";
/** The operator names everything feast-<name>, the service account included. */
export const FEAST_SERVICE_ACCOUNT = `feast-${FEATURE_STORE}`;
export const FEAST_DATA_STORES_SECRET = "feast-data-stores";
/** Container ports of the operator's servers (online, registry gRPC and REST, offline). */
export const FEAST_PORTS = { online: 6566, registryGrpc: 6570, registryRest: 6572, offline: 8815 } as const;
/** Labels the operator puts on the FeatureStore's pods (feast.dev/name = the resource's name). */
export const FEAST_POD_LABELS = { "feast.dev/name": FEATURE_STORE } as const;
export const REDIS_NAME = "feast-redis";
export const REDIS_PORT = 6379;
const REDIS_UID = 999;

export interface RedisLocation {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
}

/**
 * Environment variables the servers get from the Secret, and that feature_store.yaml refers to as ${VAR}: only
 * Redis' password, which Feast 0.66 takes from its connection string alone (registered exception
 * feast-servers-env-secrets, policies/exceptions/own-workloads.ts).
 */
export const FEAST_SECRET_ENV = { FEAST_REDIS_PASSWORD: "redis-password" } as const;
/** The libpq service the registry connects to Postgres as: its password is in the data-store Secret's service file. */
export const FEAST_PG_SERVICE = "feast";
/** Where the servers find the data-store Secret's files. */
const FEAST_SECRETS_DIR = "/etc/feast/secrets";

/**
 * The FeatureStore's data-store Secret: keys named after the store types (sql, redis) hold their
 * feature_store.yaml parameters, as the operator reads them; the operator copies these parameters into the
 * Deployment as plain env, so no password may sit in them. The SQL registry's URL has none: psycopg (libpq)
 * takes it from the service file (`pg_service.conf`, mounted, named by PGSERVICEFILE and PGSERVICE). Redis'
 * password is ${FEAST_REDIS_PASSWORD} in the connection string, its value in its own key, reaching the pods
 * by secretKeyRef (Feast expands ${VAR} when it loads the file). Values: password, redisPassword.
 */
export function feastDataStoresTemplate(db: DatabaseLocation, redis: RedisLocation): SecretTemplate {
  return {
    sql: [`path: ${postgresUrl(db, "postgresql+psycopg")}`, "cache_ttl_seconds: 60", "sqlalchemy_config_kwargs:", "  pool_pre_ping: true", ""].join("\n"),
    redis: `connection_string: "${redis.host}:${redis.port},${redis.tls ? "ssl=true," : ""}password=\${FEAST_REDIS_PASSWORD}"\n`,
    [PG_SERVICE_KEY]: pgServiceFile(FEAST_PG_SERVICE, { password: "{{ .password }}" }),
    [FEAST_SECRET_ENV.FEAST_REDIS_PASSWORD]: "{{ .redisPassword }}",
  };
}

export interface FeatureStoreArgs {
  readonly project: string;
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  /**
   * Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for an S3-compatible store (existing clusters): as
   * variables, because the duckdb offline store reads S3 through DuckDB, which takes the keys from the
   * environment only (registered exception feast-servers-env-secrets).
   */
  readonly credentialsSecret?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The operator's fields for mounting files (FeatureStoreServices.volumes, ServerConfigs.volumeMounts in
 * infra/feast-operator/api/v1/featurestore_types.go at v0.66.0), which charts/crds/feast.ts does not type yet.
 * The operator mounts a server's volumeMounts into its container and into the feast-apply init container.
 */
type Mounting<T> = T & { readonly volumeMounts?: readonly k8s.VolumeMount[] };
type LocalRegistry = NonNullable<NonNullable<FeatureStoreServices["registry"]>["local"]>;
interface ServicesWithVolumes extends FeatureStoreServices {
  readonly volumes?: readonly k8s.Volume[];
  readonly registry?: { readonly local?: LocalRegistry & { readonly server?: Mounting<RegistryServerConfigs> } };
  readonly offlineStore?: NonNullable<FeatureStoreServices["offlineStore"]> & { readonly server?: Mounting<ServerConfigs> };
  readonly onlineStore?: NonNullable<FeatureStoreServices["onlineStore"]> & { readonly server?: Mounting<ServerConfigs> };
}

const serverResources = (cpu: string, memory: string, limit: string): ResourceRequirements => ({ requests: { cpu, memory }, limits: { memory: limit } });

export function featureStore(args: FeatureStoreArgs): Manifest {
  const keys = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];
  const credentials = args.credentialsSecret;
  const secrets = secretFiles("data-stores", FEAST_DATA_STORES_SECRET, FEAST_SECRETS_DIR, [PG_SERVICE_KEY]);
  const env: k8s.EnvVar[] = [
    ...(args.env ?? []),
    ...pgServiceEnv(secrets, FEAST_PG_SERVICE),
    ...(credentials ? keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: credentials, key } } })) : []),
    ...Object.entries(FEAST_SECRET_ENV).map(([name, key]) => ({ name, valueFrom: { secretKeyRef: { name: FEAST_DATA_STORES_SECRET, key } } })),
  ];
  const volumeMounts = [secrets.mount];
  const services: ServicesWithVolumes = {
    // Pod level only: the operator offers no per-container security context (hence a baseline namespace).
    securityContext: {
      runAsNonRoot: true,
      runAsUser: DEFAULT_UID,
      runAsGroup: DEFAULT_UID,
      fsGroup: DEFAULT_UID,
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumes: [secrets.volume],
    registry: {
      local: {
        persistence: { store: { type: "sql", secretRef: { name: FEAST_DATA_STORES_SECRET } } },
        server: { restAPI: true, env, volumeMounts, resources: serverResources("100m", "256Mi", "1Gi") },
      },
    },
    offlineStore: {
      persistence: { file: { type: "duckdb" } },
      server: { env, volumeMounts, resources: serverResources("250m", "1Gi", "4Gi") },
    },
    onlineStore: {
      persistence: { store: { type: "redis", secretRef: { name: FEAST_DATA_STORES_SECRET } } },
      server: { env, volumeMounts, metrics: true, resources: serverResources("250m", "512Mi", "2Gi") },
    },
  };
  return singleManifest((scope) =>
    featureStoreResource(
      scope,
      FEATURE_STORE,
      { name: FEATURE_STORE, namespace: FEAST_NAMESPACE, labels: { ...args.labels } },
      {
        feastProject: args.project,
        services,
        // Access is decided by NetworkPolicy: only namespaces that opted into feast reach the servers.
        authz: { noAuth: true },
      },
    ),
  );
}

/** The online server's metrics (port 8000, named metrics on the online Service). */
export function feastServiceMonitor(labels: Readonly<Record<string, string>> = {}): Manifest {
  return singleManifest((scope) =>
    serviceMonitor(
      scope,
      "feast-online",
      { name: "feast-online", namespace: FEAST_NAMESPACE, labels: { ...labels } },
      { selector: { matchLabels: { ...FEAST_POD_LABELS, "feast.dev/service-type": "online" } }, endpoints: [{ port: "metrics", interval: "30s" }] },
    ),
  );
}

/** The key of Redis' auth Secret holding its config file. */
export const REDIS_CONFIG_KEY = "redis.conf";

/**
 * Redis' auth Secret (existing clusters): a config file with `requirepass`, which redis-server reads from the
 * path given as its first argument. Value: redisPassword (alphanumeric, so it needs no quoting rule of Redis').
 */
export function redisAuthTemplate(): SecretTemplate {
  return { [REDIS_CONFIG_KEY]: 'requirepass "{{ .redisPassword }}"\n' };
}

/** Redis for existing clusters: one replica, AUTH from the data-store credential's config file, data on a volume. */
export function redisObjects(args: { passwordSecret: string; labels?: Readonly<Record<string, string>> }): Manifest[] {
  const selector = { "app.kubernetes.io/name": REDIS_NAME };
  const labels = { ...args.labels, ...selector };
  const meta = { name: REDIS_NAME, namespace: FEAST_NAMESPACE, labels };
  const config = secretFiles("config", args.passwordSecret, "/etc/redis", [REDIS_CONFIG_KEY]);
  return manifests((scope) => {
    new k8s.KubeServiceAccount(scope, "service-account", { metadata: meta, automountServiceAccountToken: false });
    new k8s.KubeStatefulSet(scope, "stateful-set", {
      metadata: meta,
      spec: {
        serviceName: REDIS_NAME,
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: restrictedPodSpec(
            {
              serviceAccountName: REDIS_NAME,
              containers: [
                {
                  name: "redis",
                  image: imageRef("redis"),
                  // The password is in the mounted config file (requirepass), never in the environment or the args.
                  command: ["redis-server", config.path(REDIS_CONFIG_KEY), "--appendonly", "yes", "--dir", "/data", "--protected-mode", "yes"],
                  ports: [{ name: "redis", containerPort: REDIS_PORT }],
                  readinessProbe: { tcpSocket: { port: port("redis") }, periodSeconds: 10 },
                  resources: resources({ cpu: "100m", memory: "256Mi" }, { memory: "1Gi" }),
                  volumeMounts: [{ name: "data", mountPath: "/data" }, config.mount],
                },
              ],
              volumes: [config.volume],
            },
            { uid: REDIS_UID },
          ),
        },
        volumeClaimTemplates: [
          { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: k8s.Quantity.fromString("5Gi") } } } },
        ],
      },
    });
    new k8s.KubeService(scope, "service", {
      metadata: meta,
      spec: { type: "ClusterIP", selector, ports: [{ name: "redis", port: REDIS_PORT, targetPort: port("redis") }] },
    });
  });
}

export interface FeastNetworkArgs {
  readonly egress: readonly EgressRule[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** Teams that opted in reach the online, registry and offline servers; Redis (when here) only from this namespace. */
export function feastNetworkPolicies(args: FeastNetworkArgs): Manifest[] {
  return serviceNetworkPolicies({
    namespace: FEAST_NAMESPACE,
    service: "feast",
    servedPods: FEAST_POD_LABELS,
    servedPorts: Object.values(FEAST_PORTS),
    metricsPort: 8000,
    egress: args.egress,
    labels: args.labels,
  });
}
