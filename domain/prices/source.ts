/** Where a group of prices in the catalogue comes from. */
export interface PriceSource {
  /** Where the numbers were read: a URL or repository@commit:path. */
  readonly source: string;
  /** The date the source states for its prices. */
  readonly asOf: string;
  /** How the numbers were read from the source. */
  readonly note: string;
}

/** AWS's own price data as its pricing pages load it, committed by yeo/ec2.shop's price fetcher. */
export const awsPricingPageData = (commit: string, path: string, asOf: string, note: string): PriceSource => ({
  source: `yeo/ec2.shop@${commit}:${path}`,
  asOf,
  note: `AWS's pricing-page data (its manifest's hawkFilePublicationDate is ${asOf}); ${note}`,
});
