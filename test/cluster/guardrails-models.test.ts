/**
 * The model-route rule (mlops-cluster-local-models) on a real API server, with the namespaces, team roles and the
 * rule the access fixture plans (test/cluster/stacks/Pulumi.access.yaml: recsys serves model endpoints, fraud does
 * not). KServe does not run: InferenceServices are served by a stand-in CRD (kserve-stand-in.ts).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { refusal, type KubeObjectRef } from "../../scripts/cluster/kube-client";
import type { KubeObject } from "../../scripts/plan/extract";
import { guardrailPolicyName } from "../../charts/guardrails";
import { clusterLocalModelsRule } from "../../charts/guardrails/models";
import { clusterGroup, MODEL_ROUTES_LABEL } from "../../domain/access";
import { adminClient, applyOrder, eventually, writtenPlan } from "./planned";
import { expectAdmitted, expectRefused, expectTypeCheckedDeny, object } from "./fixtures";
import { INFERENCE_SERVICE_CRD as CRD_NAME, installInferenceServiceStandIn, KSERVE_GROUP } from "./kserve-stand-in";

const admin = adminClient();
const POLICY = guardrailPolicyName(clusterLocalModelsRule().name);
const FIELD_MANAGER = "mlops-guardrails-models-test";
const TEAMS = ["recsys", "fraud"];
const VISIBILITY = "networking.kserve.io/visibility";
const GROUP = KSERVE_GROUP;
/** A recsys editor as the API server sees them: the IdP group with the access section's prefix. */
const recsysEditor = admin.as("dev@recsys.example.com", [clusterGroup(inject("oidc").access, "recsys-devs")]);
/** Namespaces this file made, deleted (and waited for) at the end so later files can make them afresh. */
const created: string[] = [];

type Labels = Record<string, string>;

function inferenceService(namespace: string, name: string, labels: Labels = {}): KubeObjectRef {
  const model = { modelFormat: { name: "sklearn" }, storageUri: "s3://models/ranker/v1" };
  return object(`${GROUP}/v1beta1`, "InferenceService", namespace, name, { metadata: { name, namespace, labels }, spec: { predictor: { model } } });
}
const clusterLocal: Labels = { [VISIBILITY]: "cluster-local" };
const isvcPath = (namespace: string, name = "") => `/apis/${GROUP}/v1beta1/namespaces/${namespace}/inferenceservices/${name}`;
const patch = (namespace: string, name: string, body: unknown, dryRun = true) =>
  admin.request("PATCH", `${isvcPath(namespace, name)}${dryRun ? "?dryRun=All" : ""}`, body, "application/merge-patch+json");

/** The namespaces and the teams' roles of the plan, and this rule's policy and binding. */
function fixtureObjects(objects: readonly KubeObject[]): KubeObject[] {
  const meta = (o: KubeObject) => (o as KubeObjectRef).metadata ?? {};
  return objects.filter(
    (o) =>
      (o.kind === "Namespace" && TEAMS.includes(meta(o).name ?? "")) ||
      (["Role", "RoleBinding"].includes(o.kind) && TEAMS.includes(meta(o).namespace ?? "")) ||
      (o.apiVersion.startsWith("admissionregistration.k8s.io/") && meta(o).name === POLICY),
  );
}

beforeAll(async () => {
  await installInferenceServiceStandIn(admin, FIELD_MANAGER);
  const objects = fixtureObjects((await writtenPlan("access")).objects).sort(applyOrder);
  if (!objects.some((o) => o.kind === "ValidatingAdmissionPolicy")) throw new Error(`the access fixture plans no ${POLICY}`);
  for (const o of objects) {
    const name = (o as KubeObjectRef).metadata?.name ?? "";
    // Policies last: the InferenceService made before them is one an update must not get stuck on.
    if (o.apiVersion.startsWith("admissionregistration.k8s.io/")) continue;
    if (o.kind === "Namespace" && (await admin.get(o)).status === 404) created.push(name);
    const applied = await admin.apply(o, FIELD_MANAGER);
    if (applied.status >= 300) throw new Error(`${o.kind} ${name}: ${refusal(applied)}`);
  }
  const legacy = await admin.create(inferenceService("fraud", "legacy"));
  if (legacy.status >= 300) throw new Error(`InferenceService fraud/legacy: ${refusal(legacy)}`);
  for (const o of objects.filter((p) => p.apiVersion.startsWith("admissionregistration.k8s.io/"))) {
    const applied = await admin.apply(o, FIELD_MANAGER);
    if (applied.status >= 300) throw new Error(`${o.kind} ${POLICY}: ${refusal(applied)}`);
  }
  const enforcing = await eventually(
    async () => ((await admin.create(inferenceService("fraud", "probe"), { dryRun: true })).status === 403 ? true : undefined),
    60,
  );
  if (!enforcing) throw new Error(`${POLICY} was not enforced within 60 s of being applied`);
});
afterAll(async () => {
  for (const kind of ["validatingadmissionpolicybindings", "validatingadmissionpolicies"]) {
    await admin.request("DELETE", `/apis/admissionregistration.k8s.io/v1/${kind}/${POLICY}`);
  }
  // A test that failed halfway may leave its finalizer, which would hold the CRD's deletion.
  await patch("fraud", "legacy", { metadata: { finalizers: null } }, false);
  await admin.request("DELETE", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD_NAME}`);
  for (const name of created) await admin.request("DELETE", `/api/v1/namespaces/${name}`);
  await eventually(async () => {
    for (const name of created) if ((await admin.request("GET", `/api/v1/namespaces/${name}`)).status !== 404) return undefined;
    return (await admin.request("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD_NAME}`)).status === 404 ? true : undefined;
  }, 120);
  admin.close();
}, 180_000);

