/**
 * Kubeflow Pipelines per team: every team that opts into `pipelines` gets its own single-user KFP 2.17.0 in its
 * own namespace (API server, persistence agent, scheduled-workflow controller, UI, ML Metadata and a namespaced
 * Argo controller), so its runs execute there under its quota, NetworkPolicies, queue and cloud identity, and its
 * runs, experiments, metadata and artifacts live in databases and a prefix of its own. Multi-user KFP at 2.17.0
 * cannot keep teams apart: ML Metadata is shared and unauthenticated (kubeflow/pipelines#4790, advisory
 * GHSA-j53r-x5f5-j4hr, fixed only by KFP 3.0), and without Istio its user header is trusted unverified.
 *
 * The names here are upstream's (manifests/kustomize at 2.17.0: Deployments, pod labels, ports, service
 * accounts) and ours (databases, MySQL user, prefixes). Pure data: this module imports only other domain facts.
 */
import { createHash } from "node:crypto";
import { TEAM_WORKLOAD_SERVICE_ACCOUNT } from "./ownership";
import { teamPrefix } from "./storage-naming";

/** Pod labels of the upstream Deployments (base/pipeline, base/metadata/base, third-party/argo at 2.17.0). */
export const KFP_POD_LABELS = {
  apiServer: { app: "ml-pipeline" },
  ui: { app: "ml-pipeline-ui" },
  persistenceAgent: { app: "ml-pipeline-persistenceagent" },
  scheduledWorkflow: { app: "ml-pipeline-scheduledworkflow" },
  metadataGrpc: { component: "metadata-grpc-server" },
  metadataEnvoy: { component: "metadata-envoy" },
  workflowController: { app: "workflow-controller" },
} as const;

/** The label KFP's v2 compiler puts on every driver and launcher pod of a run (argocompiler/argo.go). */
export const KFP_STEP_POD_LABEL = "pipelines.kubeflow.org/v2_component";

/** Container ports: API server HTTP and gRPC, the UI, ML Metadata gRPC, and its Envoy (gRPC-web, for the UI). */
export const KFP_PORTS = { apiHttp: 8888, apiGrpc: 8887, ui: 3000, metadataGrpc: 8080, metadataEnvoy: 9090 } as const;

/** The UI's Service (port 80 → 3000), the gateway's backend on the team's host. */
export const KFP_UI_SERVICE = { name: "ml-pipeline-ui", port: 80 } as const;

/** Service accounts of the per-team install whose pods touch the team's objects in S3: API server and UI. */
export const KFP_OBJECT_STORE_SERVICE_ACCOUNTS = ["ml-pipeline", "ml-pipeline-ui"] as const;

/**
 * Every run's pods (driver, launcher, the team's own code, Argo's executor) run as the team's workload account:
 * the API server's DEFAULTPIPELINERUNNERSERVICEACCOUNT, so steps have the team's cloud identity and nothing else.
 */
export const KFP_RUNNER_SERVICE_ACCOUNT = TEAM_WORKLOAD_SERVICE_ACCOUNT;

/** Where the team's KFP objects live in the artifacts bucket: inside the team's own prefix. */
export const kfpTeamPrefix = (team: string): string => `${teamPrefix(team)}pipelines/`;

/** MySQL limits user names to 32 characters (MySQL 8.0 reference, "Account names"). */
const MYSQL_USER_MAX = 32;

/**
 * The team's MySQL user and databases. Databases: `<kind>_<team>` with `-` as `_` (at most 51 of MySQL's 64
 * characters; unique because team names hold no `_`). The user is `kfp_<team>` the same way when it fits 32
 * characters, else a 20-character stem and 8 hex of the team's hash, so it stays unique and within MySQL's limit.
 */
export function kfpDatabaseNames(team: string): { readonly user: string; readonly pipeline: string; readonly metadata: string; readonly cache: string } {
  const stem = team.replace(/-/g, "_");
  const plain = `kfp_${stem}`;
  const user = plain.length <= MYSQL_USER_MAX ? plain : `kfp_${stem.slice(0, 19)}_${createHash("sha256").update(team).digest("hex").slice(0, 8)}`;
  return { user, pipeline: `mlpipeline_${stem}`, metadata: `metadb_${stem}`, cache: `cachedb_${stem}` };
}

/** Requests and limits of one container. */
export interface KfpContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** One Deployment of the per-team install and the resources of its main container. */
export interface KfpDeployment {
  readonly deployment: string;
  readonly container: string;
  readonly resources: KfpContainerResources;
}

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): KfpContainerResources => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

/**
 * The Deployments of a team's install (by the pod label they carry, KFP_POD_LABELS) and what their main containers
 * request and may use. Requests are upstream's where 2.17.0 sets them (API server 250m/500Mi, persistence agent
 * 120m/500Mi, UI 10m/70Mi, Argo controller 100m/500Mi); scheduledworkflow, ML Metadata and its Envoy set none.
 * Upstream's wait-for-* init containers request less than the main ones (10m/16Mi), so a pod counts as its main
 * container. The install sets exactly these (components/services/pipelines), and the team's ResourceQuota grows by
 * their sum (charts/team/pipelines.ts): one table, so the two cannot drift apart.
 */
