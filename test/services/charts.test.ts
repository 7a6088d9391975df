/** The objects we author for the MLOps services, part 1: pod security, images, MLflow, secret templates, External Secrets (secrets as files: charts-secret-files.test.ts). */
import { describe, it, expect } from "vitest";
import { parse } from "yaml";
import { cnpgObjects } from "../../charts/services/database-cnpg";
import {
  CLUSTER_SECRET_STORE,
  clusterSecretStore,
  EXTERNAL_SECRETS_API,
  externalSecret,
  renderTemplate,
  templateKeys,
} from "../../charts/services/external-secrets";
import { FEAST_NAMESPACE, FEAST_PG_SERVICE, feastDataStoresTemplate, featureStore, REDIS_NAME } from "../../charts/services/feast";
import { allowedHosts, MLFLOW_NAMESPACE, MLFLOW_PG_SERVICE, MLFLOW_PORT, MLFLOW_SECRET, mlflowSecretTemplate, postgresUrl } from "../../charts/services/mlflow";
import { OBJECT_STORE_S3_ENDPOINT } from "../../components/storage/local-buckets";
import { serviceOptInLabel } from "../../domain/team-services";
import { IMAGES, imageRef } from "../../domain/versions";
import {
  Obj,
  LABELS,
  DB,
  GRANTS,
  mlflow,
  setup,
  redis,
  buckets,
  find,
  podSpecOf,
  workloads,
  containersOf,
  envMap,
  AUTHORED,
  parseIni,
  expectObjectStoreCredentialsFile,
} from "./chart-fixtures";

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
    const fs = featureStore({ team: "recsys", oidc: { issuer: "https://idp.example.com", audience: "mlops-kubectl" } }) as Obj;
    expect(fs.spec.services.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(fs.spec.services.securityContext.runAsUser).toBeGreaterThan(0);
  });
});

