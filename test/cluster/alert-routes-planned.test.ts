/**
 * The Alertmanager configuration each fixture stack plans, as the monitoring chart receives it, checked with the
 * amtool of the release the chart runs: Alertmanager accepts it (`amtool check-config`), and every route of the tree
 * delivers where routeExamples() says (`amtool config routes test`): the null receiver for the chart's Watchdog and
 * InfoInhibitor, the platform receiver, the pager with the platform after it, and each team's receiver.
 */
import { describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { runPlan } from "../../scripts/plan/run";
import { checkAlertmanagerConfig, routeReceivers } from "../../scripts/cluster/amtool";
import { routeExamples } from "../../charts/observability/alertmanager-routes";
import { MONITORING_NAMESPACE } from "../../charts/observability";
import { fixtureStackConfig, fixtureStacks } from "../helpers/stack";

const amtool = () => inject("amtool").binary;

/** Each stack planned once, however many tests read it. */
const planned = new Map<string, ReturnType<typeof planAlertmanager>>();
function plannedAlertmanager(stack: string): ReturnType<typeof planAlertmanager> {
  const plan = planned.get(stack) ?? planAlertmanager(stack);
  planned.set(stack, plan);
  return plan;
}

/** The planned Alertmanager config (the monitoring release's values) and the resolved config it came from. */
async function planAlertmanager(stack: string) {
  const result = await runPlan(stack, { stackConfig: fixtureStackConfig(stack) });
  if (!result.ok || result.config === undefined) throw new Error(`fixture stack ${stack} did not plan: ${JSON.stringify(result.problems)}`);
  const monitoring = result.charts.filter((c) => c.chart === "kube-prometheus-stack" && c.namespace === MONITORING_NAMESPACE);
  expect(monitoring, `stack ${stack} plans one monitoring release`).toHaveLength(1);
  const config = (monitoring[0].values.alertmanager as { config?: unknown } | undefined)?.config;
  expect(config, `stack ${stack}: the chart gets a whole Alertmanager config`).toBeDefined();
  return { yaml: stringify(config), config: result.config };
}

describe("the planned Alertmanager configuration, with amtool", () => {
  const stacks = fixtureStacks();
  it("covers the fixture stacks, one of them with receivers for teams", async () => {
    expect(stacks.length).toBeGreaterThanOrEqual(4);
    const prod = await plannedAlertmanager("prod");
    expect(prod.config.alerting, "the prod fixture configures receivers").toBeDefined();
    expect(
      prod.config.teams.some((t) => t.alerts !== undefined),
      "a prod fixture team names its receiver",
    ).toBe(true);
  });

  for (const stack of stacks) {
    it(`${stack}: Alertmanager accepts it, and every route example reaches its receivers in order`, async () => {
      const { yaml, config } = await plannedAlertmanager(stack);
      expect(checkAlertmanagerConfig(amtool(), yaml)).toMatch(/SUCCESS/);
      const examples = routeExamples({ alerting: config.alerting, teams: config.teams });
      expect(examples.length).toBeGreaterThanOrEqual(4 + 2 * config.teams.length);
      for (const example of examples) expect(routeReceivers(amtool(), yaml, example.labels), JSON.stringify(example.labels)).toEqual(example.receivers);
    });
  }
});
