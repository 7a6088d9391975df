/**
 * The objects we author for the MLOps services: External Secrets, network policies, MLflow, Feast, the
 * database setup (RDS Job, CloudNativePG), KServe's Knative and monitoring objects, the service namespaces,
 * the local bucket Job, and two component helpers (namespace labels transform, OCI chart source). Every
 * builder's output is also validated against the Kubernetes and CRD schemas.
 */
import { describe, it, expect } from "vitest";
import { parse } from "yaml";
import { CNPG_CLUSTER, CNPG_HOST, cnpgObjects } from "../../charts/services/database-cnpg";
import { DATABASES_NAMESPACE, databaseSetupObjects, MASTER_SECRET, SETUP_SQL, setupJobName, type DatabaseGrant } from "../../charts/services/database-setup";
import {
  CLUSTER_SECRET_STORE,
  clusterSecretStore,
  EXTERNAL_SECRETS_API,
  externalSecret,
  renderTemplate,
  templateKeys,
} from "../../charts/services/external-secrets";
import {
  FEAST_DATA_STORES_SECRET,
  FEAST_NAMESPACE,
  FEAST_POD_LABELS,
  FEAST_PORTS,
  feastDataStoresTemplate,
  feastNetworkPolicies,
  feastServiceMonitor,
  featureStore,
  REDIS_NAME,
  redisObjects,
} from "../../charts/services/feast";
import { KNATIVE_SERVING_NAMESPACE, knativeServing, kserveDeploymentMode, PREDICTOR_PORT, predictorPodMonitor } from "../../charts/services/kserve";
import { allowedHosts, MLFLOW_NAMESPACE, MLFLOW_PORT, MLFLOW_SECRET, mlflowObjects, mlflowSecretTemplate, postgresUrlTemplate, type MlflowArgs } from "../../charts/services/mlflow";
import { namespaceObjects } from "../../charts/services/namespaces";
import { serviceNetworkPolicies, type EgressRule } from "../../charts/services/network";
import { LINK_LOCAL_CIDR, POD_IDENTITY_AGENT_CIDR } from "../../charts/team/network";
import { serviceNamespaces } from "../../components/services/index";
import { kserveValues } from "../../components/services/kserve";
import { namespaceLabelsTransform } from "../../components/kubernetes/namespace-labels";
import { chartSource } from "../../components/kubernetes/upstream-chart";
import { bucketJobObjects, OBJECT_STORE_CREDENTIALS_SECRET, OBJECT_STORE_S3_ENDPOINT } from "../../components/storage/local-buckets";
import { MONITORING_NAMESPACE, serviceOptInLabel } from "../../components/teams/services";
import { CHARTS, IMAGES, imageRef, POD_SECURITY_VERSION } from "../../components/versions";
import { resolveServices } from "../../config/services";
import type { KubeObject } from "../../scripts/plan/extract";
import { validateObjects } from "../../scripts/plan/validate";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Meta = { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = KubeObject & { metadata?: Meta; spec?: any; data?: Record<string, string>; [k: string]: any };

const LABELS = { "cost-center": "platform" };
const DB = { host: "mlops-prod-postgres.abc.eu-west-1.rds.amazonaws.com", port: 5432, database: "mlflow", user: "mlflow" };
const RDS_EGRESS: EgressRule = { kind: "cidr", cidr: "10.20.0.0/16", ports: [5432] };
const S3_EGRESS: EgressRule[] = [{ kind: "aws-apis" }, { kind: "pod-identity" }];
const MLFLOW_ARGS: MlflowArgs = {
  replicas: 2,
  artifactsDestination: "s3://mlops-prod-artifacts-444455556666/mlflow/",
  region: "eu-west-1",
  databaseEgress: RDS_EGRESS,
  storageEgress: S3_EGRESS,
  labels: LABELS,
};
const GRANTS: DatabaseGrant[] = [
  { role: "mlflow", database: "mlflow", secretName: "mlflow-db" },
  { role: "feast", database: "feast", secretName: "feast-db" },
  { role: "evidently", database: "evidently", secretName: "evidently-db" },
];

const mlflow = (a: Partial<MlflowArgs> = {}) => mlflowObjects({ ...MLFLOW_ARGS, ...a }) as Obj[];
const setup = (grants: readonly DatabaseGrant[] = GRANTS) => databaseSetupObjects({ host: DB.host, port: 5432, grants, labels: LABELS }) as Obj[];
const redis = () => redisObjects({ passwordSecret: "feast-redis-auth", labels: LABELS }) as Obj[];
const buckets = () => bucketJobObjects("object-store") as Obj[];
const find = (objs: Obj[], kind: string, name?: string) => {
  const hits = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (hits.length !== 1) throw new Error(`expected one ${kind} ${name ?? ""}, found ${hits.length}`);
  return hits[0];
};
const podSpecOf = (o: Obj) => (o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);
const WORKLOADS = ["Deployment", "StatefulSet", "Job", "CronJob", "DaemonSet"];
const workloads = (objs: Obj[]) => objs.filter((o) => WORKLOADS.includes(o.kind));
const containersOf = (o: Obj): any[] => [...(podSpecOf(o).initContainers ?? []), ...podSpecOf(o).containers];
const envMap = (c: { env: { name: string; value?: string; valueFrom?: unknown }[] }) => Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom]));

/** Every workload object we author, by builder. */
const AUTHORED: Record<string, () => Obj[]> = {
  mlflow: () => mlflow(),
  "mlflow (local S3)": () => mlflow({ region: undefined, s3: { endpoint: OBJECT_STORE_S3_ENDPOINT, credentialsSecret: OBJECT_STORE_CREDENTIALS_SECRET } }),
  redis,
  "database setup": () => setup(),
  "local buckets": buckets,
};

/** A minimal INI reader: sections of key = value lines. */
function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = "";
  for (const line of text.split("\n")) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) out[(section = header[1])] = {};
    else if (line.includes("=")) {
      const i = line.indexOf("=");
      out[section][line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
  }
  return out;
}

