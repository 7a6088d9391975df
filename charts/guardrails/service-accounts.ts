/**
 * The pipelines service-account rule: a team's own Kubeflow Pipelines runs in its namespace under service accounts
 * bound to the install's Roles (domain/pipelines.ts KFP_SERVICE_ACCOUNTS: Argo's `argo` reads every Secret of the
 * namespace and execs into pods; ml-pipeline and ml-pipeline-ui carry the team's object-store identity). Team roles
 * may create pods, and a pod runs as whichever account of its namespace it names, so without this rule any editor
 * could take those rights by naming one. The team's runs use team-workload, which stays free.
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
