/**
 * Rules about how teams share the GPU pools: every share names a GPU pool in the pool's unit, nominal quotas fit
 * each pool's capacity per resource (GPUs × slices, MIG instances per size), borrowing and lending limits can be
 * reached, and the priority classes and preemption settings hold together. Each reads only what parsed.
 */
import type { Problem } from "./problems";
import type { TeamDraft } from "./team-salvage";
import { DEFAULT_PRIORITIES, resolveGpuShares, type GpuShare, type QueuesInput } from "./queues";
import { UNIT_WORDS } from "../domain/gpu-capacity";
import { CPU_FLAVOR, EXISTING_CLUSTER_GPU_POOL, gpuFlavors, nominalOf, shareResources, type GpuFlavor, type QueuePlatform } from "../domain/queues";

export interface QueueRulesInput {
  /** The pools and GPU settings, or undefined when they did not parse: then no share is judged against pools. */
  readonly platform?: QueuePlatform;
  readonly teams: readonly (TeamDraft | undefined)[];
  readonly queues?: QueuesInput;
}

/** Kubeflow Pipelines' steps run in their team's namespace, on the team's queue: `queues.pipelines` has nothing left to set. */
export const PIPELINES_QUEUE_GONE =
  "is no longer taken: Kubeflow Pipelines' steps now run in their team's own namespace and queue on that team's queue (label kueue.x-k8s.io/queue-name: <team>), so there is no pipelines queue; remove queues.pipelines and move its GPU share (and CPU and memory) to the quota of the teams that run pipelines (teams[].quota)";

const problem = (path: string, message: string): Problem => ({ path, message });

/** A share as its holder's path and name for messages. */
interface Holder {
  readonly at: string;
  readonly name: string;
  readonly shares: readonly GpuShare[];
}

const units = (count: number) => `${count} unit${count === 1 ? "" : "s"}`;

function priorityProblems(queues: QueuesInput | undefined): Problem[] {
  const out: Problem[] = [];
  const classes = queues?.priorities ?? DEFAULT_PRIORITIES;
  const seen = new Set<string>();
  classes.forEach((c, i) => {
    if (seen.has(c.name)) out.push(problem(`queues.priorities[${i}].name`, `"${c.name}" is named twice`));
    seen.add(c.name);
  });
  const fallback = queues?.defaultPriority ?? "experiments";
  const chosen = classes.find((c) => c.name === fallback);
  if (!chosen) out.push(problem("queues.defaultPriority", `"${fallback}" is not one of queues.priorities (${classes.map((c) => c.name).join(", ")})`));
  else if (chosen.value !== 0)
    out.push(
      problem(
        "queues.defaultPriority",
        `"${fallback}" has value ${chosen.value}, but Kueue gives a workload without the priority label priority 0 (defaulting to a named class is alpha in Kueue 0.19 and stays off): name the class whose value is 0`,
      ),
    );
  const upTo = queues?.preemption?.borrowWithinCohortUpTo;
  if (upTo !== undefined && !seen.has(upTo))
    out.push(problem("queues.preemption.borrowWithinCohortUpTo", `"${upTo}" is not one of queues.priorities (${[...seen].join(", ")})`));
  if (upTo !== undefined && queues?.preemption?.reclaimWithinCohort === "Never")
    out.push(
      problem(
        "queues.preemption.borrowWithinCohortUpTo",
        'needs reclaimWithinCohort other than "Never": Kueue preempts while borrowing only where it may reclaim',
      ),
    );
  return out;
}

const fractional = (value: number | undefined) => value !== undefined && !Number.isInteger(value);

/** One share against its flavor: form, whole units, limits that can be reached. */
function shareProblems(share: GpuShare, at: string, flavor: GpuFlavor): Problem[] {
  const out: Problem[] = [];
  const nominals = typeof share.nominal === "number" ? [share.nominal] : Object.values(share.nominal);
  const hint = flavor.unit === "gpu" ? "; to share a GPU, use a time-sliced or MIG pool" : "";
  const whole = (value: number) => `${value} is not a whole unit: a unit of pool ${flavor.name} is ${UNIT_WORDS[flavor.unit]}${hint}`;
  const fractionalNominal = nominals.find(fractional);
  if (fractionalNominal !== undefined) out.push(problem(at, whole(fractionalNominal)));
  if (share.borrowingLimit !== undefined && fractional(share.borrowingLimit)) out.push(problem(`${at}.borrowingLimit`, whole(share.borrowingLimit)));
  if (share.lendingLimit !== undefined && fractional(share.lendingLimit)) out.push(problem(`${at}.lendingLimit`, whole(share.lendingLimit)));
  const resources = shareResources(share, flavor);
  if ("problem" in resources) return [...out, problem(at, resources.problem)];
  if (share.lendingLimit !== undefined) {
    const least = Math.min(...resources.map((r) => r.nominal));
    if (share.lendingLimit > least)
      out.push(problem(`${at}.lendingLimit`, `${share.lendingLimit} is more than the nominal quota ${least} the team could lend`));
  }
  if (share.borrowingLimit === 0 && resources.every((r) => r.nominal === 0))
    out.push(problem(at, `nominal 0 and borrowingLimit 0: nothing the team submits could ever run on pool ${flavor.name}; remove the pool or give it a share`));
  if (share.borrowingLimit !== undefined) {
    for (const r of resources) {
      const capacity = flavor.offer.resources.find((o) => o.resource === r.resource)?.units;
      if (capacity !== undefined && r.nominal + share.borrowingLimit > capacity && share.borrowingLimit > 0)
        out.push(
          problem(
            `${at}.borrowingLimit`,
            `${share.borrowingLimit} can never be reached: pool ${flavor.name} offers ${units(capacity)} of ${r.resource} (${flavor.offer.resources.find((o) => o.resource === r.resource)?.formula ?? ""}) and the team holds ${r.nominal}; at most ${Math.max(0, capacity - r.nominal)}`,
          ),
        );
    }
  }
  return out;
}

