/** What each team gets, in words a team lead can review in a pull request. */
import { TEAM_ROLES, type TeamConfig } from "../../config/teams";
import { POD_SECURITY_VERSION } from "../../domain/versions";
import { DATA_BUCKET_KINDS, scratchTeamPath, teamPrefix } from "../../domain/storage-naming";
import { feastEndpoints, feastProject } from "../../domain/feast";
import { FEAST_CLIENT_CONFIG } from "../../charts/services/feast";
import { teamPosixId } from "../../domain/posix";
import { teamIdentityName } from "../../domain/object-store-identities";
import { OBJECT_STORE_CREDENTIALS_SECRET } from "../../components/storage/local-buckets";
import { SCRATCH_TEAM_MODE } from "../../charts/storage-scratch";
import { TEAM_WORKLOAD_SERVICE_ACCOUNT } from "../../charts/team";
import { kfpControlPlaneFootprint } from "../../charts/team/pipelines";
import { SCRATCH_CLAIM, SHARED_FILES_CLAIM } from "../../charts/team-volumes";
import { queueLines, type QueueReportContext } from "./queue-report";
import { teamCostLines, type TeamCostContext } from "./team-cost-report";
import { signInLines, type SignInContext } from "./sign-in-report";
import { evidentlyInstance, evidentlyUrl, EVIDENTLY_TOKEN_SECRET } from "../../domain/evidently";
import { uiHost } from "../../domain/access";
import { KFP_PORTS, KFP_RUNNER_SERVICE_ACCOUNT, kfpTeamPrefix } from "../../domain/pipelines";

/** The team KFP API server's Service (upstream base/pipeline/ml-pipeline-apiserver-service.yaml at 2.17.0). */
const KFP_API_SERVICE = "ml-pipeline";
import { oidcRedirectUrl } from "../../charts/access/security";

export interface TeamReportContext extends SignInContext {
  readonly environment: string;
  /** Shared tiers each team gets a pre-bound claim on. @default both off */
  readonly sharedFiles?: boolean;
  /**
   * Scratch on FSx for Lustre: true (or the scratch settings) when on. true reads as the defaults: a directory per
   * team on a shared file system, linked to scratch/ of the team's prefix. @default off
   */
  readonly scratch?: boolean | ScratchReport;
  /** The in-cluster object store of an existing cluster, where each team has a key of its own. @default off */
  readonly objectStore?: boolean;
  /** The stack's GPU flavors and queue settings, for the queue lines. */
  readonly queue: QueueReportContext;
  /** KServe routes every InferenceService through the gateway (charts/guardrails/models.ts): teams without model endpoints label theirs cluster-local. @default false */
  readonly kserveRoutes?: boolean;
  /** Each team's quota ceiling and budget (from the check's one estimate) and whether spend is recorded. @default no cost lines */
  readonly costs?: TeamCostContext;
}

/** What the report says about scratch: how teams are kept apart and which sub-prefix of theirs is linked. */
export interface ScratchReport {
  readonly isolation: "directory" | "file-system";
  readonly dataPrefix: string;
}

/** How a team uses each service it opted into (the endpoints are the in-cluster Service names). */
const SERVICE_USE: Readonly<Record<string, string>> = {
  mlflow: "mlflow at http://mlflow.mlflow.svc:5000",
  feast: "feast",
  pipelines: "pipelines: its own Kubeflow Pipelines",
  kserve: "kserve InferenceServices in its own namespace",
  evidently: "evidently: its own instance",
};

/** Predictors are called through the gateway only when the team opted into model endpoints and the stack has one. */
function serviceUse(team: TeamConfig, service: string, ctx: TeamReportContext): string {
  const use = SERVICE_USE[service] ?? service;
  if (service === "evidently") return evidentlyUse(team, ctx);
  if (service === "feast") {
    const own = feastEndpoints(team.name);
    return `feast: its own store, project ${feastProject(team.name)} (no other team reaches it), registry ${own.registry}, online ${own.online}, client config in ConfigMap ${FEAST_CLIENT_CONFIG}, authenticated by a projected service-account token or a team member's IdP token`;
  }
  if (service === "pipelines") return pipelinesUse(team, ctx);
  if (service === "mlflow")
    return `${use} as user team-${team.name} in workspace ${team.name} (URI, user, password and workspace in Secret mlflow-credentials)`;
  if (service !== "kserve") return use;
  if (team.modelEndpoints && ctx.access) return `${use}, called from it and through the gateway (see models)`;
  const label = ctx.kserveRoutes
    ? ": label each InferenceService networking.kserve.io/visibility: cluster-local (the mlops-cluster-local-models rule refuses it otherwise)"
    : "";
  return `${use}, called from it only (no model endpoints)${label}`;
}

