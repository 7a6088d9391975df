/**
 * Prices of the managed services a stack always runs: RDS (PostgreSQL and MySQL cost the same for these classes),
 * ElastiCache for Valkey (the engine the catalogue pins), gp3 volumes, NAT gateways and the EKS control plane.
 */
import { awsPricingPageData, type PriceSource } from "./source";

/** Dollars per hour of one deployment: Multi-AZ is AWS's price for the pair, not twice the single price by rule. */
export interface ByDeployment {
  readonly singleAz: number;
  readonly multiAz: number;
}

export interface RdsPrices {
  readonly instanceHour: Readonly<Record<string, ByDeployment>>;
  /** Dollars per GiB-month of gp3 storage. */
  readonly gp3GiBMonth: ByDeployment;
}

const RDS_NOTE =
  'field "price" of "Database Instance <engine> No license required db <class> … Single-AZ/Multi-AZ" and "Database Storage Single/Multi AZ General Purpose-GP3"';
export const RDS_SOURCE = (region: string): PriceSource =>
  awsPricingPageData(
    "44337592ba034dd0cdd1e71a1670b17f8c3f6002",
    "data/rds/rds-postgresql-ondemand.json",
    "2024-09-28",
    `${RDS_NOTE} under ${region} (rds-mysql-ondemand.json has the same prices)`,
  );

export const RDS_US_EAST_1: RdsPrices = {
  instanceHour: {
    "db.t4g.medium": { singleAz: 0.065, multiAz: 0.129 },
    "db.t4g.large": { singleAz: 0.129, multiAz: 0.258 },
    "db.r7g.large": { singleAz: 0.239, multiAz: 0.478 },
  },
  gp3GiBMonth: { singleAz: 0.115, multiAz: 0.23 },
};

export const RDS_EU_WEST_1: RdsPrices = {
  instanceHour: {
    "db.t4g.medium": { singleAz: 0.069, multiAz: 0.138 },
    "db.t4g.large": { singleAz: 0.138, multiAz: 0.277 },
    "db.r7g.large": { singleAz: 0.268, multiAz: 0.536 },
  },
  gp3GiBMonth: { singleAz: 0.127, multiAz: 0.254 },
};

export const ELASTICACHE_SOURCE = (region: string): PriceSource =>
  awsPricingPageData(
    "73696e380ae600b175f859850a726edebd1de72f",
    "data/elasticache/elasticache.json",
    "2025-03-14",
    `field "price" of "OnDemand Cache Instance … cache <type> Valkey Current Generation" under ${region}`,
  );

/** ElastiCache for Valkey, dollars per node-hour. */
export const ELASTICACHE_US_EAST_1: Readonly<Record<string, number>> = { "cache.t4g.small": 0.0256, "cache.t4g.medium": 0.052, "cache.r7g.large": 0.1752 };
export const ELASTICACHE_EU_WEST_1: Readonly<Record<string, number>> = { "cache.t4g.small": 0.0272, "cache.t4g.medium": 0.0544, "cache.r7g.large": 0.1944 };

export const EBS_SOURCE = (region: string): PriceSource =>
  awsPricingPageData(
    "576c890f33ae177837e93499866aa04a0ac4fa89",
    "data/ebs/ebs.json",
    "2024-07-18",
    `field "price" of "Storage General Purpose gp3 GB Mo" under ${region}`,
  );

/** gp3 baseline (3,000 IOPS, 125 MB/s included), dollars per GiB-month. */
export const EBS_GP3 = { "us-east-1": 0.08, "eu-west-1": 0.088 } as const;

export const NAT_US_EAST_1_SOURCE: PriceSource = {
  source: "https://cloudburn.io/blog/aws-nat-gateway-pricing",
  asOf: "2026-02-24",
  note: "a secondary source quoting AWS's US East hourly rate ($0.045 per gateway-hour); AWS's VPC pricing page renders its rates with JavaScript, so no stored copy of it carries the number",
};
export const NAT_GATEWAY_HOUR = { "us-east-1": 0.045 } as const;

export const EKS_SOURCE: PriceSource = {
  source: "https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/",
  asOf: "2024-04-01",
  note: "AWS's announcement: clusters in standard support pay $0.10 per cluster-hour (extended support $0.60), in every commercial region",
};
/** Standard support; a version in extended support costs $0.60 an hour (the catalogue keeps the stacks in standard support). */
export const EKS_CONTROL_PLANE_HOUR = 0.1;