describe("restricted pod security on every container we author", () => {
  it.each(Object.keys(AUTHORED))("%s: non-root, no escalation, ALL dropped, read-only root, RuntimeDefault seccomp", (builder) => {
    const objs = workloads(AUTHORED[builder]());
    expect(objs.length).toBeGreaterThan(0);
    for (const w of objs) {
      const pod = podSpecOf(w);
      expect(pod.securityContext, w.metadata?.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.hostNetwork ?? false).toBe(false);
      for (const c of containersOf(w)) {
        expect(c.securityContext, `${w.metadata?.name}/${c.name}`).toEqual({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(c.resources?.limits?.memory, c.name).toBeDefined();
      }
    }
  });

  it("service accounts we create do not mount API tokens", () => {
    for (const objs of [mlflow(), redis(), setup()]) {
      for (const sa of objs.filter((o) => o.kind === "ServiceAccount")) expect(sa.automountServiceAccountToken, sa.metadata?.name).toBe(false);
    }
  });

  it("the Feast operator's pods get a non-root pod security context (the only level it offers)", () => {
    const fs = featureStore({ project: "platform" }) as Obj;
    expect(fs.spec.services.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(fs.spec.services.securityContext.runAsUser).toBeGreaterThan(0);
  });
});

describe("images", () => {
  const catalogue = Object.keys(IMAGES).map((k) => imageRef(k as keyof typeof IMAGES));

  it.each(Object.keys(AUTHORED))("%s: every container image comes from IMAGES in components/versions.ts", (builder) => {
    for (const w of workloads(AUTHORED[builder]())) for (const c of containersOf(w)) expect(catalogue, c.image).toContain(c.image);
  });

  it("each builder runs its own catalogue image", () => {
    expect(containersOf(find(mlflow(), "Deployment"))[0].image).toBe(imageRef("mlflow"));
    expect(containersOf(find(redis(), "StatefulSet"))[0].image).toBe(imageRef("redis"));
    expect(containersOf(find(setup(), "Job"))[0].image).toBe(imageRef("postgres"));
    expect(containersOf(find(buckets(), "Job"))[0].image).toBe(imageRef("awsCli"));
    expect(find(cnpgObjects({ instances: 2, storageGiB: 20, grants: GRANTS }) as Obj[], "Cluster").spec.imageName).toBe(imageRef("cnpgPostgres"));
  });

  it("every catalogue image is pinned to a tag, never latest", () => {
    for (const ref of catalogue) expect(ref).toMatch(/^[a-z0-9./-]+:(?!latest$)[A-Za-z0-9._-]+$/);
  });
});

describe("secrets are referenced by name and key, never written into env", () => {
  const SECRETISH = /PASSWORD|SECRET|TOKEN|ACCESS_KEY|PASSWD|CREDENTIAL/;

  it.each(Object.keys(AUTHORED))("%s: secret-like env vars come from secretKeyRef; plain values are not secrets", (builder) => {
    for (const w of workloads(AUTHORED[builder]())) {
      for (const c of containersOf(w)) {
        for (const e of c.env ?? []) {
          if (SECRETISH.test(e.name)) expect(e.valueFrom?.secretKeyRef, `${c.name} ${e.name}`).toMatchObject({ name: expect.any(String), key: expect.any(String) });
          if (e.value !== undefined) expect(e.value, `${c.name} ${e.name}`).not.toMatch(/password=|:\/\/[^/]*:[^@/]+@/i);
        }
      }
    }
  });

  it("MLflow reads its database URL, session key and admin credentials from the mlflow Secret", () => {
    const env = envMap(containersOf(find(mlflow(), "Deployment"))[0]);
    const ref = (key: string) => ({ secretKeyRef: { name: MLFLOW_SECRET, key } });
    expect(env.MLFLOW_BACKEND_STORE_URI).toEqual(ref("backend-store-uri"));
    expect(env.MLFLOW_FLASK_SERVER_SECRET_KEY).toEqual(ref("flask-secret-key"));
    expect(env.MLFLOW_AUTH_ADMIN_USERNAME).toEqual(ref("admin-username"));
    expect(env.MLFLOW_AUTH_ADMIN_PASSWORD).toEqual(ref("admin-password"));
  });

  it("the MLflow secret keys it reads are exactly those the template makes", () => {
    const template = mlflowSecretTemplate(DB);
    const deployment = find(mlflow(), "Deployment");
    const envKeys = containersOf(deployment)[0].env.filter((e: any) => e.valueFrom?.secretKeyRef?.name === MLFLOW_SECRET).map((e: any) => e.valueFrom.secretKeyRef.key);
    const volumeKeys = podSpecOf(deployment).volumes.flatMap((v: any) => (v.secret?.secretName === MLFLOW_SECRET ? v.secret.items.map((i: any) => i.key) : []));
    expect([...envKeys, ...volumeKeys].sort()).toEqual(Object.keys(template).sort());
  });

  it("Redis takes its password from the environment, not from its args", () => {
    const c = containersOf(find(redis(), "StatefulSet"))[0];
    expect(envMap(c).REDIS_PASSWORD).toEqual({ secretKeyRef: { name: "feast-redis-auth", key: "redisPassword" } });
    expect(c.command.join(" ")).toContain('--requirepass "$REDIS_PASSWORD"');
  });

  it("the setup Job reads the master user and one password per grant from Secrets", () => {
    const env = envMap(containersOf(find(setup(), "Job"))[0]);
    expect(env.PGUSER).toEqual({ secretKeyRef: { name: MASTER_SECRET, key: "username" } });
    expect(env.PGPASSWORD).toEqual({ secretKeyRef: { name: MASTER_SECRET, key: "password" } });
    expect(env.PASSWORD_MLFLOW).toEqual({ secretKeyRef: { name: "mlflow-db", key: "password" } });
    expect(env.PASSWORD_FEAST).toEqual({ secretKeyRef: { name: "feast-db", key: "password" } });
    expect(env.PGSSLMODE).toBe("require");
  });

  // The operator copies the store parameters into the Deployment as plain env: passwords come by secretKeyRef.
  const PASSWORD_ENV = [
    { name: "FEAST_DB_PASSWORD", valueFrom: { secretKeyRef: { name: "feast-data-stores", key: "db-password" } } },
    { name: "FEAST_REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "feast-data-stores", key: "redis-password" } } },
  ];

  it("the FeatureStore's object-store keys come from the credentials Secret, and only when given", () => {
    const withKeys = featureStore({ project: "platform", credentialsSecret: OBJECT_STORE_CREDENTIALS_SECRET, env: [{ name: "AWS_ENDPOINT_URL", value: OBJECT_STORE_S3_ENDPOINT }] }) as Obj;
    const env = withKeys.spec.services.onlineStore.server.env;
    expect(env).toEqual([
      { name: "AWS_ENDPOINT_URL", value: OBJECT_STORE_S3_ENDPOINT },
      { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: OBJECT_STORE_CREDENTIALS_SECRET, key: "AWS_ACCESS_KEY_ID" } } },
      { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: OBJECT_STORE_CREDENTIALS_SECRET, key: "AWS_SECRET_ACCESS_KEY" } } },
      ...PASSWORD_ENV,
    ]);
    expect(withKeys.spec.services.registry.local.server.env).toEqual(env);
    expect(withKeys.spec.services.offlineStore.server.env).toEqual(env);
    const aws = featureStore({ project: "platform", env: [{ name: "AWS_REGION", value: "eu-west-1" }] }) as Obj;
    expect(aws.spec.services.onlineStore.server.env).toEqual([{ name: "AWS_REGION", value: "eu-west-1" }, ...PASSWORD_ENV]);
  });
});

