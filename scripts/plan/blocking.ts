/** What makes a plan fail, one line each: the lines plan and check print on stderr and count. */
import { formatProblem } from "../../config/problems";
import { mandatory, type Violation } from "./policy";
import type { PlanResult } from "./run";
import { staleInventoryLines } from "./upstream";

export function blockingProblems(result: PlanResult, violations: readonly Violation[] = []): string[] {
  return [
    ...result.problems.map(formatProblem),
    ...result.schemaProblems.map((p) => `manifest ${p.object} fails the Kubernetes ${p.schemaVersion} API schema: ${p.message}`),
    ...result.duplicateUrns.map((urn) => `two resources share the URN ${urn}`),
    ...result.orderProblems,
    ...mandatory(violations).map((v) => `mandatory policy ${v.policy} (${v.urn.split("::").pop()}${v.chart ? `, chart ${v.chart}` : ""}): ${v.message}`),
    ...staleInventoryLines(result.upstream),
  ];
}
