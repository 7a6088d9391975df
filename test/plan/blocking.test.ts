/** What plan and check print on stderr and count: every problem behind a non-zero exit, one line each. */
import { describe, it, expect } from "vitest";
import { blockingProblems } from "../../scripts/plan/blocking";
import { NOTHING_PLANNED, type PlanResult } from "../../scripts/plan/run";
import type { Violation } from "../../scripts/plan/policy";

const result = (over: Partial<PlanResult>): PlanResult => ({ stack: "dev", ok: false, problems: [], ...NOTHING_PLANNED, ...over });
const violation = (enforcement: Violation["enforcement"]): Violation => ({
  policy: "k8s-pod-security",
  severity: "high",
  enforcement,
  urn: "urn:pulumi:dev::mlops-platform::kubernetes:apps/v1:Deployment::team/ranker",
  message: "POD-02: no privilege escalation",
});

describe("blockingProblems", () => {
  it("lists config problems with their names, schema problems, duplicate URNs and mandatory violations; not advisory ones", () => {
    const lines = blockingProblems(
      result({
        problems: [
          {
            path: "teams[1].quota.gpu.gpu",
            where: "teams[1] (nlp).quota.gpu.gpu",
            message: "0.5 is not a whole unit: a unit of pool gpu is a time slice of a shared GPU",
          },
        ],
        schemaProblems: [{ object: "v1 ConfigMap team/x", schemaVersion: "1.33", message: "data must be object" }],
        duplicateUrns: ["urn:pulumi:dev::mlops-platform::x::y"],
      }),
      [violation("mandatory"), violation("advisory")],
    );
    expect(lines).toEqual([
      "teams[1] (nlp).quota.gpu.gpu: 0.5 is not a whole unit: a unit of pool gpu is a time slice of a shared GPU",
      "manifest v1 ConfigMap team/x fails the Kubernetes 1.33 API schema: data must be object",
      "two resources share the URN urn:pulumi:dev::mlops-platform::x::y",
      "mandatory policy k8s-pod-security (team/ranker): POD-02: no privilege escalation",
    ]);
  });

  it("is empty for a clean plan with advisory findings only", () => {
    expect(blockingProblems(result({ ok: true }), [violation("advisory")])).toEqual([]);
  });
});
