/** The guardrail rules as Kubernetes objects: one ValidatingAdmissionPolicy and one Deny binding per rule. */
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { validatingAdmissionPolicy, validatingAdmissionPolicyBinding } from "../crds/admission";
import { manifests, type Manifest } from "../kube";
import { guardrailRules, type GuardrailInputs } from "./rules";

export { guardrailRules, type GuardrailInputs, type GuardrailRule } from "./rules";

export const guardrailPolicyName = (rule: string): string => `mlops-${rule}`;

export function guardrailObjects(inputs: GuardrailInputs): Manifest[] {
  return manifests((scope) => {
    for (const rule of guardrailRules(inputs)) {
      const name = guardrailPolicyName(rule.name);
      const metadata = {
        name,
        labels: { ...PLATFORM_OWNED_LABELS },
        annotations: { "mlops.platform/owner": rule.owner, "mlops.platform/reason": rule.reason, "mlops.platform/controls": rule.controls.join(",") },
      };
      validatingAdmissionPolicy(scope, `${name}-policy`, metadata, rule.spec);
      validatingAdmissionPolicyBinding(
        scope,
        `${name}-binding`,
        { name, labels: { ...PLATFORM_OWNED_LABELS } },
        { policyName: name, validationActions: ["Deny"] },
      );
    }
  });
}
