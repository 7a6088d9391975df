/**
 * The guardrails around a team's own Kubeflow Pipelines on a real API server (the isolation fixture: vision has
 * pipelines, nlp does not; team images from registry.example.com/ml only, a prod-like single registry): the install's
 * and its runs' images are admitted where pipelines run and nowhere else, and a team cannot run its own pods under
 * the install's service accounts nor mint their tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KFP_RUNNER_SERVICE_ACCOUNT, KFP_SERVICE_ACCOUNTS } from "../../domain/pipelines";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import type { KubeClient } from "../../scripts/cluster/kube-client";
import { adminClient, eventually } from "./planned";
import { container, deployment, expectAdmitted, expectRefused, member, object, pod, readyFixture } from "./fixtures";
import { INFERENCE_SERVICE_CRD, installInferenceServiceStandIn, KSERVE_GROUP } from "./kserve-stand-in";

const admin = adminClient();

/** The images a team's install and its runs pull, as upstream's manifests write them at KFP 2.17.0 and Argo v4.0.5. */
const KFP_IMAGES = [
  "ghcr.io/kubeflow/kfp-api-server:2.17.0",
  "ghcr.io/kubeflow/kfp-frontend:2.17.0",
  "ghcr.io/kubeflow/kfp-persistence-agent:2.17.0",
  "ghcr.io/kubeflow/kfp-scheduled-workflow-controller:2.17.0",
  "ghcr.io/kubeflow/kfp-metadata-envoy:2.17.0",
  "gcr.io/tfx-oss-public/ml_metadata_store_server:1.14.0",
  "docker.io/alpine:3.23",
  "quay.io/argoproj/workflow-controller:v4.0.5",
  "quay.io/argoproj/argoexec:v4.0.5",
  "ghcr.io/kubeflow/kfp-driver:2.17.0",
  "ghcr.io/kubeflow/kfp-launcher:2.17.0",
];

/** The install's service accounts, made as the install makes them (platform-owned) for the duration of the file. */
const accounts = KFP_SERVICE_ACCOUNTS.map((name) =>
  object("v1", "ServiceAccount", "vision", name, { metadata: { name, namespace: "vision", labels: { ...PLATFORM_OWNED_LABELS } } }),
);

