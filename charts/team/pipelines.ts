/**
 * A team's own Kubeflow Pipelines (domain/pipelines.ts), as its namespace sees it: the rights of the account its
 * runs use, what its roles may read of the runs' Kubernetes objects, the NetworkPolicies of the install and its run
 * steps, and the control plane's share of the team's quota. Pure: rules, policy specs and numbers.
 *
 * Facts from upstream at KFP 2.17.0 (git tag 2.17.0) and Argo Workflows v4.0.5, which KFP's manifests pin:
 * - The v2 driver and launcher read ConfigMap `kfp-launcher` of their own namespace (backend/src/v2/config/env.go
 *   FromConfigMap) and get their own pod (backend/src/v2/driver/k8s.go, backend/src/v2/component/launcher_v2.go):
 *   `get`, never list or watch. kfp-kubernetes volume steps create, get and delete claims (driver/k8s.go
 *   CreatePVC/DeletePVC); Secrets only for an object-store provider given by secretRef (objectstore/object_store.go),
 *   which the platform never configures (Pod Identity on EKS).
 * - Argo's executor (the `wait` and `init` containers) reports outputs as WorkflowTaskResults: create and patch
 *   (argo-workflows docs/workflow-rbac.md, "the minimum for the executor").
 */
import type { TeamConfig } from "../../config/teams";
import { parseQuantity } from "../../config/quantity";
import { KFP_DEPLOYMENTS, KFP_POD_LABELS, KFP_PORTS, KFP_STEP_POD_LABEL } from "../../domain/pipelines";
import { OBJECT_STORE_CREDENTIALS_SECRET } from "../../domain/object-store-identities";
import { k8s, port } from "../kube";

/** An RBAC rule (the shape of rbac.ts PolicyRule, which takes these among the team roles' service rules). */
export interface KfpRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly resourceNames?: string[];
  readonly verbs: string[];
}

/** The team opted into Kubeflow Pipelines: its own install runs in its namespace. */
export const usesPipelines = (team: Pick<TeamConfig, "services">): boolean => team.services.includes("pipelines");

/** The ConfigMap the v2 driver and launcher read (backend/src/v2/config/env.go configMapName). */
export const KFP_LAUNCHER_CONFIGMAP = "kfp-launcher";

/** Role and RoleBinding of the runs' account in the team namespace (platform-owned, so the team cannot widen them). */
export const KFP_RUNNER_ROLE = "kfp-runner";

/**
 * What a run's pods do with the Kubernetes API, and nothing more. Claims: kfp-kubernetes volume steps
 * (CreatePVC/DeletePVC) are supported, within the team's quota and its storage classes like any claim it makes.
 */
