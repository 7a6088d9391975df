/**
 * The MLOps services in the offline plan of the fixture stacks: every service a stack enables is there, and
 * each is wired to the bucket, role, secret and network policy it should use, with its secure settings.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { serviceOptInLabel } from "../../domain/team-services";
import { CHARTS, MANIFESTS } from "../../domain/versions";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { SECRET_PLACEHOLDER } from "../../scripts/plan/stack-file";
import { fixtureStackConfig } from "../helpers/stack";
import { T, childrenOf, input, one, ofType, plan, type Res } from "../components/plan-query";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };
const objs = (group: Res) => parseYamlStream(group.inputs.yaml as string) as Obj[];
const obj = (group: Res, kind: string, name: string): Obj => {
  const hit = objs(group).find((o) => o.kind === kind && o.metadata.name === name);
  if (!hit)
    throw new Error(
      `${group.name} has no ${kind} ${name}: ${objs(group)
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .join(", ")}`,
    );
  return hit;
};
const doc = (r: Res, key: string) => JSON.parse(r.inputs[key] as string);

const RDS = "aws:rds/instance:Instance";
const CACHE = "aws:elasticache/replicationGroup:ReplicationGroup";
const SM_SECRET = "aws:secretsmanager/secret:Secret";
const SM_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const K8S_SECRET = "kubernetes:core/v1:Secret";
const SERVICE_COMPONENTS = {
  mlflow: "mlops:services:Mlflow",
  feast: "mlops:services:Feast",
  pipelines: "mlops:services:Pipelines",
  kserve: "mlops:services:ModelServing",
  evidently: "mlops:services:ModelMonitoring",
} as const;
const ACCOUNT = "<computed:account-id>";
const keyArn = (stack: string, dataClass: string) => `<computed:mlops-${stack}-${dataClass}.arn>`;

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  for (const stack of ["local", "dev", "staging", "prod"]) plans[stack] = await plan(stack);
  const cfg = fixtureStackConfig("dev");
  const raw = JSON.parse(cfg.values["mlops-platform:services"]);
  raw.feast = { enabled: false };
  raw.evidently = { enabled: false };
  const teams = JSON.parse(cfg.values["mlops-platform:teams"]).map((t: { services?: string[]; modelMonitors?: unknown }) => ({
    ...t,
    services: (t.services ?? []).filter((s) => s !== "feast" && s !== "evidently"),
    modelMonitors: undefined,
  }));
  plans.trimmed = await plan("dev", {
    ...cfg,
    values: { ...cfg.values, "mlops-platform:services": JSON.stringify(raw), "mlops-platform:teams": JSON.stringify(teams) },
  });
});

describe.each(["local", "dev", "staging", "prod"])("stack %s", (stack) => {
  const p = () => plans[stack];
  it("contains every service the stack enables, under one MlopsServices component", () => {
    const services = p().config!.services;
    const root = one(p(), "mlops:services:MlopsServices", "services");
    for (const [name, type] of Object.entries(SERVICE_COMPONENTS)) {
      const enabled = services[name as keyof typeof SERVICE_COMPONENTS].enabled;
      expect(
        ofType(p(), type).map((r) => r.parent),
        name,
      ).toEqual(enabled ? [root.urn] : []);
    }
  });

  it("plans without schema problems or duplicate URNs", () => {
    expect(p().schemaProblems).toEqual([]);
    expect(p().duplicateUrns).toEqual([]);
  });
});

describe("a stack that disables services", () => {
  it("leaves them out, with their namespaces, data stores and roles", () => {
    const p = plans.trimmed;
    expect(ofType(p, SERVICE_COMPONENTS.feast)).toEqual([]);
    expect(ofType(p, SERVICE_COMPONENTS.evidently)).toEqual([]);
    expect(ofType(p, CACHE)).toEqual([]);
    expect(ofType(p, T.role).map((r) => r.name)).not.toContain("services-feast-recsys-data");
    const ns = objs(one(p, T.configGroup, "services-namespaces")).map((o) => o.metadata.name);
    expect(ns).not.toContain("feast");
    expect(ns).not.toContain("evidently");
    expect(ns).toContain("mlflow");
    // The setup Job gives only the remaining Postgres users their role and database.
    const job = objs(one(p, T.configGroup, "services-postgres-setup")).find((o) => o.kind === "Job")!;
    const grants = job.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === "GRANTS").value;
    expect(grants).toBe("mlflow:mlflow");
  });
});

describe("on AWS (prod)", () => {
  const p = () => plans.prod;

  it("runs MLflow, Feast's registry and Evidently on one private, encrypted, Multi-AZ, protected RDS Postgres", () => {
    const db = one(p(), RDS, "services-postgres");
    expect(db.inputs).toMatchObject({
      identifier: "mlops-prod-postgres",
      engine: "postgres",
      storageEncrypted: true,
      kmsKeyId: keyArn("prod", "databases"),
      masterUserSecretKmsKeyId: keyArn("prod", "databases"),
      manageMasterUserPassword: true,
      publiclyAccessible: false,
      multiAz: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      backupRetentionPeriod: 14,
      maxAllocatedStorage: 1000,
    });
    expect(db.inputs.password).toBeUndefined();
    expect(db.protect).toBe(true);
    const params = one(p(), "aws:rds/parameterGroup:ParameterGroup", "services-postgres").inputs.parameters as { name: string; value: string }[];
    expect(params).toContainEqual(expect.objectContaining({ name: "rds.force_ssl", value: "1" }));
    const ingress = one(p(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "services-postgres-postgres").inputs;
    expect(ingress).toMatchObject({ fromPort: 5432, toPort: 5432, referencedSecurityGroupId: expect.stringMatching(/^<computed:mlops-prod/) });
    expect(ingress.cidrIpv4).toBeUndefined();
  });

  it("gives Kubeflow Pipelines its own RDS MySQL with TLS required", () => {
    const db = one(p(), RDS, "services-pipelines-mysql");
    expect(db.inputs).toMatchObject({
      engine: "mysql",
      identifier: "mlops-prod-pipelines-mysql",
      storageEncrypted: true,
      manageMasterUserPassword: true,
      multiAz: true,
      deletionProtection: true,
    });
    const params = one(p(), "aws:rds/parameterGroup:ParameterGroup", "services-pipelines-mysql").inputs.parameters as { name: string; value: string }[];
    expect(params).toContainEqual(expect.objectContaining({ name: "require_secure_transport", value: "1" }));
  });

  it("keeps Feast's online store in ElastiCache with TLS, AUTH, our key and failover across AZs", () => {
    const cache = one(p(), CACHE, "services-feast-online");
    expect(cache.inputs).toMatchObject({
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      kmsKeyId: keyArn("prod", "databases"),
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      numCacheClusters: 2,
    });
    expect(cache.inputs.authToken).toBe(SECRET_PLACEHOLDER);
  });

  it("gives each service a Pod Identity role on its own prefix of its own bucket", () => {
    const cases = [
      { role: "services-mlflow-artifacts", ns: "mlflow", sas: ["mlflow"], resource: `arn:aws:s3:::mlops-prod-artifacts-${ACCOUNT}/mlflow/*` },
      // Feast: one role per team store, on the team's own prefix (test/services/feast-component.plan.test.ts).
      { role: "services-feast-recsys-data", ns: "feast", sas: ["feast-recsys"], resource: `arn:aws:s3:::mlops-prod-datasets-${ACCOUNT}/teams/recsys/feast/*` },
    ];
    // Kubeflow Pipelines has no role of its own: each team's install uses the team's role (components/teams).
    expect(ofType(p(), T.role).filter((r) => r.name.startsWith("services-pipelines"))).toEqual([]);
    for (const c of cases) {
      const trust = doc(one(p(), T.role, c.role), "assumeRolePolicy");
      expect(trust.Statement[0].Condition.StringEquals).toEqual({
        "aws:RequestTag/kubernetes-namespace": c.ns,
        "aws:RequestTag/kubernetes-service-account": c.sas,
      });
      const policy = doc(one(p(), T.rolePolicy, c.role), "policy");
      expect(policy.Statement.find((s: { Sid: string }) => s.Sid === "OwnPrefixObjects").Resource).toBe(c.resource);
      const assoc = ofType(p(), T.podIdentity).filter((a) => a.name.startsWith(`${c.role}-`));
      expect(assoc.map((a) => [a.inputs.namespace, a.inputs.serviceAccount]).sort()).toEqual(c.sas.map((sa) => [c.ns, sa]).sort());
    }
  });

  it("keeps generated credentials in Secrets Manager (our key) and syncs them with External Secrets, never as Secret objects", () => {
    const secrets = ofType(p(), SM_SECRET).filter((s) => s.name.startsWith("services-"));
    expect(secrets.map((s) => s.inputs.name).sort()).toEqual([
      "mlops-prod/mlops/services-evidently-instance-recsys",
      "mlops-prod/mlops/services-feast-recsys",
      "mlops-prod/mlops/services-mlflow",
      "mlops-prod/mlops/services-mlflow-team-fraud",
      "mlops-prod/mlops/services-mlflow-team-nlp",
      "mlops-prod/mlops/services-mlflow-team-recsys",
      "mlops-prod/mlops/services-pipelines-nlp-database",
      "mlops-prod/mlops/services-pipelines-recsys-database",
    ]);
    for (const s of secrets) expect(s.inputs.kmsKeyId).toBe(keyArn("prod", "databases"));
    for (const v of ofType(p(), SM_VERSION).filter((s) => s.name.startsWith("services-"))) expect(v.inputs.secretString).toBe(SECRET_PLACEHOLDER);
    const services = one(p(), "mlops:services:MlopsServices", "services");
    const under = p().resources.filter((r) => r.urn.includes("mlops:services:MlopsServices"));
    expect(under.filter((r) => r.type === K8S_SECRET)).toEqual([]);
    expect(services).toBeDefined();
    const sync = objs(one(p(), T.configGroup, "services-mlflow-sync"));
    expect(sync.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "ExternalSecret mlflow/mlflow",
      "ExternalSecret databases/mlflow-db",
    ]);
    expect(sync[0].spec.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: "aws-secrets-manager" });
    expect(sync[0].spec.data.map((d: { remoteRef: { key: string } }) => d.remoteRef.key)).toEqual([
      "mlops-prod/mlops/services-mlflow",
      "mlops-prod/mlops/services-mlflow",
      "mlops-prod/mlops/services-mlflow",
    ]);
  });

  it("lets External Secrets read the platform's secrets and both RDS master secrets, nothing else", () => {
    const policy = doc(one(p(), T.rolePolicy, "services-secrets-controller"), "policy");
    const read = policy.Statement.find((s: { Sid: string }) => s.Sid === "ReadPlatformSecrets");
    // The platform's own prefix, plus the Postgres master secret (an ARN only the cloud knows).
    expect(read.Resource).toEqual([
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:mlops-prod/mlops/*`,
      "<computed:services-postgres.masterUserSecretArn>",
    ]);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === "SecretKeyThroughSecretsManager").Condition).toEqual({
      StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" },
    });
    const grant = one(p(), T.rolePolicy, "services-secrets-pipelines-master");
    // KFP's setup objects wait for the grant on their master secret, so the first sync is not refused.
    expect(one(p(), T.configGroup, "services-pipelines-database").dependsOn).toContain(grant.urn);
    const setupEgress = obj(one(p(), T.configGroup, "services-postgres-setup"), "NetworkPolicy", "allow-egress").spec.egress;
    expect(setupEgress).toEqual([{ to: [{ ipBlock: { cidr: "10.30.0.0/16" } }], ports: [5432, 3306].map((port) => ({ protocol: "TCP", port })) }]);
    const kfp = doc(grant, "policy");
    expect(kfp.Statement.find((s: { Sid: string }) => s.Sid === "ReadPlatformSecrets").Resource[1]).toBe(
      "<computed:services-pipelines-mysql.masterUserSecretArn>",
    );
    const store = obj(one(p(), T.configGroup, "services-secrets-store"), "ClusterSecretStore", "aws-secrets-manager");
    expect(store.spec.provider.aws).toEqual({ service: "SecretsManager", region: "us-east-1" });
    expect(store.spec.conditions[0].namespaces).toEqual(expect.arrayContaining(["mlflow", "feast", "evidently", "databases"]));
    // Kubeflow Pipelines' credentials go to the opted-in team namespaces, admitted by label; nothing to `kubeflow`.
    expect(store.spec.conditions[0].namespaces).not.toContain("kubeflow");
    expect(store.spec.conditions).toContainEqual({ namespaceSelector: { matchLabels: { [serviceOptInLabel("pipelines")]: "true" } } });
    expect(store.spec.conditions[0].namespaces).not.toContain("recsys");
    expect(store.spec.conditions[1]).toEqual({ namespaceSelector: { matchLabels: { [serviceOptInLabel("evidently")]: "true" } } });
  });

  it("runs MLflow with basic auth, artifacts proxied to its prefix, and admits only opted-in namespaces", () => {
    const server = one(p(), T.configGroup, "services-mlflow-server");
    const deploy = obj(server, "Deployment", "mlflow");
    expect(deploy.spec.replicas).toBe(2);
    const c = deploy.spec.template.spec.containers[0];
    expect(c.args).toContain("--app-name=basic-auth");
    const env = Object.fromEntries(c.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]));
    expect(env.MLFLOW_ARTIFACTS_DESTINATION).toBe(`s3://mlops-prod-artifacts-${ACCOUNT}/mlflow/`);
    // The database URL is a plain value without a password; the password is libpq's mounted service file.
    expect(env.MLFLOW_BACKEND_STORE_URI).toMatch(/^postgresql\+psycopg2:\/\/mlflow@\S+:5432\/mlflow\?sslmode=require$/);
    expect(env).toMatchObject({ PGSERVICE: "mlflow", PGSERVICEFILE: "/etc/mlflow/pg_service.conf" });
    expect(env).not.toHaveProperty("MLFLOW_AUTH_ADMIN_PASSWORD");
    const fromSecrets = c.env.filter((e: { valueFrom?: { secretKeyRef?: unknown } }) => e.valueFrom?.secretKeyRef).map((e: { name: string }) => e.name);
    expect(fromSecrets).toEqual(["MLFLOW_FLASK_SERVER_SECRET_KEY"]);
    expect(obj(server, "Service", "mlflow").spec.type).toBe("ClusterIP");
    const clients = obj(server, "NetworkPolicy", "allow-clients");
    expect(clients.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { [serviceOptInLabel("mlflow")]: "true" } } }], ports: [{ protocol: "TCP", port: 5000 }] },
    ]);
    const egress = obj(server, "NetworkPolicy", "allow-egress").spec.egress;
    expect(egress[0]).toEqual({ to: [{ ipBlock: { cidr: "10.30.0.0/16" } }], ports: [{ protocol: "TCP", port: 5432 }] });
    // Server pods start after their Pod Identity association and credentials exist.
    const assoc = one(p(), T.podIdentity, "services-mlflow-artifacts-mlflow");
    expect(one(p(), T.configGroup, "services-mlflow-server").dependsOn).toContain(assoc.urn);
  });

  it("sets up each service's database role as the RDS-managed master user, after the passwords exist", () => {
    const setup = one(p(), T.configGroup, "services-postgres-setup");
    const job = objs(setup).find((o) => o.kind === "Job")!;
    const env = job.spec.template.spec.containers[0].env;
    expect(env.filter((e: { valueFrom?: unknown }) => e.valueFrom)).toEqual([]);
    expect(env.find((e: { name: string }) => e.name === "PGSERVICE").value).toBe("master");
    expect(env.find((e: { name: string }) => e.name === "GRANTS").value).toBe("mlflow:mlflow feast_recsys:feast_recsys evidently_recsys:evidently_recsys");
    expect(job.spec.template.spec.volumes.find((v: { name: string }) => v.name === "passwords").projected.sources.map((x: any) => x.secret.name)).toEqual([
      "mlflow-db",
      "feast-recsys-db",
      "evidently-recsys-db",
    ]);
    for (const sync of ["services-mlflow-sync", "services-feast-recsys-sync", "services-evidently-instance-recsys-sync"])
      expect(setup.dependsOn).toContain(one(p(), T.configGroup, sync).urn);
    const master = obj(one(p(), T.configGroup, "services-postgres-master"), "ExternalSecret", "postgres-master");
    expect(master.spec.data.map((d: { secretKey: string }) => d.secretKey)).toEqual(["username", "password"]);
    // Synced as libpq's service file, the one key the Job mounts.
    expect(Object.keys(master.spec.target.template.data)).toEqual(["pg_service.conf"]);
  });

  it("installs KServe after cert-manager and its CRDs, and the runtimes after the controller", () => {
    const chart = (n: string) => one(p(), T.chart, n);
    expect(chart("services-kserve-controller").dependsOn).toEqual(
      expect.arrayContaining([chart("services-kserve-cert-manager").urn, chart("services-kserve-crds").urn]),
    );
    expect(chart("services-kserve-runtimes").dependsOn).toContain(chart("services-kserve-controller").urn);
    expect(input(chart("services-kserve-controller"), "values.kserve.controller.deploymentMode")).toBe("Standard");
    expect(chart("services-kserve-controller").inputs.chart).toBe(`${CHARTS.kserveResources.repo}/${CHARTS.kserveResources.chart}`);
  });

  it("deploys the Feast operator from its pinned manifest and the FeatureStore after it", () => {
    const operator = one(p(), "kubernetes:yaml/v2:ConfigFile", "services-feast-operator");
    expect(operator.inputs.file).toBe(MANIFESTS.feastOperator.url);
    const store = one(p(), T.configGroup, "services-feast-store");
    expect(store.dependsOn).toContain(operator.urn);
    const fs = obj(store, "FeatureStore", "recsys");
    expect(fs.spec.services.onlineStore.persistence.store).toEqual({ type: "redis", secretRef: { name: "feast-recsys-data-stores" } });
    expect(fs.spec.services.registry.local.persistence.store).toEqual({ type: "sql", secretRef: { name: "feast-recsys-data-stores" } });
  });

  it("gives teams that opted into evidently their own instance's write secret and runs their drift reports", () => {
    const teams = plans.prod.config!.teams.filter((t) => t.services.includes("evidently"));
    expect(teams.length).toBeGreaterThan(0);
    for (const t of teams) {
      const sync = objs(one(p(), T.configGroup, `services-evidently-instance-${t.name}-sync`));
      expect(sync.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
        `evidently/evidently-${t.name}-config`,
        `databases/evidently-${t.name}-db`,
        `${t.name}/evidently-token`,
      ]);
    }
    for (const t of teams.filter((x) => x.modelMonitors.length > 0)) {
      const jobs = objs(one(p(), T.configGroup, `services-evidently-${t.name}`)).filter((o) => o.kind === "CronJob");
      expect(jobs.map((j) => j.metadata.name)).toEqual(t.modelMonitors.map((m) => `drift-${m.name}`));
      for (const j of jobs) expect(j.metadata.namespace).toBe(t.name);
    }
  });
});

describe("on an existing cluster (local)", () => {
  const p = () => plans.local;

  it("creates no AWS resource and runs Postgres with CloudNativePG, one managed role per service", () => {
    expect(p().resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(one(p(), T.chart, "services-postgres-operator").inputs.chart).toBe(CHARTS.cloudnativePg.chart);
    const cluster = objs(one(p(), T.configGroup, "services-postgres-cluster"));
    const pg = cluster.find((o) => o.kind === "Cluster")!;
    expect(pg.spec.managed.roles.map((r: { name: string; passwordSecret: { name: string } }) => [r.name, r.passwordSecret.name])).toEqual([
      ["mlflow", "mlflow-db"],
      ["evidently_sandbox", "evidently-sandbox-db"],
    ]);
    // Feast's registries are per team, and no team of this fixture uses feast (test/services/feast-component.test.ts).
    expect(cluster.filter((o) => o.kind === "Database").map((o) => [o.metadata.name, o.spec.name, o.spec.owner])).toEqual([
      ["mlflow", "mlflow", "mlflow"],
      ["evidently-sandbox", "evidently_sandbox", "evidently_sandbox"],
    ]);
  });

  it("writes the generated credentials as Secrets (masked in the plan), basic-auth where CNPG reads them", () => {
    const secrets = ofType(p(), K8S_SECRET).filter((s) => s.urn.includes("mlops:services"));
    const byName = Object.fromEntries(secrets.map((s) => [`${input(s, "metadata.namespace")}/${input(s, "metadata.name")}`, s]));
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining([
        "mlflow/mlflow",
        "databases/mlflow-db",
        "feast/feast-redis-auth",
        "evidently/evidently-sandbox-config",
        "sandbox/evidently-token",
      ]),
    );
    expect(byName["databases/mlflow-db"].inputs.type).toBe("kubernetes.io/basic-auth");
    for (const s of secrets) {
      // Masked value by value: the keys stay, so the written Secret is still a valid object.
      const values = Object.values(s.inputs.stringData as Record<string, unknown>);
      expect(values.length, s.name).toBeGreaterThan(0);
      for (const v of values) expect(v).toBe(SECRET_PLACEHOLDER);
    }
  });

  it("runs Redis in the feast namespace with AUTH and Kubeflow Pipelines as generated overlays (cluster-scoped, MySQL, one per team)", () => {
    const store = objs(one(p(), T.configGroup, "services-feast-store"));
    const redis = store.find((o) => o.kind === "StatefulSet")!;
    const container = redis.spec.template.spec.containers[0];
    expect(container.env).toBeUndefined();
    expect(container.command.slice(0, 2)).toEqual(["redis-server", "/etc/redis/redis.conf"]);
    expect(redis.spec.template.spec.volumes).toEqual([
      { name: "config", secret: { secretName: "feast-redis-auth", defaultMode: 0o440, items: [{ key: "redis.conf", path: "redis.conf" }] } },
    ]);
    const auth = ofType(p(), K8S_SECRET).find((s) => input(s, "metadata.name") === "feast-redis-auth")!;
    expect(Object.keys(input<Record<string, unknown>>(auth, "stringData"))).toEqual(["redis.conf"]);
    const dirs = ofType(p(), "kubernetes:kustomize/v2:Directory");
    expect(dirs.map((d) => d.name).sort()).toEqual(["services-pipelines-cluster-scoped", "services-pipelines-mysql", "services-pipelines-sandbox"]);
    for (const d of dirs) expect(d.inputs.directory).toMatch(/mlops-kfp-overlay-[0-9a-f]{16}$/);
  });

  it("gives MLflow and each team their own keys of the in-cluster store (test/services/object-store-keys.test.ts follows each key), and MLflow its endpoint", () => {
    const secrets = ofType(p(), K8S_SECRET).filter((s) => input(s, "metadata.name") === "object-store-credentials" && s.urn.includes("mlops:services"));
    expect(secrets.map((s) => input(s, "metadata.namespace")).sort()).toEqual(["mlflow", "sandbox"]);
    // Each copy holds the shared credentials file beside the raw keys (only Feast's DuckDB reads those).
    for (const s of secrets)
      expect(Object.keys(input<Record<string, unknown>>(s, "stringData")).sort(), input(s, "metadata.namespace")).toEqual([
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "credentials",
      ]);
    const deploy = obj(one(p(), T.configGroup, "services-mlflow-server"), "Deployment", "mlflow");
    const env = deploy.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "MLFLOW_S3_ENDPOINT_URL", value: "http://seaweedfs-s3.object-store.svc:8333" });
    expect(env).toContainEqual({ name: "AWS_SHARED_CREDENTIALS_FILE", value: "/etc/object-store/credentials" });
    expect(env.map((e: { name: string }) => e.name)).not.toContain("AWS_ACCESS_KEY_ID");
    expect(env).toContainEqual({ name: "MLFLOW_ARTIFACTS_DESTINATION", value: "s3://artifacts/mlflow/" });
    expect(childrenOf(p(), one(p(), "mlops:services:Mlflow", "services-mlflow")).some((r) => r.type === T.role)).toBe(false);
  });
});
