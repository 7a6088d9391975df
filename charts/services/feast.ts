/**
 * Feast the way upstream recommends deploying it today: the Feast operator's FeatureStore resource, one per team
 * that opted into feast (domain/feast.ts), each serving the team's own project with its own registry in SQL (the
 * team's database on the platform Postgres), its offline store as files (duckdb) under the team's prefix of the
 * datasets bucket, and Feast's own authentication (`oidc`: IdP tokens by the IdP's keys, service-account tokens
 * by TokenReview) and permissions (feast-permissions.ts). The online store is one Redis for every store (Feast
 * suffixes each key with its project); on existing clusters it runs here from the upstream image with AUTH,
 * reachable from the feature servers' namespace only (OPS-05).
 */
import { imageRef } from "../../domain/versions";
import { postgresUrl, type DatabaseLocation } from "./mlflow";
import type { SecretTemplate } from "./external-secrets";
import { optedInTeamNamespace, serviceNetworkPolicies, type EgressRule } from "./network";
import { PG_SERVICE_KEY, pgServiceEnv, pgServiceFile, secretFiles } from "./secret-files";
import { DEFAULT_UID, k8s, manifests, port, resources, restrictedPodSpec, type Manifest, singleManifest } from "../kube";
import { featureStoreResource, type FeatureStoreServices, type RegistryServerConfigs, type ResourceRequirements, type ServerConfigs } from "../crds/feast";
import { serviceMonitor } from "../crds/monitoring";
import { FEAST_NAMESPACE } from "../../domain/platform-namespaces";
import { FEAST_METRICS_PORT, FEAST_PORTS, FEAST_SERVER_LABELS, feastEndpoints, feastPodLabels, feastProject, feastStoreName } from "../../domain/feast";

export { FEAST_NAMESPACE, FEAST_PORTS };
/** The team's data-store Secret in the feast namespace (registry, online store, OIDC settings, passwords). */
export const feastDataStoresSecret = (team: string): string => `feast-${feastStoreName(team)}-data-stores`;
/** The copy of the team's own object-store keys in the feast namespace (existing clusters). */
export const feastObjectStoreSecret = (team: string): string => `feast-${feastStoreName(team)}-object-store`;
/** The data-store Secret's key holding the OIDC settings the operator copies into the servers' `auth`. */
export const FEAST_OIDC_KEY = "oidc";
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
export function feastDataStoresTemplate(db: DatabaseLocation, redis: RedisLocation, oidc?: FeastOidc): SecretTemplate {
  return {
    ...(oidc ? { [FEAST_OIDC_KEY]: feastOidcSettings(oidc) } : {}),
    sql: [`path: ${postgresUrl(db, "postgresql+psycopg")}`, "cache_ttl_seconds: 60", "sqlalchemy_config_kwargs:", "  pool_pre_ping: true", ""].join("\n"),
    redis: `connection_string: "${redis.host}:${redis.port},${redis.tls ? "ssl=true," : ""}password=\${FEAST_REDIS_PASSWORD}"\n`,
    [PG_SERVICE_KEY]: pgServiceFile(FEAST_PG_SERVICE, { password: "{{ .password }}" }),
    [FEAST_SECRET_ENV.FEAST_REDIS_PASSWORD]: "{{ .redisPassword }}",
  };
}

/**
 * How the servers check people's tokens: the IdP's issuer (discovery at <issuer>/.well-known/openid-configuration,
 * then its JWKS) and the audience its tokens for kubectl carry (access.identityProvider.kubectlClientId: the token
 * a person already holds from kubelogin). Feast reads groups from the `groups` claim, raw as the IdP sends them.
 */
export interface FeastOidc {
  readonly issuer: string;
  readonly audience: string;
}

/**
 * The optional OIDC properties the operator reads from the Secret's key (audience, issuer: infra/feast-operator
 * repo_config.go OidcOptionalSecretProperties) and copies into each server's `auth`, so that Feast checks `aud` and
 * `iss` (feast/permissions/auth/oidc_token_parser.py checks neither unless set).
 */
export function feastOidcSettings(oidc: FeastOidc): string {
  return `audience: ${JSON.stringify(oidc.audience)}\nissuer: ${JSON.stringify(oidc.issuer)}\n`;
}

export interface FeatureStoreArgs {
  readonly team: string;
  readonly oidc: FeastOidc;
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
  const dataStores = feastDataStoresSecret(args.team);
  const secrets = secretFiles("data-stores", dataStores, FEAST_SECRETS_DIR, [PG_SERVICE_KEY]);
  const env: k8s.EnvVar[] = [
    ...(args.env ?? []),
    ...pgServiceEnv(secrets, FEAST_PG_SERVICE),
    ...(credentials ? keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: credentials, key } } })) : []),
    ...Object.entries(FEAST_SECRET_ENV).map(([name, key]) => ({ name, valueFrom: { secretKeyRef: { name: dataStores, key } } })),
  ];
  const volumeMounts = [secrets.mount];
  const services: ServicesWithVolumes = {
    // Never the operator's `feast apply` at pod start: its full sync would delete the team's objects and the
    // platform's permissions at every restart (feast/registry.py), leaving the project open to any caller.
    runFeastApplyOnInit: false,
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
        persistence: { store: { type: "sql", secretRef: { name: dataStores } } },
        server: { restAPI: true, env, volumeMounts, resources: serverResources("100m", "256Mi", "1Gi") },
      },
    },
    offlineStore: {
      persistence: { file: { type: "duckdb" } },
      server: { env, volumeMounts, resources: serverResources("250m", "1Gi", "4Gi") },
    },
    onlineStore: {
      persistence: { store: { type: "redis", secretRef: { name: dataStores } } },
      server: { env, volumeMounts, metrics: true, resources: serverResources("250m", "512Mi", "2Gi") },
    },
  };
  const name = feastStoreName(args.team);
  return singleManifest((scope) =>
    featureStoreResource(
      scope,
      name,
      // protected-project: the operator leaves the store out of its registry ConfigMap, which every authenticated
      // subject may read (infra/feast-operator namespace_registry.go).
      { name, namespace: FEAST_NAMESPACE, labels: { ...args.labels }, annotations: { "feast.dev/protected-project": "true" } },
      {
        feastProject: feastProject(args.team),
        services,
        // Feast's own authentication: IdP tokens by the issuer's keys (with the audience and issuer from the
        // data-store Secret's oidc key), service-account tokens by TokenReview; never `kubernetes` (it decodes
        // tokens unverified when TokenReview fails, and widens groups through ClusterRoleBindings).
        authz: { oidc: { issuerUrl: args.oidc.issuer, secretRef: { name: dataStores }, secretKeyName: FEAST_OIDC_KEY } },
      },
    ),
  );
}

