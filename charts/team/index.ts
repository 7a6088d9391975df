/**
 * Everything a team namespace holds, as one cdk8s chart: namespace, quota, limits, network policies, roles,
 * bindings and service accounts. Deployed as one ConfigGroup per team, so every object stays visible to the
 * plan and to policies while a team costs one Pulumi resource on the Kubernetes side.
 */
import { App, Chart, type ChartProps } from "cdk8s";
import { k8s } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { TEAM_ROLES, type TeamConfig } from "../../config/teams";
import { podSecurityLabels } from "../pod-security";
import { serviceOptInLabel } from "../../domain/team-services";
import { MODEL_ROUTES_LABEL } from "../../domain/access";
import { PLATFORM_OWNED_LABELS, TEAM_NAMESPACE_LABEL, TEAM_GROUP_ANNOTATION_PREFIX, TEAM_WORKLOAD_SERVICE_ACCOUNT } from "../../domain/ownership";
import type { KserveMode } from "../../config/services";
import { teamNetworkPolicies } from "./network";
import { NAMESPACE_GPU_POOLS_ANNOTATION, NAMESPACE_PRIORITIES_ANNOTATION, NAMESPACE_QUEUE_LABEL } from "../../domain/queues";
import { roleRules, roleSubjects, type GroupNaming } from "./rbac";
import { parseQuantity } from "../../config/quantity";
import { kfpControlPlaneFootprint, KFP_RUNNER_ROLE, kfpRunnerRules, usesPipelines, type KfpNetwork } from "./pipelines";
import { costAnnotations, type TeamCost } from "../../domain/team-cost";

export { teamNetworkPolicies, ipBlock, METADATA_CIDR, POD_IDENTITY_AGENT_CIDR } from "./network";
export { roleRules, roleSubjects, teamGroup, type GroupNaming } from "./rbac";
export { PLATFORM_ADMINS_BINDING, platformAdminObjects } from "./admins";

export { TEAM_WORKLOAD_SERVICE_ACCOUNT };

export interface TeamChartProps extends ChartProps {
  readonly team: TeamConfig;
  /** Tier; prod withholds pods/exec and attach. */
  readonly environment: string;
  /** On EKS, pods reach the Pod Identity agent for AWS credentials. @default false */
  readonly podIdentity?: boolean;
  /** How KServe serves models (serverless adds Knative's ports to allow-inference-ingress). @default "standard" */
  readonly kserveMode?: KserveMode;
  /** The in-cluster S3 store of an existing cluster, for the drift jobs' egress. */
  readonly objectStore?: { readonly namespace: string; readonly port: number };
  /** With the stack's `access`, IdP groups are bound as the API server names them (its groupsPrefix). @default unprefixed */
  readonly access?: GroupNaming;
  /** Where a team's own Kubeflow Pipelines reaches its database and the API server. @default kfpDefaultNetwork */
  readonly pipelines?: KfpNetwork;
  /**
   * What the team's quota may cost and its cost center's budget (domain/team-cost.ts teamCosts), written on the
   * Namespace for the `team-budget` policy and for anyone reading the cluster. @default no cost annotations
   */
  readonly cost?: TeamCost;
}

/** Labels for cost attribution and ownership on every object (OPS-01). */
export function teamLabels(team: TeamConfig): Record<string, string> {
  return { team: team.name, "cost-center": team.costCenter, ...PLATFORM_OWNED_LABELS };
}

/** MiB, when exact; bytes otherwise (a Kubernetes quantity either way). */
const bytes = (value: number): string => (Number.isInteger(value / 2 ** 20) ? `${value / 2 ** 20}Mi` : String(Math.ceil(value)));

/** A quantity plus an amount of its base unit, written back as a quantity (CPU in millicores). */
function plus(quantity: string, amount: number, unit: "cpu" | "bytes"): string {
  if (amount === 0) return quantity;
  const total = (parseQuantity(quantity) ?? Number.NaN) + amount;
  return unit === "cpu" ? `${Math.round(total * 1000)}m` : bytes(total);
}

/**
 * The team's ResourceQuota. A team with `pipelines` also runs its own KFP control plane in the namespace: the
 * quota grows by that control plane's requests, memory limits and pods (KFP_CONTROL_PLANE_BUDGET), so what the
 * config gives the team stays the team's own budget for its runs and workloads.
 */
export function resourceQuotaHard(team: TeamConfig): Record<string, string> {
  const kfp = usesPipelines(team) ? kfpControlPlaneFootprint() : { cpu: 0, memory: 0, memoryLimit: 0, pods: 0 };
  return {
    "requests.cpu": plus(team.quota.cpu, kfp.cpu, "cpu"),
    "requests.memory": plus(team.quota.memory, kfp.memory, "bytes"),
    "limits.memory": plus(team.quota.memory, kfp.memoryLimit, "bytes"),
    // No GPU line: GPUs are Kueue's quota (charts/queues). A ResourceQuota would count gated pods waiting in the
    // queue and refuse them, and could not follow borrowing; the queue guardrail keeps every GPU pod in the queue.
    "requests.storage": team.quota.storage,
    persistentvolumeclaims: String(team.quota.persistentVolumeClaims),
    // Snapshots cost storage outside requests.storage: one per claim the team may hold.
    "count/volumesnapshots.snapshot.storage.k8s.io": String(team.quota.persistentVolumeClaims),
    pods: String(team.quota.pods + kfp.pods),
    // No load balancer of a team's own (EXP-01): with `access`, model endpoints go through the platform's gateway.
    "services.loadbalancers": "0",
    "services.nodeports": "0",
  };
}

