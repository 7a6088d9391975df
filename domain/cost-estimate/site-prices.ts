/**
 * Team ceilings on an existing cluster, priced by the stack's own table (`costs.allocation.prices`, the same figures
 * OpenCost prices the cluster with): cores × cpuCoreHour and GiB × memoryGiBHour for 730 hours, GPU units × the
 * share of a GPU one unit is (a whole GPU, one time slice, or a MIG instance's compute slices of 7) × gpuHour, and
 * the storage quota × storageGiBMonth. The site's hardware itself has no always-running line: it is not rented.
 */
import { nominalGpus, teamPoolGpus } from "./gpu-share";
import { HOURS_PER_MONTH as HOURS } from "./pricer";
import { cores, gibibytes } from "./quantity";
import type { CostLine, EstimateInput, TeamCeiling, TeamShape } from "./shape";

type SitePrices = NonNullable<NonNullable<EstimateInput["costs"]>["allocation"]["prices"]>;

function gpuLine(cfg: EstimateInput, team: TeamShape, share: TeamShape["quota"]["gpu"][number], prices: SitePrices): CostLine {
  const sharing = cfg.gpu.defaultSharing;
  const others = cfg.teams
    .filter((t) => t.name !== team.name)
    .flatMap((t) => t.quota.gpu.filter((s) => s.pool === share.pool))
    .reduce((sum, s) => sum + nominalGpus(s.nominal, sharing), 0);
  // The site's GPU count is not in the config: borrowing is bounded by the other teams' nominal quota only.
  const hold = teamPoolGpus({ nominal: share.nominal, borrowingLimit: share.borrowingLimit, sharing, othersNominalGpus: others });
  const borrowed =
    hold.borrowedGpus > 0 ? ` + ${round(hold.borrowedGpus)} borrowable${hold.unlimited ? " (no borrowing limit: the other teams' nominal quota)" : ""}` : "";
  return {
    key: `team:${team.name}:gpu:${share.pool}`,
    item: `GPUs in ${share.pool}`,
    basis: `${round(hold.gpus - hold.borrowedGpus)} GPUs${borrowed} at $${prices.gpuHour}/h (the stack's price) × ${HOURS} h`,
    monthlyUsd: hold.gpus * prices.gpuHour * HOURS,
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
      ...team.quota.gpu.map((share) => gpuLine(cfg, team, share, prices)),
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
