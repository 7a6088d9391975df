/**
 * One unit-test case of a platform alert, as data: test/cluster/alert-rules.test.ts renders every `cases` export
 * of this folder into promtool test files and runs `promtool test rules` over the rules the plan writes. Every
 * alert needs at least one case that fires and one that stays silent (the runner checks this).
 */
export interface AlertCase {
  /** The alert's name, as in its PrometheusRule. */
  readonly alert: string;
  /** What the case shows, e.g. "fires after 5m of XID errors on one GPU". */
  readonly name: string;
  /** Input series in promtool's expanding notation, e.g. { series: 'DCGM_FI_DEV_XID_ERRORS{gpu="0",hostname="n1"}', values: "0 13x10" }. */
  readonly series: readonly { readonly series: string; readonly values: string }[];
  /** promtool's eval_time, e.g. "10m". */
  readonly evalTime: string;
  /**
   * The alerts expected firing at evalTime (labels include the rule's own labels such as severity, team); [] = stays
   * silent. Without `annotations` the case is checked against the rules with their annotations left out (promtool
   * compares annotations exactly); with them, against the rules as planned.
   */
  readonly expect: readonly { readonly labels: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> }[];
  /**
   * promtool's evaluation interval, and the spacing of the input series (the runner writes a test file per interval);
   * a longer one for cases that look days back. @default "1m"
   */
  readonly interval?: string;
}
