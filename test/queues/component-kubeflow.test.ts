/**
 * The `kubeflow` Namespace carries the queue label and annotations, as team namespaces do: derived from the queues
 * config, passed from platform.ts through the services to the transform on upstream's kustomization (checked on
 * the transforms the plan's mocks receive), and the pipelines' queue exists only where pipelines run.
 */
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { podSecurityLabels } from "../../charts/pod-security";
import { kubeflowQueueMetadata } from "../../components/queues";
import { kubeflowNamespaceLabels } from "../../components/services/pipelines/transforms";
import { NAMESPACE_GPU_POOLS_ANNOTATION, NAMESPACE_PRIORITIES_ANNOTATION, NAMESPACE_QUEUE_LABEL } from "../../domain/queues";
import { planMocks } from "../../scripts/plan/mocks";
import type { PlanResult } from "../../scripts/plan/run";
import { fixtureStack, stackConfig } from "../helpers/stack";
import { T, one, ofType, plan } from "../components/plan-query";

const DIRECTORY = "kubernetes:kustomize/v2:Directory";
const NAMESPACE = "kubernetes:core/v1:Namespace";
type Transform = pulumi.ResourceTransform;

/** What the transforms make of a Namespace upstream's kustomization renders. */
async function transformed(transforms: readonly Transform[], name: string, metadata: Record<string, unknown> = {}) {
  let props: Record<string, any> = { apiVersion: "v1", kind: "Namespace", metadata: { name, ...metadata } };
  for (const transform of transforms) {
    const out = await transform({ type: NAMESPACE, name: `services-pipelines-cluster-scoped:${name}`, custom: true, props, opts: {} });
    if (out) props = out.props;
  }
  return props.metadata as { labels?: Record<string, string>; annotations?: Record<string, string> };
}

const plans: Record<string, PlanResult> = {};
/** The transforms of the Directory that makes the kubeflow Namespace, per planned stack. */
const kubeflowTransforms: Record<string, Transform[]> = {};

beforeAll(async () => {
  const newResource = planMocks.newResource.bind(planMocks);
  let stack = "";
  const spy = vi.spyOn(planMocks, "newResource").mockImplementation((args) => {
    if (args.type === DIRECTORY && args.name === "services-pipelines-cluster-scoped") kubeflowTransforms[stack] = [...(args.transforms ?? [])];
    return newResource(args);
  });
  try {
    for (stack of ["local", "prod"]) plans[stack] = await plan(stack);
  } finally {
    spy.mockRestore();
  }
  const dev = fixtureStack("dev");
  const teams = (dev.teams as { services?: string[] }[]).map((t) => ({ ...t, services: (t.services ?? []).filter((s) => s !== "pipelines") }));
  plans["dev without pipelines"] = await plan("dev", stackConfig({ ...dev, teams, services: { ...(dev.services as object), pipelines: { enabled: false } } }));
});
afterAll(() => vi.restoreAllMocks());

describe("kubeflowQueueMetadata (pure)", () => {
  it("prod: the pipelines' queue label, the pools of queues.pipelines.gpu and every priority class", () => {
    const cfg = plans.prod.config;
    if (!cfg) throw new Error("prod did not resolve");
    expect(kubeflowQueueMetadata(cfg)).toEqual({
      labels: { [NAMESPACE_QUEUE_LABEL]: "pipelines" },
      annotations: { [NAMESPACE_GPU_POOLS_ANNOTATION]: "gpu-training", [NAMESPACE_PRIORITIES_ANNOTATION]: "production,training,experiments" },
    });
  });

  it("joins several pools in config order, and gives an empty list when pipelines have no GPUs", () => {
    const queues = (gpu: { pool: string; nominal: number }[]) =>
      ({ queues: { priorities: [{ name: "high", value: 1, description: "" }], pipelines: { cpu: "1", memory: "1Gi", gpu } } }) as never;
    expect(
      kubeflowQueueMetadata(
        queues([
          { pool: "b", nominal: 1 },
          { pool: "a", nominal: 2 },
        ]),
      ).annotations[NAMESPACE_GPU_POOLS_ANNOTATION],
    ).toBe("b,a");
    expect(kubeflowQueueMetadata(queues([]))).toEqual({
      labels: { [NAMESPACE_QUEUE_LABEL]: "pipelines" },
      annotations: { [NAMESPACE_GPU_POOLS_ANNOTATION]: "", [NAMESPACE_PRIORITIES_ANNOTATION]: "high" },
    });
  });
});

