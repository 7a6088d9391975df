import type { AdmissionPolicySpec } from "../crds/admission";

/** One runtime rule: a ValidatingAdmissionPolicy with its owner, reason and controls (charts/guardrails/rules.ts). */
export interface GuardrailRule {
  /** The policy's name, prefixed `mlops-` on the cluster. */
  readonly name: string;
  /** Who answers for the rule and decides on exceptions. */
  readonly owner: "platform-security" | "platform-operations";
  readonly reason: string;
  /** Control ids of docs/security-controls.md. */
  readonly controls: readonly string[];
  readonly spec: AdmissionPolicySpec;
}
