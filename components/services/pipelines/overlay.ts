/**
 * The kustomize overlay that installs one team's Kubeflow Pipelines 2.17.0 (single-user) into the team's own
 * namespace: upstream's bases by remote URL at the pinned ref (never copied here), without what a team install must
 * not carry (objects.ts), with the team's databases, its artifacts prefix, its run service account and requests and
 * limits on every container. Static patches live as YAML next to this file (overlay/); the kustomization and the
 * patches that carry stack values are rendered by `teamPipelinesOverlay`, a pure function, and written to a
 * content-addressed directory that `kustomize.v2.Directory` builds at deploy time.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { KFP_RUNNER_SERVICE_ACCOUNT, kfpDatabaseNames, kfpTeamPrefix } from "../../../domain/pipelines";
import { PLATFORM_OWNED_LABELS } from "../../../domain/ownership";
import { KUSTOMIZE } from "../../../domain/versions";
import { CONTAINER_RESOURCES, EXECUTOR_RESOURCES, EXECUTOR_SECURITY_CONTEXT, TEAM_INSTALL_DELETIONS, uiRoleRules, type ObjectRef } from "./objects";

/** YAML without line folding, so embedded documents stay literal blocks. */
const toYaml = (value: unknown): string => stringify(value, { lineWidth: 0 });

/** A kustomization.yaml's content: the header and the given fields. */
export function kustomization(fields: Readonly<Record<string, unknown>>) {
  return { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", ...fields };
}

/** A strategic merge patch of a Deployment's pod template spec. */
export function deploymentPatch(name: string, podSpec: Readonly<Record<string, unknown>>) {
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name }, spec: { template: { spec: podSpec } } };
}

/** A `$patch: delete` of one upstream object. */
export function deletionPatch(object: ObjectRef): string {
  return toYaml({ $patch: "delete", apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.name } });
}

/** A kustomize remote target (`<repo>//<path>?ref=<ref>`), the form kustomize documents for git URLs. */
export function kustomizeUrl(path: string, manifest: { readonly repo: string; readonly ref: string } = KUSTOMIZE.kubeflowPipelines): string {
  return `${manifest.repo}//${path}?ref=${manifest.ref}`;
}

const KFP = KUSTOMIZE.kubeflowPipelines;
/** Static patches committed next to this file. */
export const STATIC_PATCH_DIR = join(__dirname, "overlay");
export const STATIC_PATCHES = ["metadata-grpc-tls.yaml", "workflow-controller-priority.yaml"] as const;

/** Go MySQL driver DSN parameters: TLS required, certificate not verified (no CA of RDS or the local MySQL in KFP's images). */
export const MYSQL_TLS_PARAMS = { tls: "skip-verify" } as const;

/**
 * Runs' own containers (not driver, launcher or Argo's executor, which KFP's compiler already makes restricted):
 * non-root as this user unless the SDK sets one (pipeline-install-config defaultSecurityContext*, read by the API
 * server as DEFAULT_SECURITY_CONTEXT_RUN_AS_*, backend/src/apiserver/common/config.go l.46-48 at 2.17.0). The team
 * namespace enforces Pod Security `restricted`: an image that needs root fails there anyway.
 */
export const RUN_AS_USER = "1000";

/** Where a team's KFP keeps its objects: the artifacts bucket's S3 (EKS) or the in-cluster store with the team's key. */
export type TeamObjectStore =
  | { readonly kind: "s3"; readonly region: string }
  | {
      readonly kind: "in-cluster";
      /** Host of the in-cluster S3 gateway, e.g. seaweedfs-s3.object-store.svc. */
      readonly host: string;
      readonly port: number;
      /** The team's own key in its namespace (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): MlopsServices puts it there. */
      readonly credentialsSecret: string;
    };

