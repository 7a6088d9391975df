/** Cron schedules, field by field, as the API server's parser (robfig/cron ParseStandard) takes them. */
import { describe, it, expect } from "vitest";
import { cronProblem } from "../../config/cron";

describe("cronProblem", () => {
  it.each([
    "0 * * * *",
    "30 */2 * * *",
    "0 0 1 JAN,jul *",
    "15 9-17 * * MON-FRI",
    "*/5 0,12 1-31/2 * 0-6",
    "0 0 ? * *",
    "5/15 * * * *",
    "@hourly",
    "@daily",
    "@midnight",
    "@annually",
    "@every 1h30m",
    "@every 90s",
  ])("accepts %s", (s) => {
    expect(cronProblem(s)).toBeUndefined();
  });

  it.each([
    ["99 99 99 99 99", 'the minute "99" is outside 0-59'],
    ["0 24 * * *", 'the hour "24" is outside 0-23'],
    ["0 0 0 * *", 'the day of month "0" is outside 1-31'],
    ["0 0 * 13 *", 'the month "13" is outside 1-12'],
    ["0 0 * * 7", 'the day of week "7" is outside 0-6'],
    ["*/0 * * * *", 'the minute step "0" is not a positive number'],
    ["0 17-9 * * *", 'the hour range "17-9" runs backwards'],
    ["0 1-2-3 * * *", 'the hour "1-2-3" has more than one "-"'],
    ["*/5/2 * * * *", 'the minute "*/5/2" has more than one "/"'],
    ["0 * * *", "is not a five-field cron schedule"],
    ["cron(0 12 * * ? *)", "is not a five-field cron schedule"],
    ["@reboot", "is not a descriptor a CronJob knows"],
    ["@every tuesday", "is not a descriptor a CronJob knows"],
    ["TZ=Europe/Paris 0 * * * *", "CronJobs take it from spec.timeZone"],
    ["CRON_TZ=UTC 0 * * * *", "CronJobs take it from spec.timeZone"],
  ])("rejects %s", (s, message) => {
    expect(cronProblem(s)).toContain(message);
  });
});
