/**
 * The checks every shipped stack must pass whatever an adopter put into it: the offline plan (config, API
 * schema, URNs) and the policy pack's mandatory rules. They pin no names, accounts, regions or sizes.
 */
import { expect } from "vitest";
import { mandatory, runPolicies, type Violation } from "../../scripts/plan/policy";
import { runPlan, type PlanResult } from "../../scripts/plan/run";
import type { StackConfig } from "../../scripts/plan/stack-file";
import { TODAY } from "./stack";

export interface StackCheck {
  readonly stack: string;
  readonly result: PlanResult;
  /** The pack's violations; empty when the plan failed (nothing to check). */
  readonly violations: readonly Violation[];
}

/** Plans a stack offline on the fixed test day and runs the policy pack over the plan. */
export async function checkStack(stack: string, stackConfig: StackConfig): Promise<StackCheck> {
  const result = await runPlan(stack, { stackConfig, today: TODAY });
  const violations = result.config ? await runPolicies(result, result.config.environment) : [];
  return { stack, result, violations };
}

const describeProblems = (c: StackCheck) => c.result.problems.map((p) => `${p.path}: ${p.message}`);
const describeViolations = (vs: readonly Violation[]) => vs.map((v) => `${v.policy} ${v.urn}: ${v.message}`);

/** Zero config problems, zero schema problems, zero duplicate URNs, zero mandatory policy violations. */
export function expectClean(c: StackCheck): void {
  expect(describeProblems(c), `stack ${c.stack}: config problems`).toEqual([]);
  expect(c.result.config, `stack ${c.stack}: no config resolved`).toBeDefined();
  expect(c.result.schemaProblems, `stack ${c.stack}: schema problems`).toEqual([]);
  expect(c.result.duplicateUrns, `stack ${c.stack}: duplicate URNs`).toEqual([]);
  expect(c.result.resources.length, `stack ${c.stack}: planned nothing`).toBeGreaterThan(0);
  expect(describeViolations(mandatory(c.violations)), `stack ${c.stack}: mandatory policy violations`).toEqual([]);
  expect(c.result.ok).toBe(true);
}
