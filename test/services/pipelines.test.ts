/**
 * Kubeflow Pipelines per team, pure parts: the team overlay (namespace, deletions, prefixes, run account, databases,
 * requests and limits, platform-owned labels), the `kubeflow` overlays and NetworkPolicies, and the database objects.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  KFP_SETUP_SQL,
  MLMD_CONFIG_FILE,
  MYSQL_CLIENT_CONFIG,
  kfpCredentialTemplates,
  kfpSetupTemplate,
  kubeflowNetworkPolicies,
  mysqlMasterTemplate,
  mysqlSetupObjects,
} from "../../charts/services/pipelines";
import { clusterScopedOverlay, localMysqlOverlay } from "../../components/services/pipelines/cluster";
import { kubeflowNamespaceLabels } from "../../components/services/pipelines/transforms";
import { CONTAINER_RESOURCES, TEAM_INSTALL_DELETIONS } from "../../components/services/pipelines/objects";
import {
  STATIC_PATCHES,
  overlayKustomization,
  overlayPatches,
  teamPipelinesOverlay,
  writeOverlay,
  type TeamOverlaySettings,
} from "../../components/services/pipelines/overlay";
import { kfpDatabaseNames } from "../../domain/pipelines";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { serviceOptInLabel } from "../../domain/team-services";
import { HOSTILE, renderGoTemplate } from "./chart-fixtures";

const BUCKET = "mlops-dev-artifacts-111122223333";
const eks = (team: string): TeamOverlaySettings => ({
  team,
  bucket: BUCKET,
  objectStore: { kind: "s3", region: "us-east-1" },
  mysqlHost: "kfp.abc.us-east-1.rds.amazonaws.com",
  labels: { team, "cost-center": "cc" },
});
const local = (team: string): TeamOverlaySettings => ({
  team,
  bucket: "artifacts",
  objectStore: { kind: "in-cluster", host: "seaweedfs-s3.object-store.svc", port: 8333, credentialsSecret: "object-store-credentials" },
  mysqlHost: "mysql.kubeflow.svc.cluster.local",
});
const KFP_URL = (path: string) => `https://github.com/kubeflow/pipelines//manifests/kustomize/${path}?ref=2.17.0`;
const patchesOf = (k: ReturnType<typeof overlayKustomization>) => k.patches.flatMap((p) => ("patch" in p && p.patch ? [parse(p.patch)] : []));
/** Every string of a value, deeply. */
const strings = (v: unknown): string[] =>
  typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === "object" ? Object.values(v).flatMap(strings) : [];

