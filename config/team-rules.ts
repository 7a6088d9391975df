/**
 * Rules about teams beyond their schema: reserved names, limits against quotas, owners, extra RBAC rules,
 * egress allowlists, drift monitors, and the rules across teams (duplicates, cluster capacity). GPU shares are
 * judged with the pools and queues in queue-rules.ts.
 * Each reads only the fields that parsed (TeamDraft).
 */
import { z } from "zod";
import { formatGiB, GIB, parseQuantity } from "./quantity";
import { broadAllowlistReason, contains, formatCidr, LINK_LOCAL, LINK_LOCAL_TEXT, overlaps, parseCidr, PRIVATE_NETWORKS } from "../domain/cidr";
import type { Problem } from "./problems";
import { arnPartition, partitionMessage } from "./partition";
import { PLATFORM_NAMESPACES } from "../domain/platform-namespaces";
import { DEFAULT_LIMITS, extraRule, TEAM_ROLES, type TeamInput } from "./team-schema";
import type { TeamDraft } from "./team-salvage";
import { pipelinesTeamProblems } from "./pipelines-team-rules";

/** Into a running container (a shell, an attached terminal, a debug container): never granted in prod. */
const INTERACTIVE_RESOURCES = ["pods/exec", "pods/attach", "pods/ephemeralcontainers"];

/** The Teams component's own object groups, named like the teams' (components/teams: guardrails, admins' binding). */
const TEAMS_COMPONENT_GROUPS = ["guardrails", "platform-admins"];
/** Workspace names MLflow 3.17.2 refuses (its URL paths). */
const MLFLOW_RESERVED_WORKSPACES = ["api", "ajax-api", "static-files", "workspaces"];

/** Namespace names no team may take. */
export function reservedNameProblem(name: string): string | undefined {
  if (name.startsWith("kube-")) return `"${name}" is reserved: kube-* namespaces belong to Kubernetes`;
  if (PLATFORM_NAMESPACES.includes(name)) return `"${name}" is reserved for the platform's own namespace`;
  if (TEAMS_COMPONENT_GROUPS.includes(name)) return `"${name}" is reserved: the Teams component names its own ${name} objects so, beside each team's`;
  if (MLFLOW_RESERVED_WORKSPACES.includes(name))
    return `"${name}" is reserved: MLflow refuses it as a workspace name, and each team gets the workspace of its name`;
  return undefined;
}

/** Resources a team may never get, even namespaced: cluster-scoped objects and privilege escalation paths. */
const CLUSTER_SCOPED = new Set([
  "nodes",
  "nodes/proxy",
  "namespaces",
  "persistentvolumes",
  "clusterroles",
  "clusterrolebindings",
  "customresourcedefinitions",
  "storageclasses",
  "validatingwebhookconfigurations",
  "mutatingwebhookconfigurations",
  "priorityclasses",
  "certificatesigningrequests",
]);
const FORBIDDEN_VERBS = new Set(["escalate", "bind", "impersonate"]);
/** API groups only the platform writes to, and why. */
const EXTERNAL_SECRETS = "ExternalSecrets in a team namespace could read the platform's credentials";
const GATEWAY =
  "a team's routes are KServe's and its SecurityPolicies the platform's: its own routes or policies could take another team's host or open its models";
const MONITORING =
  "PrometheusRules, ServiceMonitors and PodMonitors feed the platform's one Prometheus: a team's own could record or relabel series under another team's name and forge or silence its alerts";
const PLATFORM_API_GROUPS: ReadonlyMap<string, string> = new Map([
  ["external-secrets.io", EXTERNAL_SECRETS],
  ["generators.external-secrets.io", EXTERNAL_SECRETS],
  ["gateway.networking.k8s.io", GATEWAY],
  ["gateway.envoyproxy.io", GATEWAY],
  ["monitoring.coreos.com", MONITORING],
]);
const FORBIDDEN_RESOURCES = new Set(["serviceaccounts/token", "resourcequotas", "limitranges", "networkpolicies", "roles", "rolebindings"]);

