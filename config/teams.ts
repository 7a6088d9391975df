/**
 * The `teams` list: one entry per ML team, the unit of self-service. Schema here; rules that need the whole
 * stack (reserved names, GPU capacity, exceptions registry) in teamProblems().
 */
import { z } from "zod";
import { formatGiB, GIB, parseQuantity } from "./quantity";
import { broadAllowlistReason, contains, formatCidr, LINK_LOCAL, LINK_LOCAL_TEXT, overlaps, parseCidr, PRIVATE_NETWORKS } from "../domain/cidr";
import type { Problem } from "./problems";
import { arnPartition, partitionMessage } from "./partition";
import { cronProblem } from "./cron";
import { cidr, dnsLabel, iamPrincipalArn, labelValue, quantity } from "./primitives";
import { PLATFORM_SERVICE_NAMES } from "../domain/team-services";
import { PLATFORM_NAMESPACES } from "../domain/platform-namespaces";
import { gpuCapacity, totalGpuUnits, type GpuPoolShape, type PoolGpuCapacity } from "../domain/gpu-capacity";

export const TEAM_ROLES = ["admin", "edit", "view"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Kubernetes' own groups (system:authenticated …) and the platform's access-entry groups are never team owners. */
const ownerGroup = z
  .string()
  .min(1)
  .refine((g) => !g.startsWith("system:"), { message: "is a Kubernetes built-in group (system:*); binding it would open the namespace to everyone in it" })
  .refine((g) => !g.startsWith("mlops:"), { message: "is reserved for the platform's IAM mappings (mlops:*)" });

const owners = z.strictObject({
  /** IdP groups as the cluster sees them (OIDC groups claim, or Kubernetes groups). */
  groups: z.array(ownerGroup).optional(),
  /** IAM roles or users; on EKS each gets an access entry mapped to the team's group for this role. */
  iamPrincipals: z.array(iamPrincipalArn).optional(),
});

const cpuMemory = z.strictObject({ cpu: quantity, memory: quantity });

/** Extra namespaced permissions a team asks for, beyond the role catalogue. Checked, never trusted. */
const extraRule = z.strictObject({
  role: z.enum(TEAM_ROLES),
  apiGroups: z.array(z.string()),
  resources: z.array(z.string()).min(1),
  verbs: z.array(z.string()).min(1),
});

/** A dataset object below the team's prefix of the datasets bucket, e.g. "churn/reference.parquet". */
const datasetPath = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*\.(parquet|csv)$/, {
    message: 'is not a .parquet or .csv path below the team prefix such as "churn/reference.parquet"',
  })
  .refine((p) => !p.split("/").includes(".."), { message: "must not leave the team prefix (..)" });

