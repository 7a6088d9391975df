/** Where a group of prices in the catalogue comes from. */
export interface PriceSource {
  /** Where the numbers were read: a URL or repository@commit:path. */
  readonly source: string;
  /** The date the source states, or what is known of it when the source states none. */
  readonly asOf: string;
  /** How the numbers were read from the source. */
  readonly note: string;
}
