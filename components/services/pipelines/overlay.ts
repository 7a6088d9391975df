/**
 * The kustomize overlay that installs Kubeflow Pipelines on EKS: upstream's bases by remote URL at the pinned
 * ref (never copied here), without the in-cluster MySQL and SeaweedFS, with artifacts in S3 and the database
 * on RDS MySQL over TLS. Static patches live as YAML next to this file (overlay/); the kustomization and the
 * patches that carry stack values (bucket, region) are rendered by `pipelinesOverlay`, a pure function, and
 * written to a content-addressed directory that `kustomize.v2.Directory` builds at deploy time.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

/** YAML without line folding, so embedded documents stay literal blocks. */
const toYaml = (value: unknown): string => stringify(value, { lineWidth: 0 });
import { KFP_MYSQL_SERVICE, KUBEFLOW_NAMESPACE } from "../../../charts/services/pipelines";
import { KUSTOMIZE } from "../../../domain/versions";

/** A kustomize remote target (`<repo>//<path>?ref=<ref>`), the form kustomize documents for git URLs. */
export function kustomizeUrl(path: string, manifest: { readonly repo: string; readonly ref: string } = KUSTOMIZE.kubeflowPipelines): string {
  return `${manifest.repo}//${path}?ref=${manifest.ref}`;
}

const KFP = KUSTOMIZE.kubeflowPipelines;
/** Static patches committed next to this file. */
export const STATIC_PATCH_DIR = join(__dirname, "overlay");
export const STATIC_PATCHES = ["mysql-secret-delete.yaml", "metadata-grpc-tls.yaml"] as const;

/**
 * KFP's v1 cache server and its deployer, left out on EKS: the deployer asks for a kubelet-serving certificate
 * that EKS does not sign (kubeflow/manifests#2165), so the server would never start. v2 pipelines cache in the
 * driver and do not use them.
 */
export const CACHE_V1_OBJECTS = [
  { apiVersion: "apps/v1", kind: "Deployment", name: "cache-deployer-deployment" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", name: "kubeflow-pipelines-cache-deployer-role" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", name: "kubeflow-pipelines-cache-deployer-rolebinding" },
  { apiVersion: "apps/v1", kind: "Deployment", name: "cache-server" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", name: "kubeflow-pipelines-cache-role" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", name: "kubeflow-pipelines-cache-binding" },
  { apiVersion: "v1", kind: "ServiceAccount", name: "kubeflow-pipelines-cache" },
  { apiVersion: "v1", kind: "Service", name: "cache-server" },
] as const;

/** Where KFP keeps its objects in the artifacts bucket: IAM grants exactly this prefix. */
export const KFP_BUCKET_PREFIX = "pipelines/";
/** Argo's archived logs and v1 artifacts; the UI derives the owning namespace from the segment after it. */
export const KFP_ARTIFACT_KEY_PREFIX = `${KFP_BUCKET_PREFIX}private-artifacts`;
export const ARGO_KEY_FORMAT = `${KFP_ARTIFACT_KEY_PREFIX}/{{workflow.namespace}}/{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}`;
/** Go MySQL driver DSN parameters: TLS required, certificate not verified (the RDS CA is not in KFP's images). */
export const MYSQL_TLS_PARAMS = { tls: "skip-verify" } as const;

export interface OverlaySettings {
  /** The platform's artifacts bucket. */
  readonly bucket: string;
  readonly region: string;
  /** @default "kfp-mysql" (the ExternalName Service in front of RDS) */
  readonly mysqlHost?: string;
  /** @default 3306 */
  readonly mysqlPort?: number;
}

export const s3Endpoint = (region: string) => `s3.${region}.amazonaws.com`;

export function defaultPipelineRoot(bucket: string): string {
  return `s3://${bucket}/${KFP_BUCKET_PREFIX}v2/artifacts`;
}

/** A container env entry in a strategic merge patch; `valueFrom: null` deletes upstream's secretKeyRef. */
export interface EnvPatch {
  readonly name: string;
  readonly value: string;
  readonly valueFrom?: null;
}
const env = (name: string, value: string): EnvPatch => ({ name, value });
const literalEnv = (name: string, value: string): EnvPatch => ({ name, value, valueFrom: null });

function deploymentEnvPatch(deployment: string, container: string, envs: readonly EnvPatch[]) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: deployment },
    spec: { template: { spec: { containers: [{ name: container, env: envs }] } } },
  };
}

