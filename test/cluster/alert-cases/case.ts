/**
 * One unit-test case of a platform alert, as data (promtool test rules). Every alert needs at least one case that
 * fires and one that stays silent. The shared runner renders every `cases` export of this folder.
 */
export interface AlertCase {
  /** The alert's name, as in its PrometheusRule. */
  readonly alert: string;
  /** What the case shows, e.g. "fires after 5m of XID errors on one GPU". */
  readonly name: string;
  /** Input series in promtool's expanding notation, e.g. { series: 'DCGM_FI_DEV_XID_ERRORS{gpu="0",Hostname="n1"}', values: "0 13x10" }. */
  readonly series: readonly { readonly series: string; readonly values: string }[];
  /** promtool's eval_time, e.g. "10m". */
  readonly evalTime: string;
  /** The alerts expected firing at evalTime (labels include the rule's own labels such as severity, team); [] = stays silent. */
  readonly expect: readonly { readonly labels: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> }[];
  /** promtool's evaluation interval; @default "1m" */
  readonly interval?: string;
}
