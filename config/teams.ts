/**
 * The `teams` list: one entry per ML team, the unit of self-service. Schema here; rules that need the whole
 * stack (reserved names, GPU capacity, exceptions registry) in teamProblems().
 */
import { z } from "zod";
import { GIB, parseQuantity } from "./quantity";
import { contains, parseCidr, type Cidr } from "./cidr";
import type { Problem } from "./problems";
import { cidr, dnsLabel, iamPrincipalArn, labelValue, quantity } from "./primitives";
import { PLATFORM_NAMESPACES, PLATFORM_SERVICE_NAMES } from "../components/teams/services";
import { gpuCapacity, totalGpuUnits } from "../components/nodes/capacity";

export const TEAM_ROLES = ["admin", "edit", "view"] as const;
const LINK_LOCAL = (parseCidr("169.254.0.0/16") as { ok: true; cidr: Cidr }).cidr;
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
  .regex(/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*\.(parquet|csv)$/, { message: 'is not a .parquet or .csv path below the team prefix such as "churn/reference.parquet"' })
  .refine((p) => !p.split("/").includes(".."), { message: "must not leave the team prefix (..)" });

/** Five-field cron, as a CronJob schedule takes it. */
const cronSchedule = z.string().regex(/^(\S+\s+){4}\S+$/, { message: 'is not a five-field cron schedule such as "0 * * * *"' });

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
    gpu: z.number().min(0),
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
      allow: z
        .array(z.strictObject({ cidr, ports: z.array(z.number().int().min(1).max(65535)).min(1), description: z.string().optional() }))
        .optional(),
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
  "nodes", "nodes/proxy", "namespaces", "persistentvolumes", "clusterroles", "clusterrolebindings", "customresourcedefinitions",
  "storageclasses", "validatingwebhookconfigurations", "mutatingwebhookconfigurations", "priorityclasses", "certificatesigningrequests",
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
    if (CLUSTER_SCOPED.has(r)) out.push({ path: `${at}.resources[${i}]`, message: `"${r}" is cluster-scoped: teams get namespaced rights only` });
    if (FORBIDDEN_RESOURCES.has(r)) out.push({ path: `${at}.resources[${i}]`, message: `"${r}" is managed by the platform; a team cannot be granted it` });
    if (environment === "prod" && (r === "pods/exec" || r === "pods/attach")) {
      out.push({ path: `${at}.resources[${i}]`, message: `"${r}" is not granted in prod` });
    }
  });
  rule.apiGroups.forEach((g, i) => {
    if (PLATFORM_API_GROUPS.has(g)) out.push({ path: `${at}.apiGroups[${i}]`, message: `"${g}" is the platform's: ExternalSecrets in a team namespace could read the platform's credentials` });
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
function limitProblems(team: TeamInput, at: string): Problem[] {
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
        out.push({ path: `${at}.limits.${highName}.${resource}`, message: `${high[resource]} is below ${lowName}.${resource} ${low[resource]} (needs min ≤ defaultRequest ≤ default ≤ max)` });
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
  readonly nodePools?: readonly { name: string; role: string; instanceTypes: string[]; maxSize: number; gpuSharing?: { mode: string; replicas?: number; profile?: string } }[];
  readonly migStrategy?: "none" | "single" | "mixed";
  /** Exception ids of the registry (policies/exceptions.ts) → the namespace each is scoped to. */
  readonly exceptionScopes: ReadonlyMap<string, string>;
  /** EKS clusters map IAM principals; existing clusters cannot. */
  readonly clusterKind: "eks" | "existing";
  readonly clusterAdmins: readonly string[];
}

export function teamProblems(teams: readonly TeamInput[], ctx: TeamContext): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, number>();
  let gpuSoFar = 0;
  let capacityReported = false;
  const capacity = ctx.nodePools ? gpuCapacity(ctx.nodePools, ctx.migStrategy ?? "none") : undefined;
  const available = capacity ? totalGpuUnits(capacity) : undefined;
  teams.forEach((team, i) => {
    const at = `teams[${i}]`;
    const folded = team.name.toLowerCase();
    const first = seen.get(folded);
    if (first !== undefined) out.push({ path: `${at}.name`, message: `"${team.name}" duplicates teams[${first}].name` });
    else seen.set(folded, i);
    const reserved = reservedNameProblem(team.name);
    if (reserved) out.push({ path: `${at}.name`, message: reserved });

    for (const key of ["cpu", "memory", "storage"] as const) out.push(...positive(team.quota[key], `${at}.quota.${key}`));
    if (!Number.isInteger(team.quota.gpu)) {
      out.push({ path: `${at}.quota.gpu`, message: `${team.quota.gpu} is a fractional GPU; quotas count whole nvidia.com/gpu units (share GPUs with a time-sliced pool)` });
    }
    const storage = parseQuantity(team.quota.storage);
    if (storage !== undefined && storage > 0 && storage < GIB) out.push({ path: `${at}.quota.storage`, message: `"${team.quota.storage}" is below 1Gi, smaller than one volume` });
    out.push(...limitProblems(team, at));

    for (const role of TEAM_ROLES) {
      (team.owners[role]?.iamPrincipals ?? []).forEach((arn, j) => {
        if (ctx.clusterAdmins.includes(arn)) {
          out.push({ path: `${at}.owners.${role}.iamPrincipals[${j}]`, message: `${arn} is a cluster admin already (cluster.admins); team roles are for other principals` });
        }
      });
    }
    if (ctx.clusterKind === "existing") {
      for (const role of TEAM_ROLES) {
        if (team.owners[role]?.iamPrincipals?.length) {
          out.push({ path: `${at}.owners.${role}.iamPrincipals`, message: "IAM principals need an EKS cluster; on an existing cluster use groups" });
        }
      }
    }
    const monitors = new Map<string, number>();
    (team.modelMonitors ?? []).forEach((m, j) => {
      const prior = monitors.get(m.name);
      if (prior !== undefined) out.push({ path: `${at}.modelMonitors[${j}].name`, message: `"${m.name}" duplicates modelMonitors[${prior}].name` });
      else monitors.set(m.name, j);
      if (m.reference === m.current) out.push({ path: `${at}.modelMonitors[${j}].current`, message: "is the reference dataset itself; drift compares two different datasets" });
    });
    if (!TEAM_ROLES.some((r) => (team.owners[r]?.groups?.length ?? 0) + (team.owners[r]?.iamPrincipals?.length ?? 0) > 0)) {
      out.push({ path: `${at}.owners`, message: "names nobody: give at least one group or IAM principal a role" });
    }
    (team.rbac?.extraRules ?? []).forEach((rule, j) => out.push(...extraRuleProblems(rule, `${at}.rbac.extraRules[${j}]`, ctx.environment)));
    (team.exceptions ?? []).forEach((id, j) => {
      const scope = ctx.exceptionScopes.get(id);
      if (scope === undefined) out.push({ path: `${at}.exceptions[${j}]`, message: `"${id}" is not in the exceptions registry (policies/exceptions.ts)` });
      else if (scope !== team.name) out.push({ path: `${at}.exceptions[${j}]`, message: `"${id}" is scoped to namespace ${scope}, not ${team.name}` });
    });
    (team.egress?.allow ?? []).forEach((rule, j) => {
      const block = parseCidr(rule.cidr);
      // Broader blocks get link-local excepted by the chart; a rule aimed inside link-local is a mistake.
      if (block.ok && contains(LINK_LOCAL, block.cidr)) {
        out.push({ path: `${at}.egress.allow[${j}].cidr`, message: `${rule.cidr} is link-local (169.254.0.0/16, home of the instance metadata address), which team namespaces never reach` });
      }
    });

    if (Number.isInteger(team.quota.gpu)) gpuSoFar += team.quota.gpu;
    if (available !== undefined && !capacityReported && team.quota.gpu > 0 && gpuSoFar > available) {
      capacityReported = true;
      const detail = capacity!.map((c) => `${c.pool}: ${c.formula}`).join(", ") || "no GPU pools";
      out.push({ path: `${at}.quota.gpu`, message: `teams[0..${i}] request ${gpuSoFar} GPUs together but the GPU pools provide at most ${available} (${detail})` });
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
  readonly egress: { readonly internetHttps: boolean; readonly allow: readonly { readonly cidr: string; readonly ports: readonly number[]; readonly description?: string }[] };
  readonly services: readonly string[];
  readonly exceptions: readonly string[];
  readonly extraRules: readonly { readonly role: TeamRole; readonly apiGroups: readonly string[]; readonly resources: readonly string[]; readonly verbs: readonly string[] }[];
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