beforeAll(async () => {
  await readyFixture(admin);
  await installInferenceServiceStandIn(admin, "mlops-pipelines-guardrails-test");
  for (const account of accounts) expect((await admin.create(account)).status).toBeLessThan(300);
  // Admission policies are enforced a moment after they are stored: wait for the newest rule.
  const probe = () => member(admin, "vision", "edit").create(pod("vision", "probe", { serviceAccountName: "argo" }), { dryRun: true });
  if (!(await eventually(async () => ((await probe()).status === 403 ? true : undefined), 60))) throw new Error("guardrails not enforced within 60 s");
});
afterAll(async () => {
  for (const account of accounts) await admin.remove(account);
  await admin.request("DELETE", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${INFERENCE_SERVICE_CRD}`);
  admin.close();
});

const withImage = (namespace: string, image: string) => pod(namespace, "kfp-image", { containers: [container("main", { image })] });

describe("the images of a team's Kubeflow Pipelines", () => {
  it("are admitted in a namespace with pipelines, under a prod-like registry list", async () => {
    const editor = member(admin, "vision", "edit");
    for (const image of KFP_IMAGES) expectAdmitted(await editor.create(withImage("vision", image), { dryRun: true }));
  });

  it("there, another registry, another repository of the same organisation or a name that merely starts alike is still refused", async () => {
    const editor = member(admin, "vision", "edit");
    const refused = async (image: string, full = image) =>
      expectRefused(await editor.create(withImage("vision", image), { dryRun: true }), new RegExp(`not allowed here: ${full.replace(/[.]/g, "\\.")}$`));
    await refused("python:3.12", "docker.io/library/python:3.12");
    await refused("ghcr.io/kubeflow/kfp-cache-server:2.17.0");
    await refused("ghcr.io/kubeflow/kfp-api-server-evil:1");
    await refused("quay.io/argoproj/argocli:v4.0.5");
    const response = await editor.create(withImage("vision", "docker.io/attacker/x:1"), { dryRun: true });
    expectRefused(
      response,
      /images must come from registry\.example\.com\/ml.*; with pipelines, for its Kubeflow Pipelines also ghcr\.io\/kubeflow\/kfp-api-server/,
    );
  });

  it("are refused in a namespace without pipelines", async () => {
    const editor = member(admin, "nlp", "edit");
    for (const image of KFP_IMAGES) expectRefused(await editor.create(withImage("nlp", image), { dryRun: true }), /not allowed here: /);
  });
});

const asAccount = (serviceAccountName: string): PodSpec => ({ serviceAccountName, containers: [container()] });
type PodSpec = Record<string, unknown>;
const cronJob = (namespace: string, spec: PodSpec) =>
  object("batch/v1", "CronJob", namespace, "as-account", {
    spec: { schedule: "0 2 * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", ...spec } } } } },
  });
const templated = (kind: string, apiVersion: string, namespace: string, podSpec: PodSpec) => {
  const workload = deployment(namespace, "as-account", podSpec);
  if (kind === "Job") return object(apiVersion, kind, namespace, "as-account", { spec: { template: { spec: { restartPolicy: "Never", ...podSpec } } } });
  return { ...workload, apiVersion, kind, spec: { ...workload.spec, ...(kind === "StatefulSet" ? { serviceName: "as-account" } : {}) } };
};
const MESSAGE = /may not run as its Kubeflow Pipelines' service accounts/;

describe("the service accounts of a team's Kubeflow Pipelines", () => {
  it.each([...KFP_SERVICE_ACCOUNTS])("a team editor cannot run a pod as %s", async (account) => {
    expectRefused(await member(admin, "vision", "edit").create(pod("vision", "as-account", asAccount(account)), { dryRun: true }), MESSAGE);
  });

  // DaemonSets too, though no team role may create one (README, Team roles).
  it("nor a Deployment, ReplicaSet, StatefulSet, Job or CronJob template, nor through the deprecated serviceAccount", async () => {
    const editor = member(admin, "vision", "edit");
    for (const [kind, apiVersion] of [
      ["Deployment", "apps/v1"],
      ["ReplicaSet", "apps/v1"],
      ["StatefulSet", "apps/v1"],
      ["Job", "batch/v1"],
    ]) {
      expectRefused(await editor.create(templated(kind, apiVersion, "vision", asAccount("argo")), { dryRun: true }), MESSAGE);
    }
    expectRefused(await editor.create(cronJob("vision", asAccount("ml-pipeline")), { dryRun: true }), MESSAGE);
    expectRefused(await editor.create(cronJob("vision", { serviceAccount: "argo", containers: [container()] }), { dryRun: true }), MESSAGE);
  });

  it("the runs' account and the team's own stay free; the platform still runs its install under them", async () => {
    const editor = member(admin, "vision", "edit");
    expectAdmitted(await editor.create(pod("vision", "as-runner", asAccount(KFP_RUNNER_SERVICE_ACCOUNT)), { dryRun: true }));
    expectAdmitted(await editor.create(pod("vision", "as-default"), { dryRun: true }));
    const install = deployment("vision", "workflow-controller", asAccount("argo"), { ...PLATFORM_OWNED_LABELS });
    const owned = object("apps/v1", "Deployment", "vision", "workflow-controller", {
      metadata: { name: "workflow-controller", namespace: "vision", labels: { ...PLATFORM_OWNED_LABELS } },
      spec: install.spec,
    });
    expectAdmitted(await admin.create(owned, { dryRun: true }));
  });

  it("a team without pipelines keeps those names for accounts of its own", async () => {
    expectAdmitted(await member(admin, "nlp", "edit").create(templated("Deployment", "apps/v1", "nlp", asAccount("argo")), { dryRun: true }));
  });
});

/** A cluster-local InferenceService of vision (it serves no model endpoints) whose component runs as `account`. */
function inferenceService(component: "predictor" | "transformer" | "explainer", account: string) {
  const model = { modelFormat: { name: "sklearn" }, storageUri: "s3://models/ranker/v1" };
  const spec = {
    predictor: { model },
    [component]: {
      ...(component === "predictor" ? { model } : { containers: [{ name: "main", image: "registry.example.com/ml/t:1" }] }),
      serviceAccountName: account,
    },
  };
  return object(`${KSERVE_GROUP}/v1beta1`, "InferenceService", "vision", `isvc-${component}`, {
    metadata: { name: `isvc-${component}`, namespace: "vision", labels: { "networking.kserve.io/visibility": "cluster-local" } },
    spec,
  });
}

describe("InferenceServices of a team with pipelines and kserve", () => {
  it.each(["predictor", "transformer", "explainer"] as const)(
    "refuses a %s that runs as one of the install's accounts; KServe would make its pods",
    async (component) => {
      for (const account of ["argo", "ml-pipeline"]) {
        expectRefused(
          await member(admin, "vision", "edit").create(inferenceService(component, account), { dryRun: true }),
          /InferenceServices may not run as the team's Kubeflow Pipelines' service accounts/,
        );
      }
    },
  );

  it("admits one that runs as team-workload", async () => {
    expectAdmitted(await member(admin, "vision", "edit").create(inferenceService("predictor", KFP_RUNNER_SERVICE_ACCOUNT), { dryRun: true }));
  });
});

async function mayMintToken(who: KubeClient, account: string): Promise<boolean> {
  const review = await who.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: { resourceAttributes: { namespace: "vision", verb: "create", resource: "serviceaccounts", subresource: "token", name: account } },
  });
  expect(review.status).toBe(201);
  return review.body.status.allowed === true;
}

describe("tokens of the install's service accounts", () => {
  it("no team role may request one (serviceaccounts/token), and a request is refused", async () => {
    for (const role of ["view", "edit", "admin"] as const) {
      for (const account of KFP_SERVICE_ACCOUNTS) expect(await mayMintToken(member(admin, "vision", role), account), `${role} ${account}`).toBe(false);
    }
    const request = { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { audiences: ["https://kubernetes.default.svc"] } };
    const minted = await member(admin, "vision", "admin").request("POST", "/api/v1/namespaces/vision/serviceaccounts/argo/token", request);
    expect(minted.status).toBe(403);
  });
});
