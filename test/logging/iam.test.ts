/** The logging IAM documents against the team roles' permissions boundary: what a team may read, the boundary allows. */
import { describe, it, expect } from "vitest";
import { fluentBitLogsPolicy, LOG_READ_ACTIONS, teamLogsReadPolicy } from "../../components/logging/iam";
import { teamBoundaryPolicy } from "../../components/teams";
import { platformLogGroupName, teamLogGroupName } from "../../domain/log-groups";
import { globMatches } from "../helpers/glob";

const KEY = { arn: "arn:aws:kms:eu-west-1:123456789012:key/abc", region: "eu-west-1" };
const arr = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** IAM's ARN glob. */
const covers = globMatches;

describe("a team's log read policy and the boundary", () => {
  const boundary = teamBoundaryPolicy("mlops-prod", "123456789012", KEY);
  const read = teamLogsReadPolicy("eu-west-1", "123456789012", teamLogGroupName("mlops-prod", "recsys"));

  it("every scoped action on every resource of the read policy is allowed by the boundary", () => {
    const scoped = read.Statement.filter((s) => !arr(s.Resource).includes("*"));
    expect(scoped.length).toBeGreaterThan(0);
    for (const s of scoped) {
      for (const action of arr(s.Action)) {
        for (const resource of arr(s.Resource)) {
          const allowed = boundary.Statement.some((b) => arr(b.Action).includes(action) && arr(b.Resource).some((r) => covers(r, resource)));
          expect(allowed, `${action} on ${resource}`).toBe(true);
        }
      }
    }
  });

  it("query results (no resource in IAM) stay outside the boundary: from the team's own pods logs are tailed and filtered, not queried", () => {
    const unscoped = read.Statement.filter((s) => arr(s.Resource).includes("*"));
    expect(unscoped.flatMap((s) => arr(s.Action))).toEqual(["logs:GetQueryResults", "logs:StopQuery"]);
    // A boundary with Resource "*" would let any team role read any query's results by its id.
    expect(boundary.Statement.some((b) => arr(b.Resource).includes("*"))).toBe(false);
  });

  it("the boundary reads the teams' groups only: not the platform's, not another cluster's, and writes nothing", () => {
    const logs = boundary.Statement.filter((s) => arr(s.Action).some((a) => a.startsWith("logs:")));
    expect(logs).toHaveLength(1);
    expect(arr(logs[0].Action)).toEqual([...LOG_READ_ACTIONS]);
    const arn = (group: string) => `arn:aws:logs:eu-west-1:123456789012:log-group:${group}`;
    expect(covers(arr(logs[0].Resource)[0], arn(teamLogGroupName("mlops-prod", "nlp")))).toBe(true);
    expect(covers(arr(logs[0].Resource)[0], arn(platformLogGroupName("mlops-prod")))).toBe(false);
    expect(covers(arr(logs[0].Resource)[0], arn(teamLogGroupName("mlops-dev", "nlp")))).toBe(false);
  });
});

describe("Fluent Bit's policy", () => {
  it("writes streams and events on the named groups and their streams, nothing else", () => {
    const policy = fluentBitLogsPolicy("eu-west-1", "123456789012", ["/mlops/c/platform", "/mlops/c/teams/a"]);
    expect(policy.Statement).toHaveLength(1);
    expect(arr(policy.Statement[0].Action).some((a) => a.includes("*") || (a.includes("Create") && a !== "logs:CreateLogStream"))).toBe(false);
    expect(arr(policy.Statement[0].Resource)).toEqual([
      "arn:aws:logs:eu-west-1:123456789012:log-group:/mlops/c/platform",
      "arn:aws:logs:eu-west-1:123456789012:log-group:/mlops/c/platform:*",
      "arn:aws:logs:eu-west-1:123456789012:log-group:/mlops/c/teams/a",
      "arn:aws:logs:eu-west-1:123456789012:log-group:/mlops/c/teams/a:*",
    ]);
  });
});