describe("MLflow server", () => {
  const deployment = () => find(mlflow(), "Deployment");
  const container = () => containersOf(deployment())[0];

  it("runs basic auth, proxied artifacts and Prometheus metrics", () => {
    expect(container().command).toEqual(["mlflow", "server"]);
    expect(container().args).toEqual(expect.arrayContaining(["--app-name=basic-auth", "--serve-artifacts", "--expose-prometheus=/tmp/metrics", `--port=${MLFLOW_PORT}`]));
  });

  it("sets artifacts, auth config path, region and no S3 endpoint on AWS", () => {
    const env = envMap(container());
    expect(env.MLFLOW_ARTIFACTS_DESTINATION).toBe("s3://mlops-prod-artifacts-444455556666/mlflow/");
    expect(env.MLFLOW_AUTH_CONFIG_PATH).toBe("/etc/mlflow/basic_auth.ini");
    expect(env.AWS_REGION).toBe("eu-west-1");
    expect(env).not.toHaveProperty("MLFLOW_S3_ENDPOINT_URL");
    expect(env).not.toHaveProperty("AWS_ACCESS_KEY_ID");
  });

  it("on the local store: the S3 endpoint and keys from the credentials Secret, no region", () => {
    const env = envMap(containersOf(find(AUTHORED["mlflow (local S3)"](), "Deployment"))[0]);
    expect(env.MLFLOW_S3_ENDPOINT_URL).toBe(OBJECT_STORE_S3_ENDPOINT);
    expect(env.AWS_ACCESS_KEY_ID).toEqual({ secretKeyRef: { name: OBJECT_STORE_CREDENTIALS_SECRET, key: "AWS_ACCESS_KEY_ID" } });
    expect(env).not.toHaveProperty("AWS_REGION");
  });

  it("mounts basic_auth.ini from the Secret read-only at the configured path, and /tmp writable", () => {
    const mounts = container().volumeMounts;
    expect(mounts).toContainEqual({ name: "auth", mountPath: "/etc/mlflow", readOnly: true });
    expect(mounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    expect(podSpecOf(deployment()).volumes).toContainEqual({ name: "auth", secret: { secretName: MLFLOW_SECRET, items: [{ key: "basic_auth.ini", path: "basic_auth.ini" }] } });
  });

  it("accepts Host headers for every service name, with and without port, and the pod ranges", () => {
    const hosts = String(envMap(container()).MLFLOW_SERVER_ALLOWED_HOSTS).split(",");
    expect(hosts).toEqual(allowedHosts());
    for (const name of ["mlflow", "mlflow.mlflow", "mlflow.mlflow.svc", "mlflow.mlflow.svc.cluster.local"]) {
      expect(hosts).toContain(name);
      expect(hosts).toContain(`${name}:*`);
    }
    expect(hosts).toEqual(expect.arrayContaining(["10.*", "192.168.*", "172.16.*", "172.31.*"]));
    expect(hosts).not.toContain("172.15.*");
    expect(hosts).not.toContain("172.32.*");
    expect(hosts).not.toContain("*");
    expect(allowedHosts("tracking")).toContain("mlflow.tracking.svc.cluster.local:*");
  });

  it("exposes a ClusterIP Service only, on the http port", () => {
    const svc = find(mlflow(), "Service");
    expect(svc.spec.type).toBe("ClusterIP");
    expect(svc.spec.ports).toEqual([{ name: "http", port: MLFLOW_PORT, targetPort: "http" }]);
  });

  it("scrapes /metrics with basic auth from the mlflow Secret", () => {
    const sm = find(mlflow(), "ServiceMonitor");
    expect(sm.metadata?.namespace).toBe(MLFLOW_NAMESPACE);
    expect(sm.spec.endpoints).toEqual([
      { port: "http", path: "/metrics", interval: "30s", basicAuth: { username: { name: MLFLOW_SECRET, key: "admin-username" }, password: { name: MLFLOW_SECRET, key: "admin-password" } } },
    ]);
  });

  it("replicas come from the args; a PodDisruptionBudget only with more than one", () => {
    expect(deployment().spec.replicas).toBe(2);
    expect(find(mlflow(), "PodDisruptionBudget").spec.minAvailable).toBe(1);
    const single = mlflow({ replicas: 1 });
    expect(find(single, "Deployment").spec.replicas).toBe(1);
    expect(single.filter((o) => o.kind === "PodDisruptionBudget")).toEqual([]);
  });

  it("puts everything in the mlflow namespace with the cost labels", () => {
    for (const o of mlflow()) {
      expect(o.metadata?.namespace, `${o.kind} ${o.metadata?.name}`).toBe(MLFLOW_NAMESPACE);
      expect(o.metadata?.labels?.["cost-center"], `${o.kind} ${o.metadata?.name}`).toBe("platform");
    }
  });
});

describe("secret templates", () => {
  const VALUES = { password: "dbPass123", adminPassword: "adminPass456", secretKey: "flaskKey789", redisPassword: "redisPass000" };

  it("postgresUrlTemplate builds a TLS-required SQLAlchemy URL with the password as a placeholder", () => {
    expect(postgresUrlTemplate(DB)).toBe(`postgresql+psycopg2://mlflow:{{ .password }}@${DB.host}:5432/mlflow?sslmode=require`);
    expect(postgresUrlTemplate(DB, "postgresql+psycopg")).toMatch(/^postgresql\+psycopg:\/\//);
  });

  it("the MLflow template reads password, adminPassword and secretKey", () => {
    expect(templateKeys(mlflowSecretTemplate(DB)).sort()).toEqual(["adminPassword", "password", "secretKey"]);
  });

  it("renders the MLflow Secret: the URL, the admin credentials and an ini MLflow can read", () => {
    const s = renderTemplate(mlflowSecretTemplate(DB), VALUES);
    const url = `postgresql+psycopg2://mlflow:dbPass123@${DB.host}:5432/mlflow?sslmode=require`;
    expect(s["backend-store-uri"]).toBe(url);
    expect(s["admin-username"]).toBe("admin");
    expect(s["admin-password"]).toBe("adminPass456");
    expect(s["flask-secret-key"]).toBe("flaskKey789");
    expect(parseIni(s["basic_auth.ini"])).toEqual({
      mlflow: {
        default_permission: "NO_PERMISSIONS",
        database_uri: url,
        admin_username: "admin",
        authorization_function: "mlflow.server.auth:authenticate_request_basic_auth",
      },
    });
    expect(Object.values(s).join("\n")).not.toContain("{{");
  });

  it("renders Feast's data stores as YAML: SQL registry over psycopg 3 and Redis with TLS and AUTH", () => {
    const t = feastDataStoresTemplate({ ...DB, database: "feast", user: "feast" }, { host: "master.feast.cache.amazonaws.com", port: 6379, tls: true });
    expect(templateKeys(t).sort()).toEqual(["password", "redisPassword"]);
    const s = renderTemplate(t, VALUES);
    // The parameters name the passwords as ${VAR} (Feast expands them in the pod); the values sit in their own keys.
    expect(parse(s.sql)).toEqual({
      path: `postgresql+psycopg://feast:\${FEAST_DB_PASSWORD}@${DB.host}:5432/feast?sslmode=require`,
      cache_ttl_seconds: 60,
      sqlalchemy_config_kwargs: { pool_pre_ping: true },
    });
    expect(parse(s.redis)).toEqual({ connection_string: "master.feast.cache.amazonaws.com:6379,ssl=true,password=${FEAST_REDIS_PASSWORD}" });
    expect(s.sql + s.redis).not.toMatch(/dbPass123|redisPass000/);
    expect(s["db-password"]).toBe("dbPass123");
    expect(s["redis-password"]).toBe("redisPass000");
  });

  it("the in-cluster Redis connection has no ssl flag", () => {
    const s = renderTemplate(feastDataStoresTemplate(DB, { host: `${REDIS_NAME}.${FEAST_NAMESPACE}.svc`, port: 6379, tls: false }), VALUES);
    expect(parse(s.redis)).toEqual({ connection_string: "feast-redis.feast.svc:6379,password=${FEAST_REDIS_PASSWORD}" });
  });

  it("renderTemplate rejects a placeholder with no generated value, naming both", () => {
    expect(() => renderTemplate({ uri: "x://{{ .missing }}@h" }, VALUES)).toThrow("secret template uri names missing, which is not a generated value");
  });

  it("renderTemplate accepts placeholders with or without spaces and leaves other text alone", () => {
    expect(renderTemplate({ a: "{{.password}}-{{ .password }}", b: "no placeholders {{ here" }, VALUES)).toEqual({ a: "dbPass123-dbPass123", b: "no placeholders {{ here" });
  });
});

describe("External Secrets objects", () => {
  it("an ExternalSecret fetches the listed JSON keys from the store and templates the target", () => {
    const es = externalSecret({ name: "mlflow", namespace: "mlflow", storeName: CLUSTER_SECRET_STORE, remoteKey: "mlops-prod/mlops/mlflow", keys: ["password", "adminPassword"], template: { a: "{{ .password }}" }, labels: LABELS });
    expect(es.apiVersion).toBe(EXTERNAL_SECRETS_API);
    expect(es.spec.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: CLUSTER_SECRET_STORE });
    expect(es.spec.target).toEqual({ name: "mlflow", creationPolicy: "Owner", template: { type: "Opaque", engineVersion: "v2", data: { a: "{{ .password }}" } } });
    expect(es.spec.data).toEqual([
      { secretKey: "password", remoteRef: { key: "mlops-prod/mlops/mlflow", property: "password" } },
      { secretKey: "adminPassword", remoteRef: { key: "mlops-prod/mlops/mlflow", property: "adminPassword" } },
    ]);
    expect(es.spec.refreshInterval).toBe("1h");
  });

  it("without template or type, the target is the plain secret; a type alone sets it", () => {
    const plain = externalSecret({ name: "m", namespace: "databases", storeName: "s", remoteKey: "k", keys: ["username"] });
    expect(plain.spec.target).toEqual({ name: "m", creationPolicy: "Owner" });
    const typed = externalSecret({ name: "m", namespace: "databases", storeName: "s", remoteKey: "k", keys: ["username"], type: "kubernetes.io/basic-auth" });
    expect(typed.spec.target.template).toEqual({ type: "kubernetes.io/basic-auth", engineVersion: "v2" });
  });

  it("the ClusterSecretStore uses Secrets Manager in the region, limited to the listed namespaces and labels", () => {
    const store = clusterSecretStore("eu-west-1", ["mlflow", "feast"], [serviceOptInLabel("evidently")]);
    expect(store.metadata.name).toBe(CLUSTER_SECRET_STORE);
    expect(store.spec.provider).toEqual({ aws: { service: "SecretsManager", region: "eu-west-1" } });
    expect(store.spec.conditions).toEqual([{ namespaces: ["mlflow", "feast"] }, { namespaceSelector: { matchLabels: { "services.mlops.platform/evidently": "true" } } }]);
    expect(JSON.stringify(store.spec.provider)).not.toMatch(/auth|accessKey|secretRef/);
  });
});

describe("serviceNetworkPolicies", () => {
  const policies = (egress: EgressRule[] = [], extra: object = {}) =>
    serviceNetworkPolicies({ namespace: "svc", service: "mlflow", servedPods: { app: "x" }, servedPorts: [5000, "grpc"], egress, ...extra }) as Obj[];
  const byName = (objs: Obj[], name: string) => find(objs, "NetworkPolicy", name);

  it("denies all ingress and egress by default, and allows DNS and the namespace itself", () => {
    const objs = policies();
    expect(byName(objs, "default-deny").spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(byName(objs, "allow-dns").spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
    ]);
    expect(byName(objs, "allow-same-namespace").spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    for (const o of objs) expect(o.metadata?.namespace).toBe("svc");
  });

  it("admits exactly the namespaces labelled services.mlops.platform/<service>=true, to the served pods on the served ports", () => {
    const clients = byName(policies(), "allow-clients").spec;
    expect(clients).toEqual({
      podSelector: { matchLabels: { app: "x" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [serviceOptInLabel("mlflow")]: "true" } } }], ports: [{ protocol: "TCP", port: 5000 }, { protocol: "TCP", port: "grpc" }] }],
    });
  });

  it("adds platform namespaces named in alsoFrom; no allow-clients without a service or served pods", () => {
    const also = byName(policies([], { alsoFrom: ["kubeflow"] }), "allow-clients").spec.ingress[0].from;
    expect(also).toContainEqual({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kubeflow" } } });
    const none = serviceNetworkPolicies({ namespace: "databases", metricsPort: false, egress: [] });
    expect(none.map((p) => p.metadata.name)).toEqual(["default-deny", "allow-dns", "allow-same-namespace"]);
  });

  it("lets Prometheus scrape the metrics port from the monitoring namespace, unless metrics are off", () => {
    const scrape = byName(policies([], { metricsPort: 9090 }), "allow-monitoring-scrape").spec;
    expect(scrape.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": MONITORING_NAMESPACE } } }], ports: [{ protocol: "TCP", port: 9090 }] }]);
    expect(byName(policies(), "allow-monitoring-scrape").spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: "metrics" }]);
    expect(policies([], { metricsPort: false }).map((p) => p.metadata?.name)).not.toContain("allow-monitoring-scrape");
  });

  it("translates each egress kind", () => {
    const egress = byName(
      policies([
        { kind: "namespace", namespace: "databases", podLabels: { "cnpg.io/cluster": CNPG_CLUSTER }, ports: [5432] },
        { kind: "cidr", cidr: "10.20.0.0/16", ports: [6379] },
        { kind: "aws-apis" },
        { kind: "pod-identity" },
      ]),
      "allow-egress",
    ).spec.egress;
    expect(egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "databases" } }, podSelector: { matchLabels: { "cnpg.io/cluster": CNPG_CLUSTER } } }], ports: [{ protocol: "TCP", port: 5432 }] },
      { to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 6379 }] },
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", LINK_LOCAL_CIDR] } }], ports: [{ protocol: "TCP", port: 443 }] },
      { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [{ protocol: "TCP", port: 80 }] },
    ]);
  });

  it("has no allow-egress policy when no egress is listed", () => {
    expect(policies().map((p) => p.metadata?.name)).not.toContain("allow-egress");
  });

  it("MLflow: clients on 5000, scraped on 5000, egress to the database and S3 only", () => {
    const objs = mlflow();
    expect(byName(objs, "allow-clients").spec.ingress[0]).toEqual({ from: [{ namespaceSelector: { matchLabels: { "services.mlops.platform/mlflow": "true" } } }], ports: [{ protocol: "TCP", port: MLFLOW_PORT }] });
    expect(byName(objs, "allow-monitoring-scrape").spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: MLFLOW_PORT }]);
    expect(byName(objs, "allow-egress").spec.egress).toHaveLength(3);
  });

  it("Feast: opted-in namespaces reach the four servers' ports; metrics on 8000", () => {
    const objs = feastNetworkPolicies({ egress: [RDS_EGRESS] }) as Obj[];
    const clients = byName(objs, "allow-clients").spec;
    expect(clients.podSelector).toEqual({ matchLabels: FEAST_POD_LABELS });
    expect(clients.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { "services.mlops.platform/feast": "true" } } }]);
    expect(clients.ingress[0].ports.map((p: { port: number }) => p.port).sort()).toEqual([6566, 6570, 6572, 8815]);
    expect(Object.values(FEAST_PORTS).sort()).toEqual([6566, 6570, 6572, 8815]);
    expect(byName(objs, "allow-monitoring-scrape").spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: 8000 }]);
    for (const o of objs) expect(o.metadata?.namespace).toBe(FEAST_NAMESPACE);
  });
});

