/**
 * The model-drift Grafana dashboard: what the teams' drift reports push (drift_report.py METRICS), per team
 * and model, as the drift scrape collected it (`team` from the Pushgateway's namespace, see ./alerts.ts). Same
 * JSON shape and datasource variable as the platform dashboards (charts/observability).
 */
import { DATASOURCE_VARIABLE, labelVariable, layoutPanels, target as t, type Dashboard } from "../../observability/grafana";
import { DRIFT_SERIES } from "./alerts";

export const MODEL_DRIFT_DASHBOARD_UID = "model-drift";

/** The drift scrape's series, filtered by team and model: every query carries it. */
const SEL = `${DRIFT_SERIES}, team=~"$team", model=~"$model"`;

export const MODEL_DRIFT_DASHBOARD: Dashboard = {
  uid: MODEL_DRIFT_DASHBOARD_UID,
  title: "MLOps / Model drift",
  tags: ["mlops-platform", "evidently"],
  schemaVersion: 39,
  editable: false,
  time: { from: "now-7d", to: "now" },
  refresh: "5m",
  templating: {
    list: [
      DATASOURCE_VARIABLE,
      labelVariable("team", "Team", `label_values(mlops_model_drift_share{${DRIFT_SERIES}}, team)`),
      labelVariable("model", "Model", `label_values(mlops_model_drift_share{${DRIFT_SERIES}, team=~"$team"}, model)`),
    ],
  },
  panels: layoutPanels([
    [
      {
        type: "timeseries",
        title: "Drift share (drifted columns / columns) against the threshold",
        targets: [
          t(`max by (team, model) (mlops_model_drift_share{${SEL}})`, "{{team}}/{{model}}"),
          t(`max by (team, model) (mlops_model_drift_threshold{${SEL}})`, "{{team}}/{{model}} threshold", "B"),
        ],
        unit: "percentunit",
        max: 1,
      },
    ],
    [
      {
        type: "timeseries",
        title: "Drifted columns",
        targets: [t(`max by (team, model) (mlops_model_drifted_columns{${SEL}})`, "{{team}}/{{model}}")],
        unit: "none",
      },
      {
        type: "stat",
        title: "Models at or over their threshold",
        targets: [
          t(
            `count(max by (team, model) (mlops_model_drift_share{${SEL}}) >= on (team, model) max by (team, model) (mlops_model_drift_threshold{${SEL}})) or vector(0)`,
            "drifted",
          ),
        ],
        unit: "none",
      },
    ],
    [
      {
        type: "bargauge",
        title: "Time since the last drift report",
        targets: [t(`time() - max by (team, model) (mlops_model_drift_last_run_timestamp_seconds{${SEL}})`, "{{team}}/{{model}}")],
        unit: "s",
      },
      {
        type: "table",
        title: "Threshold per model",
        targets: [t(`max by (team, model) (mlops_model_drift_threshold{${SEL}})`, "{{team}}/{{model}}")],
        unit: "percentunit",
      },
    ],
  ]),
};
