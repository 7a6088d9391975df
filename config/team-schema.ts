/**
 * The schema of one `teams[]` entry: one entry per ML team, the unit of self-service. Field-local rules only;
 * rules across fields and teams are in team-rules.ts, defaults in teams.ts (resolveTeam).
 */
import { z } from "zod";
import { cronProblem } from "./cron";
import { cidr, dnsLabel, iamPrincipalArn, labelValue, quantity } from "./primitives";
import { PLATFORM_SERVICE_NAMES } from "../domain/team-services";
import { teamGpuQuotaSchema, unitsOr } from "./queues";
import { receiverName } from "./alerting";

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
export const extraRule = z.strictObject({
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
    /**
     * GPU pool → the team's share of it, in the pool's unit (a whole GPU, a time slice or a MIG instance): a number
     * (nominal quota) or { nominal, borrowingLimit, lendingLimit }. Pools not listed are out of the team's reach.
     * A single number (the pre-queue form) is refused unless 0, which means no GPUs. @default {} (no GPUs)
     */
    // The bound keeps sums finite where capacity is unknown (existing clusters): no one cluster has this many.
    gpu: unitsOr(teamGpuQuotaSchema, "a map of GPU pool to share").optional(),
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
  /** WorkloadPriorityClasses (queues.priorities) the team's workloads may name. @default all of them */
  priorities: z.array(dnsLabel(63)).min(1).optional(),
  /**
   * Serve the team's InferenceServices on the gateway at <isvc>-<team>.models.<domain>, for a JWT: an IdP token of an
   * owner or platform admin, or a service-account token (audience mlops-models) of a listed caller. Needs "kserve" and
   * `access`. @default off; callers @default the team's own workload service account
   */
  modelEndpoints: z
    .strictObject({
      callers: z
        .array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { message: 'is not "<namespace>/<service account>"' }))
        .min(1)
        .optional(),
    })
    .optional(),
  /** Models watched for data drift: a scheduled Evidently report per entry (needs the "evidently" service). */
  modelMonitors: z.array(modelMonitorSchema).optional(),
  /**
   * Where the team's alerts (those labelled team=<name>) go, and only there: a receiver of alerting.receivers. They
   * page the platform's critical receiver only if the team names it. @default the platform's receiver (alerting.platform.receiver)
   */
  alerts: z.strictObject({ receiver: receiverName }).optional(),
});

export type TeamInput = z.infer<typeof teamSchema>;

export const DEFAULT_LIMITS = {
  min: { cpu: "10m", memory: "16Mi" },
  defaultRequest: { cpu: "250m", memory: "512Mi" },
  default: { cpu: "1", memory: "2Gi" },
} as const;
