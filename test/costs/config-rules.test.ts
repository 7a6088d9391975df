/**
 * The costs section's rules, one test per rule: a compliant fixture stack validates, then one field is broken and
 * exactly that rule answers at its path. Then the defaults.
 */
import { describe, it, expect } from "vitest";
import { DEFAULT_BUDGET_ALERTS, resolveCosts } from "../../config/costs";
import { expectProblem, expectValid, fixture, type Cfg } from "../config/fixtures";

const PRICES = { cpuCoreHour: 0.03, memoryGiBHour: 0.004, gpuHour: 1.2, storageGiBMonth: 0.08 };
const TOPIC = "arn:aws:sns:us-east-1:111122223333:budget-alerts";
const budget = (extra: Cfg = {}): Cfg => ({ costCenter: "cc-4711", monthlyUsd: 1000, notify: { emails: ["leads@example.com"] }, ...extra });

describe("costs: where each part applies", () => {
  it("refuses a price table on EKS (priced from AWS)", () => {
    const cfg = fixture("prod");
    cfg.costs = { allocation: { enabled: true } };
    expectValid(cfg);
    cfg.costs.allocation.prices = PRICES;
    expectProblem(cfg, "costs.allocation.prices", "is for existing clusters; on EKS OpenCost prices nodes from AWS's public price list");
  });

  it("requires a price table to turn allocation on in an existing cluster", () => {
    const cfg = fixture("local");
    cfg.costs = { allocation: { enabled: true, prices: PRICES } };
    expectValid(cfg);
    delete cfg.costs.allocation.prices;
    expectProblem(cfg, "costs.allocation.prices", "is required to turn cost allocation on in an existing cluster");
  });

  it("refuses cost allocation tags on an existing cluster", () => {
    const cfg = fixture("local");
    cfg.costs = { allocationTags: false };
    expectValid(cfg);
    cfg.costs.allocationTags = true;
    expectProblem(cfg, "costs.allocationTags", "needs an EKS cluster (AWS): cost allocation tags are an AWS billing setting");
  });

  it("refuses the CUR 2.0 export on an existing cluster", () => {
    const cfg = fixture("local");
    cfg.costs = { dataExport: { enabled: false } };
    expectValid(cfg);
    cfg.costs.dataExport.enabled = true;
    expectProblem(cfg, "costs.dataExport", "needs an EKS cluster (AWS): the CUR 2.0 export is AWS's bill");
  });
});

describe("costs: budgets", () => {
  it("one budget per cost center", () => {
    const cfg = fixture("prod");
    cfg.costs = { budgets: [budget(), budget({ costCenter: "cc-4712" })] };
    expectValid(cfg);
    cfg.costs.budgets[1].costCenter = "cc-4711";
    expectProblem(cfg, "costs.budgets[1].costCenter", "cc-4711 has a budget already: one budget per cost center");
  });

  it("names the stack's cost center or a team's", () => {
    const cfg = fixture("prod");
    cfg.costs = { budgets: [budget({ costCenter: "ml-platform" })] };
    expectValid(cfg);
    cfg.costs.budgets[0].costCenter = "cc-9999";
    expectProblem(cfg, "costs.budgets[0].costCenter", "cc-9999 is neither the stack's cost center nor any team's (ml-platform, cc-4711");
  });

  it("on EKS tells someone: an email address or an SNS topic", () => {
    const cfg = fixture("prod");
    cfg.costs = { budgets: [budget({ notify: { snsTopicArns: [TOPIC] } })] };
    expectValid(cfg);
    cfg.costs.budgets[0].notify = { emails: [] };
    expectProblem(cfg, "costs.budgets[0].notify", "needs at least one email address or SNS topic: AWS Budgets tells no one otherwise");
  });

  it("on an existing cluster takes no notify targets (no AWS Budgets there)", () => {
    const cfg = fixture("local");
    cfg.costs = { budgets: [{ costCenter: "ml-platform", monthlyUsd: 500 }] };
    expectValid(cfg);
    cfg.costs.budgets[0].notify = { emails: ["leads@example.com"] };
    expectProblem(cfg, "costs.budgets[0].notify", "needs an EKS cluster (AWS Budgets)");
  });

  it("names each threshold once", () => {
    const cfg = fixture("prod");
    cfg.costs = {
      budgets: [
        budget({
          alerts: [
            { percent: 80, on: "actual" },
            { percent: 80, on: "forecasted" },
          ],
        }),
      ],
    };
    expectValid(cfg);
    cfg.costs.budgets[0].alerts[1].on = "actual";
    expectProblem(cfg, "costs.budgets[0].alerts", "names the same threshold twice");
  });
});

