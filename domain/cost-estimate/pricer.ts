/** Looks prices up for one stack's region and records the instance types the catalogue lacks. */
import { ec2Price, type PriceCatalogue, type Product } from "../prices";
import type { MissingPrice, PoolShape } from "./shape";

export const HOURS_PER_MONTH = 730;

/** Pricing context: where misses go, and the unpriced reason of a product. */
export class Pricer {
  readonly missing: MissingPrice[] = [];
  constructor(
    readonly catalogue: PriceCatalogue,
    readonly region: string,
  ) {}

  /** Hourly on-demand price of the pool's first instance type (the one it launches preferentially); records a miss. */
  instanceHour(pool: PoolShape): number | undefined {
    const type = pool.instanceTypes[0] ?? "";
    const price = ec2Price(this.catalogue, this.region, type);
    if (price === undefined && !this.missing.some((m) => m.type === type))
      this.missing.push({ region: this.region, product: "ec2", type, usedBy: `node pool ${pool.name}` });
    return price;
  }

  unpriced(product: Product): string {
    return `unpriced (the catalogue has no sourced ${product} price)`;
  }
}