export const KFP_DEPLOYMENTS: Readonly<Record<keyof typeof KFP_POD_LABELS, KfpDeployment>> = {
  apiServer: { deployment: "ml-pipeline", container: "ml-pipeline-api-server", resources: resources("250m", "500Mi", "1", "1Gi") },
  persistenceAgent: {
    deployment: "ml-pipeline-persistenceagent",
    container: "ml-pipeline-persistenceagent",
    resources: resources("120m", "500Mi", "500m", "768Mi"),
  },
  scheduledWorkflow: {
    deployment: "ml-pipeline-scheduledworkflow",
    container: "ml-pipeline-scheduledworkflow",
    resources: resources("50m", "64Mi", "250m", "128Mi"),
  },
  ui: { deployment: "ml-pipeline-ui", container: "ml-pipeline-ui", resources: resources("10m", "70Mi", "500m", "256Mi") },
  metadataGrpc: { deployment: "metadata-grpc-deployment", container: "container", resources: resources("50m", "128Mi", "500m", "256Mi") },
  metadataEnvoy: { deployment: "metadata-envoy-deployment", container: "container", resources: resources("10m", "32Mi", "200m", "128Mi") },
  workflowController: { deployment: "workflow-controller", container: "workflow-controller", resources: resources("100m", "500Mi", "500m", "768Mi") },
};

/**
 * Every image repository a team's install and its runs pull, from upstream's manifests at the pinned refs (the
 * team overlay keeps their images: it sets no `images:` and patches no image, components/services/pipelines):
 * - base/pipeline/kustomization.yaml `images:` (tag 2.17.0): kfp-api-server, kfp-persistence-agent,
 *   kfp-scheduled-workflow-controller, kfp-frontend; base/metadata/base/kustomization.yaml: kfp-metadata-envoy;
 * - base/metadata/base/metadata-grpc-deployment.yaml: ml_metadata_store_server:1.14.0;
 * - the wait-for-* init containers of ml-pipeline, ml-pipeline-persistenceagent, ml-pipeline-scheduledworkflow and
 *   metadata-grpc-deployment: docker.io/alpine:3.23, which the runtime (and the registry rule) reads as
 *   docker.io/library/alpine;
 * - third-party/argo/base/workflow-controller-deployment-patch.yaml (Argo v4.0.5): the controller
 *   quay.io/argoproj/workflow-controller and `--executor-image` quay.io/argoproj/argoexec (every step pod's init
 *   and wait containers);
 * - base/pipeline/ml-pipeline-apiserver-deployment.yaml V2_DRIVER_IMAGE and V2_LAUNCHER_IMAGE (2.17.0): the
 *   driver pods and every step's launcher init container (backend/src/v2/compiler/argocompiler/container.go).
 * Repositories, not registries: ghcr.io/kubeflow or quay.io/argoproj as a whole would admit anything they publish.
 * The steps' own images (the team's code, and the SDK's default base image) are the team's: its registries.
 */
export const KFP_IMAGE_REPOSITORIES = [
  "ghcr.io/kubeflow/kfp-api-server",
  "ghcr.io/kubeflow/kfp-frontend",
  "ghcr.io/kubeflow/kfp-persistence-agent",
  "ghcr.io/kubeflow/kfp-scheduled-workflow-controller",
  "ghcr.io/kubeflow/kfp-metadata-envoy",
  "gcr.io/tfx-oss-public/ml_metadata_store_server",
  "docker.io/library/alpine",
  "quay.io/argoproj/workflow-controller",
  "quay.io/argoproj/argoexec",
  "ghcr.io/kubeflow/kfp-driver",
  "ghcr.io/kubeflow/kfp-launcher",
] as const;

/**
 * The service accounts a team's install keeps (the others upstream ships are deleted, components/services/pipelines/
 * objects.ts): ml-pipeline, ml-pipeline-ui, ml-pipeline-persistenceagent, ml-pipeline-scheduledworkflow
 * (base/pipeline/*-sa.yaml at 2.17.0, each bound to its Role there: ml-pipeline creates and deletes Workflows and
 * ScheduledWorkflows, deletes pods), metadata-grpc-server (base/metadata/base/metadata-grpc-sa.yaml, no Role) and
 * Argo's controller `argo` (Argo v4.0.5 manifests/base/workflow-controller/workflow-controller-sa.yaml, bound by
 * namespace-install/workflow-controller-rbac to argo-role: secrets get, pods and pods/exec create).
 * metadata-envoy-deployment names none (`default`). A pod of the team's own under one of them would take those
 * rights (and, for ml-pipeline and ml-pipeline-ui, the team's object-store identity): the guardrail
 * team-pipelines-service-accounts refuses it. Runs use KFP_RUNNER_SERVICE_ACCOUNT, which is not among them.
 */
export const KFP_SERVICE_ACCOUNTS = [
  "ml-pipeline",
  "ml-pipeline-ui",
  "ml-pipeline-persistenceagent",
  "ml-pipeline-scheduledworkflow",
  "metadata-grpc-server",
  "argo",
] as const;
