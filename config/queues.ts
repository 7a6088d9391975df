/**
 * The `queues` section and the GPU share of a team: how Kueue shares the GPU pools. The schema and defaults are
 * here; the rules across teams, pools and this section in queue-rules.ts; the Kueue objects in domain/queues.ts.
 */
import { z } from "zod";
import { dnsLabel } from "./primitives";
import { explainIssue } from "./messages";

/** Units on one GPU pool: a whole GPU (exclusive), a time slice (time-sliced) or a MIG instance (MIG). */
const gpuUnits = z.number().min(0).max(100_000);

const MIG_SIZE = /^[1-7]g\.\d+gb$/;

/** MIG instance size → units, for pools whose profile cuts several sizes (all-balanced). */
const perMigSize = z.record(z.string(), gpuUnits).superRefine((sizes, ctx) => {
  for (const size of Object.keys(sizes))
    if (!MIG_SIZE.test(size)) ctx.addIssue({ code: "custom", path: [size], message: 'is not a MIG instance size such as "1g.10gb"' });
});

/**
 * A number of units, or the other form. Not a zod union: a union that fails reports "Invalid input" at its own
 * path, and the problem inside the object form (a misspelt key, a negative limit) would never reach the user.
 */
export function unitsOr<T extends z.ZodType>(other: T, otherForm: string) {
  return z
    .custom<number | z.output<T>>(() => true)
    .superRefine((value, ctx) => {
      if (typeof value !== "number" && (value === null || typeof value !== "object" || Array.isArray(value))) {
        ctx.addIssue({ code: "custom", message: `is neither a number of units nor ${otherForm}` });
        return;
      }
      // The inner parse gets the loader's wording itself: an error map does not reach into a refinement's own parse.
      const parsed = (typeof value === "number" ? gpuUnits : other).safeParse(value, { error: explainIssue });
      // The issues go on as they are (code included), so the loader words them like any other.
      if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
    });
}

/** A team's share of one GPU pool: a number is the nominal quota with the defaults below. */
export const gpuShareSchema = unitsOr(
  z.strictObject({
    /** Units guaranteed to the team: it gets them back from borrowers by preemption. */
    nominal: unitsOr(perMigSize, 'units per MIG size such as { "1g.10gb": 2 }'),
    /** Units the team may borrow beyond its nominal quota while others leave theirs idle. @default unlimited (as much as the cohort lends) */
    borrowingLimit: gpuUnits.optional(),
    /** Units of its nominal quota the team lends to others while idle. @default all of it */
    lendingLimit: gpuUnits.optional(),
  }),
  "{ nominal, borrowingLimit, lendingLimit }",
);
export type GpuShareInput = z.infer<typeof gpuShareSchema>;

/** `teams[].quota.gpu`: GPU pool name → share. A pool not listed is out of the team's reach. */
export const teamGpuQuotaSchema = z.record(dnsLabel(30), gpuShareSchema);

const RECLAIM = ["Never", "LowerPriority", "Any"] as const;
const WITHIN_QUEUE = ["Never", "LowerPriority", "LowerOrNewerEqualPriority"] as const;

export const queuesSchema = z.strictObject({
  /** The cohort every team's ClusterQueue joins: borrowing and reclaiming happen inside it. @default "platform" */
  cohort: dnsLabel(63).optional(),
  /** WorkloadPriorityClasses, chosen per workload with the label kueue.x-k8s.io/priority-class. @default DEFAULT_PRIORITIES */
  priorities: z
    .array(
      z.strictObject({
        name: dnsLabel(63),
        value: z.number().int().min(-2_147_483_648).max(1_000_000_000),
        description: z.string().max(2048).optional(),
      }),
    )
    .min(1)
    .optional(),
  /** The class a workload without the label has; its value must be 0, the priority Kueue gives such workloads (their pods carry no priority class: the queue guardrail refuses one). @default "experiments" */
  defaultPriority: dnsLabel(63).optional(),
  preemption: z
    .strictObject({
      /** Whom a team may preempt to get its nominal quota back from borrowers. @default "Any" */
      reclaimWithinCohort: z.enum(RECLAIM).optional(),
      /** Whom a workload may preempt inside its own team's queue. @default "LowerPriority" */
      withinClusterQueue: z.enum(WITHIN_QUEUE).optional(),
      /** Let a team preempt lower-priority work of others while borrowing, up to this class (inclusive). @default off */
      borrowWithinCohortUpTo: dnsLabel(63).optional(),
    })
    .optional(),
  /**
   * Gone: Kubeflow Pipelines' steps run in their team's namespace and queue on the team's own queue, so a share
   * belongs in teams[].quota. Taken in any shape only so the config rules refuse it with that message
   * (config/queue-rules.ts). @default unset
   */
  pipelines: z.unknown().optional(),
});
export type QueuesInput = z.infer<typeof queuesSchema>;

export interface PriorityClass {
  readonly name: string;
  readonly value: number;
  readonly description: string;
}

export const DEFAULT_PRIORITIES: readonly PriorityClass[] = [
  { name: "production", value: 10_000, description: "Production inference and jobs that must not wait; preempts lower work in the team's own queue." },
  { name: "training", value: 1_000, description: "Scheduled training and retraining." },
  { name: "experiments", value: 0, description: "Interactive work and experiments: the default, first to give way." },
];

/** A share with its nominal quota per resource still in the config's words (number, or per MIG size). */
export interface GpuShare {
  readonly pool: string;
  readonly nominal: number | Readonly<Record<string, number>>;
  readonly borrowingLimit?: number;
  readonly lendingLimit?: number;
}

export interface QueuesConfig {
  readonly cohort: string;
  readonly priorities: readonly PriorityClass[];
  readonly defaultPriority: string;
  readonly preemption: {
    readonly reclaimWithinCohort: (typeof RECLAIM)[number];
    readonly withinClusterQueue: (typeof WITHIN_QUEUE)[number];
    readonly borrowWithinCohortUpTo?: string;
  };
}

export const resolveGpuShares = (quota: z.infer<typeof teamGpuQuotaSchema> | undefined): GpuShare[] =>
  Object.entries(quota ?? {}).map(([pool, share]) => (typeof share === "number" ? { pool, nominal: share } : { pool, ...share }));

export function resolveQueues(input: QueuesInput | undefined): QueuesConfig {
  const q = input ?? {};
  return {
    cohort: q.cohort ?? "platform",
    priorities: (q.priorities ?? DEFAULT_PRIORITIES).map((p) => ({ name: p.name, value: p.value, description: p.description ?? "" })),
    defaultPriority: q.defaultPriority ?? "experiments",
    preemption: {
      reclaimWithinCohort: q.preemption?.reclaimWithinCohort ?? "Any",
      withinClusterQueue: q.preemption?.withinClusterQueue ?? "LowerPriority",
      borrowWithinCohortUpTo: q.preemption?.borrowWithinCohortUpTo,
    },
  };
}