/**
 * The team's own Evidently instance: in-cluster URL, write token, UI and, with a company IdP, the redirect URI its
 * client must allow (Dex's list is the platform's). No other team reaches the instance, in the cluster or through the gateway.
 */
function evidentlyUse(team: TeamConfig, ctx: TeamReportContext): string {
  const inCluster = `${SERVICE_USE.evidently} at ${evidentlyUrl(team.name)} (no other team reaches it), its write token in Secret ${EVIDENTLY_TOKEN_SECRET}`;
  if (!ctx.access || !ctx.uiApps?.has("evidently")) return inCluster;
  const host = uiHost(ctx.access.domain, evidentlyInstance(team.name));
  const redirect = ctx.access.identityProvider.kind === "dex" ? "" : ` (the IdP client must allow ${oidcRedirectUrl(host)})`;
  return `${inCluster}, its UI https://${host}/ for its groups and the platform admins${redirect}`;
}

/**
 * The team's own Kubeflow Pipelines: its API in its namespace, where runs execute and as whom, where its specs,
 * artifacts and logs go, and, with the gateway, its UI (host pipelines-<team>, the team's groups and the admins).
 */
function pipelinesUse(team: TeamConfig, ctx: TeamReportContext): string {
  const bucket = ctx.eksClusterName ? `s3://${ctx.eksClusterName}-artifacts-<account>/` : "the artifacts bucket, ";
  const own =
    `${SERVICE_USE.pipelines} in its namespace (no other team reaches it): API http://${KFP_API_SERVICE}.${team.name}.svc.cluster.local:${KFP_PORTS.apiHttp}, ` +
    `runs execute in ${team.name} as ${KFP_RUNNER_SERVICE_ACCOUNT} under its quota (which includes the control plane) and policies, ` +
    `specs, artifacts and logs under ${bucket}${kfpTeamPrefix(team.name)}`;
  if (!ctx.access || !ctx.uiApps?.has("pipelines")) return own;
  const host = uiHost(ctx.access.domain, `pipelines-${team.name}`);
  const redirect = ctx.access.identityProvider.kind === "dex" ? "" : ` (the IdP client must allow ${oidcRedirectUrl(host)})`;
  return `${own}, its UI https://${host}/ for its groups and the platform admins${redirect}`;
}

/** Its Kubeflow Pipelines' egress (charts/team/pipelines.ts), and its UI from the gateway with `access`. */
const pipelinesNetwork = (ctx: TeamReportContext): string =>
  `its Kubeflow Pipelines: its API server and ML Metadata to their MySQL databases, the install and its run steps to the Kubernetes API and object storage${ctx.access ? ", its UI from the gateway" : ""}`;

/** The control plane of a team's own Kubeflow Pipelines is added to its quota, so the numbers above stay the team's. */
function kfpQuota(team: TeamConfig): string {
  if (!team.services.includes("pipelines")) return "";
  const kfp = kfpControlPlaneFootprint();
  return ` (plus its Kubeflow Pipelines control plane: ${Math.round(kfp.cpu * 1000)}m cpu, ${kfp.memory / 2 ** 20}Mi memory requested, ${kfp.memoryLimit / 2 ** 20}Mi limit, ${kfp.pods} pods)`;
}

/** The scratch claim's isolation, its S3 link and its limit, exactly. */
function scratchLine(team: string, scratch: ScratchReport, datasets: string): string {
  // The mount is the boundary between teams; the owner only decides who in the team writes (Lustre maps no ids).
  const id = teamPosixId(team);
  const owner = `owned by uid/gid ${id}, mode ${SCRATCH_TEAM_MODE}: to write, run pods with securityContext.supplementalGroups [${id}]`;
  const where =
    scratch.isolation === "file-system"
      ? `own file system (the volume mounts its directory ${scratchTeamPath(team)}, ${owner})`
      : `own directory ${scratchTeamPath(team)} on a file system shared with the other teams (the volume mounts that directory only, ${owner})`;
  // No Lustre project quota: setting one needs CAP_SYS_ADMIN (lfs setquota), which the platform's pods never get.
  const limit = scratch.isolation === "file-system" ? "its capacity is the file system's" : "no quota: the file system's capacity is shared";
  return `${SCRATCH_CLAIM} (FSx for Lustre, RWX, ${where}; linked both ways, deletions included, to ${teamPrefix(team)}${scratch.dataPrefix} of ${datasets} only; ${limit})`;
}