/** Five-field cron, as a CronJob schedule takes it. */
const cronSchedule = z.string().superRefine((v, ctx) => {
  const problem = cronProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const modelMonitorSchema = z.strictObject({
  name: dnsLabel(40),
  /** When the drift report runs. @default "0 * * * *" (hourly) */
  schedule: cronSchedule.optional(),
  /** Reference data (what the model was trained on), relative to the team prefix of the datasets bucket. */
  reference: datasetPath,
  /** Recent production data, same bucket and prefix; the job compares it with the reference. */
  current: datasetPath,
  /** Share of drifted columns at which the drift alert fires. @default 0.5 */
  driftShareThreshold: z.number().gt(0).max(1).optional(),
});

export const teamSchema = z.strictObject({
  name: dnsLabel(40),
  /** Cost center billed for the team's namespace and AWS resources. */
  costCenter: labelValue.pipe(z.string().min(1)),
  owners: z.strictObject({ admin: owners, edit: owners.optional(), view: owners.optional() }),
  quota: z.strictObject({
    cpu: quantity,
    memory: quantity,
    /** Whole GPUs (nvidia.com/gpu units; on a time-sliced pool a unit is a slice). */
    // The bound keeps sums finite where capacity is unknown (existing clusters): no one cluster has this many.
    gpu: z.number().min(0).max(100_000),
    storage: quantity,
    persistentVolumeClaims: z.number().int().min(1),
    pods: z.number().int().min(1),
  }),
  /** Container defaults and bounds (LimitRange). @default min 10m/16Mi, request 250m/512Mi, limit 1/2Gi, max = quota */
  limits: z
    .strictObject({ min: cpuMemory.optional(), defaultRequest: cpuMemory.optional(), default: cpuMemory.optional(), max: cpuMemory.optional() })
    .optional(),
  egress: z
    .strictObject({
      /** HTTPS (443) to public addresses, e.g. AWS APIs, S3, package mirrors. Private ranges and metadata stay blocked. */
      internetHttps: z.boolean().optional(),
      allow: z.array(z.strictObject({ cidr, ports: z.array(z.number().int().min(1).max(65535)).min(1), description: z.string().optional() })).optional(),
    })
    .optional(),
  services: z.array(z.enum(PLATFORM_SERVICE_NAMES as [string, ...string[]])).optional(),
  /** Ids from the exceptions registry (policies/exceptions.ts); nothing else can relax a control. */
  exceptions: z.array(z.string()).optional(),
  rbac: z.strictObject({ extraRules: z.array(extraRule) }).optional(),
  /** Models watched for data drift: a scheduled Evidently report per entry (needs the "evidently" service). */
  modelMonitors: z.array(modelMonitorSchema).optional(),
});

export type TeamInput = z.infer<typeof teamSchema>;

export const DEFAULT_LIMITS = {
  min: { cpu: "10m", memory: "16Mi" },
  defaultRequest: { cpu: "250m", memory: "512Mi" },
  default: { cpu: "1", memory: "2Gi" },
} as const;

/** Namespace names no team may take. */
export function reservedNameProblem(name: string): string | undefined {
  if (name.startsWith("kube-")) return `"${name}" is reserved: kube-* namespaces belong to Kubernetes`;
  if (PLATFORM_NAMESPACES.includes(name)) return `"${name}" is reserved for the platform's own namespace`;
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
/** API groups only the platform writes to. */
const PLATFORM_API_GROUPS = new Set(["external-secrets.io", "generators.external-secrets.io"]);
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
    if (environment === "prod" && (r === "pods/exec" || r === "pods/attach")) {
      out.push({ path: `${at}.resources[${i}]`, message: `"${r}" is not granted in prod` });
    }
  });
  rule.apiGroups.forEach((g, i) => {
    if (PLATFORM_API_GROUPS.has(g))
      out.push({
        path: `${at}.apiGroups[${i}]`,
        message: `"${g}" is the platform's: ExternalSecrets in a team namespace could read the platform's credentials`,
      });
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

/** One `egress.allow` entry. */
export type EgressRule = NonNullable<NonNullable<TeamInput["egress"]>["allow"]>[number];

/**
 * A team as far as it parsed. A team with a schema problem still gets every rule whose fields did parse, so
 * one pull-request round shows everything: fields that failed are absent and named in `invalid` (a top-level
 * key such as "limits", or "quota.cpu", "owners.view", "egress.allow[1]"), and rules that read them stay
 * silent. An egress entry that failed is a hole (undefined), so the others keep their index. A valid TeamInput
 * is a draft with nothing invalid.
 */
export type TeamDraft = Partial<Omit<TeamInput, "quota" | "owners" | "egress">> & {
  readonly quota?: Partial<TeamInput["quota"]>;
  readonly owners?: Partial<TeamInput["owners"]>;
  readonly egress?: { readonly internetHttps?: boolean; readonly allow?: readonly (EgressRule | undefined)[] };
  readonly invalid?: ReadonlySet<string>;
};

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** Each field of `raw` that `shape` knows, parsed on its own; failures go to `invalid` as `<prefix><key>`. */
function parseFields(shape: Record<string, z.ZodType>, raw: Record<string, unknown>, prefix: string, invalid: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shape)) {
    if (!(key in raw)) continue;
    const r = schema.safeParse(raw[key]);
    if (r.success) out[key] = r.data;
    else invalid.add(`${prefix}${key}`);
  }
  return out;
}

/** Parses what it can of one `teams[]` entry, down to quota keys, owner roles and egress entries. */
export function salvageTeam(raw: unknown): TeamDraft | undefined {
  const whole = teamSchema.safeParse(raw);
  if (whole.success) return whole.data;
  if (!isRecord(raw)) return undefined;
  const invalid = new Set<string>();
  const draft = parseFields(teamSchema.shape, raw, "", invalid);
  if (invalid.has("quota")) {
    const quota = isRecord(raw.quota) ? raw.quota : {};
    draft.quota = parseFields(teamSchema.shape.quota.shape, quota, "quota.", invalid);
    for (const key of Object.keys(teamSchema.shape.quota.shape)) if (!(key in quota)) invalid.add(`quota.${key}`);
  }
  if (invalid.has("owners") && isRecord(raw.owners)) {
    const roles = teamSchema.shape.owners.shape;
    draft.owners = parseFields({ admin: roles.admin, edit: roles.edit, view: roles.view }, raw.owners, "owners.", invalid);
    // A misspelt role (`admins`) is reported as an unknown key; it may well be the one that names somebody.
    for (const key of Object.keys(raw.owners)) if (!(key in roles)) invalid.add(`owners.${key}`);
  }
  if (invalid.has("egress") && isRecord(raw.egress)) {
    const egress = teamSchema.shape.egress.unwrap().shape;
    const allow = Array.isArray(raw.egress.allow) ? raw.egress.allow : [];
    draft.egress = {
      ...parseFields({ internetHttps: egress.internetHttps }, raw.egress, "egress.", invalid),
      allow: allow.map((entry, j) => {
        const r = egress.allow.unwrap().element.safeParse(entry);
        if (!r.success) invalid.add(`egress.allow[${j}]`);
        return r.data;
      }),
    };
  }
  return { ...draft, invalid };
}

export interface TeamContext {
  readonly environment: string;
  /** GPU pools to sum capacity over; undefined when unknown (existing clusters, or a pool failed its schema). */
  readonly nodePools?: readonly GpuPoolShape[];
  readonly migStrategy?: "none" | "single" | "mixed";
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
  if (q.gpu !== undefined && !Number.isInteger(q.gpu)) {
    out.push({
      path: `${at}.quota.gpu`,
      message: `${q.gpu} is a fractional GPU; quotas count whole nvidia.com/gpu units (share GPUs with a time-sliced pool)`,
    });
  }
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
  out.push(...ownerProblems(team, at, ctx), ...monitorProblems(team, at));
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

function gpuTotalMessage(
  teams: readonly (TeamDraft | undefined)[],
  last: number,
  requested: number,
  capacity: readonly PoolGpuCapacity[],
  available: number,
): string {
  const counted = (t: TeamDraft | undefined) => t?.quota?.gpu !== undefined && Number.isInteger(t.quota.gpu) && t.quota.gpu > 0;
  const names = teams.slice(0, last + 1).flatMap((t) => (counted(t) && t?.name !== undefined ? [t.name] : []));
  const pools = capacity.map((c) => `pool ${c.pool}: ${c.formula}${c.units > 0 ? ` = ${c.units}` : ""}`).join("; ") || "no GPU pools";
  const sliced = capacity.some((c) => c.timeSliced) ? " On a time-sliced pool one unit is one time slice of a shared GPU, not a whole GPU." : "";
  return (
    `teams[0..${last}] (${names.join(", ")}) request ${requested} nvidia.com/gpu units together, but the GPU pools provide at most ${available} (${pools}).${sliced}` +
    " Lower the GPU quotas, or ask the platform team to raise a GPU pool's maxSize or add a GPU pool."
  );
}

export function teamProblems(teams: readonly (TeamDraft | undefined)[], ctx: TeamContext): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, number>();
  let gpuSoFar = 0;
  let capacityReported = false;
  const capacity = ctx.nodePools ? gpuCapacity(ctx.nodePools, ctx.migStrategy ?? "none") : undefined;
  const available = capacity ? totalGpuUnits(capacity) : undefined;
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
    // A team whose GPU quota did not parse adds nothing: the sum stays a lower bound, so an excess is real.
    const gpu = team.quota?.gpu;
    if (gpu !== undefined && Number.isInteger(gpu)) gpuSoFar += gpu;
    if (available !== undefined && capacity && !capacityReported && (gpu ?? 0) > 0 && gpuSoFar > available) {
      capacityReported = true;
      out.push({ path: `${at}.quota.gpu`, message: gpuTotalMessage(teams, i, gpuSoFar, capacity, available) });
    }
  });
  return out;
}

