/**
 * The pipelines service-account rule: a team's own Kubeflow Pipelines runs in its namespace under service accounts
 * bound to the install's Roles (domain/pipelines.ts KFP_SERVICE_ACCOUNTS: Argo's `argo` reads every Secret of the
 * namespace and execs into pods; ml-pipeline and ml-pipeline-ui carry the team's object-store identity). Team roles
 * may create pods, and a pod runs as whichever account of its namespace it names, so without this rule any editor
 * could take those rights by naming one. The team's runs use team-workload, which stays free. A team with `kserve`
 * could do the same through an InferenceService, whose pods KServe's controller makes (not the team): a second rule
 * judges the InferenceService itself.
 */
import { KFP_SERVICE_ACCOUNTS } from "../../domain/pipelines";
import { POD_SPEC_CHANGED, POD_VARIABLES, POD_AND_WORKLOAD_WRITES } from "./pod-templates";
import { BY_THE_TEAM, TEAM_NAMESPACES, WITH_PIPELINES, type GuardrailRule } from "./rule";

const ACCOUNTS = `[${KFP_SERVICE_ACCOUNTS.map((a) => `'${a}'`).join(", ")}]`;
/** The account the pods run as: serviceAccountName, or the deprecated serviceAccount alias where only it is set. */
const ACCOUNT =
  "variables.podSpec.?serviceAccountName.orValue('') != '' ? variables.podSpec.serviceAccountName : variables.podSpec.?serviceAccount.orValue('')";

export function pipelinesServiceAccountsRule(): GuardrailRule {
  return {
    name: "team-pipelines-service-accounts",
    owner: "platform-security",
    reason:
      "The team's Kubeflow Pipelines runs under service accounts bound to the install's Roles (Argo's reads every Secret of the namespace and execs into pods); a pod of the team's own naming one would take those rights, past what the team's roles grant.",
    controls: ["RBAC-03", "RBAC-04"],
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        namespaceSelector: TEAM_NAMESPACES,
        resourceRules: POD_AND_WORKLOAD_WRITES,
      },
      // A template left unchanged stays (objects made before the rule keep taking updates).
      matchConditions: [POD_SPEC_CHANGED],
      variables: [...POD_VARIABLES, { name: "account", expression: ACCOUNT }],
      validations: [
        {
          // The install's own pods are the platform's (applied by it, their ReplicaSets made by controllers), not the team's.
          expression: `!(${BY_THE_TEAM}) || !(${WITH_PIPELINES}) || !(variables.account in ${ACCOUNTS})`,
          messageExpression:
            `"pods the team makes may not run as its Kubeflow Pipelines' service accounts (${KFP_SERVICE_ACCOUNTS.join(", ")}): " + variables.account + ` +
            `" holds the install's rights; run as team-workload (the runs' account) or an account of the team's own"`,
          reason: "Forbidden",
        },
      ],
    },
  };
}

/** The accounts an InferenceService's components run as (predictor, transformer, explainer; KServe v1beta1). */
const ISVC_ACCOUNTS = `['predictor', 'transformer', 'explainer'].map(c, object.spec[?c].?serviceAccountName.orValue(''))`;

export function pipelinesInferenceAccountsRule(): GuardrailRule {
  return {
    name: "team-pipelines-inference-accounts",
    owner: "platform-security",
    reason:
      "KServe's controller makes an InferenceService's pods under the account its components name; a team's InferenceService naming one of its Kubeflow Pipelines' accounts would run pods with the install's rights.",
    controls: ["RBAC-03", "RBAC-04"],
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        namespaceSelector: TEAM_NAMESPACES,
        resourceRules: [{ apiGroups: ["serving.kserve.io"], apiVersions: ["v1beta1"], resources: ["inferenceservices"], operations: ["CREATE", "UPDATE"] }],
      },
      variables: [{ name: "accounts", expression: ISVC_ACCOUNTS }],
      validations: [
        {
          expression: `!(${BY_THE_TEAM}) || !(${WITH_PIPELINES}) || !variables.accounts.exists(a, a in ${ACCOUNTS})`,
          messageExpression:
            `"InferenceServices may not run as the team's Kubeflow Pipelines' service accounts (${KFP_SERVICE_ACCOUNTS.join(", ")}): " + ` +
            `variables.accounts.filter(a, a in ${ACCOUNTS}).join(", ") + " holds the install's rights; use team-workload or an account of the team's own"`,
          reason: "Forbidden",
        },
      ],
    },
  };
}