export interface TeamOverlaySettings {
  readonly team: string;
  /** The platform's artifacts bucket. */
  readonly bucket: string;
  readonly objectStore: TeamObjectStore;
  /**
   * The MySQL host: the RDS endpoint (EKS) or the MySQL Service in `kubeflow` (existing clusters), named directly
   * because team namespaces may hold no ExternalName Service (guardrail team-external-name-services).
   */
  readonly mysqlHost: string;
  /** @default 3306 */
  readonly mysqlPort?: number;
  /** Cost labels on every object (the team's). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

export const s3Endpoint = (region: string) => `s3.${region}.amazonaws.com`;
const ACCESS_KEY = "AWS_ACCESS_KEY_ID";
const SECRET_KEY = "AWS_SECRET_ACCESS_KEY";

/** Every key the team's KFP writes starts with this: teams/<team>/pipelines/, inside the team role's (and key's) reach. */
export const teamKeyPrefix = (team: string): string => kfpTeamPrefix(team);
/** v2 artifacts: s3:// on AWS; minio:// on the in-cluster store, whose launcher provider carries endpoint and key. */
export function defaultPipelineRoot(settings: Pick<TeamOverlaySettings, "team" | "bucket" | "objectStore">): string {
  const scheme = settings.objectStore.kind === "s3" ? "s3" : "minio";
  return `${scheme}://${settings.bucket}/${teamKeyPrefix(settings.team)}v2/artifacts`;
}
/** Argo's archived logs; the UI derives the owning namespace from the segment after ARTIFACT_NAMESPACE_KEY_PREFIX. */
export const artifactKeyPrefix = (team: string): string => `${teamKeyPrefix(team)}private-artifacts`;
export const argoKeyFormat = (team: string): string =>
  `${artifactKeyPrefix(team)}/{{workflow.namespace}}/{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}`;
/** The API server's pipeline specs (ObjectStoreConfig.PipelinePath, client_manager.go l.938; default "pipelines"). */
export const pipelineSpecPath = (team: string): string => `${teamKeyPrefix(team)}specs`;

/** A container env entry in a strategic merge patch; `valueFrom: null` deletes upstream's secretKeyRef. */
export interface EnvPatch {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: null | { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}
const env = (name: string, value: string): EnvPatch => ({ name, value });
const literalEnv = (name: string, value: string): EnvPatch => ({ name, value, valueFrom: null });
const secretEnv = (name: string, secret: string, key: string): EnvPatch => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

function deploymentEnvPatch(deployment: string, container: string, envs: readonly EnvPatch[]) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: deployment },
    spec: { template: { spec: { containers: [{ name: container, env: envs }] } } },
  };
}

/**
 * A rollout replaces each single-replica Deployment's pod instead of surging one beside it: the team's quota grows by
 * exactly the install's requests (charts/team/pipelines.ts), so a surge pod would be refused whenever the team uses
 * its own share, and the rollout would hang. Upstream sets no strategy (RollingUpdate 25%: one surge pod).
 */
export const ROLLOUT_STRATEGY = { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } as const;

/** Requests and limits on every container of every Deployment (objects.ts CONTAINER_RESOURCES), and the rollout strategy. */
function resourcePatches() {
  return Object.entries(CONTAINER_RESOURCES).map(([deployment, containers]) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: deployment },
    spec: {
      strategy: ROLLOUT_STRATEGY,
      template: {
        spec: {
          containers: Object.entries(containers.main).map(([name, r]) => ({ name, resources: r })),
        },
      },
    },
  }));
}

