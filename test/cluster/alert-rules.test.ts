/**
 * Every alert the platform ships, unit-tested with the promtool of the Prometheus release the monitoring chart runs:
 * the PrometheusRules the offline plan writes for the fixture stacks (recording rules included, so cases feed raw
 * series) are checked with `promtool check rules --lint=all` and run against the cases of test/cluster/alert-cases/.
 * Each stack's rules run on their own: the cost rules differ between stacks.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ALERT_GROUPS } from "../../charts/observability";
import { BUDGET_ALERT } from "../../charts/observability/cost-budgets";
import { MODEL_DRIFT_RULES } from "../../charts/services/drift";
import type { KubeObject } from "../../scripts/plan/extract";
import { checkRules, testRules } from "../../scripts/cluster/promtool";
import type { AlertCase } from "./alert-cases/case";
import { byInterval, checksAnnotations, coverageProblems, loadAlertCases, plannedAlerts, promtoolTestFile, ruleFiles } from "./alert-render";
import { writtenPlan } from "./planned";

/** alerts: costs and a budget; isolation: a model monitor (drift); queues: Kueue on EKS with two GPU pools. */
const STACKS = ["alerts", "isolation", "queues"] as const;
/** Every alert the charts define, whichever stack turns it on. */
const DEFINED = [...ALERT_GROUPS.flatMap((g) => g.rules), ...MODEL_DRIFT_RULES.rules, BUDGET_ALERT].map((r) => r.alert);

const plans = new Map<string, KubeObject[]>();
let cases: AlertCase[] = [];
const scratch = mkdtempSync(join(tmpdir(), "alert-rules-"));
const promtool = () => inject("promtool").binary;

beforeAll(async () => {
  for (const stack of STACKS) plans.set(stack, (await writtenPlan(stack)).objects);
  cases = await loadAlertCases();
}, 180_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const allPlanned = () => [...new Set([...plans.values()].flatMap((objects) => plannedAlerts(objects)))].sort();

/** Writes a stack's rule files (as planned, and without annotations) and a promtool test file per variant; returns the test files. */
function writeStackTests(stack: string, stackCases: readonly AlertCase[], folder = stack): { ruleFiles: string[]; testFiles: string[] } {
  const dir = join(scratch, folder);
  const objects = plans.get(stack) ?? [];
  const variants = [
    { name: "planned", files: ruleFiles(objects, true), cases: stackCases.filter(checksAnnotations) },
    { name: "bare", files: ruleFiles(objects, false), cases: stackCases.filter((c) => !checksAnnotations(c)) },
  ];
  const testFiles: string[] = [];
  for (const variant of variants) {
    mkdirSync(join(dir, variant.name), { recursive: true });
    for (const [file, text] of Object.entries(variant.files)) writeFileSync(join(dir, variant.name, file), text);
    const names = Object.keys(variant.files).map((f) => `${variant.name}/${f}`);
    for (const [interval, group] of byInterval(variant.cases)) {
      const testFile = join(dir, `${variant.name}-tests-${interval}.yaml`);
      writeFileSync(testFile, promtoolTestFile(names, group, interval));
      testFiles.push(testFile);
    }
  }
  return { ruleFiles: Object.keys(variants[0].files).map((f) => join(dir, "planned", f)), testFiles };
}

describe("the platform's alerts under promtool", () => {
  it("the fixture stacks plan every alert the charts define", () => {
    expect(DEFINED.length).toBeGreaterThanOrEqual(13);
    expect(allPlanned()).toEqual(expect.arrayContaining(DEFINED));
  });

  it("every case names a planned alert, and every planned alert has a case that fires and one that stays silent", () => {
    expect(cases.length).toBeGreaterThan(0);
    expect(coverageProblems(allPlanned(), cases)).toEqual([]);
  });

  it.each(STACKS)("%s: promtool check rules --lint=all accepts the planned rule files, and the cases of its alerts pass promtool test rules", (stack) => {
    const alerts = plannedAlerts(plans.get(stack) ?? []);
    const stackCases = cases.filter((c) => alerts.includes(c.alert));
    expect(stackCases.length).toBeGreaterThan(0);
    const { ruleFiles: files, testFiles } = writeStackTests(stack, stackCases);
    expect(files.length).toBeGreaterThan(0);
    const check = checkRules(promtool(), files);
    expect(check.ok, check.output).toBe(true);
    const run = testRules(promtool(), testFiles);
    expect(run.ok, run.output).toBe(true);
  });

  it("a wrong expectation fails promtool (a firing case expected silent, a silent case expected firing)", () => {
    const alerts = plannedAlerts(plans.get("queues") ?? []);
    const firing = cases.find((c) => alerts.includes(c.alert) && c.expect.length > 0 && !checksAnnotations(c));
    const silent = cases.find((c) => alerts.includes(c.alert) && c.expect.length === 0);
    if (!firing || !silent) throw new Error("no firing or no silent case to turn around");
    const wrong: AlertCase[] = [
      { ...firing, expect: [] },
      { ...silent, expect: [{ labels: { severity: "warning" } }] },
    ];
    const { testFiles } = writeStackTests("queues", wrong, "wrong");
    const run = testRules(promtool(), testFiles);
    expect(run.ok).toBe(false);
    for (const c of wrong) expect(run.output).toContain(`${c.alert}: ${c.name}`);
  });
});