describe("team overlay (pure)", () => {
  for (const [variant, settings] of [
    ["EKS", eks],
    ["existing cluster", local],
  ] as const) {
    it(`${variant}: installs into the team namespace from upstream's generic, metadata and namespaced Argo at 2.17.0`, () => {
      const k = overlayKustomization(settings("vision"));
      expect(k.namespace).toBe("vision");
      expect(k.resources).toEqual([KFP_URL("base/installs/generic"), KFP_URL("base/metadata/base"), KFP_URL("third-party/argo/installs/namespace")]);
    });

    it(`${variant}: every key, root and path of the team is under teams/<team>/pipelines/`, () => {
      const p = overlayPatches(settings("vision"));
      const scheme = variant === "EKS" ? "s3" : "minio";
      const bucket = settings("vision").bucket;
      expect(p.installConfig.data.defaultPipelineRoot).toBe(`${scheme}://${bucket}/teams/vision/pipelines/v2/artifacts`);
      expect(p.launcher.data.defaultPipelineRoot).toBe(p.installConfig.data.defaultPipelineRoot);
      const env = Object.fromEntries(p.apiServer.spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
      expect(env.OBJECTSTORECONFIG_PIPELINEPATH).toBe("teams/vision/pipelines/specs");
      const ui = Object.fromEntries(p.ui.spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
      expect(ui.ARGO_KEYFORMAT).toMatch(/^teams\/vision\/pipelines\/private-artifacts\/\{\{workflow\.namespace\}\}\//);
      const repo = parse(p.argo.data.artifactRepository);
      expect(repo.s3.keyFormat).toBe(ui.ARGO_KEYFORMAT);
      expect(p.installConfig.data.ARTIFACT_NAMESPACE_KEY_PREFIX).toBe("teams/vision/pipelines/private-artifacts");
    });

    it(`${variant}: runs as team-workload, restricted user containers, the team's own databases on the host named directly (no ExternalName in a team namespace)`, () => {
      const p = overlayPatches(settings("vision"));
      const env = Object.fromEntries(p.apiServer.spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
      expect(env.DEFAULTPIPELINERUNNERSERVICEACCOUNT).toBe("team-workload");
      expect(env.DBCONFIG_MYSQLCONFIG_EXTRAPARAMS).toBe('{"tls":"skip-verify"}');
      expect(p.installConfig.data).toMatchObject({
        mysqlHost: settings("vision").mysqlHost,
        pipelineDb: "mlpipeline_vision",
        mlmdDb: "metadb_vision",
        cacheDb: "cachedb_vision",
        defaultSecurityContextRunAsNonRoot: "true",
        defaultSecurityContextRunAsUser: "1000",
      });
    });
  }

  it("deletes the v1 cache, viewer, visualization, metadata-writer, pipeline-runner, public Role, mysql-secret and Argo's PriorityClass", () => {
    const deletes = patchesOf(overlayKustomization(eks("vision")))
      .filter((p) => p.$patch === "delete")
      .map((p) => `${p.kind}/${p.metadata.name}`);
    expect(deletes.length).toBe(TEAM_INSTALL_DELETIONS.length);
    for (const name of [
      "Deployment/cache-server",
      "Deployment/cache-deployer-deployment",
      "Deployment/ml-pipeline-viewer-crd",
      "ServiceAccount/ml-pipeline-viewer-crd-service-account",
      "Role/ml-pipeline-viewer-controller-role",
      "RoleBinding/ml-pipeline-viewer-crd-binding",
      "Deployment/ml-pipeline-visualizationserver",
      "Service/ml-pipeline-visualizationserver",
      "ServiceAccount/ml-pipeline-visualizationserver",
      "Deployment/metadata-writer",
      "ServiceAccount/pipeline-runner",
      "Role/pipeline-runner",
      "RoleBinding/pipeline-runner-binding",
      "ServiceAccount/kubeflow-pipelines-container-builder",
      "ServiceAccount/kubeflow-pipelines-viewer",
      "Role/kubeflow-pipelines-public",
      "RoleBinding/kubeflow-pipelines-public",
      "Secret/mysql-secret",
      "PriorityClass/workflow-controller",
    ])
      expect(deletes).toContain(name);
    expect(
      overlayKustomization(eks("vision"))
        .patches.map((p) => ("path" in p ? p.path : undefined))
        .filter(Boolean),
    ).toEqual([...STATIC_PATCHES]);
  });

  it("labels every object platform-owned (pods included) and with the team's cost labels, upstream's app label with selectors", () => {
    const k = overlayKustomization(eks("vision"));
    expect(k.labels).toEqual([
      { includeSelectors: true, pairs: { "application-crd-id": "kubeflow-pipelines" } },
      { includeSelectors: false, includeTemplates: true, pairs: { team: "vision", "cost-center": "cc", ...PLATFORM_OWNED_LABELS } },
    ]);
  });

  it("gives every main container requests and limits, requests within limits, and Argo's executor both", () => {
    const deployments = patchesOf(overlayKustomization(eks("vision"))).filter(
      (p) => p.kind === "Deployment" && p.spec?.template?.spec?.containers?.[0]?.resources,
    );
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(Object.keys(CONTAINER_RESOURCES).sort());
    // No surge pod: the team's quota grows by exactly these requests.
    for (const d of deployments) expect(d.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    for (const d of deployments)
      for (const c of d.spec.template.spec.containers) {
        expect(Object.keys(c.resources.requests).sort()).toEqual(["cpu", "memory"]);
        expect(Object.keys(c.resources.limits).sort()).toEqual(["cpu", "memory"]);
      }
    const executor = parse(overlayPatches(eks("vision")).argo.data.executor);
    expect(executor.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(executor.resources.limits).toBeDefined();
  });

  it("trims the UI's Role: no Secrets with Pod Identity, only the team's key Secret by name on the in-cluster store", () => {
    const onEks = overlayPatches(eks("vision")).uiRole.rules;
    expect(onEks.some((r) => r.resources.includes("secrets"))).toBe(false);
    const secrets = overlayPatches(local("vision")).uiRole.rules.filter((r) => r.resources.includes("secrets"));
    expect(secrets).toEqual([{ apiGroups: [""], resources: ["secrets"], resourceNames: ["object-store-credentials"], verbs: ["get"] }]);
  });

  it("EKS: S3 through Pod Identity (no keys); existing cluster: the team's own key Secret everywhere, never an admin key", () => {
    const p = overlayPatches(eks("vision"));
    expect(parse(p.launcher.data.providers).s3.default.credentials).toEqual({ fromEnv: true });
    expect(parse(p.argo.data.artifactRepository).s3.useSDKCreds).toBe(true);
    const l = overlayPatches(local("vision"));
    expect(parse(l.launcher.data.providers).minio.default.credentials.secretRef.secretName).toBe("object-store-credentials");
    expect(parse(l.argo.data.artifactRepository).s3.accessKeySecret).toEqual({ name: "object-store-credentials", key: "AWS_ACCESS_KEY_ID" });
    const secretRefs = [...l.apiServer.spec.template.spec.containers[0].env, ...l.ui.spec.template.spec.containers[0].env].flatMap((e) =>
      e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [],
    );
    expect(secretRefs.length).toBeGreaterThan(0);
    expect(new Set(secretRefs)).toEqual(new Set(["object-store-credentials"]));
    // ml-pipeline-ui-deployment.yaml sets MINIO_NAMESPACE from a fieldRef: the patch must drop it, not add a value beside it.
    expect(l.ui.spec.template.spec.containers[0].env.find((e) => e.name === "MINIO_NAMESPACE")).toEqual({
      name: "MINIO_NAMESPACE",
      value: "object-store",
      valueFrom: null,
    });
  });

  it("two teams' overlays differ only in the team's names: namespace, prefixes, databases, cost label", () => {
    const a = JSON.stringify(overlayKustomization(eks("vision")));
    const b = JSON.stringify(overlayKustomization(eks("nlp")));
    expect(a.replaceAll("vision", "nlp")).toBe(b);
    for (const name of Object.values(kfpDatabaseNames("nlp"))) expect(strings(overlayKustomization(eks("vision")))).not.toContain(name);
    expect(a).not.toContain("teams/nlp/");
  });

  it("files: the kustomization and the static patches, in a directory named by content hash, one per team", () => {
    const base = mkdtempSync(join(tmpdir(), "kfp-test-"));
    afterAll(() => rmSync(base, { recursive: true, force: true }));
    const dirA = writeOverlay(teamPipelinesOverlay(eks("vision")), base);
    const dirB = writeOverlay(teamPipelinesOverlay(eks("nlp")), base);
    expect(dirA).not.toBe(dirB);
    expect(readdirSync(dirA).sort()).toEqual(["kustomization.yaml", ...STATIC_PATCHES].sort());
    expect(() => teamPipelinesOverlay({ ...eks("vision"), team: "" })).toThrow(/team and bucket/);
  });
});

describe("kubeflow namespace (pure)", () => {
  it("labels the upstream Namespace with Pod Security baseline and ours, and no queue: no run executes there", async () => {
    const transform = kubeflowNamespaceLabels({ team: "platform" });
    const out = (await transform({
      type: "kubernetes:core/v1:Namespace",
      name: "ns",
      props: { metadata: { name: "kubeflow", labels: { app: "x" } } },
      opts: {},
    } as any)) as any;
    const labels = out.props.metadata.labels;
    expect(labels).toMatchObject({ app: "x", team: "platform", "pod-security.kubernetes.io/enforce": "baseline" });
    expect(Object.keys(labels).filter((k) => k.includes("queue"))).toEqual([]);
    expect(out.props.metadata.annotations).toBeUndefined();
  });

  it("keeps upstream's cluster-scoped resources without the v1 cache deployer's cluster RBAC", () => {
    const k = parse(clusterScopedOverlay()["kustomization.yaml"]);
    expect(k.resources).toEqual([KFP_URL("cluster-scoped-resources")]);
    expect(k.patches.map((p: { patch: string }) => parse(p.patch)).map((p: any) => `${p.kind}/${p.metadata.name}`)).toEqual([
      "ClusterRole/kubeflow-pipelines-cache-deployer-clusterrole",
      "ClusterRoleBinding/kubeflow-pipelines-cache-deployer-clusterrolebinding",
      "ServiceAccount/kubeflow-pipelines-cache-deployer-sa",
    ]);
  });

  it("local MySQL: upstream's third-party/mysql/base with a generated root password from a mounted file instead of an empty one, and limits", () => {
    const k = parse(localMysqlOverlay()["kustomization.yaml"]);
    expect(k.namespace).toBe("kubeflow");
    expect(k.resources).toEqual([KFP_URL("third-party/mysql/base")]);
    const c = parse(k.patches[0].patch).spec.template.spec.containers[0];
    expect(c.env).toEqual([
      { name: "MYSQL_ALLOW_EMPTY_PASSWORD", $patch: "delete" },
      { name: "MYSQL_ROOT_PASSWORD_FILE", value: "/etc/mysql-root/password" },
    ]);
    expect(c.volumeMounts).toEqual([{ name: "root-password", mountPath: "/etc/mysql-root", readOnly: true }]);
    const spec = parse(k.patches[0].patch).spec.template.spec;
    expect(spec.volumes).toEqual([{ name: "root-password", secret: { secretName: "kfp-mysql-root", items: [{ key: "password", path: "password" }] } }]);
    expect(JSON.stringify(spec)).not.toContain("secretKeyRef");
    expect(c.resources.limits).toBeDefined();
  });

  it("NetworkPolicies: default deny, DNS, MySQL 3306 only from the KFP API and ML Metadata pods of namespaces opted into pipelines (and its own setup Jobs)", () => {
    const policies = kubeflowNetworkPolicies() as any[];
    const names = policies.map((p) => p.metadata.name).sort();
    expect(names).toEqual(["allow-clients", "allow-dns", "allow-same-namespace", "default-deny"]);
    for (const p of policies) expect(p.metadata.namespace).toBe("kubeflow");
    const clients = policies.find((p) => p.metadata.name === "allow-clients");
    expect(clients.spec.podSelector).toEqual({ matchLabels: { app: "mysql" } });
    expect(clients.spec.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { [serviceOptInLabel("pipelines")]: "true" } }, podSelector: { matchLabels: { app: "ml-pipeline" } } },
          {
            namespaceSelector: { matchLabels: { [serviceOptInLabel("pipelines")]: "true" } },
            podSelector: { matchLabels: { component: "metadata-grpc-server" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 3306 }],
      },
    ]);
  });
});

describe("team database objects (pure)", () => {
  it("the team's setup SQL makes its user with TLS and grants it exactly its three databases", () => {
    const sql = renderGoTemplate(kfpSetupTemplate("vision")[KFP_SETUP_SQL], { password: HOSTILE });
    const names = kfpDatabaseNames("vision");
    const literals = [...sql.matchAll(/BY '((?:[^'\\]|\\.)*)' REQUIRE SSL;/g)].map((m) => m[1].replace(/\\(.)/g, "$1"));
    expect(literals).toEqual([HOSTILE, HOSTILE]);
    const grants = [...sql.matchAll(/GRANT (.*) ON `([^`]+)`\.\* TO '([^']+)'@'%';/g)].map((m) => [m[1], m[2], m[3]]);
    expect(grants).toEqual([names.pipeline, names.metadata, names.cache].map((db) => ["ALL PRIVILEGES", db, names.user]));
    expect(sql.match(/GRANT/g)?.length).toBe(3);
  });

  it("team B's names never appear in team A's secret templates", () => {
    const a = [
      ...Object.values(kfpCredentialTemplates("vision", "db.example", 3306)),
      ...Object.values(kfpCredentialTemplates("vision", "db.example", 3306, "none")),
      kfpSetupTemplate("vision"),
      kfpSetupTemplate("vision", "none"),
    ].flatMap((t) => Object.values(t));
    for (const name of Object.values(kfpDatabaseNames("nlp"))) for (const text of a) expect(text).not.toContain(name);
    const mlmd = kfpCredentialTemplates("vision", "db.example", 3306).mlmd[MLMD_CONFIG_FILE];
    expect(mlmd).toContain('database: "metadb_vision"');
    expect(mlmd).toContain('user: "kfp_vision"');
    expect(mlmd).toContain('host: "db.example"');
    expect(mlmd).toContain("ssl_options { verify_server_cert: false }");
  });

  it("without External Secrets the templates need no sprig (renderTemplate knows {{ .key }} only)", () => {
    for (const t of [
      mysqlMasterTemplate("none"),
      kfpSetupTemplate("vision", "none"),
      ...Object.values(kfpCredentialTemplates("vision", "db.example", 3306, "none")),
    ])
      for (const text of Object.values(t)) expect(text).not.toContain("|");
    expect(mysqlMasterTemplate("none")[MYSQL_CLIENT_CONFIG]).toContain('password="{{ .password }}"');
  });

  it("one setup Job per team, named by team and content, running the mounted statements over TLS", () => {
    const job = (team: string, namespace = "databases") => (mysqlSetupObjects({ team, host: "db", port: 3306, namespace }) as any[])[0];
    const a = job("vision");
    expect(a.metadata.name).toMatch(/^kfp-setup-vision-[0-9a-f]{8}$/);
    expect(a.metadata.namespace).toBe("databases");
    expect(a.spec.template.spec.volumes.find((v: any) => v.name === "sql").secret.secretName).toBe("kfp-vision-db");
    expect(a.spec.template.spec.containers[0].command).toContain("--ssl-mode=REQUIRED");
    expect(a.spec.template.spec.containers[0].env).toEqual([{ name: "HOME", value: "/tmp" }]);
    expect(job("nlp").metadata.name).not.toBe(a.metadata.name);
    expect(job("a".repeat(40) + "-team").metadata.name.length).toBeLessThanOrEqual(63);
    expect(job("vision", "kubeflow").metadata.namespace).toBe("kubeflow");
  });
});