export function extraRuleProblems(rule: z.infer<typeof extraRule>, at: string, environment: string): Problem[] {
  const out: Problem[] = [];
  for (const key of ["apiGroups", "resources", "verbs"] as const) {
    rule[key].forEach((v, i) => {
      if (v.includes("*")) out.push({ path: `${at}.${key}[${i}]`, message: "wildcards are not granted: list the exact items" });
    });
  }
  rule.resources.forEach((r, i) => {
    // A subresource (resourcequotas/status) is as much the platform's as its resource.
    const base = r.split("/")[0];
    if (CLUSTER_SCOPED.has(r) || CLUSTER_SCOPED.has(base))
      out.push({ path: `${at}.resources[${i}]`, message: `"${r}" is cluster-scoped: teams get namespaced rights only` });
    else if (FORBIDDEN_RESOURCES.has(r) || FORBIDDEN_RESOURCES.has(base))
      out.push({ path: `${at}.resources[${i}]`, message: `"${r}" is managed by the platform; a team cannot be granted it` });
    if (environment === "prod" && INTERACTIVE_RESOURCES.includes(r)) {
      out.push({ path: `${at}.resources[${i}]`, message: `"${r}" is not granted in prod` });
    }
  });
  rule.apiGroups.forEach((g, i) => {
    const why = PLATFORM_API_GROUPS.get(g);
    if (why) out.push({ path: `${at}.apiGroups[${i}]`, message: `"${g}" is the platform's: ${why}` });
  });
  rule.verbs.forEach((v, i) => {
    if (FORBIDDEN_VERBS.has(v)) out.push({ path: `${at}.verbs[${i}]`, message: `"${v}" lets a subject grant itself more rights; it is never granted` });
  });
  return out;
}

function positive(value: string, at: string): Problem[] {
  const parsed = parseQuantity(value);
  return parsed !== undefined && parsed <= 0 ? [{ path: at, message: `"${value}" must be greater than zero` }] : [];
}

/** min ≤ defaultRequest ≤ default ≤ max for cpu and memory, and max within the quota. */
function limitProblems(team: Pick<TeamInput, "limits" | "quota">, at: string): Problem[] {
  const out: Problem[] = [];
  const l = team.limits ?? {};
  const chain = [
    ["min", l.min ?? DEFAULT_LIMITS.min],
    ["defaultRequest", l.defaultRequest ?? DEFAULT_LIMITS.defaultRequest],
    ["default", l.default ?? DEFAULT_LIMITS.default],
    ["max", l.max ?? { cpu: team.quota.cpu, memory: team.quota.memory }],
  ] as const;
  for (const resource of ["cpu", "memory"] as const) {
    for (let i = 1; i < chain.length; i++) {
      const [lowName, low] = chain[i - 1];
      const [highName, high] = chain[i];
      const a = parseQuantity(low[resource]);
      const b = parseQuantity(high[resource]);
      if (a !== undefined && b !== undefined && a > b) {
        out.push({
          path: `${at}.limits.${highName}.${resource}`,
          message: `${high[resource]} is below ${lowName}.${resource} ${low[resource]} (needs min ≤ defaultRequest ≤ default ≤ max)`,
        });
      }
    }
    const max = parseQuantity(chain[3][1][resource]);
    const quota = parseQuantity(team.quota[resource]);
    if (l.max && max !== undefined && quota !== undefined && max > quota) {
      out.push({ path: `${at}.limits.max.${resource}`, message: `${l.max[resource]} exceeds the team's quota ${team.quota[resource]}` });
    }
  }
  return out;
}