describe("images", () => {
  const catalogue = Object.keys(IMAGES).map((k) => imageRef(k as keyof typeof IMAGES));

  it.each(Object.keys(AUTHORED))("%s: every container image comes from IMAGES in domain/versions.ts", (builder) => {
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

describe("MLflow server", () => {
  const deployment = () => find(mlflow(), "Deployment");
  const container = () => containersOf(deployment())[0];

  it("runs basic auth, proxied artifacts and Prometheus metrics", () => {
    expect(container().command).toEqual(["mlflow", "server"]);
    expect(container().args).toEqual(
      expect.arrayContaining(["--app-name=basic-auth", "--serve-artifacts", "--expose-prometheus=/tmp/metrics", `--port=${MLFLOW_PORT}`]),
    );
  });

  it("sets artifacts, auth config path, region and no S3 endpoint on AWS", () => {
    const env = envMap(container());
    expect(env.MLFLOW_ARTIFACTS_DESTINATION).toBe("s3://mlops-prod-artifacts-444455556666/mlflow/");
    expect(env.MLFLOW_AUTH_CONFIG_PATH).toBe("/etc/mlflow/basic_auth.ini");
    expect(env.AWS_REGION).toBe("us-east-1");
    expect(env).not.toHaveProperty("MLFLOW_S3_ENDPOINT_URL");
    expect(env).not.toHaveProperty("AWS_ACCESS_KEY_ID");
  });

  it("on the local store: the S3 endpoint and the mounted credentials file (AWS_SHARED_CREDENTIALS_FILE), no keys in env, no region", () => {
    const local = find(AUTHORED["mlflow (local S3)"](), "Deployment");
    const env = envMap(expectObjectStoreCredentialsFile(local));
    expect(env.MLFLOW_S3_ENDPOINT_URL).toBe(OBJECT_STORE_S3_ENDPOINT);
    expect(env).not.toHaveProperty("AWS_REGION");
    expect(envMap(container())).not.toHaveProperty("AWS_SHARED_CREDENTIALS_FILE");
  });

  it("mounts basic_auth.ini and libpq's service file from the Secret, read-only with mode 0440, at the configured paths, and /tmp writable", () => {
    const mounts = container().volumeMounts;
    expect(mounts).toContainEqual({ name: "config", mountPath: "/etc/mlflow", readOnly: true });
    expect(mounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    expect(podSpecOf(deployment()).volumes).toContainEqual({
      name: "config",
      secret: {
        secretName: MLFLOW_SECRET,
        defaultMode: 0o440,
        items: [
          { key: "basic_auth.ini", path: "basic_auth.ini" },
          { key: "pg_service.conf", path: "pg_service.conf" },
        ],
      },
    });
    expect(envMap(container())).toMatchObject({ MLFLOW_AUTH_CONFIG_PATH: "/etc/mlflow/basic_auth.ini", PGSERVICEFILE: "/etc/mlflow/pg_service.conf" });
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
      {
        port: "http",
        path: "/metrics",
        interval: "30s",
        basicAuth: { username: { name: MLFLOW_SECRET, key: "admin-username" }, password: { name: MLFLOW_SECRET, key: "admin-password" } },
      },
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

  it("postgresUrl builds a TLS-required SQLAlchemy URL without a password", () => {
    expect(postgresUrl(DB)).toBe(`postgresql+psycopg2://mlflow@${DB.host}:5432/mlflow?sslmode=require`);
    expect(postgresUrl(DB, "postgresql+psycopg")).toMatch(/^postgresql\+psycopg:\/\//);
  });

  it("the MLflow template reads password, adminPassword and secretKey", () => {
    expect(templateKeys(mlflowSecretTemplate(DB)).sort()).toEqual(["adminPassword", "password", "secretKey"]);
  });

  it("renders the MLflow Secret: an ini MLflow can read with the admin password, libpq's service file, the scrape credentials", () => {
    const s = renderTemplate(mlflowSecretTemplate(DB), VALUES);
    const url = `postgresql+psycopg2://mlflow@${DB.host}:5432/mlflow?sslmode=require`;
    expect(Object.keys(s).sort()).toEqual(["admin-password", "admin-username", "basic_auth.ini", "flask-secret-key", "pg_service.conf"]);
    expect(s["admin-username"]).toBe("admin");
    expect(s["admin-password"]).toBe("adminPass456");
    expect(s["flask-secret-key"]).toBe("flaskKey789");
    expect(parseIni(s["basic_auth.ini"])).toEqual({
      mlflow: {
        default_permission: "NO_PERMISSIONS",
        database_uri: url,
        admin_username: "admin",
        admin_password: "adminPass456",
        authorization_function: "mlflow.server.auth:authenticate_request_basic_auth",
      },
    });
    expect(parseIni(s["pg_service.conf"])).toEqual({ [MLFLOW_PG_SERVICE]: { password: "dbPass123" } });
    expect(Object.values(s).join("\n")).not.toContain("{{");
  });

  it("renders Feast's data stores as YAML: SQL registry over psycopg 3 without a password, Redis with TLS and AUTH, the service file", () => {
    const t = feastDataStoresTemplate({ ...DB, database: "feast", user: "feast" }, { host: "master.feast.cache.amazonaws.com", port: 6379, tls: true });
    expect(templateKeys(t).sort()).toEqual(["password", "redisPassword"]);
    const s = renderTemplate(t, VALUES);
    // The operator copies sql and redis into the Deployment's env: neither may hold a password value.
    expect(parse(s.sql)).toEqual({
      path: `postgresql+psycopg://feast@${DB.host}:5432/feast?sslmode=require`,
      cache_ttl_seconds: 60,
      sqlalchemy_config_kwargs: { pool_pre_ping: true },
    });
    expect(parse(s.redis)).toEqual({ connection_string: "master.feast.cache.amazonaws.com:6379,ssl=true,password=${FEAST_REDIS_PASSWORD}" });
    expect(s.sql + s.redis).not.toMatch(/dbPass123|redisPass000/);
    expect(parseIni(s["pg_service.conf"])).toEqual({ [FEAST_PG_SERVICE]: { password: "dbPass123" } });
    expect(s["redis-password"]).toBe("redisPass000");
    expect(Object.keys(s).sort()).toEqual(["pg_service.conf", "redis", "redis-password", "sql"]);
  });

  it("the in-cluster Redis connection has no ssl flag", () => {
    const s = renderTemplate(feastDataStoresTemplate(DB, { host: `${REDIS_NAME}.${FEAST_NAMESPACE}.svc`, port: 6379, tls: false }), VALUES);
    expect(parse(s.redis)).toEqual({ connection_string: "feast-redis.feast.svc:6379,password=${FEAST_REDIS_PASSWORD}" });
  });

  it("renderTemplate rejects a placeholder with no generated value, naming both", () => {
    expect(() => renderTemplate({ uri: "x://{{ .missing }}@h" }, VALUES)).toThrow("secret template uri names missing, which is not a generated value");
  });

  it("renderTemplate accepts placeholders with or without spaces and leaves other text alone", () => {
    expect(renderTemplate({ a: "{{.password}}-{{ .password }}", b: "no placeholders {{ here" }, VALUES)).toEqual({
      a: "dbPass123-dbPass123",
      b: "no placeholders {{ here",
    });
  });
});

describe("External Secrets objects", () => {
  it("an ExternalSecret fetches the listed JSON keys from the store and templates the target", () => {
    const es = externalSecret({
      name: "mlflow",
      namespace: "mlflow",
      storeName: CLUSTER_SECRET_STORE,
      remoteKey: "mlops-prod/mlops/mlflow",
      keys: ["password", "adminPassword"],
      template: { a: "{{ .password }}" },
      labels: LABELS,
    });
    expect(es.apiVersion).toBe(EXTERNAL_SECRETS_API);
    expect(es.spec.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: CLUSTER_SECRET_STORE });
    expect(es.spec.target).toEqual({
      name: "mlflow",
      creationPolicy: "Owner",
      // The synced Secret carries the labels (in a team namespace they mark it platform-owned).
      template: { type: "Opaque", engineVersion: "v2", metadata: { labels: LABELS }, data: { a: "{{ .password }}" } },
    });
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
    const labelled = externalSecret({
      name: "m",
      namespace: "vision",
      storeName: "s",
      remoteKey: "k",
      keys: ["u"],
      labels: { "app.kubernetes.io/managed-by": "mlops-platform" },
    });
    expect(labelled.spec.target.template).toEqual({
      type: "Opaque",
      engineVersion: "v2",
      metadata: { labels: { "app.kubernetes.io/managed-by": "mlops-platform" } },
    });
  });

  it("the ClusterSecretStore uses Secrets Manager in the region, limited to the listed namespaces and labels", () => {
    const store = clusterSecretStore("us-east-1", ["mlflow", "feast"], [serviceOptInLabel("evidently")]);
    expect(store.metadata.name).toBe(CLUSTER_SECRET_STORE);
    expect(store.spec.provider).toEqual({ aws: { service: "SecretsManager", region: "us-east-1" } });
    expect(store.spec.conditions).toEqual([
      { namespaces: ["mlflow", "feast"] },
      { namespaceSelector: { matchLabels: { "services.mlops.platform/evidently": "true" } } },
    ]);
    expect(JSON.stringify(store.spec.provider)).not.toMatch(/auth|accessKey|secretRef/);
  });
});
