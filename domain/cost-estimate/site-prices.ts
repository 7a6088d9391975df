/**
 * Team ceilings on an existing cluster, priced by the stack's own table (`costs.allocation.prices`, the same figures
 * OpenCost prices the cluster with): cores × cpuCoreHour and GiB × memoryGiBHour for 730 hours, GPU units × the
 * share of a GPU one unit is (a whole GPU, one time slice, or a MIG instance's compute slices of 7) × gpuHour, and
 * the storage quota × storageGiBMonth. The site's hardware itself has no always-running line: it is not rented.
 */
import { HOURS_PER_MONTH as HOURS } from "./pricer";
import { cores, gibibytes } from "./quantity";
import type { CostLine, EstimateInput, TeamCeiling, TeamShape } from "./shape";

type SitePrices = NonNullable<NonNullable<EstimateInput["costs"]>["allocation"]["prices"]>;
type Sharing = EstimateInput["gpu"]["defaultSharing"];

/** The GPUs one unit of quota stands for: 1 exclusive, 1/replicas time-sliced, slices/7 for a MIG profile or resource. */
export function gpuPerUnit(sharing: Sharing, resource?: string): number {
  const mig = /mig-(\d)g\./.exec(resource ?? "") ?? /^all-(\d)g\./.exec(sharing?.profile ?? "");
  if (sharing?.mode === "mig") return mig ? Number(mig[1]) / 7 : 1 / 7;
  if (sharing?.mode === "time-slicing") return 1 / (sharing.replicas ?? 1);
  return 1;
}

function gpuLine(team: TeamShape, share: TeamShape["quota"]["gpu"][number], sharing: Sharing, prices: SitePrices): CostLine {
  const entries = typeof share.nominal === "number" ? [[undefined, share.nominal] as const] : Object.entries(share.nominal);
  const gpus = entries.reduce((sum, [resource, units]) => sum + units * gpuPerUnit(sharing, resource), 0) + (share.borrowingLimit ?? 0) * gpuPerUnit(sharing);
  const units = entries.reduce((sum, [, n]) => sum + n, 0) + (share.borrowingLimit ?? 0);
  return {
    key: `team:${team.name}:gpu:${share.pool}`,
    item: `GPUs in ${share.pool}`,
    basis: `${units} units = ${round(gpus)} GPUs at $${prices.gpuHour}/h (the stack's price) × ${HOURS} h`,
    monthlyUsd: gpus * prices.gpuHour * HOURS,
  };
}

export function siteCeilings(cfg: EstimateInput, prices: SitePrices): TeamCeiling[] {
  return cfg.teams.map((team) => {
    const cpu = cores(team.quota.cpu) ?? 0;
    const mem = gibibytes(team.quota.memory) ?? 0;
    const storage = gibibytes(team.quota.storage) ?? 0;
    const lines: CostLine[] = [
      {
        key: `team:${team.name}:cpu`,
        item: "CPU and memory",
        basis: `${cpu} cores at $${prices.cpuCoreHour}/h + ${mem} GiB at $${prices.memoryGiBHour}/h (the stack's prices) × ${HOURS} h`,
        monthlyUsd: (cpu * prices.cpuCoreHour + mem * prices.memoryGiBHour) * HOURS,
      },
      ...team.quota.gpu.map((share) => gpuLine(team, share, cfg.gpu.defaultSharing, prices)),
      {
        key: `team:${team.name}:storage`,
        item: "storage",
        basis: `${storage} GiB at $${prices.storageGiBMonth}/GiB-month`,
        monthlyUsd: storage * prices.storageGiBMonth,
      },
    ];
    return { team: team.name, costCenter: team.costCenter, lines, monthlyUsd: lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0) };
  });
}

const round = (value: number) => Math.round(value * 100) / 100;
