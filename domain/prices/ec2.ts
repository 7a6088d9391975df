/**
 * EC2 on-demand prices (US dollars per instance-hour, Linux, shared tenancy) for the instance types the shipped
 * stacks and the documented alternatives use.
 */
import { awsPricingPageData, type PriceSource } from "./source";

export const EC2_US_EAST_1_SOURCE: PriceSource = {
  source: "aws/karpenter-provider-aws@1d927085dd81a9df9301e613f371dac5b4d16bfe:pkg/providers/pricing/zz_generated.pricing_aws.go",
  asOf: "2026-07-20",
  note: "Karpenter's on-demand prices for us-east-1, generated from the AWS Price List API (the file was last regenerated on that date)",
};

export const EC2_US_EAST_1: Readonly<Record<string, number>> = {
  "m6i.large": 0.096,
  "m6i.xlarge": 0.192,
  "m6i.2xlarge": 0.384,
  "m6i.4xlarge": 0.768,
  "m7i.large": 0.1008,
  "m7i.xlarge": 0.2016,
  "m7i.2xlarge": 0.4032,
  "m7i.4xlarge": 0.8064,
  "m6a.2xlarge": 0.3456,
  "c6i.4xlarge": 0.68,
  "g6.xlarge": 0.8048,
  "g6.2xlarge": 0.9776,
  "g6e.xlarge": 1.861,
  "g6e.2xlarge": 2.24208,
  "p5.48xlarge": 55.04,
};

export const EC2_EU_WEST_1_SOURCE: PriceSource = awsPricingPageData(
  "74c9fd8ab5acfd9511cd6535f914d47071601ad2",
  "data/ec2/eu-west-1-ondemand.json",
  "2025-04-04",
  'field "price" of the Linux, no pre-installed software entries; the file offers no g6, g6e or p5 type in eu-west-1',
);

export const EC2_EU_WEST_1: Readonly<Record<string, number>> = {
  "m6i.large": 0.107,
  "m6i.xlarge": 0.214,
  "m6i.2xlarge": 0.428,
  "m6i.4xlarge": 0.856,
  "m7i.large": 0.11235,
  "m7i.xlarge": 0.2247,
  "m7i.2xlarge": 0.4494,
  "m7i.4xlarge": 0.8988,
  "m6a.2xlarge": 0.3852,
  "c6i.4xlarge": 0.7296,
  "g5.xlarge": 1.123,
  "g5.2xlarge": 1.35296,
  "p4d.24xlarge": 35.39655,
};