/** Where each client of the team's objects finds them, and with which credentials. */
function storeSettings(settings: TeamOverlaySettings) {
  const store = settings.objectStore;
  if (store.kind === "s3") {
    const endpoint = s3Endpoint(store.region);
    return {
      // `providers` makes the v2 launcher build an S3 client with the region and the default credential chain (Pod Identity).
      providers: { s3: { default: { endpoint, region: store.region, disableSSL: false, forcePathStyle: false, credentials: { fromEnv: true } } } },
      apiServer: [
        env("OBJECTSTORECONFIG_HOST", endpoint),
        env("OBJECTSTORECONFIG_PORT", ""),
        env("OBJECTSTORECONFIG_SECURE", "true"),
        env("OBJECTSTORECONFIG_REGION", store.region),
        // Both empty: the AWS SDK's default chain (Pod Identity). config.json defaults them to minio/minio123.
        literalEnv("OBJECTSTORECONFIG_ACCESSKEY", ""),
        literalEnv("OBJECTSTORECONFIG_SECRETACCESSKEY", ""),
      ],
      // No AWS keys: without them the UI takes credentials from the AWS SDK's provider chain (Pod Identity).
      ui: [env("AWS_REGION", store.region), env("AWS_S3_ENDPOINT", endpoint), env("AWS_SSL", "true"), env("ARGO_ARCHIVE_ARTIFACTORY", "s3")],
      argo: { endpoint, region: store.region, insecure: false, useSDKCreds: true },
    };
  }
  const endpoint = `${store.host}:${store.port}`;
  const secretRef = { secretName: store.credentialsSecret, accessKeyKey: ACCESS_KEY, secretKeyKey: SECRET_KEY };
  return {
    // The launcher reads the team's key from its namespace's Secret (backend/src/v2/config/s3.go S3SecretRef).
    providers: { minio: { default: { endpoint, region: "us-east-1", disableSSL: true, forcePathStyle: true, credentials: { fromEnv: false, secretRef } } } },
    apiServer: [
      env("OBJECTSTORECONFIG_HOST", store.host),
      env("OBJECTSTORECONFIG_PORT", String(store.port)),
      env("OBJECTSTORECONFIG_SECURE", "false"),
      secretEnv("OBJECTSTORECONFIG_ACCESSKEY", store.credentialsSecret, ACCESS_KEY),
      secretEnv("OBJECTSTORECONFIG_SECRETACCESSKEY", store.credentialsSecret, SECRET_KEY),
    ],
    // frontend/server/configs.ts: the minio client takes host, namespace and port apart (the aws one has no port).
    ui: [
      env("MINIO_HOST", store.host.split(".")[0]),
      // Upstream sets it from the pod's namespace (fieldRef): null drops that, or the env would carry both.
      literalEnv("MINIO_NAMESPACE", store.host.split(".")[1] ?? ""),
      env("MINIO_PORT", String(store.port)),
      env("MINIO_SSL", "false"),
      secretEnv("MINIO_ACCESS_KEY", store.credentialsSecret, ACCESS_KEY),
      secretEnv("MINIO_SECRET_KEY", store.credentialsSecret, SECRET_KEY),
      env("ARGO_ARCHIVE_ARTIFACTORY", "minio"),
    ],
    argo: {
      endpoint,
      insecure: true,
      accessKeySecret: { name: store.credentialsSecret, key: ACCESS_KEY },
      secretKeySecret: { name: store.credentialsSecret, key: SECRET_KEY },
    },
  };
}

/** The overlay's patches that carry stack values, as objects (strategic merge patches). */
export function overlayPatches(settings: TeamOverlaySettings) {
  const { team } = settings;
  const names = kfpDatabaseNames(team);
  const root = defaultPipelineRoot(settings);
  const store = storeSettings(settings);
  const keyFormat = argoKeyFormat(team);
  return {
    installConfig: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "pipeline-install-config" },
      data: {
        mysqlHost: settings.mysqlHost,
        mysqlPort: String(settings.mysqlPort ?? 3306),
        pipelineDb: names.pipeline,
        mlmdDb: names.metadata,
        cacheDb: names.cache,
        bucketName: settings.bucket,
        defaultPipelineRoot: root,
        ARTIFACT_NAMESPACE_KEY_PREFIX: artifactKeyPrefix(team),
        defaultSecurityContextRunAsNonRoot: "true",
        defaultSecurityContextRunAsUser: RUN_AS_USER,
      },
    },
    // base/installs/generic copies defaultPipelineRoot into kfp-launcher inside its own build, before this
    // overlay's patches, so the launcher config is patched directly.
    launcher: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "kfp-launcher" },
      data: { defaultPipelineRoot: root, providers: toYaml(store.providers) },
    },
    apiServer: deploymentEnvPatch("ml-pipeline", "ml-pipeline-api-server", [
      ...store.apiServer,
      env("OBJECTSTORECONFIG_PIPELINEPATH", pipelineSpecPath(team)),
      // Every run's pods run as the team's workload account (backend/src/apiserver/common/config.go l.32).
      env("DEFAULTPIPELINERUNNERSERVICEACCOUNT", KFP_RUNNER_SERVICE_ACCOUNT),
      env("DBCONFIG_MYSQLCONFIG_EXTRAPARAMS", JSON.stringify(MYSQL_TLS_PARAMS)),
    ]),
    ui: deploymentEnvPatch("ml-pipeline-ui", "ml-pipeline-ui", [
      ...store.ui,
      env("ARGO_ARCHIVE_BUCKETNAME", settings.bucket),
      env("ARGO_KEYFORMAT", keyFormat),
    ]),
    argo: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "workflow-controller-configmap" },
      data: {
        artifactRepository: toYaml({ archiveLogs: true, s3: { ...store.argo, bucket: settings.bucket, keyFormat } }),
        // Upstream's executor (third-party/argo/base/workflow-controller-configmap-patch.yaml: restricted, uid
        // 65532) plus requests and limits, which it has none of; the value replaces upstream's whole string.
        executor: toYaml({ imagePullPolicy: "IfNotPresent", securityContext: EXECUTOR_SECURITY_CONTEXT, resources: EXECUTOR_RESOURCES }),
      },
    },
    uiRole: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "ml-pipeline-ui" },
      rules: uiRoleRules(settings.objectStore.kind === "in-cluster" ? settings.objectStore.credentialsSecret : undefined),
    },
  };
}