export const KFP_RUNNER_RULES: readonly KfpRule[] = [
  { apiGroups: [""], resources: ["configmaps"], resourceNames: [KFP_LAUNCHER_CONFIGMAP], verbs: ["get"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
  { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["create", "get", "delete"] },
  { apiGroups: ["argoproj.io"], resources: ["workflowtaskresults"], verbs: ["create", "patch"] },
  // The driver reads its own run's Workflow for the pipeline-job placeholders (backend/src/v2/cmd/driver/main.go
  // getCurrentWorkflowMetadata at 2.17.0): get by name, no list.
  { apiGroups: ["argoproj.io"], resources: ["workflows"], verbs: ["get"] },
];

/**
 * The runner's rules where the team's object store is the in-cluster one (existing clusters): also the team's own key
 * Secret by name, which the launcher's `providers` secretRef (backend/src/v2/objectstore/object_store.go) and Argo's
 * executor (the artifact repository's accessKeySecret) read as the run's account. With S3 on EKS, Pod Identity
 * gives the credentials and the runner reads no Secret.
 */
export function kfpRunnerRules(inClusterObjectStore: boolean): KfpRule[] {
  const key: KfpRule = { apiGroups: [""], resources: ["secrets"], resourceNames: [OBJECT_STORE_CREDENTIALS_SECRET], verbs: ["get"] };
  return [...KFP_RUNNER_RULES, ...(inClusterObjectStore ? [key] : [])];
}

/**
 * What every team role may see of its runs in Kubernetes: the Argo Workflows the API server makes, their task
 * results, and the recurring runs' ScheduledWorkflows. Read only for edit and admin too: the team's KFP API (and
 * its UI) is how runs are started, stopped and deleted; a Workflow changed or deleted behind it leaves the run's
 * record in KFP's database stale, and a Workflow created directly would run outside KFP's bookkeeping.
 */
export const KFP_VIEW_RULES: readonly KfpRule[] = [
  { apiGroups: ["argoproj.io"], resources: ["workflows", "workflowtaskresults"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["kubeflow.org"], resources: ["scheduledworkflows"], verbs: ["get", "list", "watch"] },
];

/** What one Deployment of the install adds to the team's quota: its requests and its memory limit. */
export interface ContainerBudget {
  readonly cpu: string;
  readonly memory: string;
  readonly memoryLimit: string;
}

/**
 * Requests and memory limit of each Deployment of the per-team install, read from the one table the install sets on
 * its containers (domain/pipelines.ts KFP_DEPLOYMENTS); the team's quota grows by their sum.
 */
export const KFP_CONTROL_PLANE_BUDGET: Readonly<Record<keyof typeof KFP_POD_LABELS, ContainerBudget>> = Object.fromEntries(
  Object.entries(KFP_DEPLOYMENTS).map(([key, d]) => [
    key,
    { cpu: d.resources.requests.cpu, memory: d.resources.requests.memory, memoryLimit: d.resources.limits.memory },
  ]),
) as Record<keyof typeof KFP_POD_LABELS, ContainerBudget>;

/** The control plane's total: cores, bytes of requested and limited memory, and pods (one replica each). */
export function kfpControlPlaneFootprint(): { readonly cpu: number; readonly memory: number; readonly memoryLimit: number; readonly pods: number } {
  const budgets = Object.values(KFP_CONTROL_PLANE_BUDGET);
  const sum = (pick: (b: ContainerBudget) => string) => budgets.reduce((total, b) => total + (parseQuantity(pick(b)) ?? Number.NaN), 0);
  return { cpu: sum((b) => b.cpu), memory: sum((b) => b.memory), memoryLimit: sum((b) => b.memoryLimit), pods: budgets.length };
}

/** Where the team's MySQL databases are: RDS in the VPC (EKS) or the in-cluster MySQL pods (existing clusters). */
export type KfpDatabasePeer =
  | { readonly kind: "cidrs"; readonly cidrs: readonly string[]; readonly port: number }
  | { readonly kind: "pods"; readonly namespace: string; readonly podLabels: Readonly<Record<string, string>>; readonly port: number };

/** Where the Kubernetes API server is (the same shape as components/queues ApiServerAddresses). */
export interface KfpApiServer {
  readonly cidrs: readonly string[];
  readonly ports: readonly number[];
}

export interface KfpNetwork {
  readonly database: KfpDatabasePeer;
  readonly apiServer: KfpApiServer;
}

/** How the team network module builds peers (passed in so this module adds no second spelling of them). */
export interface KfpPeers {
  readonly ipBlock: (cidr: string) => k8s.IpBlock;
  readonly gateway?: k8s.NetworkPolicyPeer;
  /** Object storage: S3 over HTTPS on EKS, the in-cluster store otherwise (the drift jobs' rule). */
  readonly storage: k8s.NetworkPolicyEgressRule;
}

const tcp = (target: number): k8s.NetworkPolicyPort => ({ protocol: "TCP", port: port(target) });
const pods = (labels: Readonly<Record<string, string>>): k8s.LabelSelector => ({ matchLabels: { ...labels } });
/** Every pod of a run: driver and launcher (KFP's label) and the steps' executors. */
const STEP_PODS: k8s.LabelSelector = { matchExpressions: [{ key: KFP_STEP_POD_LABEL, operator: "Exists" }] };

/** Pods that talk to the Kubernetes API: the controllers, the API server, the UI (pod logs, Workflows) and run steps. */
const API_CLIENTS = ["apiServer", "persistenceAgent", "scheduledWorkflow", "workflowController", "ui"] as const;
/** Pods that read or write the team's objects in storage: API server (pipeline specs), UI (artifacts, logs), steps. */
const STORAGE_CLIENTS = ["apiServer", "ui"] as const;
/** Pods that hold the team's MySQL credentials: the API server and ML Metadata. */
const DATABASE_CLIENTS = ["apiServer", "metadataGrpc"] as const;

/**
 * The install's NetworkPolicies in the team namespace. Its Services are reached from the namespace itself
 * (allow-same-namespace) and nowhere else, except the UI from the gateway's proxies when the stack has `access`.
 */
export function kfpNetworkPolicies(network: KfpNetwork, peers: KfpPeers): { name: string; spec: k8s.NetworkPolicySpec }[] {
  const policy = (name: string, podSelector: k8s.LabelSelector, egress: k8s.NetworkPolicyEgressRule[]): { name: string; spec: k8s.NetworkPolicySpec } => ({
    name,
    spec: { podSelector, policyTypes: ["Egress"], egress },
  });
  const db = network.database;
  const dbRule: k8s.NetworkPolicyEgressRule =
    db.kind === "cidrs"
      ? { to: db.cidrs.map((cidr) => ({ ipBlock: peers.ipBlock(cidr) })), ports: [tcp(db.port)] }
      : {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": db.namespace } }, podSelector: pods(db.podLabels) }],
          ports: [tcp(db.port)],
        };
  const apiRule: k8s.NetworkPolicyEgressRule = {
    to: network.apiServer.cidrs.map((cidr) => ({ ipBlock: peers.ipBlock(cidr) })),
    ports: network.apiServer.ports.map(tcp),
  };
  const out = [
    ...DATABASE_CLIENTS.map((c) => policy(`allow-kfp-database-${kebab(c)}`, pods(KFP_POD_LABELS[c]), [dbRule])),
    ...API_CLIENTS.map((c) => policy(`allow-kfp-api-server-${kebab(c)}`, pods(KFP_POD_LABELS[c]), [apiRule])),
    policy("allow-kfp-api-server-steps", STEP_PODS, [apiRule]),
    ...STORAGE_CLIENTS.map((c) => policy(`allow-kfp-storage-${kebab(c)}`, pods(KFP_POD_LABELS[c]), [peers.storage])),
    policy("allow-kfp-storage-steps", STEP_PODS, [peers.storage]),
  ];
  if (peers.gateway) {
    out.push({
      name: "allow-kfp-ui-gateway",
      spec: { podSelector: pods(KFP_POD_LABELS.ui), policyTypes: ["Ingress"], ingress: [{ from: [peers.gateway], ports: [tcp(KFP_PORTS.ui)] }] },
    });
  }
  return out;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Pod labels of the install that a team pod may not carry in a namespace with pipelines (the
 * team-reserved-pod-labels guardrail): every label that carries an allowance above (database, API server, storage,
 * the gateway). ML Metadata's Envoy has none and is not reserved. Not the run steps' label: the steps' allowances
 * (API server, storage over HTTPS) are ones a pipelines team's pods have anyway, since such a team must allow public
 * HTTPS (config/pipelines-team-rules.ts); the API server's RBAC and the team's own cloud role are the boundary
 * there, not the network.
 */
export const KFP_RESERVED_POD_LABELS: readonly Readonly<Record<string, string>>[] = [...new Set([...DATABASE_CLIENTS, ...API_CLIENTS, ...STORAGE_CLIENTS])].map(
  (c) => KFP_POD_LABELS[c],
);
