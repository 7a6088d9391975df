/**
 * The inline-volume rule (mlops-team-inline-volumes) as generated: every stack gets it, it matches team namespaces
 * and every pod-bearing kind, and its message names the volumes and what to use instead. The API server compiles
 * and runs it in test/cluster/guardrails-volumes.test.ts.
 */
import { describe, expect, it } from "vitest";
import { guardrailObjects, guardrailPolicyName, guardrailRules } from "../../charts/guardrails";
import { inlineVolumesRule } from "../../charts/guardrails/volumes";
import { WORKLOAD_RESOURCES } from "../../charts/guardrails/pod-templates";
import { TEAM_NAMESPACE_LABEL } from "../../domain/ownership";

const rule = inlineVolumesRule();
const POLICY = guardrailPolicyName(rule.name);

describe("the inline-volume rule", () => {
  it("is in every stack's rules, owned by platform security, serving FS-05, failing closed", () => {
    for (const inputs of [{}, { kserveRoutes: true }, { imageRegistries: ["registry.example.com"] }]) {
      expect(guardrailRules(inputs).find((r) => r.name === rule.name)).toEqual(rule);
    }
    expect(rule.owner).toBe("platform-security");
    expect(rule.controls).toEqual(["FS-05"]);
    expect(rule.spec.failurePolicy).toBe("Fail");
  });

  it("renders as a policy and a Deny binding", () => {
    const objects = guardrailObjects({}) as { kind: string; metadata: { name: string }; spec: { validationActions?: string[] } }[];
    expect(objects.filter((o) => o.metadata.name === POLICY).map((o) => o.kind)).toEqual(["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]);
    expect(objects.find((o) => o.kind === "ValidatingAdmissionPolicyBinding" && o.metadata.name === POLICY)?.spec.validationActions).toEqual(["Deny"]);
  });

  it("matches team namespaces only, and Pods and every workload kind whose pod template the rules read", () => {
    expect(rule.spec.matchConstraints.namespaceSelector).toEqual({ matchExpressions: [{ key: TEAM_NAMESPACE_LABEL, operator: "Exists" }] });
    const resources = rule.spec.matchConstraints.resourceRules.flatMap((r) => r.resources);
    expect(resources).toEqual(["pods", ...WORKLOAD_RESOURCES.flatMap((w) => w.resources)]);
    for (const r of rule.spec.matchConstraints.resourceRules) expect(r.operations).toEqual(["CREATE", "UPDATE"]);
  });

  it("judges only inline csi volumes, naming each with its driver, and points to the team's claims", () => {
    const [validation] = rule.spec.validations;
    expect(validation.expression).toContain("has(v.csi)");
    expect(validation.expression).not.toContain("ephemeral");
    expect(validation.messageExpression).toContain("v.csi.driver");
    expect(validation.messageExpression).toContain("shared-files, scratch");
  });
});
