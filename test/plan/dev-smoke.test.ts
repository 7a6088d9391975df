import { describe, expect, it } from "vitest";
import { runPlan } from "../../scripts/plan/run";
import { shippedStackConfig, TODAY } from "../helpers/stack";

describe("offline plan of dev", () => {
  it("plans without config or schema problems", async () => {
    const result = await runPlan("dev", { stackConfig: shippedStackConfig("dev"), today: TODAY });
    expect(result.problems).toEqual([]);
    expect(result.schemaProblems).toEqual([]);
    expect(result.resources.length).toBeGreaterThan(50);
  });
});
