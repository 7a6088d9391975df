/**
 * Kubeflow Pipelines, pure parts: the version catalogue, the EKS overlay builders and files, the namespace
 * transform and the database objects.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  KFP_DATABASES,
  KFP_MYSQL_SERVICE,
  KFP_S3_SERVICE_ACCOUNTS,
  KFP_TEAM_TARGETS,
  MLMD_CONFIG_FILE,
  MLMD_CONFIG_SECRET,
  kfpCredentialTemplates,
  KFP_MYSQL_USER,
  KFP_SETUP_SQL,
  kfpSetupTemplate,
  MYSQL_CLIENT_CONFIG,
  mysqlMasterSecret,
  mysqlMasterTemplate,
  mysqlSetupObjects,
  mlmdServerConfigTemplate,
  mysqlAliasService,
} from "../../charts/services/pipelines";
import { podSecurityLabels } from "../../charts/pod-security";
import {
  ARGO_KEY_FORMAT,
  CACHE_V1_OBJECTS,
  type EnvPatch,
  STATIC_PATCHES,
  STATIC_PATCH_DIR,
  defaultPipelineRoot,
  overlayHash,
  overlayKustomization,
  overlayPatches,
  pipelinesOverlay,
  writeOverlay,
} from "../../components/services/pipelines/overlay";
import { kubeflowNamespaceLabels } from "../../components/services/pipelines/transforms";
import { HOSTILE, renderGoTemplate } from "./chart-fixtures";
import { KUSTOMIZE } from "../../domain/versions";

const SETTINGS = { bucket: "mlops-dev-artifacts-111122223333", region: "eu-west-1" };
const KFP_URL = (path: string) => `https://github.com/kubeflow/pipelines//manifests/kustomize/${path}?ref=2.17.0`;

describe("version catalogue", () => {
  it("pins Kubeflow Pipelines' kustomize trees at the exact 2.17.0 tag", () => {
    expect(KUSTOMIZE.kubeflowPipelines.repo).toBe("https://github.com/kubeflow/pipelines");
    expect(KUSTOMIZE.kubeflowPipelines.ref).toBe("2.17.0");
  });
});

describe("EKS overlay (pure)", () => {
  const k = overlayKustomization(SETTINGS);
  const p = overlayPatches(SETTINGS);
  const env = (patch: { spec: { template: { spec: { containers: readonly { env: readonly EnvPatch[] }[] } } } }): Record<string, EnvPatch> =>
    Object.fromEntries(patch.spec.template.spec.containers[0].env.map((e) => [e.name, e]));

  it("builds platform-agnostic's bases by remote URL at the pinned ref, without in-cluster MySQL and SeaweedFS", () => {
    expect(k.namespace).toBe("kubeflow");
    expect(k.resources).toEqual([KFP_URL("base/installs/generic"), KFP_URL("base/metadata/base"), KFP_URL("third-party/argo/installs/namespace")]);
    expect(k.resources.join(" ")).not.toMatch(/seaweedfs|third-party\/mysql/);
    expect(k.labels).toEqual([{ includeSelectors: true, pairs: { "application-crd-id": "kubeflow-pipelines" } }]);
  });

  it("points KFP at the alias Service, the artifacts bucket and a pipeline root under pipelines/", () => {
    expect(p.installConfig.metadata.name).toBe("pipeline-install-config");
    expect(p.installConfig.data).toEqual({
      mysqlHost: KFP_MYSQL_SERVICE,
      mysqlPort: "3306",
      bucketName: SETTINGS.bucket,
      defaultPipelineRoot: `s3://${SETTINGS.bucket}/pipelines/v2/artifacts`,
      ARTIFACT_NAMESPACE_KEY_PREFIX: "pipelines/private-artifacts",
    });
    expect(defaultPipelineRoot("b")).toBe("s3://b/pipelines/v2/artifacts");
    expect(p.launcher.data.defaultPipelineRoot).toBe(p.installConfig.data.defaultPipelineRoot);
    expect(parse(p.launcher.data.providers)).toEqual({
      s3: {
        default: { endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1", disableSSL: false, forcePathStyle: false, credentials: { fromEnv: true } },
      },
    });
  });

  it("gives the API server S3 in the region, empty keys without secretKeyRef (SDK chain) and MySQL over TLS", () => {
    expect(p.apiServer.metadata.name).toBe("ml-pipeline");
    expect(p.apiServer.spec.template.spec.containers[0].name).toBe("ml-pipeline-api-server");
    const e = env(p.apiServer);
    expect(e.OBJECTSTORECONFIG_HOST).toEqual({ name: "OBJECTSTORECONFIG_HOST", value: "s3.eu-west-1.amazonaws.com" });
    expect(e.OBJECTSTORECONFIG_PORT).toEqual({ name: "OBJECTSTORECONFIG_PORT", value: "" });
    expect(e.OBJECTSTORECONFIG_SECURE).toEqual({ name: "OBJECTSTORECONFIG_SECURE", value: "true" });
    expect(e.OBJECTSTORECONFIG_REGION).toEqual({ name: "OBJECTSTORECONFIG_REGION", value: "eu-west-1" });
    for (const key of ["OBJECTSTORECONFIG_ACCESSKEY", "OBJECTSTORECONFIG_SECRETACCESSKEY"]) expect(e[key]).toEqual({ name: key, value: "", valueFrom: null });
    expect(JSON.parse(e.DBCONFIG_MYSQLCONFIG_EXTRAPARAMS.value)).toEqual({ tls: "skip-verify" });
  });

  it("gives the UI S3 in the region for archived logs, no static keys", () => {
    expect(p.ui.metadata.name).toBe("ml-pipeline-ui");
    const e = Object.fromEntries(Object.values(env(p.ui)).map((x) => [x.name, x.value]));
    expect(e).toEqual({
      AWS_REGION: "eu-west-1",
      AWS_S3_ENDPOINT: "s3.eu-west-1.amazonaws.com",
      AWS_SSL: "true",
      ARGO_ARCHIVE_ARTIFACTORY: "s3",
      ARGO_ARCHIVE_BUCKETNAME: SETTINGS.bucket,
      ARGO_KEYFORMAT: ARGO_KEY_FORMAT,
    });
  });

  it("points Argo's log archive at S3 with SDK credentials under pipelines/", () => {
    expect(p.argo.metadata.name).toBe("workflow-controller-configmap");
    const repo = parse(p.argo.data.artifactRepository);
    expect(repo).toEqual({
      archiveLogs: true,
      s3: {
        endpoint: "s3.eu-west-1.amazonaws.com",
        bucket: SETTINGS.bucket,
        region: "eu-west-1",
        insecure: false,
        useSDKCreds: true,
        keyFormat: ARGO_KEY_FORMAT,
      },
    });
    expect(repo.s3.keyFormat.startsWith("pipelines/private-artifacts/{{workflow.namespace}}/")).toBe(true);
    expect(p.argo.data.artifactRepository).not.toContain("mlpipeline-minio-artifact");
  });

  it("drops upstream's mysql-secret and the v1 cache, keeps a dummy minio Secret, and applies the TLS patch to MLMD", () => {
    expect(k.secretGenerator).toEqual([{ name: "mlpipeline-minio-artifact", literals: ["accesskey=unused", "secretkey=unused"] }]);
    const paths = k.patches.flatMap((x) => ("path" in x ? [[x.path, x.target?.name]] : []));
    expect(paths).toEqual([
      ["mysql-secret-delete.yaml", undefined],
      ["metadata-grpc-tls.yaml", "metadata-grpc-deployment"],
    ]);
    const deletes = k.patches.flatMap((x) => ("patch" in x ? [parse(x.patch as string)] : [])).filter((d) => d.$patch === "delete");
    expect(deletes.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(CACHE_V1_OBJECTS.map((o) => `${o.kind}/${o.name}`));
    expect(deletes.map((d) => d.kind)).toContain("Deployment");
    const read = (f: string) => parse(readFileSync(join(STATIC_PATCH_DIR, f), "utf8"));
    expect(read("mysql-secret-delete.yaml")).toMatchObject({ $patch: "delete", kind: "Secret", metadata: { name: "mysql-secret" } });
    const mlmd = read("metadata-grpc-tls.yaml") as { op: string; path: string; value: unknown }[];
    expect(mlmd[0]).toMatchObject({ op: "replace", path: "/spec/template/spec/containers/0/args" });
    expect(mlmd[0].value).toEqual(
      expect.arrayContaining(["--metadata_source_config_type=config_file", `--metadata_store_server_config_file=/etc/mlmd/${MLMD_CONFIG_FILE}`]),
    );
    expect(JSON.stringify(mlmd[0].value)).not.toContain("mysql_config_password");
    expect(mlmd[1].value).toEqual([{ name: "mlmd-config", secret: { secretName: MLMD_CONFIG_SECRET } }]);
  });

  it("renders every inline patch as a literal YAML document that parses back to the object", () => {
    const inline = k.patches.filter((x): x is { patch: string } => "patch" in x).map((x) => parse(x.patch));
    expect(inline.filter((d) => d.$patch !== "delete")).toEqual([p.installConfig, p.launcher, p.apiServer, p.ui, p.argo]);
  });

  it("rejects a missing bucket or region", () => {
    expect(() => pipelinesOverlay({ bucket: "", region: "eu-west-1" })).toThrow(/bucket and region/);
    expect(() => pipelinesOverlay({ bucket: "b", region: "" })).toThrow(/bucket and region/);
  });
});

describe("overlay files on disk", () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), "kfp-overlay-test-"));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("holds the kustomization and the committed static patches, in a directory named by content hash", () => {
    const files = pipelinesOverlay(SETTINGS);
    expect(Object.keys(files).sort()).toEqual(["kustomization.yaml", ...STATIC_PATCHES].sort());
    const dir = writeOverlay(files, base);
    expect(dir).toBe(join(base, `mlops-kfp-overlay-${overlayHash(files)}`));
    expect(readdirSync(dir).sort()).toEqual(Object.keys(files).sort());
    expect(parse(readFileSync(join(dir, "kustomization.yaml"), "utf8"))).toEqual(overlayKustomization(SETTINGS));
    // Idempotent; no staging directory left behind.
    expect(writeOverlay(files, base)).toBe(dir);
    expect(readdirSync(base)).toEqual([`mlops-kfp-overlay-${overlayHash(files)}`]);
  });

  it("changes directory when a stack value changes", () => {
    expect(overlayHash(pipelinesOverlay(SETTINGS))).not.toBe(overlayHash(pipelinesOverlay({ ...SETTINGS, region: "us-east-1" })));
    expect(overlayHash(pipelinesOverlay(SETTINGS))).toBe(overlayHash(pipelinesOverlay({ ...SETTINGS })));
  });
});

describe("kubeflow Namespace transform (pure)", () => {
  const transform = kubeflowNamespaceLabels({ "cost-center": "ml" });
  const ns = (name: string, labels?: Record<string, string>) => ({
    type: "kubernetes:core/v1:Namespace",
    name: `pipelines-cluster-scoped:${name}`,
    custom: true,
    props: { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } },
    opts: {},
  });

  it("sets enforce baseline, warn/audit restricted with the pinned version, over upstream's labels", () => {
    const out = transform(
      ns("kubeflow", { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted", other: "kept" }),
    ) as pulumi.ResourceTransformResult;
    expect(out.props.metadata.labels).toEqual({ other: "kept", "cost-center": "ml", ...podSecurityLabels("baseline", "restricted") });
    expect(out.props.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
    expect(out.props.metadata.labels["pod-security.kubernetes.io/audit"]).toBe("restricted");
    expect(out.props.apiVersion).toBe("v1");
  });

  it("leaves other namespaces and other kinds alone", () => {
    expect(transform(ns("default"))).toBeUndefined();
    expect(transform({ ...ns("kubeflow"), type: "kubernetes:core/v1:ConfigMap" })).toBeUndefined();
  });
});

describe("database objects (pure)", () => {
  it("aliases RDS behind an ExternalName Service in kubeflow", () => {
    expect(mysqlAliasService("db.abc.eu-west-1.rds.amazonaws.com", { team: "platform" })).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kfp-mysql", namespace: "kubeflow", labels: { team: "platform" } },
      spec: { type: "ExternalName", externalName: "db.abc.eu-west-1.rds.amazonaws.com" },
    });
  });

  it("gives KFP its own user: mysql-secret and MLMD's config from the generated credential, the master only to the setup Job", () => {
    const t = kfpCredentialTemplates(3306);
    expect(t.mysql).toEqual({ username: KFP_MYSQL_USER, password: "{{ .password }}" });
    expect(Object.keys(t.mlmd)).toEqual([MLMD_CONFIG_FILE]);
    expect(t.mlmd[MLMD_CONFIG_FILE]).toContain(`user: "${KFP_MYSQL_USER}"`);
    const master = mysqlMasterSecret("aws-secrets-manager", "arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-x");
    // Not in kubeflow, where every team's pipeline steps may read Secrets as pipeline-runner.
    expect(master.metadata).toMatchObject({ name: "kfp-mysql-master", namespace: "databases" });
    expect(master.spec.data).toEqual(
      ["username", "password"].map((k) => ({ secretKey: k, remoteRef: { key: "arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-x", property: k } })),
    );
    // The synced Secret holds the mysql client's option file alone.
    expect(master.spec.target.template?.data).toEqual(mysqlMasterTemplate());
    expect(Object.keys(mysqlMasterTemplate())).toEqual([MYSQL_CLIENT_CONFIG]);
  });

  /** An option-file value as mysys reads it: surrounding quotes dropped, backslash escapes resolved. */
  const optionValue = (raw: string) => {
    const quoted = /^"(.*)"$/.exec(raw)?.[1];
    if (quoted === undefined) throw new Error(`unquoted option value ${raw}`);
    return quoted.replace(/\\(.)/g, (_m, c: string) => ({ n: "\n", t: "\t", r: "\r", b: "\b", s: " " })[c] ?? c);
  };

  it("the master's option file carries any RDS-generated credential through mysql's quoting", () => {
    const cnf = renderGoTemplate(mysqlMasterTemplate()[MYSQL_CLIENT_CONFIG], { username: "mlops_admin", password: HOSTILE });
    const lines = cnf.trimEnd().split("\n");
    expect(lines[0]).toBe("[client]");
    const options = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf("=")), optionValue(l.slice(l.indexOf("=") + 1))]));
    expect(options).toEqual({ user: "mlops_admin", password: HOSTILE });
  });

  it("KFP's setup statements carry its password as an escaped string literal and make its three databases", () => {
    const sql = renderGoTemplate(kfpSetupTemplate()[KFP_SETUP_SQL], { password: HOSTILE });
    const literals = [...sql.matchAll(/BY '((?:[^'\\]|\\.)*)' REQUIRE SSL;/g)].map((m) => m[1].replace(/\\(.)/g, "$1"));
    expect(literals).toEqual([HOSTILE, HOSTILE]);
    expect(sql).toContain(`CREATE USER IF NOT EXISTS '${KFP_MYSQL_USER}'@'%' IDENTIFIED WITH mysql_native_password BY`);
    expect(sql).toContain(`ALTER USER '${KFP_MYSQL_USER}'@'%' IDENTIFIED WITH mysql_native_password BY`);
    for (const db of Object.values(KFP_DATABASES)) {
      expect(sql).toContain(`CREATE DATABASE IF NOT EXISTS \`${db}\`;`);
      expect(sql).toContain(`GRANT ALL PRIVILEGES ON \`${db}\`.* TO '${KFP_MYSQL_USER}'@'%';`);
    }
  });

  it("the setup Job runs the mounted statements with the mounted option file over TLS: no secret in its env or args", () => {
    const [job] = mysqlSetupObjects({ host: "db.abc.eu-west-1.rds.amazonaws.com", port: 3306, credentialSecret: "kfp-db" }) as any[];
    expect(job.metadata.namespace).toBe("databases");
    const spec = job.spec.template.spec;
    const c = spec.containers[0];
    expect(c.image).toMatch(/^docker\.io\/library\/mysql:8\.4\.\d+$/);
    expect(c.command).toEqual([
      "mysql",
      "--defaults-extra-file=/etc/kfp-setup/master/client.cnf",
      "--host=db.abc.eu-west-1.rds.amazonaws.com",
      "--port=3306",
      "--ssl-mode=REQUIRED",
      "--execute=source /etc/kfp-setup/sql/setup.sql",
    ]);
    expect(c.env).toEqual([{ name: "HOME", value: "/tmp" }]);
    expect(c.volumeMounts).toEqual([
      { name: "master", mountPath: "/etc/kfp-setup/master", readOnly: true },
      { name: "sql", mountPath: "/etc/kfp-setup/sql", readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ]);
    expect(spec.volumes).toEqual([
      { name: "master", secret: { secretName: "kfp-mysql-master", defaultMode: 0o440, items: [{ key: MYSQL_CLIENT_CONFIG, path: MYSQL_CLIENT_CONFIG }] } },
      { name: "sql", secret: { secretName: "kfp-db", defaultMode: 0o440, items: [{ key: KFP_SETUP_SQL, path: KFP_SETUP_SQL }] } },
      { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
    ]);
    expect(spec.securityContext).toMatchObject({ runAsUser: 999, fsGroup: 999 });
    expect(job.metadata.name).toMatch(/^kfp-database-setup-[0-9a-f]{8}$/);
    const other = mysqlSetupObjects({ host: "other.rds.amazonaws.com", port: 3306, credentialSecret: "kfp-db" }) as any[];
    expect(other[0].metadata.name).not.toBe(job.metadata.name);
  });

  it("writes MLMD's config with TLS on, quoted credentials and schema upgrades", () => {
    const cfg = mlmdServerConfigTemplate("kfp-mysql", 3306);
    expect(cfg).toContain('host: "kfp-mysql"');
    expect(cfg).toContain("port: 3306");
    expect(cfg).toContain(`database: "${KFP_DATABASES.metadata}"`);
    expect(cfg).toContain('user: "kfp"');
    expect(cfg).toContain("password: {{ .password | quote }}");
    expect(cfg).toContain("ssl_options { verify_server_cert: false }");
    expect(cfg).toContain("migration_options { enable_upgrade_migration: true }");
  });

  it("names the team targets KFP 2.17.0 serves on", () => {
    expect(KFP_TEAM_TARGETS).toEqual([
      { podSelector: { app: "ml-pipeline" }, ports: [8888, 8887], description: expect.any(String) },
      { podSelector: { component: "metadata-grpc-server" }, ports: [8080], description: expect.any(String) },
    ]);
    expect([...KFP_S3_SERVICE_ACCOUNTS]).toEqual(["ml-pipeline", "ml-pipeline-ui", "pipeline-runner"]);
  });
});