describe("costs: schema", () => {
  it.each([["a price of 0", (c: Cfg) => (c.costs.allocation.prices.gpuHour = 0), "costs.allocation.prices.gpuHour", "must be a price above 0 (US dollars)"]])(
    "refuses %s",
    (_what, breakIt, path, message) => {
      const cfg = fixture("local");
      cfg.costs = { allocation: { prices: { ...PRICES } } };
      expectValid(cfg);
      breakIt(cfg);
      expectProblem(cfg, path, message);
    },
  );

  it.each([
    ["an amount of 0", (b: Cfg) => (b.monthlyUsd = 0), "costs.budgets[0].monthlyUsd", "must be an amount above 0 (US dollars)"],
    ["a malformed email address", (b: Cfg) => (b.notify.emails = ["leads@example"]), "costs.budgets[0].notify.emails[0]", "is not an email address"],
    [
      "a malformed SNS topic ARN",
      (b: Cfg) => (b.notify.snsTopicArns = ["arn:aws:sqs:us-east-1:111122223333:q"]),
      "costs.budgets[0].notify.snsTopicArns[0]",
      "is not an SNS topic ARN",
    ],
    [
      "more than one SNS topic",
      (b: Cfg) => (b.notify.snsTopicArns = [TOPIC, `${TOPIC}-2`]),
      "costs.budgets[0].notify.snsTopicArns",
      "has more than the one SNS subscriber",
    ],
    [
      "more than 10 email addresses",
      (b: Cfg) => (b.notify.emails = Array.from({ length: 11 }, (_, i) => `lead${i}@example.com`)),
      "costs.budgets[0].notify.emails",
      "has more than the 10 email subscribers AWS Budgets allows",
    ],
    [
      "more than 5 alerts",
      (b: Cfg) => (b.alerts = [50, 60, 70, 80, 90, 100].map((percent) => ({ percent, on: "actual" }))),
      "costs.budgets[0].alerts",
      "has more than the 5 notifications AWS Budgets allows per budget",
    ],
    ["an unknown key", (b: Cfg) => (b.limit = 5), "costs.budgets[0].limit", "unknown key"],
  ])("refuses %s in a budget", (_what, breakIt, path, message) => {
    const cfg = fixture("prod");
    cfg.costs = { budgets: [budget()] };
    expectValid(cfg);
    breakIt(cfg.costs.budgets[0]);
    expectProblem(cfg, path, message);
  });
});

describe("costs: defaults", () => {
  it("on EKS: allocation on, idle cost to the platform, allocation tags on, no budgets, no export", () => {
    expect(resolveCosts(undefined, true)).toEqual({
      allocation: { enabled: true, idle: "platform", prices: undefined },
      budgets: [],
      allocationTags: true,
      dataExport: false,
    });
  });

  it("on an existing cluster: allocation only with prices, never allocation tags", () => {
    expect(resolveCosts(undefined, false)).toMatchObject({ allocation: { enabled: false }, allocationTags: false, dataExport: false });
    expect(resolveCosts({ allocation: { prices: PRICES } }, false).allocation).toEqual({ enabled: true, idle: "platform", prices: PRICES });
  });

  it("a budget alerts at 80 % of actual and 100 % of forecast spend, and lists no targets unless given", () => {
    expect(resolveCosts({ budgets: [{ costCenter: "cc-4711", monthlyUsd: 1000 }] }, true).budgets).toEqual([
      { costCenter: "cc-4711", monthlyUsd: 1000, alerts: DEFAULT_BUDGET_ALERTS, emails: [], snsTopicArns: [] },
    ]);
    expect(DEFAULT_BUDGET_ALERTS).toEqual([
      { percent: 80, on: "actual" },
      { percent: 100, on: "forecasted" },
    ]);
  });
});
