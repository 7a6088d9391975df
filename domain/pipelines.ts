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