/** Σ nominal per pool and resource against what the pool offers: reported once per pool and resource, where the sum first overflows. */
function capacityProblems(holders: readonly Holder[], flavors: readonly GpuFlavor[]): Problem[] {
  const out: Problem[] = [];
  for (const flavor of flavors) {
    for (const offered of flavor.offer.resources) {
      if (offered.units === undefined) continue;
      let sum = 0;
      const names: string[] = [];
      for (const holder of holders) {
        const mine = nominalOf(holder.shares, flavor, offered.resource);
        // A fractional share is reported on its own and adds nothing: the sum stays a lower bound, so an excess is real.
        if (mine === 0 || !Number.isInteger(mine)) continue;
        sum += mine;
        names.push(holder.name);
        if (sum > offered.units) {
          const unit = flavor.unit === "time-slice" ? " On this pool a unit is a time slice of a shared GPU, not a whole GPU." : "";
          out.push(
            problem(
              `${holder.at}.${flavor.name}`,
              `${names.join(", ")} hold ${sum} nominal ${offered.resource} units of pool ${flavor.name} together, but it offers ${offered.units} (${offered.formula}).${unit} ` +
                "Lower the nominal quotas (teams still borrow what others leave idle), or ask the platform team to raise the pool's maxSize or add a pool.",
            ),
          );
          break;
        }
      }
    }
  }
  return out;
}

function poolProblems(platform: QueuePlatform, flavors: readonly GpuFlavor[]): Problem[] {
  const out: Problem[] = [];
  platform.nodePools.forEach((pool, i) => {
    if (pool.role !== "gpu") return;
    if (pool.name === CPU_FLAVOR)
      out.push(problem(`nodePools[${i}].name`, `"${CPU_FLAVOR}" names the queues' CPU and memory flavor; choose another name for a GPU pool`));
    // Kueue takes at most 8 tolerations per flavor; the GPU taint is one.
    if ((pool.taints ?? []).length > 7)
      out.push(
        problem(
          `nodePools[${i}].taints`,
          `${pool.taints?.length} taints; a GPU pool takes at most 7 of its own (Kueue carries 8 tolerations per flavor, one is the GPU taint)`,
        ),
      );
  });
  for (const flavor of flavors) {
    if (!flavor.offer.problem) continue;
    const i = platform.nodePools.findIndex((p) => p.name === flavor.name);
    out.push(problem(i >= 0 ? `nodePools[${i}].gpuSharing.profile` : "gpu.defaultSharing.profile", flavor.offer.problem));
  }
  return out;
}

export function queueProblems(input: QueueRulesInput): Problem[] {
  const out = priorityProblems(input.queues);
  const classes = new Set((input.queues?.priorities ?? DEFAULT_PRIORITIES).map((c) => c.name));
  const holders: Holder[] = [];
  // The flavors once: the pools a share may name, the capacity they offer.
  const flavors = input.platform ? gpuFlavors(input.platform) : undefined;
  input.teams.forEach((team, i) => {
    if (!team) return;
    const at = `teams[${i}]`;
    (team.priorities ?? []).forEach((name, j) => {
      if (!classes.has(name)) out.push(problem(`${at}.priorities[${j}]`, `"${name}" is not one of queues.priorities (${[...classes].join(", ")})`));
    });
    const gpu = team.quota?.gpu;
    if (typeof gpu === "number") {
      if (gpu > 0) {
        const pools = (flavors ?? []).map((f) => f.name);
        const example = pools[0] ?? "<pool>";
        out.push(
          problem(
            `${at}.quota.gpu`,
            `is one number; GPU quotas are per GPU pool now, each in that pool's unit: gpu: { ${example}: ${gpu} }${pools.length ? ` (GPU pools: ${pools.join(", ")})` : ""}`,
          ),
        );
      }
      return;
    }
    holders.push({ at: `${at}.quota.gpu`, name: team.name ?? at, shares: resolveGpuShares(gpu) });
  });
  if (input.queues?.pipelines !== undefined) out.push(problem("queues.pipelines", PIPELINES_QUEUE_GONE));
  if (!input.platform || !flavors) return out;
  out.push(...poolProblems(input.platform, flavors));
  const byName = new Map(flavors.map((f) => [f.name, f]));
  for (const holder of holders) {
    for (const share of holder.shares) {
      const at = `${holder.at}.${share.pool}`;
      const flavor = byName.get(share.pool);
      if (!flavor) {
        const where =
          input.platform.clusterKind === "existing"
            ? `on an existing cluster all GPU nodes form one pool, "${EXISTING_CLUSTER_GPU_POOL}"`
            : `GPU pools: ${flavors.map((f) => f.name).join(", ") || "none"}`;
        out.push(problem(at, `"${share.pool}" is not a GPU pool of this stack (${where})`));
      } else if (!flavor.offer.problem) out.push(...shareProblems(share, at, flavor));
    }
  }
  out.push(...capacityProblems(holders, flavors));
  return out;
}
