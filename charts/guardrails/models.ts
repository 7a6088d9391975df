/**
 * The model-route rule: with the gateway on, KServe (v0.20.0, Standard mode, Gateway API enabled) makes an HTTPRoute
 * on the platform's Gateway for every InferenceService not labelled `networking.kserve.io/visibility: cluster-local`
 * (httproute_reconciler.go, Reconcile). The models listener admits routes only from namespaces labelled
 * MODEL_ROUTES_LABEL, so in any other team namespace the route is refused and KServe keeps the InferenceService not
 * Ready, with nothing to tell the team why. Saying so at admission, with the label to add, saves that debugging.
 */
import type { KserveMode } from "../../config/services";
import type { TeamConfig } from "../../config/teams";
import { MODEL_ROUTES_LABEL } from "../../domain/access";
import { TEAM_NAMESPACE_LABEL } from "../../domain/ownership";
import type { GuardrailRule } from "./rule";

/** KServe's label (constants.NetworkVisibility) and the value that keeps an InferenceService off any gateway. */
export const KSERVE_VISIBILITY_LABEL = "networking.kserve.io/visibility";
export const KSERVE_CLUSTER_LOCAL = "cluster-local";

/**
 * Whether KServe routes every InferenceService through the gateway: in Standard mode, once a team serves model
 * endpoints (config refuses modelEndpoints without `access`, without kserve or in Serverless mode), which is when
 * KServe's values turn the Gateway API on.
 */
export function kserveRoutesInferenceServices(stack: {
  readonly kserveMode?: KserveMode;
  readonly teams: readonly Pick<TeamConfig, "modelEndpoints">[];
}): boolean {
  return (stack.kserveMode ?? "standard") === "standard" && stack.teams.some((team) => team.modelEndpoints !== undefined);
}

const visibility = (which: "object" | "oldObject") => `${which}.metadata.?labels[?'${KSERVE_VISIBILITY_LABEL}'].orValue('')`;

export function clusterLocalModelsRule(): GuardrailRule {
  return {
    name: "cluster-local-models",
    owner: "platform-operations",
    reason:
      "KServe makes a gateway route for every InferenceService not labelled cluster-local; the gateway's models listener refuses routes from team namespaces without model endpoints, so such an InferenceService would never become Ready.",
    controls: ["EXP-02"],
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        // NotIn also matches a namespace without the label.
        namespaceSelector: {
          matchExpressions: [
            { key: TEAM_NAMESPACE_LABEL, operator: "Exists" },
            { key: MODEL_ROUTES_LABEL, operator: "NotIn", values: ["true"] },
          ],
        },
        resourceRules: [{ apiGroups: ["serving.kserve.io"], apiVersions: ["v1beta1"], resources: ["inferenceservices"], operations: ["CREATE", "UPDATE"] }],
      },
      matchConditions: [
        // KServe's finalizer patches and an object being deleted are not judged: an InferenceService made before
        // the team left model endpoints can still be deleted; a change of its spec or visibility is judged.
        {
          name: "created-or-spec-or-visibility-changed",
          expression:
            `request.operation == 'CREATE' || (!has(object.metadata.deletionTimestamp) && ` +
            `(has(object.spec) != has(oldObject.spec) || (has(object.spec) && object.spec != oldObject.spec) || ${visibility("object")} != ${visibility("oldObject")}))`,
        },
      ],
      validations: [
        {
          expression: `${visibility("object")} == '${KSERVE_CLUSTER_LOCAL}'`,
          messageExpression:
            "'InferenceService ' + object.metadata.?name.orValue(object.metadata.?generateName.orValue('')) + ': namespace ' + request.namespace + " +
            `' has no model endpoints, so the gateway refuses the route KServe would make for it and it would never become Ready; ` +
            `add the label ${KSERVE_VISIBILITY_LABEL}: ${KSERVE_CLUSTER_LOCAL} to metadata.labels to serve it inside the cluster only, ` +
            `or opt the team into model endpoints (teams[].modelEndpoints in the stack config)'`,
          reason: "Forbidden",
        },
      ],
    },
  };
}
