/** Cron schedules, field by field. */
import { describe, it, expect } from "vitest";
import { cronProblem } from "../../config/cron";

describe("cronProblem", () => {
  it.each(["0 * * * *", "30 */2 * * *", "0 0 1 JAN,jul *", "15 9-17 * * MON-FRI", "*/5 0,12 1-31/2 * 0-7"])("accepts %s", (s) => {
    expect(cronProblem(s)).toBeUndefined();
  });

  it.each([
    ["99 99 99 99 99", 'the minute "99" is outside 0-59'],
    ["0 24 * * *", 'the hour "24" is outside 0-23'],
    ["0 0 0 * *", 'the day of month "0" is outside 1-31'],
    ["0 0 * 13 *", 'the month "13" is outside 1-12'],
    ["0 0 * * 8", 'the day of week "8" is outside 0-7'],
    ["*/0 * * * *", 'the minute step "0" is not a positive number'],
    ["0 * * *", "is not a five-field cron schedule"],
    ["@hourly", "is not a five-field cron schedule"],
    ["cron(0 12 * * ? *)", "is not a five-field cron schedule"],
  ])("rejects %s", (s, message) => {
    expect(cronProblem(s)).toContain(message);
  });
});
