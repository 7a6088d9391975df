/**
 * The Kueue objects of a stack (charts/queues): clusterQueueSpec from a holder and the queue settings, and
 * queueObjects from the resolved fixture stacks (ResourceFlavors, WorkloadPriorityClasses, ClusterQueues and
 * LocalQueues, kueue.x-k8s.io/v1beta2).
 */
import { describe, expect, it } from "vitest";
import { clusterQueueSpec, queueHolders, queueObjects, queuePlatform } from "../../charts/queues";
import { resolveQueues } from "../../config/queues";
import { gpuFlavors, resourceGroups, type QueueHolder } from "../../domain/queues";
import { eksPlatform, fixture, POOLS, resolved } from "./queue-fixtures";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; [k: string]: any };

const FLAVORS = gpuFlavors(eksPlatform([POOLS.shared, POOLS.train]));
const VISION: QueueHolder = {
  name: "vision",
  namespace: "vision",
  cpu: "16",
  memory: "64Gi",
  gpu: [
    { pool: "shared", nominal: 2 },
    { pool: "train", nominal: 7, borrowingLimit: 7 },
  ],
};

describe("clusterQueueSpec", () => {
  it("defaults: cohort platform, the holder's namespace by name, BestEffortFIFO, reclaim Any, LowerPriority within, no borrowWithinCohort", () => {
    expect(clusterQueueSpec(VISION, FLAVORS, resolveQueues(undefined))).toEqual({
      cohortName: "platform",
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vision" } },
      queueingStrategy: "BestEffortFIFO",
      resourceGroups: resourceGroups(VISION, FLAVORS),
      preemption: { reclaimWithinCohort: "Any", withinClusterQueue: "LowerPriority" },
    });
    expect(resourceGroups(VISION, FLAVORS)).toHaveLength(3);
  });

  it("the configured cohort and preemption; borrowWithinCohort's threshold is the named class's value", () => {
    const queues = resolveQueues({
      cohort: "research",
      priorities: [
        { name: "urgent", value: 5000 },
        { name: "batch", value: 500 },
        { name: "idle", value: 0 },
      ],
      defaultPriority: "idle",
      preemption: { reclaimWithinCohort: "LowerPriority", withinClusterQueue: "LowerOrNewerEqualPriority", borrowWithinCohortUpTo: "batch" },
    });
    const spec = clusterQueueSpec({ ...VISION, name: "speech", namespace: "speech" }, FLAVORS, queues);
    expect(spec.cohortName).toBe("research");
    expect(spec.namespaceSelector).toEqual({ matchLabels: { "kubernetes.io/metadata.name": "speech" } });
    expect(spec.preemption).toEqual({
      reclaimWithinCohort: "LowerPriority",
      withinClusterQueue: "LowerOrNewerEqualPriority",
      borrowWithinCohort: { policy: "LowerPriority", maxPriorityThreshold: 500 },
    });
  });
});

const byKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);
const get = (objs: Obj[], kind: string, name: string): Obj => {
  const hits = objs.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(hits, `${kind} ${name}`).toHaveLength(1);
  const [only] = hits;
  if (!only) throw new Error(`no ${kind} ${name}`);
  return only;
};