/** A team with every default filled, as the teams component and chart receive it. */
export interface TeamConfig {
  readonly name: string;
  readonly costCenter: string;
  /** Groups bound to each role; IAM principals of a role are mapped to that role's group. */
  readonly owners: Readonly<Record<TeamRole, { readonly groups: readonly string[]; readonly iamPrincipals: readonly string[] }>>;
  readonly quota: {
    readonly cpu: string;
    readonly memory: string;
    readonly gpu: number;
    readonly storage: string;
    readonly persistentVolumeClaims: number;
    readonly pods: number;
  };
  readonly limits: Readonly<Record<"min" | "defaultRequest" | "default" | "max", { readonly cpu: string; readonly memory: string }>>;
  readonly egress: {
    readonly internetHttps: boolean;
    readonly allow: readonly { readonly cidr: string; readonly ports: readonly number[]; readonly description?: string }[];
  };
  readonly services: readonly string[];
  readonly exceptions: readonly string[];
  readonly extraRules: readonly {
    readonly role: TeamRole;
    readonly apiGroups: readonly string[];
    readonly resources: readonly string[];
    readonly verbs: readonly string[];
  }[];
  readonly modelMonitors: readonly ModelMonitor[];
}

export interface ModelMonitor {
  readonly name: string;
  readonly schedule: string;
  readonly reference: string;
  readonly current: string;
  readonly driftShareThreshold: number;
}

