/** The shape of the platform's alert rules and rule groups (PrometheusRule groups), apart so every rule file can use it. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  /** `team` (a template over the series' labels) where the alert is about one team's resources: the team's route takes it. */
  readonly labels: {
    readonly severity: "critical" | "warning";
    readonly team?: string;
    /** `node` (a template) on DCGM alerts, whose series name the node in `hostname`: the NodeNotReady inhibition matches on `node`. */
    readonly node?: string;
  };
  /** runbook_url: the runbook section for the alert (a path in this repository). @default none */
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url?: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}
