/**
 * EC2 on-demand prices (US dollars per hour, Linux) in eu-west-1 for the instance types the shipped stacks use.
 * Read from SkyPilot's AWS catalogue, column `Price` of the rows for region eu-west-1 (one row per availability
 * zone; every zone carries the same on-demand price). SkyPilot fills that column from AWS's price list.
 */
import type { PriceSource } from "./source";

export const EC2_SOURCE: PriceSource = {
  source: "skypilot-org/skypilot-catalog@e385a0d348eda9cefd9806423e7725944dc249e4:catalogs/v8/aws/vms.csv",
  asOf: "the catalogue snapshot at that commit (the file states no date)",
  note: "column Price (on-demand, USD per hour) of the eu-west-1 rows; the same file lists no eu-west-1 offering of g6 or g6e types",
};

export const EC2_EU_WEST_1: Readonly<Record<string, number>> = {
  "m6i.large": 0.107,
  "m7i.large": 0.11235,
  "m6i.xlarge": 0.214,
  "m7i.xlarge": 0.2247,
  "m6i.2xlarge": 0.428,
  "m7i.2xlarge": 0.4494,
  "m6a.2xlarge": 0.3852,
  "m6i.4xlarge": 0.856,
  "m7i.4xlarge": 0.8988,
  "c6i.4xlarge": 0.7296,
};
