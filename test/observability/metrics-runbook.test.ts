/** docs/operations/metrics.md matches the code: its tier table is the defaults, its names are the chart's. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveObservability } from "../../config/observability";
import { ENVIRONMENTS } from "../../domain/environments";
import { readInventory } from "../../scripts/inventory/store";
import { PROMETHEUS_SERVICE_ACCOUNT } from "../../components/observability";
import { REMOTE_WRITE_PASSWORD_KEY } from "../../config/remote-write-secret";

const RUNBOOK = readFileSync(join(__dirname, "..", "..", "docs", "operations", "metrics.md"), "utf8");

describe("the metrics runbook", () => {
  it("lists every tier's defaults as config/observability.ts resolves them", () => {
    for (const env of ENVIRONMENTS) {
      const { prometheus: p, alertmanager: a } = resolveObservability(undefined, env);
      const row = new RegExp(
        `^\\| ${env} +\\| ${p.storage.size} +\\| ${p.retention} +\\| ${p.retentionSize} +\\| ${p.replicas}, ${a.replicas} +\\| ${a.storage.size} +\\|$`,
        "m",
      );
      expect(RUNBOOK, env).toMatch(row);
    }
  });

  it("names the chart's Prometheus and Alertmanager objects and the secret key as they are", () => {
    const objects = readInventory()
      .filter((f) => f.chart === "kube-prometheus-stack")
      .flatMap((f) => f.objects.map((o: any) => `${o.kind}/${o.metadata.name}`));
    expect(objects.length).toBeGreaterThan(0);
    for (const name of [
      "Service/monitoring-kube-prometheus-prometheus",
      "Prometheus/monitoring-kube-prometheus-prometheus",
      "Alertmanager/monitoring-kube-prometheus-alertmanager",
    ])
      expect(objects, name).toContain(name);
    // The operator names a StatefulSet `prometheus-<name>` / `alertmanager-<name>` and its first pod `<statefulset>-0`.
    expect(RUNBOOK).toContain("statefulset prometheus-monitoring-kube-prometheus-prometheus --cascade=orphan");
    expect(RUNBOOK).toContain("alertmanager-monitoring-kube-prometheus-alertmanager");
    expect(RUNBOOK).toContain("delete pod prometheus-monitoring-kube-prometheus-prometheus-0");
    expect(RUNBOOK).toContain(PROMETHEUS_SERVICE_ACCOUNT);
    expect(RUNBOOK).toContain(`npm run pulumi -- config set --secret mlops-platform:${REMOTE_WRITE_PASSWORD_KEY}`);
  });
});
