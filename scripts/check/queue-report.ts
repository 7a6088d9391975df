/**
 * The GPU queues in words: per team, its queue, its nominal units per pool (and what a unit is there), what it may
 * borrow and lends, its priority classes; per pool, who holds what of its capacity and what is in nobody's quota.
 */
import type { GpuShare, QueuesConfig } from "../../config/queues";
import { UNIT_WORDS } from "../../domain/gpu-capacity";
import { QUEUE_NAME_LABEL, PRIORITY_CLASS_LABEL, nominalOf, shareResources, type GpuFlavor, type QueueHolder } from "../../domain/queues";

export interface QueueReportContext {
  readonly flavors: readonly GpuFlavor[];
  readonly queues: QueuesConfig;
}

const UNIT_PLURAL: Readonly<Record<GpuFlavor["unit"], string>> = {
  gpu: "whole GPUs",
  "time-slice": "time slices of shared GPUs",
  "mig-instance": "MIG instances",
};

function shareWords(share: GpuShare, flavor: GpuFlavor | undefined): string {
  if (!flavor) return `${share.pool}: not a GPU pool`;
  const resources = shareResources(share, flavor);
  const nominal = "problem" in resources ? resources.problem : resources.map((r) => `${r.nominal} ${r.resource}`).join(" + ");
  const borrow =
    share.borrowingLimit === undefined
      ? "may borrow whatever the cohort leaves idle"
      : share.borrowingLimit === 0
        ? "borrows nothing"
        : `may borrow up to ${share.borrowingLimit} more`;
  const lend =
    share.lendingLimit === undefined ? "lends all of it while idle" : share.lendingLimit === 0 ? "lends nothing" : `lends at most ${share.lendingLimit}`;
  return `${share.pool}: nominal ${nominal} (${UNIT_PLURAL[flavor.unit]}), ${borrow}, ${lend}`;
}

/** Report lines for one queue holder (a team), indented like the team report. */
export function queueLines(holder: QueueHolder & { readonly priorities: readonly string[] }, ctx: QueueReportContext): string[] {
  const byName = new Map(ctx.flavors.map((f) => [f.name, f]));
  const values = new Map(ctx.queues.priorities.map((p) => [p.name, p.value]));
  const p = ctx.queues.preemption;
  const priorities = holder.priorities.map((name) => `${name} ${values.get(name) ?? "?"}${name === ctx.queues.defaultPriority ? " (default)" : ""}`);
  return [
    `  queue      label Jobs (a CronJob's jobTemplate) and GPU pods ${QUEUE_NAME_LABEL}: ${holder.name}; over quota they wait in the queue; ClusterQueue ${holder.name} in cohort ${ctx.queues.cohort}, cpu ${holder.cpu} and memory ${holder.memory} for queued work`,
    `  gpus       ${holder.gpu.length > 0 ? holder.gpu.map((s) => shareWords(s, byName.get(s.pool))).join("; ") : "none: GPU work of this team is never admitted"}`,
    `  priorities ${priorities.join(", ")} (label ${PRIORITY_CLASS_LABEL}); reclaims its nominal from borrowers (${p.reclaimWithinCohort}), preempts within the team (${p.withinClusterQueue})`,
  ];
}

/** One line per pool and resource: capacity, who holds how much nominal, what is in nobody's quota (and so unused). */
export function poolLines(holders: readonly QueueHolder[], flavors: readonly GpuFlavor[]): string[] {
  return flavors.flatMap((flavor) =>
    flavor.offer.resources.map((offered) => {
      const held = holders.flatMap((h) => {
        const n = nominalOf(h.gpu, flavor, offered.resource);
        return n > 0 ? [{ name: h.name, n }] : [];
      });
      const sum = held.reduce((total, h) => total + h.n, 0);
      const holdersText = held.length > 0 ? held.map((h) => `${h.name} ${h.n}`).join(", ") : "nobody";
      const capacity = offered.units === undefined ? "capacity unknown" : `${offered.units} (${offered.formula})`;
      const spare = offered.units !== undefined && offered.units > sum ? `; ${offered.units - sum} in nobody's nominal quota, which no queue can use` : "";
      return `pool ${flavor.name} ${offered.resource}, a unit is ${UNIT_WORDS[flavor.unit]}: ${capacity}; nominal ${holdersText}${spare}`;
    }),
  );
}
