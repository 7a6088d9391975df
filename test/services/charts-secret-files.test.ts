/** The objects we author for the MLOps services: how every secret reaches our containers, as a mounted file (POD-11). */
import { describe, it, expect } from "vitest";
import { MASTER_PG_SERVICE, MASTER_SECRET, PASSWORDS_DIR } from "../../charts/services/database-setup";
import { renderTemplate } from "../../charts/services/external-secrets";
import { FEAST_PG_SERVICE, featureStore, REDIS_CONFIG_KEY, redisAuthTemplate } from "../../charts/services/feast";
import { MLFLOW_PG_SERVICE, MLFLOW_SECRET, mlflowSecretTemplate } from "../../charts/services/mlflow";
import { OBJECT_STORE_CREDENTIALS_SECRET, OBJECT_STORE_S3_ENDPOINT } from "../../components/storage/local-buckets";
import { Obj, DB, GRANTS, mlflow, setup, redis, find, podSpecOf, workloads, containersOf, envMap, AUTHORED } from "./chart-fixtures";

describe("secrets reach the containers as files (POD-11)", () => {
  const SECRETISH = /PASSWORD|SECRET|TOKEN|ACCESS_KEY|PASSWD|CREDENTIAL/;
  /** The one variable still taken from a Secret, by a registered exception (mlflow-flask-secret-key). */
  const REGISTERED = ["MLFLOW_FLASK_SERVER_SECRET_KEY"];
  /** Variables that name a mounted secret file. */
  const FILE_VARIABLES = /_FILE$|^PGSERVICEFILE$|^MLFLOW_AUTH_CONFIG_PATH$/;

  /** The Secret (and key) a path in this pod is read from, through a secret or projected volume's mount. */
  function secretAt(pod: any, container: any, path: string): { secret: string; key: string } | undefined {
    for (const m of container.volumeMounts ?? []) {
      if (!path.startsWith(`${m.mountPath}/`)) continue;
      const file = path.slice(m.mountPath.length + 1);
      const v = pod.volumes.find((x: any) => x.name === m.name);
      const sources = v.secret ? [{ secret: { name: v.secret.secretName, items: v.secret.items } }] : (v.projected?.sources ?? []);
      for (const src of sources) {
        const item = src.secret?.items?.find((i: any) => i.path === file);
        if (item) return { secret: src.secret.name, key: item.key };
      }
    }
    return undefined;
  }

  it.each(Object.keys(AUTHORED))(
    "%s: no env var from a Secret but the registered ones, no envFrom, and every file variable names a mounted Secret key",
    (builder) => {
      let files = 0;
      for (const w of workloads(AUTHORED[builder]())) {
        for (const c of containersOf(w)) {
          expect(c.envFrom, c.name).toBeUndefined();
          for (const e of c.env ?? []) {
            if (e.valueFrom?.secretKeyRef) expect(REGISTERED, `${c.name} ${e.name}`).toContain(e.name);
            else if (SECRETISH.test(e.name)) expect(e.name, c.name).toMatch(FILE_VARIABLES);
            if (e.value !== undefined) expect(e.value, `${c.name} ${e.name}`).not.toMatch(/password=|:\/\/[^/]*:[^@/]+@/i);
            if (FILE_VARIABLES.test(e.name)) expect(secretAt(podSpecOf(w), c, e.value), `${c.name} ${e.name}`).toBeDefined();
          }
          // The secret files it is pointed at, by a variable or an argument.
          const strings = [...(c.env ?? []).map((e: any) => e.value), ...(c.command ?? []), ...(c.args ?? [])].filter((v) => typeof v === "string");
          files += strings.filter((v: string) => secretAt(podSpecOf(w), c, v) !== undefined).length;
        }
      }
      expect(files, builder).toBeGreaterThan(0);
    },
  );

  it("every secret volume is read-only and mode 0440: the pod's user and fsGroup only", () => {
    for (const builder of Object.keys(AUTHORED)) {
      for (const w of workloads(AUTHORED[builder]())) {
        const pod = podSpecOf(w);
        const secretVolumes = pod.volumes.filter((v: any) => v.secret || v.projected);
        for (const v of secretVolumes) expect(v.secret?.defaultMode ?? v.projected?.defaultMode, `${builder} ${v.name}`).toBe(0o440);
        for (const c of containersOf(w))
          for (const m of c.volumeMounts ?? [])
            if (secretVolumes.some((v: any) => v.name === m.name)) expect(m.readOnly, `${builder} ${c.name} ${m.name}`).toBe(true);
        expect(pod.securityContext.fsGroup, builder).toBeGreaterThan(0);
      }
    }
  });

  it("MLflow: the database URL has no password, libpq reads it from the mounted service file; the admin password is in basic_auth.ini", () => {
    const deployment = find(mlflow(), "Deployment");
    const c = containersOf(deployment)[0];
    const env = envMap(c);
    expect(env.MLFLOW_BACKEND_STORE_URI).toBe(`postgresql+psycopg2://mlflow@${DB.host}:5432/mlflow?sslmode=require`);
    expect(env.PGSERVICE).toBe(MLFLOW_PG_SERVICE);
    expect(env.PGSERVICEFILE).toBe("/etc/mlflow/pg_service.conf");
    expect(secretAt(podSpecOf(deployment), c, env.PGSERVICEFILE as string)).toEqual({ secret: MLFLOW_SECRET, key: "pg_service.conf" });
    expect(secretAt(podSpecOf(deployment), c, env.MLFLOW_AUTH_CONFIG_PATH as string)).toEqual({ secret: MLFLOW_SECRET, key: "basic_auth.ini" });
    expect(env).not.toHaveProperty("MLFLOW_AUTH_ADMIN_PASSWORD");
    expect(env).not.toHaveProperty("MLFLOW_AUTH_ADMIN_USERNAME");
    expect(env.MLFLOW_FLASK_SERVER_SECRET_KEY).toEqual({ secretKeyRef: { name: MLFLOW_SECRET, key: "flask-secret-key" } });
  });

  it("the MLflow secret keys the server and its scrape read are exactly those the template makes", () => {
    const template = mlflowSecretTemplate(DB);
    const objs = mlflow();
    const deployment = find(objs, "Deployment");
    const envKeys = containersOf(deployment)[0]
      .env.filter((e: any) => e.valueFrom?.secretKeyRef?.name === MLFLOW_SECRET)
      .map((e: any) => e.valueFrom.secretKeyRef.key);
    const volumeKeys = podSpecOf(deployment).volumes.flatMap((v: any) => (v.secret?.secretName === MLFLOW_SECRET ? v.secret.items.map((i: any) => i.key) : []));
    const scrapeKeys = find(objs, "ServiceMonitor").spec.endpoints.flatMap((e: any) => [e.basicAuth.username.key, e.basicAuth.password.key]);
    expect([...new Set([...envKeys, ...volumeKeys, ...scrapeKeys])].sort()).toEqual(Object.keys(template).sort());
  });

  it("Redis reads its password from the mounted config file: nothing in its env or args", () => {
    const sts = find(redis(), "StatefulSet");
    const c = containersOf(sts)[0];
    expect(c.env).toBeUndefined();
    expect(c.command).toEqual(["redis-server", "/etc/redis/redis.conf", "--appendonly", "yes", "--dir", "/data", "--protected-mode", "yes"]);
    expect(secretAt(podSpecOf(sts), c, c.command[1])).toEqual({ secret: "feast-redis-auth", key: REDIS_CONFIG_KEY });
    expect(renderTemplate(redisAuthTemplate(), { redisPassword: "redisPass000" })).toEqual({ [REDIS_CONFIG_KEY]: 'requirepass "redisPass000"\n' });
  });

  it("the setup Job reads the master user from libpq's service file and one password file per grant", () => {
    const job = find(setup(), "Job");
    const c = containersOf(job)[0];
    const env = envMap(c);
    expect(env.PGSERVICE).toBe(MASTER_PG_SERVICE);
    expect(secretAt(podSpecOf(job), c, env.PGSERVICEFILE as string)).toEqual({ secret: MASTER_SECRET, key: "pg_service.conf" });
    for (const g of GRANTS) expect(secretAt(podSpecOf(job), c, `${PASSWORDS_DIR}/${g.role}`), g.role).toEqual({ secret: g.secretName, key: "password" });
    expect(env).not.toHaveProperty("PGUSER");
    expect(env).not.toHaveProperty("PGPASSWORD");
    expect(env.PGSSLMODE).toBe("require");
    expect(Object.keys(env).filter((k) => k.startsWith("PASSWORD_"))).toEqual([]);
  });

  // Feast 0.66 reads Redis' password from its connection string only: the one variable from a Secret
  // (registered exception feast-servers-env-secrets). The registry's Postgres password is the service file.
  const SERVICE_ENV = [
    { name: "PGSERVICEFILE", value: "/etc/feast/secrets/pg_service.conf" },
    { name: "PGSERVICE", value: FEAST_PG_SERVICE },
  ];
  const REDIS_ENV = [{ name: "FEAST_REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "feast-recsys-data-stores", key: "redis-password" } } }];
  const OIDC = { issuer: "https://idp.example.com", audience: "mlops-kubectl" };

  it("the FeatureStore mounts the data-store Secret's service file into every server; object-store keys only when given", () => {
    const withKeys = featureStore({
      team: "recsys",
      oidc: OIDC,
      credentialsSecret: OBJECT_STORE_CREDENTIALS_SECRET,
      env: [{ name: "AWS_ENDPOINT_URL", value: OBJECT_STORE_S3_ENDPOINT }],
    }) as Obj;
    const services = withKeys.spec.services;
    const env = services.onlineStore.server.env;
    expect(env).toEqual([
      { name: "AWS_ENDPOINT_URL", value: OBJECT_STORE_S3_ENDPOINT },
      ...SERVICE_ENV,
      { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: OBJECT_STORE_CREDENTIALS_SECRET, key: "AWS_ACCESS_KEY_ID" } } },
      { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: OBJECT_STORE_CREDENTIALS_SECRET, key: "AWS_SECRET_ACCESS_KEY" } } },
      ...REDIS_ENV,
    ]);
    expect(services.volumes).toEqual([
      {
        name: "data-stores",
        secret: { secretName: "feast-recsys-data-stores", defaultMode: 0o440, items: [{ key: "pg_service.conf", path: "pg_service.conf" }] },
      },
    ]);
    for (const server of [services.registry.local.server, services.offlineStore.server, services.onlineStore.server]) {
      expect(server.env).toEqual(env);
      expect(server.volumeMounts).toEqual([{ name: "data-stores", mountPath: "/etc/feast/secrets", readOnly: true }]);
    }
    const aws = featureStore({ team: "recsys", oidc: OIDC, env: [{ name: "AWS_REGION", value: "us-east-1" }] }) as Obj;
    expect(aws.spec.services.onlineStore.server.env).toEqual([{ name: "AWS_REGION", value: "us-east-1" }, ...SERVICE_ENV, ...REDIS_ENV]);
  });
});
