import type { AdmissionPolicySpec } from "../crds/admission";
import { TEAM_GROUP_ANNOTATION_PREFIX, TEAM_NAMESPACE_LABEL } from "../../domain/ownership";
import { serviceOptInLabel } from "../../domain/team-services";
import type { LabelSelector } from "../kube";

/** The namespaces the team rules judge: every namespace the platform made for a team (its team label). */
export const TEAM_NAMESPACES: LabelSelector = { matchExpressions: [{ key: TEAM_NAMESPACE_LABEL, operator: "Exists" }] };

/** The request's namespace opted into pipelines: the team's own Kubeflow Pipelines runs there (its opt-in label). */
export const WITH_PIPELINES = `namespaceObject.?metadata.?labels[?'${serviceOptInLabel("pipelines")}'].orValue('') == 'true'`;

const ANNOTATIONS = "namespaceObject.?metadata.?annotations.orValue({})";

/**
 * A request made by one of the team's groups (the namespace's `mlops.platform/team-group-*` annotations, one
 * group each) or by a service account of the namespace, and not by a cluster admin.
 */
export const BY_THE_TEAM =
  `!('system:masters' in request.userInfo.groups) && request.userInfo.groups.exists(g, ` +
  `g == 'system:serviceaccounts:' + request.namespace || ${ANNOTATIONS}.exists(k, k.startsWith('${TEAM_GROUP_ANNOTATION_PREFIX}') && ${ANNOTATIONS}[k] == g))`;

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
