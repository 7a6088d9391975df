/**
 * The price catalogue: dated on-demand prices with their source, per region and type, in US dollars (Linux, shared
 * tenancy). Only prices read from a source that can be shown are listed. A product without prices in a region is
 * reported as unpriced by the estimator; a type missing from a product the region does price is an error, since it
 * usually means the type is not sold there (eu-west-1 offers no g6, g6e or p5).
 */
import { EC2_EU_WEST_1, EC2_EU_WEST_1_SOURCE, EC2_US_EAST_1, EC2_US_EAST_1_SOURCE } from "./ec2";
import {
  EBS_GP3,
  EBS_SOURCE,
  EKS_CONTROL_PLANE_HOUR,
  EKS_SOURCE,
  ELASTICACHE_EU_WEST_1,
  ELASTICACHE_SOURCE,
  ELASTICACHE_US_EAST_1,
  NAT_GATEWAY_HOUR,
  NAT_US_EAST_1_SOURCE,
  RDS_EU_WEST_1,
  RDS_SOURCE,
  RDS_US_EAST_1,
  type ByDeployment,
  type RdsPrices,
} from "./managed";
import type { PriceSource } from "./source";

export type { PriceSource } from "./source";
export type { ByDeployment, RdsPrices } from "./managed";

/** Products the estimator prices (or reports as unpriced). */
export const PRODUCTS = ["ec2", "eks-control-plane", "nat-gateway", "rds", "elasticache", "fsx-lustre", "ebs-gp3"] as const;
export type Product = (typeof PRODUCTS)[number];

export interface RegionPrices {
  /** Dollars per instance-hour, by instance type. */
  readonly ec2: Readonly<Record<string, number>>;
  readonly rds?: RdsPrices;
  /** Dollars per node-hour, by node type. */
  readonly elasticache?: Readonly<Record<string, number>>;
  /** Dollars per GiB-month. */
  readonly ebsGp3GiBMonth?: number;
  /** Dollars per gateway-hour. */
  readonly natGatewayHour?: number;
  /** Dollars per GiB-month of capacity, by deployment type (PERSISTENT_2 as `PERSISTENT_2/<MB/s/TiB>`). */
  readonly fsxLustreGiBMonth?: Readonly<Record<string, number>>;
  /** Where each product's prices for the region were read. */
  readonly sources: Readonly<Partial<Record<Product, PriceSource>>>;
}

export interface PriceCatalogue {
  /** When the catalogue was last assembled; each price group carries its own source date. */
  readonly asOf: string;
  /** The EKS control plane costs the same in every commercial region. */
  readonly eksControlPlaneHour: number;
  readonly eksSource: PriceSource;
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

export const CATALOGUE: PriceCatalogue = {
  asOf: "2026-12-07",
  eksControlPlaneHour: EKS_CONTROL_PLANE_HOUR,
  eksSource: EKS_SOURCE,
  regions: {
    "us-east-1": {
      ec2: EC2_US_EAST_1,
      rds: RDS_US_EAST_1,
      elasticache: ELASTICACHE_US_EAST_1,
      ebsGp3GiBMonth: EBS_GP3["us-east-1"],
      natGatewayHour: NAT_GATEWAY_HOUR["us-east-1"],
      sources: {
        ec2: EC2_US_EAST_1_SOURCE,
        rds: RDS_SOURCE("US East (N. Virginia)"),
        elasticache: ELASTICACHE_SOURCE("US East (N. Virginia)"),
        "ebs-gp3": EBS_SOURCE("US East (N. Virginia)"),
        "nat-gateway": NAT_US_EAST_1_SOURCE,
      },
    },
    "eu-west-1": {
      ec2: EC2_EU_WEST_1,
      rds: RDS_EU_WEST_1,
      elasticache: ELASTICACHE_EU_WEST_1,
      ebsGp3GiBMonth: EBS_GP3["eu-west-1"],
      sources: {
        ec2: EC2_EU_WEST_1_SOURCE,
        rds: RDS_SOURCE("EU (Ireland)"),
        elasticache: ELASTICACHE_SOURCE("EU (Ireland)"),
        "ebs-gp3": EBS_SOURCE("EU (Ireland)"),
      },
    },
  },
};

/** The on-demand price of an instance type in a region, or undefined when the catalogue has none. */
export function ec2Price(catalogue: PriceCatalogue, region: string, type: string): number | undefined {
  return catalogue.regions[region]?.ec2[type];
}

/** An RDS deployment's hourly price, or undefined. */
export function rdsPrice(prices: RdsPrices, instanceClass: string, multiAz: boolean): number | undefined {
  const p: ByDeployment | undefined = prices.instanceHour[instanceClass];
  return p === undefined ? undefined : multiAz ? p.multiAz : p.singleAz;
}

/** Every source the catalogue cites, for reports: product and region with where and when. */
export function catalogueSources(catalogue: PriceCatalogue): { product: string; region: string; source: PriceSource }[] {
  return [
    { product: "eks-control-plane", region: "all", source: catalogue.eksSource },
    ...Object.entries(catalogue.regions).flatMap(([region, r]) =>
      Object.entries(r.sources).flatMap(([product, source]) => (source === undefined ? [] : [{ product, region, source }])),
    ),
  ];
}