export function resolveTeam(team: TeamInput): TeamConfig {
  const l = team.limits ?? {};
  const role = (r: TeamRole) => ({ groups: team.owners[r]?.groups ?? [], iamPrincipals: team.owners[r]?.iamPrincipals ?? [] });
  return {
    name: team.name,
    costCenter: team.costCenter,
    owners: { admin: role("admin"), edit: role("edit"), view: role("view") },
    quota: team.quota,
    limits: {
      min: l.min ?? DEFAULT_LIMITS.min,
      defaultRequest: l.defaultRequest ?? DEFAULT_LIMITS.defaultRequest,
      default: l.default ?? DEFAULT_LIMITS.default,
      max: l.max ?? { cpu: team.quota.cpu, memory: team.quota.memory },
    },
    egress: { internetHttps: team.egress?.internetHttps ?? false, allow: team.egress?.allow ?? [] },
    services: [...new Set(team.services ?? [])].sort(),
    exceptions: team.exceptions ?? [],
    extraRules: team.rbac?.extraRules ?? [],
    modelMonitors: (team.modelMonitors ?? []).map((m) => ({
      name: m.name,
      schedule: m.schedule ?? "0 * * * *",
      reference: m.reference,
      current: m.current,
      driftShareThreshold: m.driftShareThreshold ?? 0.5,
    })),
  };
}
