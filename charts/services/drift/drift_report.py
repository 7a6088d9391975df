"""Scheduled drift report of one model: compare current data with the reference, push the numbers to the
team's own Pushgateway (in its namespace), upload the snapshot to the Evidently service. Runs in the evidently image (Python, evidently,
pandas with pyarrow); every input comes from the environment. Exits non-zero on any failure.

Env: TEAM, MODEL, REFERENCE_PATH, CURRENT_PATH (.csv or .parquet), DRIFT_SHARE_THRESHOLD,
     PUSHGATEWAY_URL, EVIDENTLY_URL, EVIDENTLY_SECRET_FILE (the mounted file holding the write secret:
     secrets reach the job as files, never in its environment).
"""
import os
import sys
import time
import urllib.request
from urllib.parse import quote

import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
from evidently.ui.workspace import RemoteWorkspace

# Gauges pushed for every run (the dashboard and alerts read exactly these).
METRICS = {
    "mlops_model_drift_share": "Share of columns whose distribution drifted from the reference.",
    "mlops_model_drifted_columns": "Number of columns whose distribution drifted from the reference.",
    "mlops_model_drift_threshold": "Drift share at which the model counts as drifted.",
    "mlops_model_drift_last_run_timestamp_seconds": "Unix time of the last finished drift report.",
}
DRIFTED_COLUMNS_COUNT = "evidently:metric_v2:DriftedColumnsCount"
PUSH_JOB = "model-drift"


def env(name):
    value = os.environ.get(name, "")
    if not value:
        raise SystemExit(f"missing environment variable {name}")
    return value


def read_secret(path):
    """A secret from its mounted file, without surrounding whitespace."""
    with open(path, encoding="utf-8") as f:
        value = f.read().strip()
    if not value:
        raise SystemExit(f"secret file {path} is empty")
    return value


def load(path):
    if path.endswith(".parquet"):
        return pd.read_parquet(path)
    if path.endswith(".csv"):
        return pd.read_csv(path)
    raise SystemExit(f"{path}: only .csv and .parquet are supported")


def drifted_columns(snapshot):
    """(count, share) from the preset's DriftedColumnsCount metric."""
    for metric in snapshot.dict()["metrics"]:
        if metric["config"]["type"] == DRIFTED_COLUMNS_COUNT:
            return float(metric["value"]["count"]), float(metric["value"]["share"])
    raise RuntimeError(f"the report has no {DRIFTED_COLUMNS_COUNT} metric")


def exposition(values):
    """Prometheus text exposition format, one gauge per metric."""
    lines = []
    for name, value in values.items():
        lines += [f"# HELP {name} {METRICS[name]}", f"# TYPE {name} gauge", f"{name} {float(value)!r}"]
    return "\n".join(lines) + "\n"


def push(gateway, model, body):
    """PUT replaces every metric of this job/model group, so a run never leaves stale series behind. No team label:
    the scrape sets `team` from the Pushgateway's namespace, whatever a push says."""
    url = f"{gateway.rstrip('/')}/metrics/job/{PUSH_JOB}/model/{quote(model, safe='')}"
    request = urllib.request.Request(url, data=body.encode(), method="PUT", headers={"Content-Type": "text/plain; version=0.0.4"})
    with urllib.request.urlopen(request, timeout=30) as response:  # raises HTTPError on 4xx/5xx
        print(f"pushed metrics to {url}: HTTP {response.status}")


def upload(url, secret, project_name, snapshot):
    workspace = RemoteWorkspace(url, secret=secret)
    project = next((p for p in workspace.list_projects() if p.name == project_name), None)
    if project is None:
        project = workspace.create_project(project_name)
    ref = workspace.add_run(project.id, snapshot, include_data=False)
    print(f"uploaded snapshot {ref.id} to project {project_name} ({project.id})")


def main():
    team, model = env("TEAM"), env("MODEL")
    threshold = float(env("DRIFT_SHARE_THRESHOLD"))
    reference, current = load(env("REFERENCE_PATH")), load(env("CURRENT_PATH"))
    snapshot = Report([DataDriftPreset(drift_share=threshold)]).run(current_data=current, reference_data=reference)
    count, share = drifted_columns(snapshot)
    print(f"{team}/{model}: {count:g} drifted columns, share {share:.4f} (threshold {threshold:g}): {'DRIFT' if share >= threshold else 'ok'}")
    body = exposition({
        "mlops_model_drift_share": share,
        "mlops_model_drifted_columns": count,
        "mlops_model_drift_threshold": threshold,
        "mlops_model_drift_last_run_timestamp_seconds": time.time(),
    })
    push(env("PUSHGATEWAY_URL"), model, body)
    upload(env("EVIDENTLY_URL"), read_secret(env("EVIDENTLY_SECRET_FILE")), f"{team}-{model}", snapshot)


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except Exception as error:  # one line for the job log, then a failed Job
        print(f"drift report failed: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