function volumes(team: string, ctx: TeamReportContext): string {
  const scratch = ctx.scratch === true ? { isolation: "directory" as const, dataPrefix: "scratch/" } : ctx.scratch || undefined;
  const datasets = ctx.eksClusterName ? `${ctx.eksClusterName}-datasets-<account>` : "the datasets bucket";
  const claims = [
    ...(ctx.sharedFiles ? [`${SHARED_FILES_CLAIM} (EFS, RWX, own access point and POSIX id)`] : []),
    ...(scratch ? [scratchLine(team, scratch, datasets)] : []),
  ];
  const block = ctx.eksClusterName ? "block volumes from the default class gp3" : "block volumes from the cluster's default class";
  return `${block}${claims.length > 0 ? `; claims ${claims.join(", ")}` : ""}`;
}

export function teamReport(team: TeamConfig, ctx: TeamReportContext): string[] {
  const q = team.quota;
  const l = team.limits;
  const roles = TEAM_ROLES.map((role) => {
    const o = team.owners[role];
    const who = [...o.groups.map((g) => `group ${g}`), ...o.iamPrincipals.map((p) => `IAM ${p}`)];
    return who.length > 0 ? `${role}: ${who.join(", ")}` : undefined;
  }).filter((x): x is string => x !== undefined);
  const network = [
    "everything denied by default",
    "DNS",
    "pods of its own namespace",
    "Prometheus scraping of ports named metrics",
    ...(ctx.eksClusterName ? ["the EKS Pod Identity agent"] : []),
    ...team.services.map((s) => (s === "pipelines" ? pipelinesNetwork(ctx) : `platform service ${s}`)),
    ...(team.modelMonitors.length > 0 ? ["its drift jobs to the datasets bucket"] : []),
    ...(team.egress.internetHttps ? ["HTTPS to public addresses"] : []),
    ...team.egress.allow.map((a) => `${a.cidr} on ${a.ports.join(", ")}${a.description ? ` (${a.description})` : ""}`),
  ];
  const identity = ctx.eksClusterName
    ? `IAM role via EKS Pod Identity for ${team.name}/${TEAM_WORKLOAD_SERVICE_ACCOUNT}: s3 ${teamPrefix(team.name)} in ${DATA_BUCKET_KINDS.map((k) => `${ctx.eksClusterName}-${k}-<account>`).join(", ")}; capped by the team permissions boundary`
    : ctx.objectStore
      ? `object-store key of its own in Secret ${OBJECT_STORE_CREDENTIALS_SECRET} (identity ${teamIdentityName(team.name)}): read, write and list objects under ${teamPrefix(team.name)} of ${DATA_BUCKET_KINDS.join(", ")}, no other objects (SeaweedFS 4.44 still lets it change a whole bucket's settings, see the README); reached from its predictors and drift jobs`
      : "none (existing cluster: Kubernetes side only)";
  return [
    `${team.name} (cost center ${team.costCenter})`,
    `  namespace  ${team.name}: Pod Security restricted (enforce, warn, audit; ${POD_SECURITY_VERSION}), labels team=${team.name}, cost-center=${team.costCenter}`,
    `  quota      cpu ${q.cpu}, memory ${q.memory}, storage ${q.storage}, ${q.persistentVolumeClaims} PVCs, ${q.pods} pods${kfpQuota(team)}; no LoadBalancer or NodePort services`,
    ...queueLines({ name: team.name, namespace: team.name, cpu: q.cpu, memory: q.memory, gpu: q.gpu, priorities: team.priorities }, ctx.queue),
    ...teamCostLines(team.name, ctx.costs, ctx.access),
    `  defaults   per container: request ${l.defaultRequest.cpu}/${l.defaultRequest.memory}, limit ${l.default.cpu}/${l.default.memory}, between ${l.min.cpu}/${l.min.memory} and ${l.max.cpu}/${l.max.memory}`,
    `  roles      ${roles.join("; ")}${ctx.environment === "prod" ? " (no pods/exec or attach in prod)" : ""}`,
    ...signInLines(team, ctx),
    `  network    ${network.join("; ")}; never the instance metadata address`,
    `  identity   ${identity}`,
    `  volumes    ${volumes(team.name, ctx)}`,
    `  services   ${team.services.length > 0 ? team.services.map((x) => serviceUse(team, x, ctx)).join("; ") : "none"}`,
    ...(team.modelMonitors.length > 0
      ? [
          `  monitors   ${team.modelMonitors.map((m) => `drift-${m.name} "${m.schedule}": ${m.current} against ${m.reference}, alert at drift share ≥ ${m.driftShareThreshold}`).join("; ")}`,
        ]
      : []),
    `  exceptions ${team.exceptions.length > 0 ? team.exceptions.join(", ") : "none"}`,
  ];
}
