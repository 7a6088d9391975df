/**
 * A team's own Kubeflow Pipelines on a real API server (the isolation fixture: vision has pipelines, nlp does
 * not): the runs' account team-workload may do exactly what KFP's driver and launcher and Argo's executor need in
 * its own namespace and nothing in another, reads no Secret; a team's groups read their own runs' Workflows and
 * cannot touch another team's; a team pod cannot take the labels of its KFP's pods (which carry the database,
 * API-server and gateway allowances) where pipelines run, while the run steps' label stays free for Argo.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KFP_POD_LABELS, KFP_STEP_POD_LABEL } from "../../domain/pipelines";
import type { KubeClient } from "../../scripts/cluster/kube-client";
import { adminClient, eventually } from "./planned";
import { expectAdmitted, expectRefused, member, object, pod, readyFixture } from "./fixtures";

const admin = adminClient();

beforeAll(async () => {
  await readyFixture(admin);
  // Admission policies are enforced a moment after they are stored: wait for one of them (ExternalName Services).
  const probe = () =>
    member(admin, "vision", "edit").create(object("v1", "Service", "vision", "probe", { spec: { type: "ExternalName", externalName: "x.example.com" } }), {
      dryRun: true,
    });
  if (!(await eventually(async () => ((await probe()).status === 403 ? true : undefined), 60))) throw new Error("guardrails not enforced within 60 s");
});
afterAll(() => admin.close());

interface Access {
  readonly verb: string;
  readonly group?: string;
  readonly resource: string;
  readonly name?: string;
}

/** Whether the API server's authorizer lets a service account of a namespace do this (a SubjectAccessReview). */
async function serviceAccountMay(namespace: string, account: string, where: string, access: Access): Promise<boolean> {
  const review = await admin.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: {
      user: `system:serviceaccount:${namespace}:${account}`,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
      resourceAttributes: { namespace: where, verb: access.verb, group: access.group ?? "", resource: access.resource, name: access.name ?? "" },
    },
  });
  expect(review.status).toBe(201);
  return review.body.status.allowed === true;
}

async function selfMay(who: KubeClient, where: string, access: Access): Promise<boolean> {
  const review = await who.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: { resourceAttributes: { namespace: where, verb: access.verb, group: access.group ?? "", resource: access.resource, name: access.name ?? "" } },
  });
  expect(review.status).toBe(201);
  return review.body.status.allowed === true;
}

const RUNNER_NEEDS: Access[] = [
  { verb: "get", resource: "configmaps", name: "kfp-launcher" },
  { verb: "get", resource: "pods", name: "a-step" },
  { verb: "create", resource: "persistentvolumeclaims" },
  { verb: "get", resource: "persistentvolumeclaims", name: "a-claim" },
  { verb: "delete", resource: "persistentvolumeclaims", name: "a-claim" },
  { verb: "create", group: "argoproj.io", resource: "workflowtaskresults" },
  { verb: "patch", group: "argoproj.io", resource: "workflowtaskresults", name: "a-result" },
  { verb: "get", group: "argoproj.io", resource: "workflows", name: "a-run" },
];

