/**
 * The generated Alertmanager config: the route tree per team, the pager, inhibitions, grouping, and credentials only as
 * *_file paths of the mounted Secret. The examples table is checked against the tree with a small evaluator of
 * Alertmanager's first-match-unless-continue walk (the amtool tests check the same with the real tool).
 */
import { describe, it, expect } from "vitest";
import { parse } from "yaml";
import { resolveAlerting, type AlertingInput } from "../../config/alerting";
import {
  alertmanagerConfig,
  alertmanagerConfigYaml,
  GROUP_BY,
  receiverSecretFile,
  type AlertmanagerInputs,
  type AlertmanagerRoute,
} from "../../charts/observability/alertmanager-config";
import { routeExamples } from "../../charts/observability/alertmanager-routes";

const ALERTING: AlertingInput = {
  receivers: [
    { name: "pager", kind: "pagerduty" },
    { name: "platform-slack", kind: "slack", channel: "#ml-platform" },
    {
      name: "vision-mail",
      kind: "email",
      to: ["a@example.com", "b@example.com"],
      from: "am@example.com",
      smarthost: "smtp.example.com:587",
      authUsername: "am",
    },
    { name: "nlp-hook", kind: "webhook", sendResolved: false },
  ],
  platform: { receiver: "platform-slack", critical: "pager" },
};
const TEAMS = [{ name: "vision", alerts: { receiver: "vision-mail" } }, { name: "nlp", alerts: { receiver: "nlp-hook" } }, { name: "fraud" }];
const INPUTS: AlertmanagerInputs = { alerting: resolveAlerting(ALERTING), teams: TEAMS };

/** Alertmanager's route walk for equality and regex matchers of the forms the builder writes. */
function matches(matcher: string, labels: Record<string, string>): boolean {
  const m = /^([a-z_]+)(=~|=)"(.*)"$/.exec(matcher);
  if (!m) throw new Error(`unexpected matcher ${matcher}`);
  const value = labels[m[1]] ?? "";
  return m[2] === "=" ? value === m[3] : new RegExp(`^(?:${m[3]})$`).test(value);
}
function receiversFor(root: { receiver: string; routes: readonly AlertmanagerRoute[] }, labels: Record<string, string>): string[] {
  const hits: string[] = [];
  for (const route of root.routes) {
    if (!(route.matchers ?? []).every((m) => matches(m, labels))) continue;
    hits.push(route.receiver);
    if (!route.continue) break;
  }
  return hits.length > 0 ? hits : [root.receiver];
}

describe("the route tree", () => {
  const config = alertmanagerConfig(INPUTS);

  it("roots at the platform's receiver, grouped by alert name, namespace and team", () => {
    expect(config.route).toMatchObject({ receiver: "platform-slack", group_by: [...GROUP_BY], group_wait: "30s", group_interval: "5m", repeat_interval: "4h" });
    expect(GROUP_BY).toEqual(["alertname", "namespace", "team"]);
  });

  it("routes each team's alerts to its receiver, the platform's when it names none", () => {
    expect(config.route.routes.filter((r) => r.matchers?.some((m) => m.startsWith("team=")))).toEqual([
      { receiver: "vision-mail", matchers: ['team="vision"'] },
      { receiver: "nlp-hook", matchers: ['team="nlp"'] },
      { receiver: "platform-slack", matchers: ['team="fraud"'] },
    ]);
  });

  it("sends every example where the table says", () => {
    const examples = routeExamples(INPUTS);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(receiversFor(config.route, { ...example.labels }), JSON.stringify(example.labels)).toEqual(example.receivers);
  });

  it("pages for the platform's critical alerts and keeps the channel told; a team's critical alert never pages", () => {
    expect(receiversFor(config.route, { alertname: "NodeNotReady", severity: "critical" })).toEqual(["pager", "platform-slack"]);
    expect(receiversFor(config.route, { alertname: "X", severity: "critical", team: "vision" })).toEqual(["vision-mail"]);
    expect(receiversFor(config.route, { alertname: "ScrapeTargetDown", severity: "warning" })).toEqual(["platform-slack"]);
    expect(receiversFor(config.route, { alertname: "Watchdog", severity: "none" })).toEqual(["null"]);
  });

  it("has no pager route without a critical receiver, and drops everything without an alerting section", () => {
    const noPager = alertmanagerConfig({ ...INPUTS, alerting: resolveAlerting({ ...ALERTING, platform: { receiver: "platform-slack" } }) });
    expect(receiversFor(noPager.route, { alertname: "NodeNotReady", severity: "critical" })).toEqual(["platform-slack"]);
    const none = alertmanagerConfig({ teams: TEAMS });
    expect(none.route.receiver).toBe("null");
    expect(none.receivers).toEqual([{ name: "null" }]);
    for (const example of routeExamples({ teams: TEAMS })) expect(receiversFor(none.route, { ...example.labels })).toEqual(["null"]);
  });

  it("sets every key of the chart's default config, so none of its routing leaks in", () => {
    expect(Object.keys(config).sort()).toEqual(["global", "inhibit_rules", "receivers", "route", "templates"]);
    expect(Object.keys(config.route).sort()).toEqual(["group_by", "group_interval", "group_wait", "receiver", "repeat_interval", "routes"]);
  });
});