/** The overlay's patches that carry stack values, as objects (strategic merge patches). */
export function overlayPatches(settings: OverlaySettings) {
  const host = settings.mysqlHost ?? KFP_MYSQL_SERVICE;
  const port = String(settings.mysqlPort ?? 3306);
  const endpoint = s3Endpoint(settings.region);
  const root = defaultPipelineRoot(settings.bucket);
  return {
    installConfig: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "pipeline-install-config" },
      data: {
        mysqlHost: host,
        mysqlPort: port,
        bucketName: settings.bucket,
        defaultPipelineRoot: root,
        ARTIFACT_NAMESPACE_KEY_PREFIX: KFP_ARTIFACT_KEY_PREFIX,
      },
    },
    // base/installs/generic copies defaultPipelineRoot into kfp-launcher inside its own build, before this
    // overlay's patches, so the launcher config is patched directly. `providers` makes the v2 launcher build an
    // S3 client with the region and the default credential chain (Pod Identity), whatever the pod's env.
    launcher: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "kfp-launcher" },
      data: {
        defaultPipelineRoot: root,
        providers: toYaml({ s3: { default: { endpoint, region: settings.region, disableSSL: false, forcePathStyle: false, credentials: { fromEnv: true } } } }),
      },
    },
    apiServer: deploymentEnvPatch("ml-pipeline", "ml-pipeline-api-server", [
      env("OBJECTSTORECONFIG_HOST", endpoint),
      env("OBJECTSTORECONFIG_PORT", ""),
      env("OBJECTSTORECONFIG_SECURE", "true"),
      env("OBJECTSTORECONFIG_REGION", settings.region),
      // Both empty: the AWS SDK's default chain (Pod Identity). config.json defaults them to minio/minio123.
      literalEnv("OBJECTSTORECONFIG_ACCESSKEY", ""),
      literalEnv("OBJECTSTORECONFIG_SECRETACCESSKEY", ""),
      env("DBCONFIG_MYSQLCONFIG_EXTRAPARAMS", JSON.stringify(MYSQL_TLS_PARAMS)),
    ]),
    ui: deploymentEnvPatch("ml-pipeline-ui", "ml-pipeline-ui", [
      // No AWS keys: without them the UI takes credentials from the AWS SDK's provider chain (Pod Identity).
      env("AWS_REGION", settings.region),
      env("AWS_S3_ENDPOINT", endpoint),
      env("AWS_SSL", "true"),
      env("ARGO_ARCHIVE_ARTIFACTORY", "s3"),
      env("ARGO_ARCHIVE_BUCKETNAME", settings.bucket),
      env("ARGO_KEYFORMAT", ARGO_KEY_FORMAT),
    ]),
    argo: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "workflow-controller-configmap" },
      data: {
        artifactRepository: toYaml({
          archiveLogs: true,
          s3: { endpoint, bucket: settings.bucket, region: settings.region, insecure: false, useSDKCreds: true, keyFormat: ARGO_KEY_FORMAT },
        }),
      },
    },
  };
}

/** kustomization.yaml of the EKS overlay. */
export function overlayKustomization(settings: OverlaySettings) {
  const p = overlayPatches(settings);
  const deployment = (name: string) => ({ group: "apps", version: "v1", kind: "Deployment", name });
  return {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    namespace: KUBEFLOW_NAMESPACE,
    // env/platform-agnostic at the same ref, minus third-party/seaweedfs and third-party/mysql.
    resources: [KFP.paths.generic, KFP.paths.metadata, KFP.paths.argoNamespaced].map((path) => kustomizeUrl(path)),
    // platform-agnostic's label (selectors included), so both variants label their objects alike.
    labels: [{ includeSelectors: true, pairs: { "application-crd-id": "kubeflow-pipelines" } }],
    generatorOptions: { disableNameSuffixHash: true },
    // SeaweedFS's chart provided this Secret; the UI's MINIO_* env still references it. Never used for S3.
    secretGenerator: [{ name: "mlpipeline-minio-artifact", literals: ["accesskey=unused", "secretkey=unused"] }],
    patches: [
      { path: "mysql-secret-delete.yaml" },
      { path: "metadata-grpc-tls.yaml", target: deployment("metadata-grpc-deployment") },
      ...CACHE_V1_OBJECTS.map((o) => ({ patch: toYaml({ $patch: "delete", apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name } }) })),
      ...[p.installConfig, p.launcher, p.apiServer, p.ui, p.argo].map((patch) => ({ patch: toYaml(patch) })),
    ],
  };
}

/** Every file of the overlay directory: the rendered kustomization and the committed static patches. */
export function pipelinesOverlay(
  settings: OverlaySettings,
  readStatic: (file: string) => string = (f) => readFileSync(join(STATIC_PATCH_DIR, f), "utf8"),
): Record<string, string> {
  if (!settings.bucket || !settings.region) throw new Error("pipelinesOverlay: bucket and region are required");
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
