/**
 * Drift alerts over what the teams' drift reports push (drift_report.py METRICS) to their own Pushgateway. Every
 * selector names the drift scrape's job, so `team` is the label that scrape sets from the Pushgateway's namespace
 * (charts/services/drift/pushgateway.ts), never one a team pushed or exposed elsewhere. Series are aggregated by
 * (team, model) first, so the match stays one-to-one; team and model stay on the alert for routing.
 */
import type { RuleGroup } from "../../observability/alerts";
import { DRIFT_SCRAPE_JOB } from "./pushgateway";

/** Reports run hourly by default; a day plus two hours of silence means the job stopped, not a late run. */
export const STALE_AFTER_HOURS = 26;
/** The drift metrics as the drift scrape collected them: the selector every query starts from. */
export const DRIFT_SERIES = `job="${DRIFT_SCRAPE_JOB}"`;

export const MODEL_DRIFT_RULES: RuleGroup = {
  name: "mlops-model-drift",
  rules: [
    {
      alert: "ModelDriftDetected",
      expr: `max by (team, model) (mlops_model_drift_share{${DRIFT_SERIES}}) >= on (team, model) max by (team, model) (mlops_model_drift_threshold{${DRIFT_SERIES}})`,
      // The pushed value holds until the next report, so one report over the threshold is enough.
      for: "0m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Model {{ $labels.model }} of team {{ $labels.team }} drifted: {{ $value | humanizePercentage }} of its columns",
        description:
          "The last drift report of {{ $labels.team }}/{{ $labels.model }} found the share of drifted columns at or above the model's threshold (teams[].modelMonitors[].driftShareThreshold). Compare the snapshot in Evidently (project {{ $labels.team }}-{{ $labels.model }}) and consider retraining.",
      },
    },
    {
      alert: "ModelDriftReportStale",
      expr: `time() - max by (team, model) (mlops_model_drift_last_run_timestamp_seconds{${DRIFT_SERIES}}) > ${STALE_AFTER_HOURS} * 3600`,
      for: "5m",
      labels: { severity: "warning" },
      annotations: {
        summary: `No drift report for model {{ $labels.model }} of team {{ $labels.team }} for over ${STALE_AFTER_HOURS}h`,
        description:
          "The CronJob drift-{{ $labels.model }} in namespace {{ $labels.team }} has not pushed a result for more than " +
          `${STALE_AFTER_HOURS} hours: it fails (see its Jobs' logs), is suspended, or the monitor was removed (then delete the group from the team's Pushgateway, model-drift-pushgateway in its namespace).`,
      },
    },
  ],
};