describe("Feast", () => {
  const fs = () => featureStore({ project: "platform", labels: LABELS }) as Obj;

  it("the FeatureStore keeps the registry in SQL and the online store in Redis, both from the data-stores Secret", () => {
    const s = fs().spec.services;
    expect(s.registry.local.persistence.store).toEqual({ type: "sql", secretRef: { name: FEAST_DATA_STORES_SECRET } });
    expect(s.onlineStore.persistence.store).toEqual({ type: "redis", secretRef: { name: FEAST_DATA_STORES_SECRET } });
    expect(s.offlineStore.persistence.file).toEqual({ type: "duckdb" });
    expect(s.registry.local.server.restAPI).toBe(true);
    expect(s.onlineStore.server.metrics).toBe(true);
  });

  it("the data-stores Secret's keys are the store types the FeatureStore names, plus the passwords the servers read", () => {
    const types = [fs().spec.services.registry.local.persistence.store.type, fs().spec.services.onlineStore.persistence.store.type];
    expect(Object.keys(feastDataStoresTemplate(DB, { host: "h", port: 6379, tls: true })).sort()).toEqual([...types, "db-password", "redis-password"].sort());
  });

  it("every server has a memory limit", () => {
    const s = fs().spec.services;
    for (const server of [s.registry.local.server, s.offlineStore.server, s.onlineStore.server]) expect(server.resources.limits.memory).toBeDefined();
  });

  it("the ServiceMonitor selects the online server's Service and its metrics port", () => {
    const sm = feastServiceMonitor(LABELS) as Obj;
    expect(sm.metadata?.namespace).toBe(FEAST_NAMESPACE);
    expect(sm.spec.selector.matchLabels).toEqual({ "feast.dev/name": "platform", "feast.dev/service-type": "online" });
    expect(sm.spec.endpoints).toEqual([{ port: "metrics", interval: "30s" }]);
  });

  it("in-cluster Redis: one replica with AUTH and append-only data on a volume, ClusterIP on 6379", () => {
    const sts = find(redis(), "StatefulSet");
    expect(sts.spec.replicas).toBe(1);
    const c = containersOf(sts)[0];
    expect(c.command.join(" ")).toMatch(/--appendonly yes --dir \/data --protected-mode yes/);
    expect(c.volumeMounts).toEqual([{ name: "data", mountPath: "/data" }]);
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe("data");
    expect(find(redis(), "Service").spec).toMatchObject({ type: "ClusterIP", ports: [{ port: 6379 }] });
  });
});