describe("the rule on the server", () => {
  it("type-checks cleanly against the InferenceService kind it matches and is bound to Deny", async () => {
    await expectTypeCheckedDeny(admin, POLICY);
  });

  it("plans the namespaces as the rule reads them: recsys labelled for model endpoints, fraud not", async () => {
    const labels = async (name: string) => (await admin.request("GET", `/api/v1/namespaces/${name}`)).body?.metadata?.labels ?? {};
    expect((await labels("recsys"))[MODEL_ROUTES_LABEL]).toBe("true");
    expect((await labels("fraud"))[MODEL_ROUTES_LABEL]).toBeUndefined();
  });
});

describe("InferenceServices in a team namespace without model endpoints are cluster-local", () => {
  it("refuses one without the visibility label (platform admins included), saying what to add and how to opt in instead", async () => {
    expectRefused(
      await admin.create(inferenceService("fraud", "scorer"), { dryRun: true }),
      "InferenceService scorer: namespace fraud has no model endpoints, so the gateway refuses the route KServe would make for it and it would never become Ready; " +
        "add the label networking.kserve.io/visibility: cluster-local to metadata.labels to serve it inside the cluster only, " +
        "or opt the team into model endpoints (teams[].modelEndpoints in the stack config)",
    );
  });

  it("refuses another visibility value, and admits cluster-local", async () => {
    expectRefused(
      await admin.create(inferenceService("fraud", "scorer", { [VISIBILITY]: "external" }), { dryRun: true }),
      /denied request: InferenceService scorer: namespace fraud has no model endpoints/,
    );
    expectAdmitted(await admin.create(inferenceService("fraud", "scorer", clusterLocal), { dryRun: true }));
  });

  it("admits one without the label where the team serves model endpoints (a recsys editor)", async () => {
    expectAdmitted(await recsysEditor.create(inferenceService("recsys", "ranker"), { dryRun: true }));
  });
});

describe("an InferenceService made before the rule (or before the team left model endpoints)", () => {
  it("takes KServe's finalizer patch and other label changes, which leave its spec and visibility alone", async () => {
    expectAdmitted(await patch("fraud", "legacy", { metadata: { finalizers: ["inferenceservice.finalizers"] } }));
    expectAdmitted(await patch("fraud", "legacy", { metadata: { labels: { owner: "fraud" }, annotations: { note: "x" } } }));
  });

  it("refuses a change of its spec without the label, and admits it with the label", async () => {
    const newModel = { spec: { predictor: { model: { storageUri: "s3://models/ranker/v2" } } } };
    expectRefused(
      await patch("fraud", "legacy", newModel),
      /denied request: InferenceService legacy: namespace fraud has no model endpoints.*teams\[\]\.modelEndpoints/,
    );
    expectAdmitted(await patch("fraud", "legacy", { ...newModel, metadata: { labels: clusterLocal } }));
  });

  it("can be deleted, and a change while it is being deleted is not judged", async () => {
    expectAdmitted(await patch("fraud", "legacy", { metadata: { finalizers: ["test.mlops.platform/hold"] } }, false));
    expectAdmitted(await admin.request("DELETE", isvcPath("fraud", "legacy")));
    expectAdmitted(await patch("fraud", "legacy", { spec: { predictor: { model: { storageUri: "s3://models/ranker/v3" } } } }, false));
    expectAdmitted(await patch("fraud", "legacy", { metadata: { finalizers: null } }, false));
    expect(await eventually(async () => ((await admin.request("GET", isvcPath("fraud", "legacy"))).status === 404 ? true : undefined))).toBe(true);
  });
});