/** The online servers' metrics (port 8000, named metrics on each store's online Service). */
export function feastServiceMonitor(labels: Readonly<Record<string, string>> = {}): Manifest {
  return singleManifest((scope) =>
    serviceMonitor(
      scope,
      "feast-online",
      { name: "feast-online", namespace: FEAST_NAMESPACE, labels: { ...labels } },
      { selector: { matchLabels: { "feast.dev/service-type": "online" } }, endpoints: [{ port: "metrics", interval: "30s" }] },
    ),
  );
}

/**
 * A team's client config (ConfigMap feast-client in the team's namespace, key feature_store.yaml): its own project,
 * registry, online and offline servers, and `auth: oidc`. A pod authenticates with a projected service-account
 * token (the API server's default audience, which TokenReview accepts): it sets FEAST_OIDC_TOKEN or mounts the
 * token at Feast's default path /var/run/secrets/kubernetes.io/serviceaccount/token; a person passes the ID token
 * kubelogin holds (token_env_var).
 */
export const FEAST_CLIENT_CONFIG = "feast-client";
export function feastClientConfig(team: string): string {
  const endpoints = feastEndpoints(team);
  return [
    `project: ${feastProject(team)}`,
    "provider: local",
    "registry:",
    "  registry_type: remote",
    `  path: ${endpoints.registry}`,
    "online_store:",
    "  type: remote",
    `  path: ${endpoints.online}`,
    "offline_store:",
    "  type: remote",
    `  host: ${endpoints.offline}`,
    "  port: 80",
    "auth:",
    "  type: oidc",
    "entity_key_serialization_version: 3",
    "",
  ].join("\n");
}

export function feastClientObjects(team: string, labels: Readonly<Record<string, string>> = {}): Manifest {
  return singleManifest(
    (scope) =>
      new k8s.KubeConfigMap(scope, "client", {
        metadata: { name: FEAST_CLIENT_CONFIG, namespace: team, labels: { ...labels } },
        data: { "feature_store.yaml": feastClientConfig(team) },
      }),
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
  /** The teams that opted into feast: each one's namespace reaches its own store only. */
  readonly teams: readonly string[];
  readonly egress: readonly EgressRule[];
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Each team's namespace (when it opted into feast) reaches the online, registry and offline servers of its own
 * store only; Redis (when here) only from this namespace. Egress as given: the servers' TokenReview calls to the
 * API server and the IdP's keys are among it.
 */
export function feastNetworkPolicies(args: FeastNetworkArgs): Manifest[] {
  const tcp = (p: number) => ({ protocol: "TCP", port: port(p) });
  const redis = { "app.kubernetes.io/name": REDIS_NAME };
  return [
    // No namespace-wide allowance: a team's feature-view code runs inside its own store's servers, which must not
    // reach another team's. The stores reach Redis (when it runs here) and nothing else of the namespace.
    ...serviceNetworkPolicies({ namespace: FEAST_NAMESPACE, metricsPort: FEAST_METRICS_PORT, egress: args.egress, labels: args.labels, sameNamespace: false }),
    ...manifests((scope) => {
      const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
        new k8s.KubeNetworkPolicy(scope, name, { metadata: { name, namespace: FEAST_NAMESPACE, labels: { ...args.labels } }, spec });
      policy("allow-stores-to-redis", {
        podSelector: { matchLabels: { ...FEAST_SERVER_LABELS } },
        policyTypes: ["Egress"],
        egress: [{ to: [{ podSelector: { matchLabels: redis } }], ports: [tcp(REDIS_PORT)] }],
      });
      policy("allow-redis-from-stores", {
        podSelector: { matchLabels: redis },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { ...FEAST_SERVER_LABELS } } }], ports: [tcp(REDIS_PORT)] }],
      });
      for (const team of args.teams) {
        // A store's own servers reach each other (through their Services too), never another team's.
        const own = { matchLabels: feastPodLabels(team) };
        policy(`allow-store-${team}-within`, {
          podSelector: own,
          policyTypes: ["Ingress", "Egress"],
          ingress: [{ from: [{ podSelector: own }] }],
          egress: [{ to: [{ podSelector: own }] }],
        });
      }
      for (const team of args.teams) {
        new k8s.KubeNetworkPolicy(scope, `allow-team-${team}`, {
          metadata: { name: `allow-team-${team}`, namespace: FEAST_NAMESPACE, labels: { ...args.labels } },
          spec: {
            podSelector: { matchLabels: feastPodLabels(team) },
            policyTypes: ["Ingress"],
            ingress: [
              {
                from: [optedInTeamNamespace(team, "feast")],
                ports: Object.values(FEAST_PORTS).map(tcp),
              },
            ],
          },
        });
      }
    }),
  ];
}