describe("database setup Job (RDS)", () => {
  const job = () => find(setup(), "Job");

  it("names the Job by a hash that changes when a grant changes and not otherwise", () => {
    const name = setupJobName(GRANTS);
    expect(name).toMatch(/^database-setup-[0-9a-f]{8}$/);
    expect(job().metadata?.name).toBe(name);
    expect(setupJobName(structuredClone(GRANTS))).toBe(name);
    expect(setupJobName(GRANTS.slice(0, 2))).not.toBe(name);
    expect(setupJobName([...GRANTS.slice(0, 2), { ...GRANTS[2], secretName: "evidently-db-2" }])).not.toBe(name);
    expect(setupJobName([...GRANTS.slice(0, 2), { ...GRANTS[2], database: "drift" }])).not.toBe(name);
  });

  it("creates roles and databases only when missing, with ON_ERROR_STOP", () => {
    expect(SETUP_SQL.split("\n")[0]).toBe("\\set ON_ERROR_STOP on");
    expect(SETUP_SQL).toMatch(/format\('CREATE ROLE %I LOGIN', :'role'\) WHERE NOT EXISTS \(SELECT FROM pg_roles WHERE rolname = :'role'\) \\gexec/);
    expect(SETUP_SQL).toMatch(/format\('CREATE DATABASE %I', :'db'\) WHERE NOT EXISTS \(SELECT FROM pg_database WHERE datname = :'db'\) \\gexec/);
    // Every CREATE is inside a guarded format(): no bare CREATE statement that fails on a second run.
    const bareCreates = SETUP_SQL.split("\n").filter((l) => /^\s*CREATE\s/i.test(l));
    expect(bareCreates).toEqual([]);
  });

  it("sets the password idempotently, without superuser rights, and confines the role to its database", () => {
    // Naming SUPERUSER at all needs a true superuser, which the RDS master is not; made roles are never superusers.
    expect(SETUP_SQL).toContain(`ALTER ROLE :"role" WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'password';`);
    expect(SETUP_SQL).not.toMatch(/SUPERUSER/i);
    expect(SETUP_SQL).toContain(`REVOKE ALL ON DATABASE :"db" FROM PUBLIC;`);
    expect(SETUP_SQL).toContain(`GRANT CONNECT, CREATE, TEMPORARY ON DATABASE :"db" TO :"role";`);
    expect(SETUP_SQL).toMatch(/\\connect :"db"\nGRANT USAGE, CREATE ON SCHEMA public TO :"role";/);
  });

  it("the ConfigMap holds the script and an entrypoint that runs psql once per grant", () => {
    const cm = find(setup(), "ConfigMap", "database-setup");
    expect(cm.data!["setup.sql"]).toBe(SETUP_SQL);
    const entry = cm.data!["entrypoint.sh"];
    expect(entry).toMatch(/^set -eu\n/);
    expect(entry).toMatch(/for grant in \$GRANTS; do/);
    // The password stays in the environment: psql reads it with \getenv, it is never on a command line.
    expect(entry).toContain('psql -v role="$role" -v db="$db" -v passwordvar="$var" -f /sql/setup.sql');
    expect(entry).not.toMatch(/password=/);
    expect(SETUP_SQL.split("\n")[1]).toBe("\\getenv password :passwordvar");
  });

  it("passes one role:database:env entry per grant", () => {
    const env = envMap(containersOf(job())[0]);
    expect(env.GRANTS).toBe("mlflow:mlflow:PASSWORD_MLFLOW feast:feast:PASSWORD_FEAST evidently:evidently:PASSWORD_EVIDENTLY");
    expect(env.PGHOST).toBe(DB.host);
    expect(env.PGPORT).toBe("5432");
    const hyphen = envMap(containersOf(find(setup([{ role: "model-registry", database: "registry", secretName: "r" }]), "Job"))[0]);
    expect(hyphen.GRANTS).toBe("model-registry:registry:PASSWORD_MODEL_REGISTRY");
    expect(hyphen.PASSWORD_MODEL_REGISTRY).toEqual({ secretKeyRef: { name: "r", key: "password" } });
  });

  it("the entrypoint splits each entry as the env builds it (simulated)", () => {
    const env = envMap(containersOf(job())[0]);
    const calls = String(env.GRANTS).split(" ").map((grant) => {
      const [role, db, variable] = grant.split(":");
      return { role, db, variable };
    });
    expect(calls.map((c) => c.role)).toEqual(GRANTS.map((g) => g.role));
    for (const c of calls) expect(env[c.variable], c.variable).toBeDefined();
  });

  it("runs the script from the ConfigMap, retries, and cleans up after a day", () => {
    const j = job();
    expect(containersOf(j)[0].command).toEqual(["/bin/sh", "/sql/entrypoint.sh"]);
    expect(podSpecOf(j).volumes).toContainEqual({ name: "sql", configMap: { name: "database-setup" } });
    expect(podSpecOf(j).restartPolicy).toBe("OnFailure");
    expect(j.spec.ttlSecondsAfterFinished).toBe(86400);
    for (const o of setup()) expect(o.metadata?.namespace).toBe(DATABASES_NAMESPACE);
  });
});