/** What the queue guardrail reads of the namespace: the GPU pools and priority classes the team may use. */
export function queueAnnotations(team: Pick<TeamConfig, "quota" | "priorities">): Record<string, string> {
  return { [NAMESPACE_GPU_POOLS_ANNOTATION]: team.quota.gpu.map((s) => s.pool).join(","), [NAMESPACE_PRIORITIES_ANNOTATION]: team.priorities.join(",") };
}

/** Every group any of the team's roles is bound to: the team's own identities, as the admission rules know them. */
export function teamGroups(team: TeamConfig, access?: GroupNaming): string[] {
  return [...new Set(TEAM_ROLES.flatMap((role) => roleSubjects(team, role, access).map((s) => s.name)))].sort();
}

export class TeamChart extends Chart {
  constructor(scope: Construct, id: string, props: TeamChartProps) {
    const { team } = props;
    const labels = teamLabels(team);
    // No chart-level namespace: it would also stamp the (cluster-scoped) Namespace object.
    super(scope, id, { ...props, labels: { ...labels, ...props.labels } });
    const meta = (name: string) => ({ name, namespace: team.name });
    const q = (v: string) => k8s.Quantity.fromString(v);

    new k8s.KubeNamespace(this, "namespace", {
      metadata: {
        name: team.name,
        annotations: {
          ...Object.fromEntries(teamGroups(team, props.access).map((group, i) => [`${TEAM_GROUP_ANNOTATION_PREFIX}${i}`, group])),
          ...queueAnnotations(team),
          ...costAnnotations(props.cost),
        },
        labels: {
          ...podSecurityLabels("restricted"),
          [TEAM_NAMESPACE_LABEL]: team.name,
          // Kueue manages this namespace's Jobs and queued pods; its LocalQueue is named after the team.
          [NAMESPACE_QUEUE_LABEL]: team.name,
          ...Object.fromEntries(team.services.map((s) => [serviceOptInLabel(s), "true"])),
          // The gateway's models listener admits HTTPRoutes (KServe's) of namespaces carrying it.
          ...(team.modelEndpoints ? { [MODEL_ROUTES_LABEL]: "true" } : {}),
        },
      },
    });
    new k8s.KubeResourceQuota(this, "quota", {
      metadata: meta("team-quota"),
      spec: { hard: Object.fromEntries(Object.entries(resourceQuotaHard(team)).map(([k, v]) => [k, q(v)])) },
    });
    const l = team.limits;
    const pair = (p: { cpu: string; memory: string }) => ({ cpu: q(p.cpu), memory: q(p.memory) });
    new k8s.KubeLimitRange(this, "limits", {
      metadata: meta("team-limits"),
      spec: { limits: [{ type: "Container", min: pair(l.min), defaultRequest: pair(l.defaultRequest), default: pair(l.default), max: pair(l.max) }] },
    });
    const network = {
      podIdentity: props.podIdentity ?? false,
      kserveMode: props.kserveMode,
      objectStore: props.objectStore,
      gateway: props.access !== undefined,
      pipelines: props.pipelines,
    };
    for (const policy of teamNetworkPolicies(team, network)) {
      new k8s.KubeNetworkPolicy(this, `netpol-${policy.name}`, { metadata: meta(policy.name), spec: policy.spec });
    }
    for (const role of TEAM_ROLES) {
      const name = `team-${role}`;
      new k8s.KubeRole(this, `role-${role}`, { metadata: meta(name), rules: roleRules(team, role, props.environment) });
      const subjects = roleSubjects(team, role, props.access);
      if (subjects.length > 0) {
        new k8s.KubeRoleBinding(this, `binding-${role}`, {
          metadata: meta(name),
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
          subjects,
        });
      }
    }
    // NS-06: no API token unless a pod's own service account asks for one.
    new k8s.KubeServiceAccount(this, "default-sa", { metadata: meta("default"), automountServiceAccountToken: false });
    // A team with pipelines runs its steps as team-workload: KFP's driver and launcher and Argo's executor call the
    // API (KFP_RUNNER_RULES), and neither KFP nor Argo mounts a token the account withholds (Argo copies only a
    // workflow's `false`), so the account mounts its token there; what the token can do is the runner Role below.
    const pipelines = usesPipelines(team);
    new k8s.KubeServiceAccount(this, "workload-sa", { metadata: meta(TEAM_WORKLOAD_SERVICE_ACCOUNT), automountServiceAccountToken: pipelines });
    if (pipelines) {
      new k8s.KubeRole(this, "role-kfp-runner", {
        metadata: meta(KFP_RUNNER_ROLE),
        rules: kfpRunnerRules(props.objectStore !== undefined).map((r) => ({ ...r })),
      });
      new k8s.KubeRoleBinding(this, "binding-kfp-runner", {
        metadata: meta(KFP_RUNNER_ROLE),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: KFP_RUNNER_ROLE },
        subjects: [{ kind: "ServiceAccount", name: TEAM_WORKLOAD_SERVICE_ACCOUNT, namespace: team.name }],
      });
    }
  }
}

/** Synthesizes one team's objects. */
export function teamObjects(props: TeamChartProps): Record<string, unknown>[] {
  const app = new App();
  return new TeamChart(app, props.team.name, props).toJson();
}
