/**
 * The monthly cost estimate of a stack from its resolved config and the price catalogue: what the stack always
 * runs (EKS control plane, NAT gateways, databases, caches, file systems, minimum node counts) and, per team, the
 * ceiling its quota allows. On-demand prices, 730 hours a month; spot pools are priced at on-demand, an upper
 * bound. A product the catalogue has no sourced price for is a line marked unpriced, never a guess; an instance
 * type missing from a region the catalogue prices is an error (`missing`).
 */
import type { PriceCatalogue, Product } from "../prices";
import { HOURS_PER_MONTH, Pricer } from "./pricer";
import type { CostLine, Estimate, EstimateInput, PoolShape } from "./shape";
import { teamCeilings } from "./teams";

export * from "./shape";
export { diffEstimates, type LineDiff, type EstimateDiff } from "./diff";

export { HOURS_PER_MONTH, Pricer } from "./pricer";

/** What every estimate leaves out, for the report and the README. */
export const LEFT_OUT = [
  "data transfer (internet egress, cross-AZ, NAT gateway per-GB processing)",
  "S3 storage, requests and their growth",
  "CloudWatch logs and metrics, AWS Backup, KMS requests, public IPv4 addresses",
  "load balancers the AWS Load Balancer Controller creates at run time",
  "spot discounts (spot pools are priced at on-demand, an upper bound), savings plans and reserved instances",
  "AWS support plans and taxes",
] as const;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

function poolLine(pool: PoolShape, pricer: Pricer): CostLine | undefined {
  if (pool.minSize === 0) return undefined;
  const type = pool.instanceTypes[0] ?? "";
  const spot = pool.capacityType === "spot" ? " (spot, priced at on-demand: an upper bound)" : "";
  const price = pricer.instanceHour(pool);
  const basis = `${plural(pool.minSize, "node")} (minSize) × ${type}${price === undefined ? "" : ` at $${price}/h`} × ${HOURS_PER_MONTH} h${spot}`;
  const item = `node pool ${pool.name}`;
  if (price === undefined) return { key: `nodes:${pool.name}`, item, basis, unpriced: `unpriced: no price for ${type} in ${pricer.region}` };
  return { key: `nodes:${pool.name}`, item, basis, monthlyUsd: pool.minSize * price * HOURS_PER_MONTH };
}

function unpricedLine(key: string, item: string, basis: string, product: Product, pricer: Pricer): CostLine {
  return { key, item, basis, unpriced: pricer.unpriced(product) };
}

function serviceLines(cfg: EstimateInput, pricer: Pricer): CostLine[] {
  const out: CostLine[] = [];
  const db = cfg.services.database;
  if (db?.kind === "rds") {
    const copies = db.multiAz === true ? 2 : 1;
    const az = db.multiAz === true ? "Multi-AZ (2 instances each)" : "single-AZ";
    const engines = ["Postgres", ...(cfg.services.pipelines.enabled ? ["MySQL"] : [])];
    for (const engine of engines)
      out.push(unpricedLine(`rds:${engine}`, `RDS ${engine}`, `${db.instanceClass ?? "?"} ${az}, ${db.storageGiB} GiB gp3 × ${copies}`, "rds", pricer));
  }
  if (cfg.services.feast.enabled) {
    const s = cfg.services.feast.onlineStore;
    out.push(unpricedLine("cache:feast", "ElastiCache (Feast online store)", `${plural(s.nodes, "node")} × ${s.nodeType}`, "elasticache", pricer));
  }
  const scratch = cfg.storage.scratch;
  if (scratch.enabled)
    out.push(unpricedLine("fsx:scratch", "FSx for Lustre (scratch)", `${scratch.storageCapacityGiB} GiB ${scratch.deploymentType}`, "fsx-lustre", pricer));
  if (cfg.storage.sharedFiles.enabled)
    out.push({ key: "efs:shared", item: "EFS (shared files)", basis: "no minimum: billed per GiB stored, which the estimate cannot know", monthlyUsd: 0 });
  return out;
}

/** The estimate of one stack. */
export function estimateStack(cfg: EstimateInput, catalogue: PriceCatalogue): Estimate {
  if (cfg.cluster.kind !== "eks" || cfg.aws === undefined)
    return {
      lines: [],
      monthlyUsd: 0,
      teams: [],
      missing: [],
      note: "existing cluster: no cloud prices to estimate from (OpenCost uses the stack's own price table)",
    };
  const pricer = new Pricer(catalogue, cfg.aws.region);
  const nat = cfg.network?.natGateways === "single" ? 1 : (cfg.network?.availabilityZones.length ?? 0);
  const minNodes = cfg.nodePools.filter((p) => p.minSize > 0);
  const rootDisks = minNodes.reduce((sum, p) => sum + p.minSize * p.diskSizeGiB, 0);
  const lines: CostLine[] = [
    unpricedLine("eks", "EKS control plane", "1 cluster × 730 h", "eks-control-plane", pricer),
    unpricedLine("nat", "NAT gateways", `${plural(nat, "gateway")} × 730 h`, "nat-gateway", pricer),
    ...cfg.nodePools.flatMap((p) => poolLine(p, pricer) ?? []),
    unpricedLine("ebs:root", "node root disks (gp3)", `${rootDisks} GiB on the minimum nodes`, "ebs-gp3", pricer),
    ...serviceLines(cfg, pricer),
  ];
  const teams = teamCeilings(cfg, pricer);
  return { region: pricer.region, lines, monthlyUsd: sumPriced(lines), teams, missing: pricer.missing };
}

export function sumPriced(lines: readonly CostLine[]): number {
  return lines.reduce((sum, l) => sum + (l.monthlyUsd ?? 0), 0);
}