describe("CloudNativePG (existing clusters)", () => {
  const objs = () => cnpgObjects({ instances: 2, storageGiB: 30, grants: GRANTS, labels: LABELS }) as Obj[];

  it("a Cluster with the size asked, no superuser, scram passwords", () => {
    const c = find(objs(), "Cluster", CNPG_CLUSTER);
    expect(c.metadata?.namespace).toBe(DATABASES_NAMESPACE);
    expect(c.spec).toMatchObject({ instances: 2, storage: { size: "30Gi" }, enableSuperuserAccess: false, postgresql: { parameters: { password_encryption: "scram-sha-256" } } });
  });

  it("one managed login role per grant, its password from the grant's Secret", () => {
    expect(find(objs(), "Cluster").spec.managed.roles).toEqual(GRANTS.map((g) => ({ name: g.role, ensure: "present", login: true, passwordSecret: { name: g.secretName } })));
  });

  it("one Database per grant, owned by its role", () => {
    const dbs = objs().filter((o) => o.kind === "Database");
    expect(dbs.map((d) => d.spec)).toEqual(GRANTS.map((g) => ({ name: g.database, owner: g.role, cluster: { name: CNPG_CLUSTER }, ensure: "present" })));
    expect(dbs.map((d) => d.metadata?.name)).toEqual(["mlflow", "feast", "evidently"]);
  });

  it("a PodMonitor on the cluster's pods, and the rw Service host the services use", () => {
    expect(find(objs(), "PodMonitor").spec).toEqual({ selector: { matchLabels: { "cnpg.io/cluster": CNPG_CLUSTER } }, podMetricsEndpoints: [{ port: "metrics" }] });
    expect(CNPG_HOST).toBe(`${CNPG_CLUSTER}-rw.databases.svc`);
  });
});