describe("queueObjects (prod fixture)", () => {
  const cfg = resolved(fixture("prod"));
  const objs = queueObjects({ cfg, labels: { "cost-center": "ml-platform" } }) as Obj[];
  const GPU_TOLERATION = { key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" };

  it("makes flavors, priority classes, then a ClusterQueue and LocalQueue per team and nothing else, all kueue.x-k8s.io/v1beta2", () => {
    expect(objs.map((o) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`)).toEqual([
      "ResourceFlavor/default",
      "ResourceFlavor/gpu-inference",
      "ResourceFlavor/gpu-training",
      "WorkloadPriorityClass/production",
      "WorkloadPriorityClass/training",
      "WorkloadPriorityClass/experiments",
      "ClusterQueue/recsys",
      "LocalQueue/recsys/recsys",
      "ClusterQueue/nlp",
      "LocalQueue/nlp/nlp",
      "ClusterQueue/fraud",
      "LocalQueue/fraud/fraud",
    ]);
    for (const o of objs) expect(o.apiVersion).toBe("kueue.x-k8s.io/v1beta2");
  });

  it("flavor default selects any node; a GPU pool's flavor selects its pool and tolerates the GPU taint", () => {
    expect(get(objs, "ResourceFlavor", "default").spec).toEqual({});
    expect(get(objs, "ResourceFlavor", "gpu-training").spec).toEqual({ nodeLabels: { "mlops.platform/pool": "gpu-training" }, tolerations: [GPU_TOLERATION] });
  });

  it("priority classes carry value and description at the top level, as the CRD has them", () => {
    const classes = byKind(objs, "WorkloadPriorityClass");
    expect(classes.map((c) => [c.metadata.name, c.value])).toEqual([
      ["production", 10000],
      ["training", 1000],
      ["experiments", 0],
    ]);
    expect(classes[2]?.description).toBe("Interactive work and experiments; the default.");
    for (const c of classes) expect(c.spec).toBeUndefined();
  });

  it("recsys: its CPU and memory, 8 slices of gpu-inference, 28 MIG instances of gpu-training borrowing up to 28 more", () => {
    expect(get(objs, "ClusterQueue", "recsys").spec.resourceGroups).toEqual([
      {
        coveredResources: ["cpu", "memory"],
        flavors: [
          {
            name: "default",
            resources: [
              { name: "cpu", nominalQuota: "128", borrowingLimit: "0", lendingLimit: "0" },
              { name: "memory", nominalQuota: "512Gi", borrowingLimit: "0", lendingLimit: "0" },
            ],
          },
        ],
      },
      { coveredResources: ["nvidia.com/gpu"], flavors: [{ name: "gpu-inference", resources: [{ name: "nvidia.com/gpu", nominalQuota: "8" }] }] },
      {
        coveredResources: ["nvidia.com/mig-1g.10gb"],
        flavors: [{ name: "gpu-training", resources: [{ name: "nvidia.com/mig-1g.10gb", nominalQuota: "28", borrowingLimit: "28" }] }],
      },
    ]);
  });

  it("the nominal quotas of all queues fill gpu-training's 112 instances and gpu-inference's 16 slices", () => {
    const nominal = (resource: string) =>
      byKind(objs, "ClusterQueue")
        .flatMap((q) => q.spec.resourceGroups.flatMap((g: any) => g.flavors.flatMap((f: any) => f.resources)))
        .filter((r: any) => r.name === resource)
        .reduce((n: number, r: any) => n + Number(r.nominalQuota), 0);
    expect(nominal("nvidia.com/mig-1g.10gb")).toBe(112);
    expect(nominal("nvidia.com/gpu")).toBe(16);
  });

  it("a team that runs pipelines holds their GPU share in its own queue: nlp's 84 MIG instances", () => {
    const queue = get(objs, "ClusterQueue", "nlp");
    expect(queue.spec.namespaceSelector).toEqual({ matchLabels: { "kubernetes.io/metadata.name": "nlp" } });
    const flavors = queue.spec.resourceGroups.flatMap((g: any) => g.flavors);
    expect(flavors).toContainEqual({ name: "gpu-training", resources: [{ name: "nvidia.com/mig-1g.10gb", nominalQuota: "84" }] });
  });

  it("a team's queues are labelled with the team and billed to its cost center; each LocalQueue points at its ClusterQueue", () => {
    for (const name of ["recsys", "nlp", "fraud"]) {
      const costCenter = cfg.teams.find((t) => t.name === name)?.costCenter;
      expect(costCenter).toMatch(/^cc-/);
      for (const kind of ["ClusterQueue", "LocalQueue"])
        expect(get(objs, kind, name).metadata.labels).toEqual({ "app.kubernetes.io/managed-by": "mlops-platform", team: name, "cost-center": costCenter });
      const local = get(objs, "LocalQueue", name);
      expect(local.metadata.namespace).toBe(name);
      expect(local.spec).toEqual({ clusterQueue: name });
    }
  });

  it("with pipelines on there is still no pipelines queue, and nothing in kubeflow", () => {
    expect(cfg.services.pipelines.enabled).toBe(true);
    expect(queueHolders(cfg).map((h) => h.name)).toEqual(["recsys", "nlp", "fraud"]);
    expect(objs.filter((o) => o.metadata.name === "pipelines" || o.metadata.namespace === "kubeflow")).toEqual([]);
  });
});

describe("queueObjects (local fixture, an existing cluster)", () => {
  const cfg = resolved(fixture("local"));
  const objs = queueObjects({ cfg }) as Obj[];

  it("has one GPU flavor, gpus, on the GPU operator's node label", () => {
    expect(byKind(objs, "ResourceFlavor").map((f) => f.metadata.name)).toEqual(["default", "gpus"]);
    expect(get(objs, "ResourceFlavor", "gpus").spec.nodeLabels).toEqual({ "nvidia.com/gpu.present": "true" });
    expect(queuePlatform(cfg).clusterKind).toBe("existing");
  });

  it("sandbox holds one whole GPU of it; the default priority classes are made", () => {
    expect(get(objs, "ClusterQueue", "sandbox").spec.resourceGroups[1]).toEqual({
      coveredResources: ["nvidia.com/gpu"],
      flavors: [{ name: "gpus", resources: [{ name: "nvidia.com/gpu", nominalQuota: "1" }] }],
    });
    expect(byKind(objs, "WorkloadPriorityClass").map((c) => [c.metadata.name, c.value])).toEqual([
      ["production", 10000],
      ["training", 1000],
      ["experiments", 0],
    ]);
  });
});
