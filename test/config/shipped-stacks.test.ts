/**
 * The shipped stacks/ are the adopters' to edit: accounts, ARNs, region, CIDRs, cluster names, pool sizes.
 * So this suite pins none of their values. Whatever stack files are there, each must plan offline without a
 * config problem, a schema problem or a duplicate URN, and pass every mandatory policy of its environment.
 * Assertions about specific values live in the suites over test/fixtures/stacks.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { listStacks } from "../../scripts/plan/stack-file";
import { checkStack, expectClean, type StackCheck } from "../helpers/plan-checks";
import { fixtureStack, shippedStackConfig, stackConfig } from "../helpers/stack";

const STACKS = listStacks();
const checks = new Map<string, StackCheck>();

beforeAll(async () => {
  for (const stack of STACKS) checks.set(stack, await checkStack(stack, shippedStackConfig(stack)));
});

describe("shipped stacks", () => {
  it("stacks/ holds at least one stack file", () => {
    expect(STACKS.length).toBeGreaterThan(0);
  });

  it.each(STACKS)("%s plans cleanly and passes every mandatory policy", (stack) => {
    expectClean(checks.get(stack)!);
  });
});

describe("the check itself", () => {
  it("fails a stack with a config problem", async () => {
    const broken = { ...fixtureStack("dev"), surprise: true };
    const check = await checkStack("dev", stackConfig(broken));
    expect(() => expectClean(check)).toThrow(/config problems/);
  });
});