describe("KServe", () => {
  it("maps the config mode to KServe's deployment mode", () => {
    expect(kserveDeploymentMode("standard")).toBe("Standard");
    expect(kserveDeploymentMode("serverless")).toBe("Knative");
  });

  it("kserveValues keeps our overrides and sets the mode and chart version", () => {
    const v = kserveValues("serverless") as any;
    expect(v.kserve.controller.deploymentMode).toBe("Knative");
    expect(v.kserve.version).toBe(CHARTS.kserveResources.version);
    expect(v.kserve.controller.gateway).toMatchObject({ disableIstioVirtualHost: true, disableIngressCreation: true });
    expect((kserveValues("standard") as any).kserve.controller.deploymentMode).toBe("Standard");
    // The storage initializer lands in restricted team namespaces: it must carry everything restricted asks.
    expect(v.kserve.storage.containerSecurityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("KnativeServing uses Kourier (ClusterIP) as the ingress, no Istio, cluster-local domain", () => {
    const ks = knativeServing(LABELS) as Obj;
    expect(ks.metadata?.namespace).toBe(KNATIVE_SERVING_NAMESPACE);
    expect(ks.spec.ingress).toEqual({ kourier: { enabled: true, "service-type": "ClusterIP" } });
    expect(ks.spec.config.network["ingress-class"]).toBe("kourier.ingress.networking.knative.dev");
    expect(ks.spec.config.domain).toEqual({ "svc.cluster.local": "" });
    expect(JSON.stringify(ks)).not.toMatch(/istio/i);
  });

  it("the predictor PodMonitor scrapes port 8080 /metrics of every InferenceService pod in any namespace", () => {
    const pm = predictorPodMonitor() as Obj;
    expect(PREDICTOR_PORT).toBe(8080);
    expect(pm.metadata?.namespace).toBe(MONITORING_NAMESPACE);
    expect(pm.spec.namespaceSelector).toEqual({ any: true });
    expect(pm.spec.selector).toEqual({ matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] });
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 8080, path: "/metrics" });
  });
});

describe("service namespaces", () => {
  const PSA = "pod-security.kubernetes.io/enforce";
  const all = resolveServices({ kserve: { mode: "serverless" } }, "prod", true);

  it("lists the namespaces the configuration needs", () => {
    expect(serviceNamespaces(all, true).map((n) => n.name)).toEqual(["external-secrets", "databases", "mlflow", "feast", "cert-manager", "kserve", "knative-operator", "knative-serving", "evidently"]);
    const local = resolveServices(undefined, "local", false);
    expect(serviceNamespaces(local, false).map((n) => n.name)).toEqual(["databases", "cnpg-system", "mlflow", "feast", "cert-manager", "kserve", "evidently"]);
    const off = { enabled: false };
    expect(serviceNamespaces(resolveServices({ mlflow: off, feast: off, pipelines: off, evidently: off }, "dev", true), true).map((n) => n.name)).toEqual(["external-secrets", "cert-manager", "kserve"]);
  });

  it("feast, knative-operator and knative-serving are baseline with a reason; every other namespace is restricted", () => {
    const objs = namespaceObjects(serviceNamespaces(all, true), LABELS) as Obj[];
    for (const ns of objs) {
      const name = ns.metadata!.name!;
      const labels = ns.metadata!.labels!;
      expect(labels["cost-center"]).toBe("platform");
      expect(labels["pod-security.kubernetes.io/warn"], name).toBe("restricted");
      expect(labels["pod-security.kubernetes.io/enforce-version"], name).toBe(POD_SECURITY_VERSION);
      if (["feast", "knative-operator", "knative-serving"].includes(name)) {
        expect(labels[PSA], name).toBe("baseline");
        expect(ns.metadata?.annotations?.["mlops.platform/pod-security-reason"]?.length ?? 0, name).toBeGreaterThan(20);
      } else {
        expect(labels[PSA], name).toBe("restricted");
        expect(ns.metadata?.annotations, name).toBeUndefined();
      }
    }
    expect(objs.find((o) => o.metadata?.name === "feast")?.metadata?.annotations?.["mlops.platform/pod-security-reason"]).toContain("Feast operator");
  });
});

