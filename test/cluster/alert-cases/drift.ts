/**
 * Cases of the model drift alerts (charts/services/drift/alerts.ts): `team` is what the drift scrape sets from
 * the Pushgateway's namespace, so the alerts carry the team with no join.
 */
import { DRIFT_SCRAPE_JOB } from "../../../charts/services/drift/pushgateway";
import type { AlertCase } from "./case";

const scraped = (job = DRIFT_SCRAPE_JOB) => `job="${job}",team="vision",model="churn",namespace="vision",instance="10.0.4.2:9091"`;

export const cases: AlertCase[] = [
  {
    alert: "ModelDriftDetected",
    name: "fires on a report at or above the model's threshold, for the model's team",
    series: [
      { series: `mlops_model_drift_share{${scraped()}}`, values: "0.2 0.2 0.6x5" },
      { series: `mlops_model_drift_threshold{${scraped()}}`, values: "0.5x7" },
    ],
    evalTime: "4m",
    expect: [{ labels: { team: "vision", model: "churn", severity: "warning" } }],
  },
  {
    alert: "ModelDriftDetected",
    name: "stays silent below the threshold, and for drift series another job exposes",
    series: [
      { series: `mlops_model_drift_share{${scraped()}}`, values: "0.2x7" },
      { series: `mlops_model_drift_threshold{${scraped()}}`, values: "0.5x7" },
      { series: `mlops_model_drift_share{${scraped("vision/some-exporter")}}`, values: "0.9x7" },
      { series: `mlops_model_drift_threshold{${scraped("vision/some-exporter")}}`, values: "0.1x7" },
    ],
    evalTime: "4m",
    expect: [],
  },
  {
    alert: "ModelDriftReportStale",
    name: "fires when the last report is more than 26 hours old, for the model's team",
    // The last report ran at time 0, and the Pushgateway keeps serving its timestamp.
    series: [{ series: `mlops_model_drift_last_run_timestamp_seconds{${scraped()}}`, values: "0x170" }],
    evalTime: "27h",
    interval: "10m",
    expect: [{ labels: { team: "vision", model: "churn", severity: "warning" } }],
  },
  {
    alert: "ModelDriftReportStale",
    name: "stays silent while reports keep coming",
    // A report every 10 minutes: the timestamp keeps up with the clock.
    series: [{ series: `mlops_model_drift_last_run_timestamp_seconds{${scraped()}}`, values: "0+600x170" }],
    evalTime: "27h",
    interval: "10m",
    expect: [],
  },
];