export interface TeamContext {
  readonly environment: string;
  /** What all node pools together offer at their maximum size; undefined when unknown. */
  readonly clusterCapacity?: { readonly cpu: number; readonly memory: number; readonly formula: string };
  /** Exception ids of the registry (policies/exceptions.ts) → the namespace each is scoped to. */
  readonly exceptionScopes: ReadonlyMap<string, string>;
  /** EKS clusters map IAM principals; existing clusters cannot. Undefined when the cluster section failed. */
  readonly clusterKind?: "eks" | "existing";
  readonly clusterAdmins: readonly string[];
  /** The AWS partition of the stack's region (aws, aws-cn, aws-us-gov); undefined off AWS. */
  readonly partition?: string;
  /** The cluster's own address ranges (VPC, services), which team egress never reaches. */
  readonly clusterRanges?: readonly { readonly what: string; readonly cidr: string }[];
}

/** Why a team egress allowlist entry is refused: too broad, private space as a whole, or the cluster's own network. */
export function egressCidrProblems(text: string, at: string, ctx: Pick<TeamContext, "clusterRanges">): Problem[] {
  const parsed = parseCidr(text);
  if (!parsed.ok) return [];
  const block = parsed.cidr;
  const out: Problem[] = [];
  // Broader blocks get link-local excepted by the chart; a rule aimed inside link-local is a mistake.
  if (contains(LINK_LOCAL, block)) {
    return [{ path: at, message: `${text} is link-local (${LINK_LOCAL_TEXT}, home of the instance metadata address), which team namespaces never reach` }];
  }
  const broad = broadAllowlistReason(block);
  if (broad) out.push({ path: at, message: `${broad}; for HTTPS to public addresses use egress.internetHttps` });
  const privates = PRIVATE_NETWORKS.filter((r) => contains(block, r)).map(formatCidr);
  if (privates.length > 0) {
    out.push({
      path: at,
      message: `${text} covers the private range${privates.length > 1 ? "s" : ""} ${privates.join(", ")} as a whole; private networks stay blocked unless named one by one (for example 10.40.0.0/16 for an on-prem warehouse)`,
    });
  }
  for (const range of ctx.clusterRanges ?? []) {
    const own = parseCidr(range.cidr);
    if (own.ok && overlaps(block, own.cidr)) {
      out.push({
        path: at,
        message: `${text} overlaps ${range.what} ${range.cidr}: nodes, other teams' pods and the platform's services live there, so team egress never reaches it`,
      });
    }
  }
  return out;
}

function quotaProblems(team: TeamDraft, at: string, ctx: TeamContext): Problem[] {
  const out: Problem[] = [];
  const q = team.quota ?? {};
  for (const key of ["cpu", "memory", "storage"] as const) if (q[key] !== undefined) out.push(...positive(q[key], `${at}.quota.${key}`));
  const storage = q.storage === undefined ? undefined : parseQuantity(q.storage);
  if (storage !== undefined && storage > 0 && storage < GIB)
    out.push({ path: `${at}.quota.storage`, message: `"${q.storage}" is below 1Gi, smaller than one volume` });
  const cap = ctx.clusterCapacity;
  if (cap) {
    const cpu = q.cpu === undefined ? undefined : parseQuantity(q.cpu);
    const memory = q.memory === undefined ? undefined : parseQuantity(q.memory);
    if (cpu !== undefined && cpu > cap.cpu)
      out.push({
        path: `${at}.quota.cpu`,
        message: `"${q.cpu}" is more CPU than the whole cluster can ever offer (${cap.cpu} vCPUs: ${cap.formula}); ask for what the team needs`,
      });
    if (memory !== undefined && memory > cap.memory) {
      out.push({
        path: `${at}.quota.memory`,
        message: `"${q.memory}" is more memory than the whole cluster can ever offer (${formatGiB(cap.memory)}: ${cap.formula}); ask for what the team needs`,
      });
    }
  }
  return out;
}