describe("local buckets Job", () => {
  const job = () => find(buckets(), "Job");

  it("creates each data bucket only when missing", () => {
    const script = containersOf(job())[0].command[2] as string;
    expect(containersOf(job())[0].command.slice(0, 2)).toEqual(["/bin/sh", "-ec"]);
    expect(script.split("\n")).toEqual(["datasets", "artifacts", "models"].map((b) => `aws s3api head-bucket --bucket ${b} 2>/dev/null || aws s3api create-bucket --bucket ${b}`));
  });

  it("names the Job by the script's hash and runs in the given namespace against the in-cluster endpoint", () => {
    const j = job();
    expect(j.metadata?.name).toMatch(/^create-buckets-[0-9a-f]{8}$/);
    expect(j.metadata?.namespace).toBe("object-store");
    expect(bucketJobObjects("elsewhere")[0]).toMatchObject({ metadata: { name: j.metadata?.name, namespace: "elsewhere" } });
    const env = envMap(containersOf(j)[0]);
    expect(env.AWS_ENDPOINT_URL).toBe(OBJECT_STORE_S3_ENDPOINT);
    expect(env.AWS_SECRET_ACCESS_KEY).toEqual({ secretKeyRef: { name: OBJECT_STORE_CREDENTIALS_SECRET, key: "AWS_SECRET_ACCESS_KEY" } });
  });
});

describe("component helpers", () => {
  const transform = namespaceLabelsTransform({ a: "1", "pod-security.kubernetes.io/enforce": "restricted" });
  const args = (type: string, props: object) => ({ type, name: "n", props, opts: {} }) as any;

  it("namespaceLabelsTransform adds labels to Namespaces, over existing ones, keeping the rest of the object", () => {
    const out = transform(args("kubernetes:core/v1:Namespace", { metadata: { name: "kubeflow", labels: { keep: "x", "pod-security.kubernetes.io/enforce": "privileged" } }, spec: {} })) as any;
    expect(out.props).toEqual({ metadata: { name: "kubeflow", labels: { keep: "x", a: "1", "pod-security.kubernetes.io/enforce": "restricted" } }, spec: {} });
    const bare = transform(args("kubernetes:core/v1:Namespace", {})) as any;
    expect(bare.props.metadata.labels).toEqual({ a: "1", "pod-security.kubernetes.io/enforce": "restricted" });
  });

  it("namespaceLabelsTransform leaves every other type alone", () => {
    expect(transform(args("kubernetes:apps/v1:Deployment", { metadata: { name: "d" } }))).toBeUndefined();
    expect(transform(args("kubernetes:core/v1:ConfigMap", { metadata: { name: "c" } }))).toBeUndefined();
  });

  it("chartSource puts OCI repositories into the chart reference and others into repositoryOpts", () => {
    expect(chartSource(CHARTS.kserveResources)).toEqual({ chart: "oci://ghcr.io/kserve/charts/kserve-resources" });
    expect(chartSource(CHARTS.certManager)).toEqual({ chart: "cert-manager", repositoryOpts: { repo: "https://charts.jetstack.io" } });
  });
});

describe("schema", () => {
  const everything = (): Obj[] => [
    ...mlflow(),
    ...AUTHORED["mlflow (local S3)"]().filter((o) => o.kind === "Deployment"),
    ...redis(),
    ...setup(),
    ...buckets(),
    ...(cnpgObjects({ instances: 3, storageGiB: 20, grants: GRANTS, labels: LABELS }) as Obj[]),
    ...(feastNetworkPolicies({ egress: [RDS_EGRESS, ...S3_EGRESS], labels: LABELS }) as Obj[]),
    featureStore({ project: "platform", labels: LABELS }) as Obj,
    feastServiceMonitor(LABELS) as Obj,
    knativeServing(LABELS) as Obj,
    predictorPodMonitor(LABELS) as Obj,
    externalSecret({ name: "mlflow", namespace: "mlflow", storeName: CLUSTER_SECRET_STORE, remoteKey: "k", keys: ["password"], template: mlflowSecretTemplate(DB), labels: LABELS }) as Obj,
    externalSecret({ name: MASTER_SECRET, namespace: DATABASES_NAMESPACE, storeName: CLUSTER_SECRET_STORE, remoteKey: "arn", keys: ["username", "password"] }) as Obj,
    clusterSecretStore("eu-west-1", ["mlflow", "feast"], [serviceOptInLabel("evidently")]) as Obj,
    ...(namespaceObjects(serviceNamespaces(resolveServices({ kserve: { mode: "serverless" } }, "prod", true), true), LABELS) as Obj[]),
  ];

  it("validates every object against the schemas for Kubernetes 1.35 and the CRD packages", async () => {
    const objs = everything();
    expect(objs.map((o) => o.apiVersion.split("/")[0])).toEqual(expect.arrayContaining(["external-secrets.io", "postgresql.cnpg.io", "operator.knative.dev", "monitoring.coreos.com", "apps", "batch", "networking.k8s.io"]));
    expect(await validateObjects(objs, "1.35")).toEqual([]);
  });

  it("the schema check does catch a broken object of each CRD group", async () => {
    const es = externalSecret({ name: "x", namespace: "mlflow", storeName: "s", remoteKey: "k", keys: ["a"] }) as any;
    es.spec.data[0].remoteRef = "k";
    const cluster = find(cnpgObjects({ instances: 1, storageGiB: 5, grants: GRANTS }) as Obj[], "Cluster");
    cluster.spec.instances = "two";
    const ks = knativeServing() as any;
    ks.spec.ingress.kourier.enabled = "yes";
    const pm = predictorPodMonitor() as any;
    pm.spec.podMetricsEndpoints[0].portNumber = "8080";
    for (const broken of [es, cluster, ks, pm]) expect((await validateObjects([broken], "1.35")).length, broken.kind).toBeGreaterThan(0);
  });
});
