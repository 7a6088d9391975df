/**
 * What a team's Kubeflow Pipelines install leaves out of upstream's trees, and what it sets on the rest; every name
 * is read from manifests/kustomize at 2.17.0 (and Argo v4.0.5's manifests that KFP's third-party/argo pulls in).
 */
import { KFP_DEPLOYMENTS, type KfpContainerResources } from "../../../domain/pipelines";

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}
/** A reference to an upstream object by API version, kind and name (what a `$patch: delete` names). */
export const objectRef = (apiVersion: string, kind: string, name: string): ObjectRef => ({ apiVersion, kind, name });
const RBAC = "rbac.authorization.k8s.io/v1";
const deployment = (name: string) => objectRef("apps/v1", "Deployment", name);
const serviceAccount = (name: string) => objectRef("v1", "ServiceAccount", name);
const service = (name: string) => objectRef("v1", "Service", name);
const role = (name: string) => objectRef(RBAC, "Role", name);
const roleBinding = (name: string) => objectRef(RBAC, "RoleBinding", name);

/**
 * KFP's v1 cache server and its deployer (base/cache, base/cache-deployer): the deployer asks for a kubelet-serving
 * certificate that EKS does not sign (kubeflow/manifests#2165) and registers a cluster-wide mutating webhook; v2
 * pipelines cache in the driver through the API server and do not use them.
 */
export const CACHE_V1_OBJECTS: readonly ObjectRef[] = [
  deployment("cache-deployer-deployment"),
  role("kubeflow-pipelines-cache-deployer-role"),
  roleBinding("kubeflow-pipelines-cache-deployer-rolebinding"),
  deployment("cache-server"),
  role("kubeflow-pipelines-cache-role"),
  roleBinding("kubeflow-pipelines-cache-binding"),
  serviceAccount("kubeflow-pipelines-cache"),
  service("cache-server"),
];

/**
 * Everything of base/installs/generic, base/metadata/base and third-party/argo/installs/namespace (2.17.0) that a
 * team's install drops:
 * - the v1 cache (above);
 * - the viewer CRD controller (base/pipeline/ml-pipeline-viewer-crd-*: TensorBoard viewers, v1 only);
 * - the visualization server (base/pipeline/ml-pipeline-visualization-*: v1 Python visualizations, runs code);
 * - metadata-writer (base/pipeline/metadata-writer: v1 runs' MLMD writer, watches pods);
 * - upstream's run account `pipeline-runner` (base/pipeline/pipeline-runner-*: pods/exec, deployments, secrets and
 *   more): runs use the team's `team-workload`, whose Role the team chart writes;
 * - the container-builder and viewer accounts (base/pipeline/container-builder-sa.yaml, viewer-sa.yaml), unused;
 * - the `kubeflow-pipelines-public` Role and RoleBinding (base/pipeline/public_configmap_role*.yaml): they bind
 *   group `system:authenticated`, so every other team could read the team's ConfigMap; the ConfigMap itself stays;
 * - upstream's `mysql-secret` (base/installs/generic/mysql-secret.yaml: root, empty password): ours holds the
 *   team's own user;
 * - Argo's PriorityClass `workflow-controller` (value 1000000, cluster-scoped), which every team would share.
 */
export const TEAM_INSTALL_DELETIONS: readonly ObjectRef[] = [
  ...CACHE_V1_OBJECTS,
  deployment("ml-pipeline-viewer-crd"),
  serviceAccount("ml-pipeline-viewer-crd-service-account"),
  role("ml-pipeline-viewer-controller-role"),
  roleBinding("ml-pipeline-viewer-crd-binding"),
  deployment("ml-pipeline-visualizationserver"),
  serviceAccount("ml-pipeline-visualizationserver"),
  service("ml-pipeline-visualizationserver"),
  deployment("metadata-writer"),
  serviceAccount("kubeflow-pipelines-metadata-writer"),
  role("kubeflow-pipelines-metadata-writer-role"),
  roleBinding("kubeflow-pipelines-metadata-writer-binding"),
  serviceAccount("pipeline-runner"),
  role("pipeline-runner"),
  roleBinding("pipeline-runner-binding"),
  serviceAccount("kubeflow-pipelines-container-builder"),
  serviceAccount("kubeflow-pipelines-viewer"),
  role("kubeflow-pipelines-public"),
  roleBinding("kubeflow-pipelines-public"),
  objectRef("v1", "Secret", "mysql-secret"),
  objectRef("scheduling.k8s.io/v1", "PriorityClass", "workflow-controller"),
];

export type ContainerResources = KfpContainerResources;
const res = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): ContainerResources => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

/** Requests and limits of every main container the team install runs (Deployment → container), from domain/pipelines.ts. */
export const CONTAINER_RESOURCES: Readonly<Record<string, { readonly main: Readonly<Record<string, ContainerResources>> }>> = Object.fromEntries(
  Object.values(KFP_DEPLOYMENTS).map((d) => [d.deployment, { main: { [d.container]: d.resources } }]),
);

/** Argo's executor securityContext as upstream sets it (third-party/argo/base/workflow-controller-configmap-patch.yaml). */
export const EXECUTOR_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 65532,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
} as const;

/** Argo's executor (init and wait containers of every step pod): no resources upstream. */
export const EXECUTOR_RESOURCES = res("10m", "64Mi", "500m", "512Mi");

/**
 * The UI's Role (base/pipeline/ml-pipeline-ui-role.yaml at 2.17.0) without `secrets get, list`: the UI server reads a
 * Secret only through getK8sSecret (frontend/server/k8s-helper.ts l.393, readNamespacedSecret: a get by name, in its
 * own namespace), called only for an artifact whose provider info has `fromEnv: false` (minio-helper.ts
 * parseS3ProviderInfo, handlers/artifacts.ts parseGCSProviderInfo). So: nothing on S3 with Pod Identity, and on the
 * in-cluster store get on the team's key Secret alone, which the launcher's provider names.
 */
export function uiRoleRules(credentialsSecret?: string) {
  return [
    { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get"] },
    { apiGroups: [""], resources: ["events"], verbs: ["list"] },
    { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] },
    ...(credentialsSecret ? [{ apiGroups: [""], resources: ["secrets"], resourceNames: [credentialsSecret], verbs: ["get"] }] : []),
    { apiGroups: ["kubeflow.org"], resources: ["viewers"], verbs: ["create", "get", "list", "watch", "delete"] },
    { apiGroups: ["argoproj.io"], resources: ["workflows"], verbs: ["get", "list"] },
  ];
}
