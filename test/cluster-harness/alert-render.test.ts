/** Rendering planned PrometheusRules and alert cases for promtool (pure), and the cases' coverage check. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { KubeObject } from "../../scripts/plan/extract";
import type { AlertCase } from "../cluster/alert-cases/case";
import { byInterval, checksAnnotations, coverageProblems, loadAlertCases, plannedAlerts, promtoolTestFile, ruleFiles } from "../cluster/alert-render";

const RULE: KubeObject = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PrometheusRule",
  metadata: { name: "mlops-platform", namespace: "monitoring" },
  spec: {
    groups: [
      {
        name: "g",
        rules: [
          { record: "r:x", expr: "sum(x)" },
          { alert: "B", expr: "up == 0", for: "1m", labels: { severity: "warning" }, annotations: { summary: "s" } },
          { alert: "A", expr: "r:x > 1", for: "0m", labels: { severity: "critical" }, annotations: { summary: "t" } },
        ],
      },
    ],
  },
};
const OTHER: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } };
const fires = (alert: string, annotations?: Record<string, string>): AlertCase => ({
  alert,
  name: `${alert} fires`,
  series: [{ series: "up", values: "0x5" }],
  evalTime: "5m",
  expect: [{ labels: { severity: "warning" }, ...(annotations ? { annotations } : {}) }],
});
const silent = (alert: string): AlertCase => ({ alert, name: `${alert} silent`, series: [{ series: "up", values: "1x5" }], evalTime: "5m", expect: [] });

describe("rendering for promtool", () => {
  it("finds the alerts of PrometheusRules only", () => {
    expect(plannedAlerts([RULE, OTHER])).toEqual(["A", "B"]);
    expect(plannedAlerts([OTHER])).toEqual([]);
  });

  it("writes each PrometheusRule as a rule file, with its annotations or, when told, without the alerts' annotations", () => {
    const planned = parse(ruleFiles([RULE, OTHER], true)["monitoring-mlops-platform.yaml"]) as { groups: unknown };
    expect(planned.groups).toEqual((RULE.spec as { groups: unknown }).groups);
    const bare = ruleFiles([RULE], false);
    expect(Object.keys(bare)).toEqual(["monitoring-mlops-platform.yaml"]);
    const rules = (parse(bare["monitoring-mlops-platform.yaml"]) as { groups: { rules: Record<string, unknown>[] }[] }).groups[0].rules;
    expect(rules.map((r) => "annotations" in r)).toEqual([false, false, false]);
    expect(rules[1]).toEqual({ alert: "B", expr: "up == 0", for: "1m", labels: { severity: "warning" } });
  });

  it("writes each case as one named promtool test, with annotations only where the case names them", () => {
    const cases = [fires("A"), silent("B"), fires("A", { summary: "t" })];
    expect(cases.map(checksAnnotations)).toEqual([false, false, true]);
    const file = parse(promtoolTestFile(["bare/r.yaml"], cases)) as Record<string, unknown> & { tests: Record<string, unknown>[] };
    expect(file.rule_files).toEqual(["bare/r.yaml"]);
    expect(file.evaluation_interval).toBe("1m");
    expect(file.tests[0]).toEqual({
      name: "A: A fires",
      interval: "1m",
      input_series: [{ series: "up", values: "0x5" }],
      alert_rule_test: [{ eval_time: "5m", alertname: "A", exp_alerts: [{ exp_labels: { severity: "warning" } }] }],
    });
    expect(file.tests[1]).toMatchObject({ interval: "1m", alert_rule_test: [{ exp_alerts: [] }] });
    expect(file.tests[2]).toMatchObject({ alert_rule_test: [{ exp_alerts: [{ exp_labels: { severity: "warning" }, exp_annotations: { summary: "t" } }] }] });
  });

  it("groups cases by interval, one file each, since promtool evaluates a file at one interval", () => {
    const slow = { ...silent("A"), interval: "10m" };
    const groups = byInterval([fires("A"), slow, silent("B")]);
    expect([...groups.keys()]).toEqual(["1m", "10m"]);
    expect(groups.get("1m")?.map((c) => c.name)).toEqual(["A fires", "B silent"]);
    const file = parse(promtoolTestFile(["r.yaml"], [slow], "10m")) as { evaluation_interval: string; tests: { interval: string }[] };
    expect([file.evaluation_interval, file.tests[0].interval]).toEqual(["10m", "10m"]);
    expect(() => promtoolTestFile(["r.yaml"], [slow])).toThrow(/case "A silent" has interval 10m, not the file's 1m/);
  });
});

describe("the cases' coverage", () => {
  it("asks for a firing and a silent case of every alert, and a planned alert for every case", () => {
    expect(coverageProblems(["A", "B"], [fires("A"), silent("A"), fires("B"), silent("B")])).toEqual([]);
    expect(coverageProblems(["A", "B"], [fires("A"), silent("B"), silent("C")])).toEqual([
      'case "C silent" names C, which no planned rule defines',
      "A has no case where it stays silent",
      "B has no case where it fires",
    ]);
  });

  it("loads every case file of test/cluster/alert-cases, each case with input series and an eval time", async () => {
    const cases = await loadAlertCases();
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(c.series.length, c.name).toBeGreaterThan(0);
      expect(c.evalTime, c.name).toMatch(/^(\d+[smhd])+$/);
    }
  });
});