describe("receivers", () => {
  const config = alertmanagerConfig(INPUTS);
  const byName = new Map(config.receivers.map((r) => [r.name, r]));

  it("read every credential from the mounted Secret's file", () => {
    expect(byName.get("pager")).toEqual({ name: "pager", pagerduty_configs: [{ send_resolved: true, routing_key_file: receiverSecretFile("pager") }] });
    expect(byName.get("platform-slack")).toEqual({
      name: "platform-slack",
      slack_configs: [{ send_resolved: true, api_url_file: "/etc/alertmanager/secrets/alertmanager-receivers/platform-slack", channel: "#ml-platform" }],
    });
    expect(byName.get("vision-mail")).toEqual({
      name: "vision-mail",
      email_configs: [
        {
          send_resolved: true,
          to: "a@example.com, b@example.com",
          from: "am@example.com",
          smarthost: "smtp.example.com:587",
          auth_username: "am",
          auth_password_file: receiverSecretFile("vision-mail"),
        },
      ],
    });
    expect(byName.get("nlp-hook")).toEqual({
      name: "nlp-hook",
      webhook_configs: [{ send_resolved: false, url_file: receiverSecretFile("nlp-hook"), max_alerts: 0 }],
    });
  });

  it("never carry a credential inline (api_url, routing_key, auth_password, url)", () => {
    const inline = /"(api_url|routing_key|service_key|auth_password|url)":/;
    expect(JSON.stringify(config.receivers)).not.toMatch(inline);
  });

  it("an email receiver without a user reads no password", () => {
    const open = alertmanagerConfig({
      teams: [],
      alerting: resolveAlerting({
        receivers: [{ name: "relay", kind: "email", to: ["a@example.com"], from: "am@example.com", smarthost: "relay.internal:25" }],
        platform: { receiver: "relay" },
      }),
    });
    expect(JSON.stringify(open.receivers)).not.toContain("auth_");
  });
});

describe("inhibitions", () => {
  const rules = alertmanagerConfig(INPUTS).inhibit_rules;
  const rule = (source: string) => rules.filter((r) => r.source_matchers.includes(source));

  it("a critical alert silences its warning of the same name, namespace and team", () => {
    expect(rule('severity="critical"')).toEqual([
      { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ["alertname", "namespace", "team"] },
    ]);
  });

  it("a node that is not Ready silences its GPUs' alerts, on the same node only", () => {
    const [nodeRule] = rule('alertname="NodeNotReady"');
    expect(nodeRule.equal).toEqual(["node"]);
    for (const name of ["GpuXidError", "GpuThermalOrPowerThrottling", "GpuMemoryPressure"])
      expect(matches(nodeRule.target_matchers[0], { alertname: name })).toBe(true);
    expect(matches(nodeRule.target_matchers[0], { alertname: "NodeNotReady" })).toBe(false);
  });

  it("Kueue down silences the starving queues and its own scrape target", () => {
    expect(rule('alertname="KueueControllerDown"').map((r) => [r.target_matchers, r.equal])).toEqual([
      [['alertname="KueueTeamStarving"'], []],
      [['alertname="ScrapeTargetDown"'], ["job", "namespace"]],
    ]);
  });

  it("keeps the chart's InfoInhibitor: info alerts of a namespace stay quiet while it fires", () => {
    expect(rule('alertname="InfoInhibitor"')).toEqual([
      { source_matchers: ['alertname="InfoInhibitor"'], target_matchers: ['severity="info"'], equal: ["namespace"] },
    ]);
  });
});

describe("alertmanagerConfigYaml", () => {
  it("is the same config as YAML", () => {
    expect(parse(alertmanagerConfigYaml(INPUTS))).toEqual(JSON.parse(JSON.stringify(alertmanagerConfig(INPUTS))));
  });
});
