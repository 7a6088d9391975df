import type { AdmissionPolicySpec } from "../crds/admission";
import { TEAM_NAMESPACE_LABEL } from "../../domain/ownership";
import type { LabelSelector } from "../kube";

/** The namespaces the team rules judge: every namespace the platform made for a team (its team label). */
export const TEAM_NAMESPACES: LabelSelector = { matchExpressions: [{ key: TEAM_NAMESPACE_LABEL, operator: "Exists" }] };

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