/** kustomization.yaml of a team's overlay. */
export function overlayKustomization(settings: TeamOverlaySettings) {
  const p = overlayPatches(settings);
  const deployment = (name: string) => ({ group: "apps", version: "v1", kind: "Deployment", name });
  return {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    namespace: settings.team,
    // env/platform-agnostic at the same ref, minus third-party/seaweedfs and third-party/mysql.
    resources: [KFP.paths.generic, KFP.paths.metadata, KFP.paths.argoNamespaced].map((path) => kustomizeUrl(path)),
    labels: [
      // platform-agnostic's label (selectors included), as upstream's own env labels its objects.
      { includeSelectors: true, pairs: { "application-crd-id": "kubeflow-pipelines" } },
      // Read-only for the team (guardrail platform-owned-objects), pods included; cost attribution to the team.
      { includeSelectors: false, includeTemplates: true, pairs: { ...settings.labels, ...PLATFORM_OWNED_LABELS } },
    ],
    generatorOptions: { disableNameSuffixHash: true },
    // SeaweedFS's kustomization provided this Secret; upstream env still references it where we override nothing. Never used.
    secretGenerator: [{ name: "mlpipeline-minio-artifact", literals: ["accesskey=unused", "secretkey=unused"] }],
    patches: [
      { path: "metadata-grpc-tls.yaml", target: deployment("metadata-grpc-deployment") },
      { path: "workflow-controller-priority.yaml", target: deployment("workflow-controller") },
      ...TEAM_INSTALL_DELETIONS.map((o) => ({ patch: deletionPatch(o) })),
      ...[p.installConfig, p.launcher, p.apiServer, p.ui, p.argo, p.uiRole, ...resourcePatches()].map((patch) => ({ patch: toYaml(patch) })),
    ],
  };
}

/** Every file of a team's overlay directory: the rendered kustomization and the committed static patches. */
export function teamPipelinesOverlay(
  settings: TeamOverlaySettings,
  readStatic: (file: string) => string = (f) => readFileSync(join(STATIC_PATCH_DIR, f), "utf8"),
): Record<string, string> {
  if (!settings.team || !settings.bucket) throw new Error("teamPipelinesOverlay: team and bucket are required");
  return {
    "kustomization.yaml": toYaml(overlayKustomization(settings)),
    ...Object.fromEntries(STATIC_PATCHES.map((f) => [f, readStatic(f)])),
  };
}

/** Content hash of the overlay's files: the directory name, so a changed overlay is a new directory. */
export function overlayHash(files: Readonly<Record<string, string>>): string {
  const h = createHash("sha256");
  for (const name of Object.keys(files).sort()) h.update(name).update("\0").update(files[name]).update("\0");
  return h.digest("hex").slice(0, 16);
}

/**
 * Writes the overlay to `<base>/mlops-kfp-overlay-<hash>` (once; a directory with that name already holds the
 * same content) and returns the directory. Written to a sibling first and renamed, so a reader never sees a
 * half-written overlay.
 */
export function writeOverlay(files: Readonly<Record<string, string>>, base: string = tmpdir()): string {
  const dir = join(base, `mlops-kfp-overlay-${overlayHash(files)}`);
  if (existsSync(dir)) return dir;
  const staging = `${dir}.${process.pid}.tmp`;
  mkdirSync(staging, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(staging, name), content);
  try {
    renameSync(staging, dir);
  } catch (e) {
    if (!existsSync(dir)) throw e;
  }
  return dir;
}
