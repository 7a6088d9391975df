/**
 * The price catalogue: dated on-demand prices with their source, per region and instance type, in US dollars,
 * Linux, shared tenancy. Only prices read from a source that can be shown are listed; a product the catalogue
 * has not sourced for a region is a named gap (`UNSOURCED`), so an estimate says "unpriced" instead of guessing.
 */
import { EC2_EU_WEST_1, EC2_SOURCE } from "./ec2";
import type { PriceSource } from "./source";

export type { PriceSource } from "./source";

/** Products the estimator prices (or reports as unpriced). */
export const PRODUCTS = ["ec2", "eks-control-plane", "nat-gateway", "rds", "elasticache", "fsx-lustre", "efs", "ebs-gp3"] as const;
export type Product = (typeof PRODUCTS)[number];

export interface RegionPrices {
  /** EC2 on-demand dollars per instance-hour, by instance type. */
  readonly ec2: Readonly<Record<string, number>>;
}

export interface PriceCatalogue {
  readonly regions: Readonly<Record<string, RegionPrices>>;
  readonly sources: Readonly<Partial<Record<Product, PriceSource>>>;
  /** Products with no sourced price at all, and why: reported as unpriced, never estimated. */
  readonly unsourced: Readonly<Partial<Record<Product, string>>>;
}

const NOT_FOUND = "no public source with a dated price for the region was found when the catalogue was built";

export const CATALOGUE: PriceCatalogue = {
  regions: { "eu-west-1": { ec2: EC2_EU_WEST_1 } },
  sources: { ec2: EC2_SOURCE },
  unsourced: {
    "eks-control-plane": NOT_FOUND,
    "nat-gateway": NOT_FOUND,
    rds: NOT_FOUND,
    elasticache: NOT_FOUND,
    "fsx-lustre": NOT_FOUND,
    efs: NOT_FOUND,
    "ebs-gp3": NOT_FOUND,
  },
};

/** The on-demand price of an instance type in a region, or undefined when the catalogue has none. */
export function ec2Price(catalogue: PriceCatalogue, region: string, type: string): number | undefined {
  return catalogue.regions[region]?.ec2[type];
}
