/**
 * The model-route rule (mlops-cluster-local-models) as generated: when a stack gets it, what it matches and what its
 * message says. The API server compiles and runs it in test/cluster/guardrails-models.test.ts (access fixture).
 */
import { describe, expect, it } from "vitest";
import { guardrailObjects, guardrailPolicyName, guardrailRules } from "../../charts/guardrails";
import { clusterLocalModelsRule, KSERVE_CLUSTER_LOCAL, KSERVE_VISIBILITY_LABEL, kserveRoutesInferenceServices } from "../../charts/guardrails/models";
import { MODEL_ROUTES_LABEL } from "../../domain/access";
import { TEAM_NAMESPACE_LABEL } from "../../domain/ownership";
import { kubernetesObjects } from "../../scripts/plan/extract";
import { plan } from "../components/plan-query";

const rule = clusterLocalModelsRule();
const POLICY = guardrailPolicyName(rule.name);
const endpoints = { callers: [] };

describe("the model-route rule: when a stack has it", () => {
  it("is added only when KServe routes every InferenceService through the gateway", () => {
    expect(guardrailRules({}).map((r) => r.name)).not.toContain(rule.name);
    expect(guardrailRules({ kserveRoutes: false }).map((r) => r.name)).not.toContain(rule.name);
    const registered = guardrailRules({ kserveRoutes: true }).find((r) => r.name === rule.name);
    expect(registered?.owner).toBe("platform-operations");
    expect(registered?.controls).toEqual(["EXP-02"]);
    expect(registered?.spec.failurePolicy).toBe("Fail");
  });

  it("KServe routes every InferenceService in Standard mode (the default) once some team serves model endpoints, never in Serverless mode", () => {
    const teams = [{ modelEndpoints: undefined }, { modelEndpoints: endpoints }];
    expect(kserveRoutesInferenceServices({ kserveMode: "standard", teams })).toBe(true);
    expect(kserveRoutesInferenceServices({ teams })).toBe(true);
    expect(kserveRoutesInferenceServices({ kserveMode: "serverless", teams })).toBe(false);
    expect(kserveRoutesInferenceServices({ kserveMode: "standard", teams: [{ modelEndpoints: undefined }] })).toBe(false);
    expect(kserveRoutesInferenceServices({ kserveMode: "standard", teams: [] })).toBe(false);
  });

  it("renders as a policy and a Deny binding", () => {
    const objects = guardrailObjects({ kserveRoutes: true }) as { kind: string; metadata: { name: string }; spec: { validationActions?: string[] } }[];
    expect(objects.filter((o) => o.metadata.name === POLICY).map((o) => o.kind)).toEqual(["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]);
    expect(objects.find((o) => o.kind === "ValidatingAdmissionPolicyBinding" && o.metadata.name === POLICY)?.spec.validationActions).toEqual(["Deny"]);
  });

  it("is planned for the prod fixture (Standard mode, fraud serves model endpoints) and not for staging (Serverless)", async () => {
    const policies = async (stack: string) =>
      kubernetesObjects((await plan(stack)).resources)
        .filter(({ object }) => object.kind === "ValidatingAdmissionPolicy")
        .map(({ object }) => object.metadata?.name);
    const prod = await policies("prod");
    expect(prod).toContain(guardrailPolicyName("gpu-queues"));
    expect(prod).toContain(POLICY);
    const staging = await policies("staging");
    expect(staging).toContain(guardrailPolicyName("gpu-queues"));
    expect(staging).not.toContain(POLICY);
  });
});

describe("the model-route rule: what it judges", () => {
  it("matches team namespaces without model endpoints: the team label present, the model-endpoints label not 'true' (or absent)", () => {
    expect(rule.spec.matchConstraints.namespaceSelector).toEqual({
      matchExpressions: [
        { key: TEAM_NAMESPACE_LABEL, operator: "Exists" },
        { key: MODEL_ROUTES_LABEL, operator: "NotIn", values: ["true"] },
      ],
    });
  });

  it("matches InferenceServices (serving.kserve.io/v1beta1) as they are created and updated, not their status", () => {
    expect(rule.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: ["serving.kserve.io"], apiVersions: ["v1beta1"], resources: ["inferenceservices"], operations: ["CREATE", "UPDATE"] },
    ]);
  });

  it("judges an update only when the spec or the visibility label changes, never an object being deleted (KServe's finalizer patches pass)", () => {
    const [condition] = rule.spec.matchConditions ?? [];
    expect(condition.expression).toContain("request.operation == 'CREATE'");
    expect(condition.expression).toContain("!has(object.metadata.deletionTimestamp)");
    expect(condition.expression).toContain("object.spec != oldObject.spec");
    expect(condition.expression).toContain(`[?'${KSERVE_VISIBILITY_LABEL}']`);
    expect(condition.expression).not.toContain("finalizers");
  });

  it("asks for KServe's own label networking.kserve.io/visibility: cluster-local, the one that keeps KServe from making a route", () => {
    expect(KSERVE_VISIBILITY_LABEL).toBe("networking.kserve.io/visibility");
    expect(KSERVE_CLUSTER_LOCAL).toBe("cluster-local");
    const [validation] = rule.spec.validations;
    expect(validation.expression).toBe("object.metadata.?labels[?'networking.kserve.io/visibility'].orValue('') == 'cluster-local'");
    expect(validation.reason).toBe("Forbidden");
  });

  it("says what to add and that the team can opt into model endpoints instead", () => {
    const message = rule.spec.validations[0].messageExpression ?? "";
    expect(message).toContain("add the label networking.kserve.io/visibility: cluster-local to metadata.labels");
    expect(message).toContain("opt the team into model endpoints (teams[].modelEndpoints in the stack config)");
    expect(message).toContain("request.namespace");
  });
});
