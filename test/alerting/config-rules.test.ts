/**
 * The alerting section's rules, one test per rule: a compliant fixture stack validates, then one field is broken and
 * exactly that rule answers at its path. Then the defaults.
 */
import { describe, it, expect } from "vitest";
import { DEFAULT_GROUPING, resolveAlerting } from "../../config/alerting";
import { expectProblem, expectValid, fixture, teamsOf, type Cfg } from "../config/fixtures";

/** The staging fixture with one Slack receiver for the platform. */
function staging(): Cfg {
  const cfg = fixture("staging");
  cfg.alerting = { receivers: [{ name: "platform-slack", kind: "slack" }], platform: { receiver: "platform-slack" } };
  return cfg;
}

describe("alerting: receivers", () => {
  it("refuses two receivers of one name", () => {
    const cfg = staging();
    cfg.alerting.receivers.push({ name: "oncall", kind: "pagerduty" });
    cfg.alerting.platform.critical = "oncall";
    expectValid(cfg);
    cfg.alerting.receivers[1].name = "platform-slack";
    expectProblem(cfg, "alerting.receivers[1].name", "platform-slack is a receiver already: receiver names are unique");
  });

  it("reserves the name null for the receiver that drops alerts", () => {
    const cfg = staging();
    cfg.alerting.receivers[0].name = "null";
    cfg.alerting.platform.receiver = "null";
    expectProblem(cfg, "alerting.receivers[0].name", `"null" is reserved for the receiver that drops the chart's Watchdog and InfoInhibitor alerts`);
  });

  it("takes exactly the fields of its kind", () => {
    const cfg = staging();
    cfg.alerting.receivers[0].to = ["a@example.com"];
    expectProblem(cfg, "alerting.receivers[0].to", "unknown key");
  });

  it("refuses a receiver no route uses", () => {
    const cfg = staging();
    cfg.alerting.receivers.push({ name: "spare", kind: "webhook" });
    expectProblem(cfg, "alerting.receivers[1]", "spare is used by no route: name it in alerting.platform or in a team's alerts.receiver, or remove it");
  });

  it("checks a Slack channel and an email receiver's addresses and relay", () => {
    const cfg = staging();
    cfg.alerting.receivers[0].channel = "ML Alerts";
    expectProblem(cfg, "alerting.receivers[0].channel", 'is not a Slack channel such as "#ml-platform-alerts"');
    const mail = staging();
    mail.alerting.receivers = [{ name: "platform-mail", kind: "email", to: ["ops@example.com"], from: "am@example.com", smarthost: "smtp.example.com:587" }];
    mail.alerting.platform.receiver = "platform-mail";
    expectValid(mail);
    mail.alerting.receivers[0].smarthost = "smtp.example.com";
    expectProblem(mail, "alerting.receivers[0].smarthost", 'is not "<host>:<port>" such as "smtp.example.com:587"');
    mail.alerting.receivers[0].smarthost = "smtp.example.com:587";
    mail.alerting.receivers[0].to = [];
    expectProblem(mail, "alerting.receivers[0].to", "needs at least one address");
  });
});

describe("alerting: routes", () => {
  it("the platform's receiver is one of the receivers", () => {
    const cfg = staging();
    cfg.alerting.platform.receiver = "platform-slak";
    expectProblem(cfg, "alerting.platform.receiver", "platform-slak is not one of alerting.receivers (platform-slack)");
  });

  it("the platform's critical receiver is one of the receivers", () => {
    const cfg = fixture("prod");
    expectValid(cfg);
    cfg.alerting.platform.critical = "pager";
    expectProblem(cfg, "alerting.platform.critical", "pager is not one of alerting.receivers (platform-pager, platform-slack, recsys-slack, nlp-email)");
  });

  it("a team's receiver is one of the receivers", () => {
    const cfg = fixture("prod");
    teamsOf(cfg)[0].alerts.receiver = "recsys-slak";
    expectProblem(cfg, "teams[0].alerts.receiver", "recsys-slak is not one of alerting.receivers");
  });

  it("a team that names a receiver needs an alerting section", () => {
    const cfg = fixture("staging");
    teamsOf(cfg)[0].alerts = { receiver: "recsys-slack" };
    expectProblem(cfg, "teams[0].alerts.receiver", "needs an alerting section whose receivers include it");
  });

  it("is required in prod, optional elsewhere", () => {
    const cfg = fixture("prod");
    delete cfg.alerting;
    for (const team of teamsOf(cfg)) delete team.alerts;
    expectProblem(cfg, "alerting", "is required in prod: without receivers Alertmanager tells nobody");
    expectValid(fixture("staging"));
  });

  it("re-sends no faster than it groups", () => {
    const cfg = staging();
    cfg.alerting.grouping = { groupInterval: "10m", repeatInterval: "10m" };
    expectValid(cfg);
    cfg.alerting.grouping.repeatInterval = "5m";
    expectProblem(cfg, "alerting.grouping.repeatInterval", "5m is shorter than groupInterval (10m)");
  });

  it("takes durations of one unit", () => {
    const cfg = staging();
    cfg.alerting.grouping = { groupWait: "1h30m" };
    expectProblem(cfg, "alerting.grouping.groupWait", 'is not a duration such as "30s", "5m", "4h" or "1d"');
  });
});

describe("alerting: defaults", () => {
  it("notifies of resolution and groups 30s / 5m / 4h unless told otherwise", () => {
    const resolved = resolveAlerting({ receivers: [{ name: "a", kind: "webhook" }], platform: { receiver: "a" } });
    expect(resolved?.receivers[0].sendResolved).toBe(true);
    expect(resolved?.grouping).toEqual(DEFAULT_GROUPING);
    expect(DEFAULT_GROUPING).toEqual({ groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" });
    expect(resolveAlerting(undefined)).toBeUndefined();
  });
});