function ownerProblems(team: TeamDraft, at: string, ctx: TeamContext): Problem[] {
  const owners = team.owners;
  if (!owners) return [];
  const out: Problem[] = [];
  for (const role of TEAM_ROLES) {
    const principals = owners[role]?.iamPrincipals ?? [];
    principals.forEach((arn, j) => {
      const path = `${at}.owners.${role}.iamPrincipals[${j}]`;
      if (ctx.clusterAdmins.includes(arn))
        out.push({ path, message: `${arn} is a cluster admin already (cluster.admins); team roles are for other principals` });
      if (ctx.partition !== undefined && arnPartition(arn) !== ctx.partition) out.push({ path, message: partitionMessage(arn, ctx.partition) });
    });
    if (ctx.clusterKind === "existing" && principals.length > 0) {
      out.push({ path: `${at}.owners.${role}.iamPrincipals`, message: "IAM principals need an EKS cluster; on an existing cluster use groups" });
    }
  }
  // A role that failed its schema, or a misspelt one, may be the one that names somebody.
  const complete = ![...(team.invalid ?? [])].some((key) => key.startsWith("owners."));
  if (complete && !TEAM_ROLES.some((r) => (owners[r]?.groups?.length ?? 0) + (owners[r]?.iamPrincipals?.length ?? 0) > 0)) {
    out.push({ path: `${at}.owners`, message: "names nobody: give at least one group or IAM principal a role" });
  }
  return out;
}

function monitorProblems(team: TeamDraft, at: string): Problem[] {
  const out: Problem[] = [];
  const monitors = new Map<string, number>();
  (team.modelMonitors ?? []).forEach((m, j) => {
    const prior = monitors.get(m.name);
    if (prior !== undefined) out.push({ path: `${at}.modelMonitors[${j}].name`, message: `"${m.name}" duplicates modelMonitors[${prior}].name` });
    else monitors.set(m.name, j);
    if (m.reference === m.current)
      out.push({ path: `${at}.modelMonitors[${j}].current`, message: "is the reference dataset itself; drift compares two different datasets" });
  });
  return out;
}

/** Rules about one team alone, each reading only fields that parsed. */
function singleTeamProblems(team: TeamDraft, at: string, ctx: TeamContext): Problem[] {
  const bad = (key: string) => team.invalid?.has(key) ?? false;
  const out: Problem[] = [];
  if (team.name !== undefined) {
    const reserved = reservedNameProblem(team.name);
    if (reserved) out.push({ path: `${at}.name`, message: reserved });
  }
  out.push(...quotaProblems(team, at, ctx));
  // Limits default to the quota, so they are judged only when both parsed.
  if (!bad("limits") && !bad("quota.cpu") && !bad("quota.memory") && team.quota?.cpu !== undefined && team.quota.memory !== undefined) {
    out.push(...limitProblems(team as Pick<TeamInput, "limits" | "quota">, at));
  }
  out.push(...ownerProblems(team, at, ctx), ...monitorProblems(team, at), ...pipelinesTeamProblems(team, at));
  (team.rbac?.extraRules ?? []).forEach((rule, j) => out.push(...extraRuleProblems(rule, `${at}.rbac.extraRules[${j}]`, ctx.environment)));
  (team.exceptions ?? []).forEach((id, j) => {
    const scope = ctx.exceptionScopes.get(id);
    if (scope === undefined) out.push({ path: `${at}.exceptions[${j}]`, message: `"${id}" is not in the exceptions registry (policies/exceptions.ts)` });
    else if (team.name !== undefined && scope !== team.name)
      out.push({ path: `${at}.exceptions[${j}]`, message: `"${id}" is scoped to namespace ${scope}, not ${team.name}` });
  });
  (team.egress?.allow ?? []).forEach((rule, j) => {
    if (rule) out.push(...egressCidrProblems(rule.cidr, `${at}.egress.allow[${j}].cidr`, ctx));
  });
  return out;
}

export function teamProblems(teams: readonly (TeamDraft | undefined)[], ctx: TeamContext): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, number>();
  teams.forEach((team, i) => {
    if (team === undefined) return;
    const at = `teams[${i}]`;
    if (team.name !== undefined) {
      const folded = team.name.toLowerCase();
      const first = seen.get(folded);
      if (first !== undefined) out.push({ path: `${at}.name`, message: `"${team.name}" duplicates teams[${first}].name` });
      else seen.set(folded, i);
    }
    out.push(...singleTeamProblems(team, at, ctx));
  });
  return out;
}
