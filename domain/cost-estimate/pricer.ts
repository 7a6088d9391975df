/** Looks prices up for one stack's region and records the types the catalogue lacks for a product it prices there. */
import { ec2Price, rdsPrice, type PriceCatalogue, type Product, type RegionPrices } from "../prices";
import type { MissingPrice, PoolShape } from "./shape";

export const HOURS_PER_MONTH = 730;

/** A price, or why there is none: `unpriced` for a product the region has no prices for, `missing` for a type it lacks. */
export type Lookup = { readonly price: number } | { readonly unpriced: string };

/** Pricing context: where misses go, and the unpriced reason of a product. */
export class Pricer {
  readonly missing: MissingPrice[] = [];
  readonly prices: RegionPrices | undefined;
  constructor(
    readonly catalogue: PriceCatalogue,
    readonly region: string,
  ) {
    this.prices = catalogue.regions[region];
  }

  /** Hourly on-demand price of the pool's first instance type (the one it launches preferentially); records a miss. */
  instanceHour(pool: PoolShape): number | undefined {
    const type = pool.instanceTypes[0] ?? "";
    const price = ec2Price(this.catalogue, this.region, type);
    if (price === undefined) this.miss("ec2", type, `node pool ${pool.name}`);
    return price;
  }

  /**
   * Records every instance type of the pool the region has no price for: each one is a type the pool may launch, and
   * usually one the region does not sell. Only the first is priced.
   */
  checkPool(pool: PoolShape): void {
    for (const type of pool.instanceTypes) if (ec2Price(this.catalogue, this.region, type) === undefined) this.miss("ec2", type, `node pool ${pool.name}`);
  }

  /** An RDS deployment per hour (Multi-AZ as AWS prices the pair) and its gp3 storage per GiB-month. */
  rds(instanceClass: string, multiAz: boolean, usedBy: string): Lookup & { readonly storageGiBMonth?: number } {
    const rds = this.prices?.rds;
    if (rds === undefined) return { unpriced: this.unpriced("rds") };
    const price = rdsPrice(rds, instanceClass, multiAz);
    if (price === undefined) return this.missed("rds", instanceClass, usedBy);
    return { price, storageGiBMonth: multiAz ? rds.gp3GiBMonth.multiAz : rds.gp3GiBMonth.singleAz };
  }

  cacheNodeHour(nodeType: string, usedBy: string): Lookup {
    const prices = this.prices?.elasticache;
    if (prices === undefined) return { unpriced: this.unpriced("elasticache") };
    const price = prices[nodeType];
    return price === undefined ? this.missed("elasticache", nodeType, usedBy) : { price };
  }

  /** FSx for Lustre per GiB-month; `kind` is the deployment type, PERSISTENT_2 with its throughput tier. */
  lustreGiBMonth(kind: string, usedBy: string): Lookup {
    const prices = this.prices?.fsxLustreGiBMonth;
    if (prices === undefined) return { unpriced: this.unpriced("fsx-lustre") };
    const price = prices[kind];
    return price === undefined ? this.missed("fsx-lustre", kind, usedBy) : { price };
  }

  /** A product priced by one number per region (NAT gateway-hour, gp3 GiB-month). */
  flat(product: "nat-gateway" | "ebs-gp3"): Lookup {
    const price = product === "nat-gateway" ? this.prices?.natGatewayHour : this.prices?.ebsGp3GiBMonth;
    return price === undefined ? { unpriced: this.unpriced(product) } : { price };
  }

  unpriced(product: Product): string {
    return `unpriced (the catalogue has no sourced ${product} price for ${this.region})`;
  }

  private miss(product: string, type: string, usedBy: string): void {
    if (!this.missing.some((m) => m.product === product && m.type === type)) this.missing.push({ region: this.region, product, type, usedBy });
  }

  private missed(product: string, type: string, usedBy: string): Lookup {
    this.miss(product, type, usedBy);
    return { unpriced: `unpriced: no ${product} price for ${type} in ${this.region}` };
  }
}
