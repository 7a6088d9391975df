/**
 * Per team, the monthly ceiling its quota allows. GPUs: the GPUs the team may hold in each pool (its nominal units,
 * each worth a whole GPU, a time slice or a MIG instance's compute slices, plus what it may borrow: see
 * gpu-share.ts) × the price of one GPU of the pool's first instance type. CPU and memory: node-equivalents of the
 * CPU pool's first instance type, max(cpu ÷ vCPU, memory ÷ GiB), × its price. Storage: quota × the gp3 price.
 */
import { instanceType } from "../instance-types";
import { gpuPerUnit, nominalEntries, nominalGpus, teamPoolGpus } from "./gpu-share";
import { cores, gibibytes } from "./quantity";
import type { CostLine, EstimateInput, PoolShape, TeamCeiling, TeamShape } from "./shape";
import { HOURS_PER_MONTH as HOURS, type Pricer } from "./pricer";

type Share = TeamShape["quota"]["gpu"][number];

/** Units one node of the pool offers for a share (GPUs ÷ what a unit is worth): for the reader of the basis. */
export function unitsPerNode(pool: PoolShape, size?: string): number {
  const gpus = instanceType(pool.instanceTypes[0] ?? "")?.gpus ?? 0;
  return gpus / gpuPerUnit(pool.gpuSharing, size);
}

/** The GPUs the other teams hold nominally in a pool: what a team without a borrowing limit may borrow at most. */
function othersNominalGpus(cfg: EstimateInput, team: TeamShape, pool: PoolShape): number {
  return cfg.teams
    .filter((t) => t.name !== team.name)
    .flatMap((t) => t.quota.gpu.filter((s) => s.pool === pool.name))
    .reduce((sum, s) => sum + nominalGpus(s.nominal, pool.gpuSharing), 0);
}

function gpuLine(team: TeamShape, share: Share, cfg: EstimateInput, pricer: Pricer): CostLine {
  const key = `team:${team.name}:gpu:${share.pool}`;
  const item = `GPUs in pool ${share.pool}`;
  const pool = cfg.nodePools.find((p) => p.name === share.pool);
  const type = pool?.instanceTypes[0] ?? "";
  const gpusPerNode = instanceType(type)?.gpus ?? 0;
  const units = nominalEntries(share.nominal)
    .map(([size, n]) => `${n}${size ? ` × ${size}` : ""}`)
    .join(" + ");
  if (!pool || gpusPerNode === 0)
    return { key, item, basis: `${units} units`, unpriced: `unpriced: pool ${share.pool} has no GPU instance type the catalogue knows` };
  const hold = teamPoolGpus({
    nominal: share.nominal,
    borrowingLimit: share.borrowingLimit,
    sharing: pool.gpuSharing,
    othersNominalGpus: othersNominalGpus(cfg, team, pool),
    capacityGpus: pool.maxSize * gpusPerNode,
  });
  const borrowing =
    hold.borrowedGpus === 0
      ? ""
      : hold.unlimited
        ? ` + ${round(hold.borrowedGpus)} borrowable (no borrowing limit: the other teams' nominal quota, within the pool's ${pool.maxSize * gpusPerNode} GPUs)`
        : ` + ${round(hold.borrowedGpus)} borrowable (borrowingLimit ${share.borrowingLimit})`;
  const price = pricer.instanceHour(pool);
  const perGpu = price === undefined ? undefined : price / gpusPerNode;
  const own = round(hold.gpus - hold.borrowedGpus);
  const basis = `${units} units = ${own} GPU${own === 1 ? "" : "s"}${borrowing} × ${type}${perGpu === undefined ? "" : ` at $${round(perGpu, 4)} per GPU-hour`} × ${HOURS} h`;
  if (perGpu === undefined) return { key, item, basis, unpriced: `unpriced: no price for ${type} in ${pricer.region}` };
  return { key, item, basis, monthlyUsd: hold.gpus * perGpu * HOURS };
}

function cpuLine(team: TeamShape, cfg: EstimateInput, pricer: Pricer): CostLine {
  const key = `team:${team.name}:cpu`;
  const item = "CPU and memory";
  const pool = cfg.nodePools.find((p) => p.role === "cpu") ?? cfg.nodePools.find((p) => p.role === "system");
  const spec = instanceType(pool?.instanceTypes[0] ?? "");
  const cpu = cores(team.quota.cpu) ?? 0;
  const mem = gibibytes(team.quota.memory) ?? 0;
  if (!pool || !spec) return { key, item, basis: `${cpu} cores, ${mem} GiB`, unpriced: "unpriced: no CPU pool with a known instance type" };
  const nodes = Math.max(cpu / spec.vcpu, mem / spec.memoryGiB);
  const price = pricer.instanceHour(pool);
  const basis = `${cpu} cores, ${mem} GiB = ${round(nodes)} × ${spec.name} (${spec.vcpu} vCPU, ${spec.memoryGiB} GiB)${price === undefined ? "" : ` at $${price}/h`} × ${HOURS} h`;
  if (price === undefined) return { key, item, basis, unpriced: `unpriced: no price for ${spec.name} in ${pricer.region}` };
  return { key, item, basis, monthlyUsd: nodes * price * HOURS };
}

/** Volumes up to the storage quota, priced as gp3 (the default class; io2 costs more). */
function storageLine(team: TeamShape, pricer: Pricer): CostLine {
  const gib = gibibytes(team.quota.storage) ?? 0;
  const gp3 = pricer.flat("ebs-gp3");
  const basis = `${gib} GiB of volumes as gp3${"price" in gp3 ? ` at $${gp3.price}/GiB-month` : ""}`;
  const key = `team:${team.name}:storage`;
  return "price" in gp3 ? { key, item: "storage", basis, monthlyUsd: gib * gp3.price } : { key, item: "storage", basis, unpriced: gp3.unpriced };
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export function teamCeilings(cfg: EstimateInput, pricer: Pricer): TeamCeiling[] {
  return cfg.teams.map((team) => {
    const lines: CostLine[] = [cpuLine(team, cfg, pricer), ...team.quota.gpu.map((share) => gpuLine(team, share, cfg, pricer)), storageLine(team, pricer)];
    return { team: team.name, costCenter: team.costCenter, lines, monthlyUsd: lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0) };
  });
}
