/**
 * The monthly cost estimate of a stack from its resolved config and the price catalogue: what the stack always
 * runs (EKS control plane, NAT gateways, databases, caches, file systems, minimum node counts) and, per team, the
 * ceiling its quota allows. On-demand prices, 730 hours a month; spot pools are priced at on-demand, an upper
 * bound. A product the catalogue has no sourced price for is a line marked unpriced, never a guess; an instance
 * type missing from a region the catalogue prices is an error (`missing`).
 */
import type { PriceCatalogue } from "../prices";
import { HOURS_PER_MONTH, Pricer, type Lookup } from "./pricer";
import type { CostLine, Estimate, EstimateInput, PoolShape } from "./shape";
import { teamCeilings } from "./teams";
import { siteCeilings } from "./site-prices";

export * from "./shape";
export { diffEstimates, type LineDiff, type EstimateDiff } from "./diff";

export { HOURS_PER_MONTH, Pricer } from "./pricer";

/** What every estimate leaves out, for the report and the README. */
export const LEFT_OUT = [
  "data transfer (internet egress, cross-AZ, NAT gateway per-GB processing)",
  "S3 storage, requests and their growth",
  "CloudWatch logs (container log groups included) and metrics, AWS Backup and its copies to the recovery region, RDS backups replicated there, KMS requests, public IPv4 addresses",
  "volumes claimed in the cluster (Prometheus's and Alertmanager's: 2 × 100Gi and 2 × 2Gi of gp3 in prod) and an Amazon Managed Service for Prometheus workspace (billed per sample)",
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

/** A line from a lookup: priced per month by `monthly`, or unpriced with the lookup's reason. */
function lookupLine(key: string, item: string, basis: string, lookup: Lookup, monthly: (price: number) => number): CostLine {
  return "price" in lookup ? { key, item, basis, monthlyUsd: monthly(lookup.price) } : { key, item, basis, unpriced: lookup.unpriced };
}

function serviceLines(cfg: EstimateInput, pricer: Pricer): CostLine[] {
  const out: CostLine[] = [];
  const db = cfg.services.database;
  if (db?.kind === "rds") {
    const multiAz = db.multiAz === true;
    const engines = ["Postgres", ...(cfg.services.pipelines.enabled ? ["MySQL"] : [])];
    for (const engine of engines) {
      const cls = db.instanceClass ?? "?";
      const rds = pricer.rds(cls, multiAz, `services.database (${engine})`);
      const storage = "storageGiBMonth" in rds && rds.storageGiBMonth !== undefined ? rds.storageGiBMonth : 0;
      const basis = `${cls} ${multiAz ? "Multi-AZ" : "single-AZ"}${"price" in rds ? ` at $${rds.price}/h` : ""} × ${HOURS_PER_MONTH} h + ${db.storageGiB} GiB gp3${storage > 0 ? ` at $${storage}/GiB-month` : ""}`;
      out.push(lookupLine(`rds:${engine}`, `RDS ${engine}`, basis, rds, (price) => price * HOURS_PER_MONTH + db.storageGiB * storage));
    }
  }
  if (cfg.services.feast.enabled) {
    const s = cfg.services.feast.onlineStore;
    const node = pricer.cacheNodeHour(s.nodeType, "services.feast.onlineStore");
    const basis = `${plural(s.nodes, "node")} × ${s.nodeType} (Valkey)${"price" in node ? ` at $${node.price}/h` : ""} × ${HOURS_PER_MONTH} h`;
    out.push(lookupLine("cache:feast", "ElastiCache (Feast online store)", basis, node, (price) => s.nodes * price * HOURS_PER_MONTH));
  }
  const scratch = cfg.storage.scratch;
  if (scratch.enabled) {
    const kind = scratch.deploymentType === "PERSISTENT_2" ? `PERSISTENT_2/${scratch.perUnitStorageThroughput ?? 125}` : scratch.deploymentType;
    const fsx = pricer.lustreGiBMonth(kind, "storage.scratch");
    const basis = `${scratch.storageCapacityGiB} GiB ${kind}${"price" in fsx ? ` at $${fsx.price}/GiB-month` : ""}`;
    out.push(lookupLine("fsx:scratch", "FSx for Lustre (scratch)", basis, fsx, (price) => scratch.storageCapacityGiB * price));
  }
  if (cfg.storage.sharedFiles.enabled)
    out.push({ key: "efs:shared", item: "EFS (shared files)", basis: "no minimum: billed per GiB stored, which the estimate cannot know", monthlyUsd: 0 });
  return out;
}

/** The estimate of one stack. */
export function estimateStack(cfg: EstimateInput, catalogue: PriceCatalogue): Estimate {
  if (cfg.cluster.kind !== "eks" || cfg.aws === undefined) {
    const prices = cfg.costs?.allocation.prices;
    return {
      lines: [],
      monthlyUsd: 0,
      teams: prices === undefined ? [] : siteCeilings(cfg, prices),
      missing: [],
      note:
        prices === undefined
          ? "existing cluster without costs.allocation.prices: nothing to price with"
          : "existing cluster: its hardware is the site's own, so nothing is always rented; team ceilings use the stack's prices (costs.allocation.prices)",
    };
  }
  const pricer = new Pricer(catalogue, cfg.aws.region);
  for (const pool of cfg.nodePools) pricer.checkPool(pool);
  const nat = cfg.network?.natGateways === "single" ? 1 : (cfg.network?.availabilityZones.length ?? 0);
  const minNodes = cfg.nodePools.filter((p) => p.minSize > 0);
  const rootDisks = minNodes.reduce((sum, p) => sum + p.minSize * p.diskSizeGiB, 0);
  const eks = catalogue.eksControlPlaneHour;
  const natPrice = pricer.flat("nat-gateway");
  const gp3 = pricer.flat("ebs-gp3");
  const lines: CostLine[] = [
    { key: "eks", item: "EKS control plane", basis: `1 cluster at $${eks}/h (standard support) × ${HOURS_PER_MONTH} h`, monthlyUsd: eks * HOURS_PER_MONTH },
    lookupLine(
      "nat",
      "NAT gateways",
      `${plural(nat, "gateway")}${"price" in natPrice ? ` at $${natPrice.price}/h` : ""} × ${HOURS_PER_MONTH} h (per-GB processing left out)`,
      natPrice,
      (price) => nat * price * HOURS_PER_MONTH,
    ),
    ...cfg.nodePools.flatMap((p) => poolLine(p, pricer) ?? []),
    lookupLine(
      "ebs:root",
      "node root disks (gp3)",
      `${rootDisks} GiB on the minimum nodes${"price" in gp3 ? ` at $${gp3.price}/GiB-month` : ""}`,
      gp3,
      (price) => rootDisks * price,
    ),
    ...serviceLines(cfg, pricer),
  ];
  const teams = teamCeilings(cfg, pricer);
  return { region: pricer.region, lines, monthlyUsd: sumPriced(lines), teams, missing: pricer.missing };
}

export function sumPriced(lines: readonly CostLine[]): number {
  return lines.reduce((sum, l) => sum + (l.monthlyUsd ?? 0), 0);
}