const RUNNER_NEVER: Access[] = [
  { verb: "get", resource: "secrets", name: "mlflow-credentials" },
  { verb: "list", resource: "secrets" },
  { verb: "get", resource: "configmaps", name: "pipeline-install-config" },
  { verb: "list", resource: "configmaps" },
  { verb: "list", resource: "pods" },
  { verb: "watch", resource: "pods" },
  { verb: "create", resource: "pods" },
  { verb: "create", resource: "pods", name: "a-step" },
  { verb: "update", resource: "persistentvolumeclaims", name: "a-claim" },
  { verb: "create", group: "argoproj.io", resource: "workflows" },
  { verb: "list", group: "argoproj.io", resource: "workflows" },
  { verb: "update", group: "argoproj.io", resource: "workflows", name: "a-run" },
  { verb: "update", group: "argoproj.io", resource: "workflowtaskresults", name: "a-result" },
  { verb: "create", group: "kubeflow.org", resource: "scheduledworkflows" },
  { verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings" },
  { verb: "create", resource: "serviceaccounts", name: "token" },
];

const say = (a: Access) => `${a.verb} ${a.group ? `${a.group}/` : ""}${a.resource}${a.name ? ` ${a.name}` : ""}`;

describe("the runs' account of a team with pipelines", () => {
  it.each(RUNNER_NEEDS.map((a) => [say(a), a] as const))("may %s in its own namespace", async (_say, access) => {
    expect(await serviceAccountMay("vision", "team-workload", "vision", access)).toBe(true);
  });

  it.each(RUNNER_NEVER.map((a) => [say(a), a] as const))("may not %s", async (_say, access) => {
    expect(await serviceAccountMay("vision", "team-workload", "vision", access)).toBe(false);
  });

  it("may do none of it in another team's namespace", async () => {
    for (const access of RUNNER_NEEDS) expect(await serviceAccountMay("vision", "team-workload", "nlp", access), say(access)).toBe(false);
  });

  it("exists only where the team has pipelines: another team's team-workload gets none of it", async () => {
    for (const access of RUNNER_NEEDS) expect(await serviceAccountMay("nlp", "team-workload", "nlp", access), say(access)).toBe(false);
  });
});

describe("a team's groups and its runs' Workflows", () => {
  const read = (resource: string, group = "argoproj.io"): Access[] => ["get", "list", "watch"].map((verb) => ({ verb, group, resource }));
  const change = (resource: string, group = "argoproj.io"): Access[] =>
    ["create", "update", "patch", "delete", "deletecollection"].map((verb) => ({ verb, group, resource }));

  it("every role reads its own team's Workflows and ScheduledWorkflows and changes none (the KFP API does)", async () => {
    for (const role of ["view", "edit", "admin"] as const) {
      const who = member(admin, "vision", role);
      for (const a of [...read("workflows"), ...read("scheduledworkflows", "kubeflow.org")])
        expect(await selfMay(who, "vision", a), `${role} ${say(a)}`).toBe(true);
      for (const a of [...change("workflows"), ...change("scheduledworkflows", "kubeflow.org")])
        expect(await selfMay(who, "vision", a), `${role} ${say(a)}`).toBe(false);
    }
  });

  it("cannot read or touch another team's, either way round", async () => {
    const all = [...read("workflows"), ...change("workflows"), ...read("scheduledworkflows", "kubeflow.org"), ...read("workflowtaskresults")];
    for (const a of all) {
      expect(await selfMay(member(admin, "vision", "admin"), "nlp", a), `vision admin in nlp: ${say(a)}`).toBe(false);
      expect(await selfMay(member(admin, "nlp", "admin"), "vision", a), `nlp admin in vision: ${say(a)}`).toBe(false);
    }
  });
});

describe("the labels of a team's KFP pods are the platform's where pipelines run", () => {
  const forged = (namespace: string, labels: Record<string, string>) => ({ ...pod(namespace, "forged"), metadata: { name: "forged", namespace, labels } });

  it("a team editor cannot give a pod the API server's, ML Metadata's, the UI's or a controller's labels", async () => {
    const editor = member(admin, "vision", "edit");
    for (const labels of [KFP_POD_LABELS.apiServer, KFP_POD_LABELS.metadataGrpc, KFP_POD_LABELS.ui, KFP_POD_LABELS.workflowController]) {
      expectRefused(await editor.create(forged("vision", { ...labels }), { dryRun: true }), /may not carry the platform's labels/);
    }
  });

  it("the run steps' label stays free (Argo, a service account of the namespace, puts it on every step pod)", async () => {
    expectAdmitted(await member(admin, "vision", "edit").create(forged("vision", { [KFP_STEP_POD_LABEL]: "true" }), { dryRun: true }));
  });

  it("a team without pipelines keeps those labels for its own pods", async () => {
    expectAdmitted(await member(admin, "nlp", "edit").create(forged("nlp", { ...KFP_POD_LABELS.apiServer }), { dryRun: true }));
  });
});