describe("kubeflowNamespaceLabels with the queue (pure)", () => {
  const queue = { labels: { [NAMESPACE_QUEUE_LABEL]: "pipelines" }, annotations: { [NAMESPACE_GPU_POOLS_ANNOTATION]: "gpu-a" } };

  it("adds the queue label and annotations to kubeflow, keeping upstream's and Pod Security baseline", async () => {
    const meta = await transformed([kubeflowNamespaceLabels({ team: "platform" }, queue)], "kubeflow", {
      labels: { upstream: "kept", "pod-security.kubernetes.io/enforce": "privileged" },
      annotations: { "upstream/note": "kept" },
    });
    expect(meta.labels).toEqual({ upstream: "kept", team: "platform", [NAMESPACE_QUEUE_LABEL]: "pipelines", ...podSecurityLabels("baseline") });
    expect(meta.annotations).toEqual({ "upstream/note": "kept", [NAMESPACE_GPU_POOLS_ANNOTATION]: "gpu-a" });
  });

  it("cannot lower Pod Security through the queue's labels", async () => {
    const meta = await transformed(
      [kubeflowNamespaceLabels({}, { labels: { "pod-security.kubernetes.io/enforce": "privileged" }, annotations: {} })],
      "kubeflow",
    );
    expect(meta.labels?.["pod-security.kubernetes.io/enforce"]).toBe("baseline");
  });

  it("without the queue adds no annotations, and leaves other namespaces alone", async () => {
    expect(await transformed([kubeflowNamespaceLabels({})], "kubeflow")).not.toHaveProperty("annotations");
    expect(await transformed([kubeflowNamespaceLabels({}, queue)], "default")).toEqual({ name: "default" });
  });
});

describe("the kubeflow Namespace in the plans (the transforms platform.ts passes down)", () => {
  it.each(["local", "prod"])("%s: labelled for its queue and annotated from the config", async (stack) => {
    const cfg = plans[stack].config;
    if (!cfg) throw new Error(`${stack} did not resolve`);
    const transforms = kubeflowTransforms[stack] ?? [];
    expect(transforms.length, "transforms on services-pipelines-cluster-scoped").toBeGreaterThan(0);
    const meta = await transformed(transforms, "kubeflow");
    expect(meta.labels).toMatchObject({ ...kubeflowQueueMetadata(cfg).labels, ...podSecurityLabels("baseline"), team: "platform" });
    expect(meta.annotations).toEqual(kubeflowQueueMetadata(cfg).annotations);
  });

  it("prod: the label names the LocalQueue the plan creates in kubeflow", async () => {
    const meta = await transformed(kubeflowTransforms.prod ?? [], "kubeflow");
    const group = one(plans.prod, T.configGroup, "queues-pipelines-queue");
    expect(group.inputs.yaml).toContain(`"name":"${meta.labels?.[NAMESPACE_QUEUE_LABEL]}","namespace":"kubeflow"`);
  });
});

describe("a stack without pipelines", () => {
  const p = () => plans["dev without pipelines"];

  it("has no pipelines' queue and no kubeflow kustomization", () => {
    expect(ofType(p(), T.configGroup).map((g) => g.name)).not.toContain("queues-pipelines-queue");
    expect(ofType(p(), DIRECTORY)).toEqual([]);
    const objects = one(p(), T.configGroup, "queues-objects").inputs.yaml as string;
    expect(objects).not.toContain('"kubeflow"');
    expect(objects).not.toContain('"name":"pipelines"');
  });
});
