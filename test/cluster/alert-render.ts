/**
 * Turns the planned PrometheusRules and the alert cases (test/cluster/alert-cases/) into what promtool reads: rule
 * files and unit-test files. Pure, so it is tested without promtool (test/cluster-harness/alert-render.test.ts).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { KubeObject } from "../../scripts/plan/extract";
import type { AlertCase } from "./alert-cases/case";

interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly annotations?: unknown;
}
interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}
type PrometheusRule = KubeObject & { spec: { groups: readonly RuleGroup[] } };

const prometheusRules = (objects: readonly KubeObject[]): PrometheusRule[] => objects.filter((o): o is PrometheusRule => o.kind === "PrometheusRule");

/** Every alert the PrometheusRules among `objects` define, sorted. */
export function plannedAlerts(objects: readonly KubeObject[]): string[] {
  const names = prometheusRules(objects).flatMap((o) => o.spec.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))));
  return [...new Set(names)].sort();
}

/**
 * The PrometheusRules as Prometheus rule files, by file name (`<namespace>-<name>.yaml`). Without annotations when
 * told: promtool compares annotations exactly, so cases that name none run against rules that have none.
 */
export function ruleFiles(objects: readonly KubeObject[], annotations: boolean): Record<string, string> {
  const files: Record<string, string> = {};
  for (const rule of prometheusRules(objects)) {
    const groups = rule.spec.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => {
        if (annotations || r.alert === undefined) return r;
        const { annotations: _dropped, ...rest } = r;
        return rest;
      }),
    }));
    files[`${rule.metadata?.namespace ?? "default"}-${rule.metadata?.name ?? "unnamed"}.yaml`] = stringify({ groups });
  }
  return files;
}

/** Whether a case checks annotations, and so runs against the rules as planned. */
export const checksAnnotations = (c: AlertCase): boolean => c.expect.some((e) => e.annotations !== undefined);

export const DEFAULT_INTERVAL = "1m";

/**
 * The cases by interval. promtool evaluates a file's rules at one interval for all its tests, so each interval gets
 * a file of its own: a case looking a week back runs at 10m, not at 10,080 steps of a minute.
 */
export function byInterval(cases: readonly AlertCase[]): Map<string, AlertCase[]> {
  const groups = new Map<string, AlertCase[]>();
  for (const c of cases) {
    const interval = c.interval ?? DEFAULT_INTERVAL;
    groups.set(interval, [...(groups.get(interval) ?? []), c]);
  }
  return groups;
}

/**
 * A promtool unit-test file: rules evaluated and input series spaced at `interval`, each case one test, named
 * "<alert>: <case>" in promtool's report.
 */
export function promtoolTestFile(ruleFileNames: readonly string[], cases: readonly AlertCase[], interval = DEFAULT_INTERVAL): string {
  const stray = cases.find((c) => (c.interval ?? DEFAULT_INTERVAL) !== interval);
  if (stray) throw new Error(`case "${stray.name}" has interval ${stray.interval ?? DEFAULT_INTERVAL}, not the file's ${interval}`);
  return stringify({
    rule_files: [...ruleFileNames],
    evaluation_interval: interval,
    tests: cases.map((c) => ({
      name: `${c.alert}: ${c.name}`,
      interval,
      input_series: c.series.map((s) => ({ series: s.series, values: s.values })),
      alert_rule_test: [
        {
          eval_time: c.evalTime,
          alertname: c.alert,
          exp_alerts: c.expect.map((e) => ({ exp_labels: { ...e.labels }, ...(e.annotations ? { exp_annotations: { ...e.annotations } } : {}) })),
        },
      ],
    })),
  });
}

/** What is wrong with the cases against the planned alerts: a case of no alert, an alert without a firing or a silent case. */
export function coverageProblems(alerts: readonly string[], cases: readonly AlertCase[]): string[] {
  const problems = cases.filter((c) => !alerts.includes(c.alert)).map((c) => `case "${c.name}" names ${c.alert}, which no planned rule defines`);
  for (const alert of alerts) {
    const own = cases.filter((c) => c.alert === alert);
    if (!own.some((c) => c.expect.length > 0)) problems.push(`${alert} has no case where it fires`);
    if (!own.some((c) => c.expect.length === 0)) problems.push(`${alert} has no case where it stays silent`);
  }
  return problems;
}

/** The folder of case files: every .ts file in it but case.ts exports `cases`. */
export const ALERT_CASES_DIR = join(__dirname, "alert-cases");

/** Every case of every file in `dir`, each file's `cases` export. */
export async function loadAlertCases(dir = ALERT_CASES_DIR): Promise<AlertCase[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "case.ts");
  const loaded = await Promise.all(
    files.sort().map(async (file) => {
      const module = (await import(join(dir, file))) as { cases?: readonly AlertCase[] };
      if (!Array.isArray(module.cases)) throw new Error(`${file} in ${dir} exports no \`cases\` array`);
      return module.cases;
    }),
  );
  return loaded.flat();
}
