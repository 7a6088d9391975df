/**
 * Feast the way upstream recommends deploying it today: the Feast operator's FeatureStore resource. Registry in
 * SQL (the platform Postgres), offline store as files (duckdb) over object storage, online store in Redis,
 * and the feature server. On existing clusters, Redis runs here from the upstream image with AUTH, reachable
 * from the feature server's namespace only (OPS-05).
 */
import { imageRef } from "../../domain/versions";
import { postgresUrlTemplate, type DatabaseLocation } from "./mlflow";
import type { SecretTemplate } from "./external-secrets";
import { serviceNetworkPolicies, type EgressRule } from "./network";
import { DEFAULT_UID, k8s, manifests, port, resources, restrictedPodSpec, type Manifest, singleManifest } from "../kube";
import { featureStoreResource, type ResourceRequirements } from "../crds/feast";
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

/** Environment variables the servers get from the Secret, and that feature_store.yaml refers to as ${VAR}. */
export const FEAST_SECRET_ENV = { FEAST_DB_PASSWORD: "db-password", FEAST_REDIS_PASSWORD: "redis-password" } as const;

/**
 * The FeatureStore's data-store Secret: keys named after the store types (sql, redis) hold their
 * feature_store.yaml parameters, as the operator reads them, with the passwords as ${VAR}: the operator copies
 * these parameters into the Deployment as plain env, so the passwords stay in their own keys and reach the
 * pods through secretKeyRef (Feast expands ${VAR} when it loads the file). Values: password, redisPassword.
 */
export function feastDataStoresTemplate(db: DatabaseLocation, redis: RedisLocation): SecretTemplate {
  const url = postgresUrlTemplate(db, "postgresql+psycopg").replace("{{ .password }}", "${FEAST_DB_PASSWORD}");
  return {
    sql: [`path: ${url}`, "cache_ttl_seconds: 60", "sqlalchemy_config_kwargs:", "  pool_pre_ping: true", ""].join("\n"),
    redis: `connection_string: "${redis.host}:${redis.port},${redis.tls ? "ssl=true," : ""}password=\${FEAST_REDIS_PASSWORD}"\n`,
    [FEAST_SECRET_ENV.FEAST_DB_PASSWORD]: "{{ .password }}",
    [FEAST_SECRET_ENV.FEAST_REDIS_PASSWORD]: "{{ .redisPassword }}",
  };
}

export interface FeatureStoreArgs {
  readonly project: string;
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  /** Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for an S3-compatible store (existing clusters). */
  readonly credentialsSecret?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

const serverResources = (cpu: string, memory: string, limit: string): ResourceRequirements => ({ requests: { cpu, memory }, limits: { memory: limit } });

export function featureStore(args: FeatureStoreArgs): Manifest {
  const keys = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];
  const credentials = args.credentialsSecret;
  const env: k8s.EnvVar[] = [
    ...(args.env ?? []),
    ...(credentials ? keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: credentials, key } } })) : []),
    ...Object.entries(FEAST_SECRET_ENV).map(([name, key]) => ({ name, valueFrom: { secretKeyRef: { name: FEAST_DATA_STORES_SECRET, key } } })),
  ];
  return singleManifest((scope) =>
    featureStoreResource(
      scope,
      FEATURE_STORE,
      { name: FEATURE_STORE, namespace: FEAST_NAMESPACE, labels: { ...args.labels } },
      {
        feastProject: args.project,
        services: {
          // Pod level only: the operator offers no per-container security context (hence a baseline namespace).
          securityContext: {
            runAsNonRoot: true,
            runAsUser: DEFAULT_UID,
            runAsGroup: DEFAULT_UID,
            fsGroup: DEFAULT_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          registry: {
            local: {
              persistence: { store: { type: "sql", secretRef: { name: FEAST_DATA_STORES_SECRET } } },
              server: { restAPI: true, env, resources: serverResources("100m", "256Mi", "1Gi") },
            },
          },
          offlineStore: {
            persistence: { file: { type: "duckdb" } },
            server: { env, resources: serverResources("250m", "1Gi", "4Gi") },
          },
          onlineStore: {
            persistence: { store: { type: "redis", secretRef: { name: FEAST_DATA_STORES_SECRET } } },
            server: { env, metrics: true, resources: serverResources("250m", "512Mi", "2Gi") },
          },
        },
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

/** Redis for existing clusters: one replica, AUTH from the data-store credential, data on a volume. */
export function redisObjects(args: { passwordSecret: string; labels?: Readonly<Record<string, string>> }): Manifest[] {
  const selector = { "app.kubernetes.io/name": REDIS_NAME };
  const labels = { ...args.labels, ...selector };
  const meta = { name: REDIS_NAME, namespace: FEAST_NAMESPACE, labels };
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
                  // The password is read from the environment by the shell, never written into the args.
                  command: ["sh", "-c", 'exec redis-server --requirepass "$REDIS_PASSWORD" --appendonly yes --dir /data --protected-mode yes'],
                  env: [{ name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: args.passwordSecret, key: "redisPassword" } } }],
                  ports: [{ name: "redis", containerPort: REDIS_PORT }],
                  readinessProbe: { tcpSocket: { port: port("redis") }, periodSeconds: 10 },
                  resources: resources({ cpu: "100m", memory: "256Mi" }, { memory: "1Gi" }),
                  volumeMounts: [{ name: "data", mountPath: "/data" }],
                },
              ],
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
