/**
 * Per team, the monthly ceiling its quota allows. GPUs: the units the team may hold in each pool (nominal plus
 * borrowing limit) × the pool's price per unit (instance price ÷ units per node: GPUs, time slices or MIG
 * instances). CPU and memory: node-equivalents of the CPU pool's first instance type, max(cpu ÷ vCPU,
 * memory ÷ GiB), × its price. Storage: quota × the gp3 price.
 */
import { poolGpuOffer } from "../gpu-capacity";
import { instanceType } from "../instance-types";
import { cores, gibibytes } from "./quantity";
import type { CostLine, EstimateInput, PoolShape, TeamCeiling, TeamShape } from "./shape";
import { HOURS_PER_MONTH as HOURS, type Pricer } from "./pricer";

/** Units one node of the pool offers (GPUs, time slices or MIG instances), from the GPU capacity arithmetic. */
export function unitsPerNode(pool: PoolShape, migStrategy: EstimateInput["gpu"]["migStrategy"]): number {
  const offer = poolGpuOffer({ ...pool, maxSize: 1 }, migStrategy);
  return offer.resources.reduce((sum, r) => sum + (r.units ?? 0), 0);
}

function gpuLine(team: TeamShape, share: TeamShape["quota"]["gpu"][number], cfg: EstimateInput, pricer: Pricer): CostLine {
  const key = `team:${team.name}:gpu:${share.pool}`;
  const nominal = typeof share.nominal === "number" ? share.nominal : Object.values(share.nominal).reduce((a, b) => a + b, 0);
  const units = nominal + (share.borrowingLimit ?? 0);
  const item = `GPUs in pool ${share.pool}`;
  const pool = cfg.nodePools.find((p) => p.name === share.pool);
  const perNode = pool ? unitsPerNode(pool, cfg.gpu.migStrategy) : 0;
  const borrowed = share.borrowingLimit ? ` (${nominal} nominal + ${share.borrowingLimit} borrowable)` : "";
  if (!pool || perNode === 0) return { key, item, basis: `${units} units${borrowed}`, unpriced: `unpriced: pool ${share.pool} offers no countable GPU units` };
  const price = pricer.instanceHour(pool);
  const type = pool.instanceTypes[0] ?? "";
  const basis = `${units} units${borrowed} × ${type}${price === undefined ? "" : ` $${price}/h`} ÷ ${perNode} units per node × ${HOURS} h`;
  if (price === undefined) return { key, item, basis, unpriced: `unpriced: no price for ${type} in ${pricer.region}` };
  return { key, item, basis, monthlyUsd: (units * price * HOURS) / perNode };
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

const round = (value: number) => Math.round(value * 100) / 100;

export function teamCeilings(cfg: EstimateInput, pricer: Pricer): TeamCeiling[] {
  return cfg.teams.map((team) => {
    const lines: CostLine[] = [cpuLine(team, cfg, pricer), ...team.quota.gpu.map((share) => gpuLine(team, share, cfg, pricer)), storageLine(team, pricer)];
    return { team: team.name, costCenter: team.costCenter, lines, monthlyUsd: lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0) };
  });
}
