/**
 * The amtool helpers (scripts/cluster/amtool.ts) against the Alertmanager release the monitoring chart runs, over a
 * small routing tree written here: a team route, a platform default, and a critical route that continues to a
 * second receiver. The generated configuration's own route tests use the same helpers.
 */
import { describe, expect, inject, it } from "vitest";
import { checkAlertmanagerConfig, routeReceivers } from "../../scripts/cluster/amtool";

const CONFIG = `
route:
  receiver: platform
  group_by: [alertname, team]
  routes:
    - matchers: ['team="vision"']
      receiver: team-vision
    - matchers: ['severity="critical"']
      receiver: platform-pager
      continue: true
    - matchers: ['severity="critical"']
      receiver: platform-chat
receivers:
  - name: platform
  - name: team-vision
  - name: platform-pager
  - name: platform-chat
`;
const amtool = () => inject("amtool").binary;

describe("amtool against a small routing tree", () => {
  it("check-config accepts the tree, and refuses a route to a receiver nobody defined", () => {
    expect(checkAlertmanagerConfig(amtool(), CONFIG)).toMatch(/SUCCESS/);
    expect(() => checkAlertmanagerConfig(amtool(), CONFIG.replace("receiver: team-vision", "receiver: team-nobody"))).toThrow(/team-nobody/);
  });

  it("routes a team's alert to the team, and an alert without a team to the platform", () => {
    expect(routeReceivers(amtool(), CONFIG, { alertname: "TeamQuotaNearlyExhausted", team: "vision", severity: "warning" })).toEqual(["team-vision"]);
    expect(routeReceivers(amtool(), CONFIG, { alertname: "TeamQuotaNearlyExhausted", team: "speech", severity: "warning" })).toEqual(["platform"]);
    expect(routeReceivers(amtool(), CONFIG, { alertname: "ScrapeTargetDown", severity: "warning" })).toEqual(["platform"]);
  });

  it("lists every receiver a continuing route reaches, in the tree's order", () => {
    expect(routeReceivers(amtool(), CONFIG, { alertname: "NodeNotReady", severity: "critical" })).toEqual(["platform-pager", "platform-chat"]);
  });

  it("passes label values with commas, spaces and quotes as values", () => {
    expect(routeReceivers(amtool(), CONFIG, { alertname: "X", team: "vision", summary: 'a, b = "c"' })).toEqual(["team-vision"]);
  });

  it("a wrong expectation fails", () => {
    const got = routeReceivers(amtool(), CONFIG, { alertname: "TeamQuotaNearlyExhausted", team: "vision", severity: "critical" });
    expect(got).toEqual(["team-vision"]);
    expect(() => expect(got).toEqual(["platform"])).toThrow();
  });
});
