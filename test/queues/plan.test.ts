/**
 * The Kueue objects as a stack's offline plan writes them (out/<stack>/manifests/*.yaml, read back as a person
 * would apply them): the real-server queues stack (test/cluster/stacks/Pulumi.queues.yaml: gpu-a with 4 whole
 * GPUs, gpu-b with 2 time slices; vision holds 2 of gpu-a and may borrow 2, speech the rest of both), and the
 * dev fixture's drift CronJob.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../../scripts/plan/extract";
import { writePlan } from "../../scripts/plan/report";
import { runPlan, type PlanResult } from "../../scripts/plan/run";
import { readStackConfig } from "../../scripts/plan/stack-file";
import { TODAY } from "../helpers/stack";
import { plan } from "../components/plan-query";
import { CLUSTER_STACKS_DIR } from "./queue-fixtures";

type Obj = KubeObject & {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: any;
};

let result: PlanResult;
let objects: Obj[];

beforeAll(async () => {
  result = await runPlan("queues", { stackConfig: readStackConfig("queues", CLUSTER_STACKS_DIR), today: TODAY });
  const out = mkdtempSync(join(tmpdir(), "mlops-queues-plan-"));
  try {
    const dir = await writePlan(result, out);
    objects = readdirSync(join(dir, "manifests")).flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, "manifests", file), "utf8")).map((doc) => doc.toJS() as Obj),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 120_000);

const kueue = () => objects.filter((o) => o.apiVersion.startsWith("kueue.x-k8s.io/"));
const named = (kind: string, name: string, namespace?: string): Obj => {
  const hits = objects.filter((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  expect(hits, `${kind} ${namespace ?? ""}/${name}`).toHaveLength(1);
  const [only] = hits;
  if (!only) throw new Error(`no ${kind} ${name}`);
  return only;
};
const cpuGroup = (cpu: string, memory: string) => ({
  coveredResources: ["cpu", "memory"],
  flavors: [
    {
      name: "default",
      resources: [
        { name: "cpu", nominalQuota: cpu, borrowingLimit: "0", lendingLimit: "0" },
        { name: "memory", nominalQuota: memory, borrowingLimit: "0", lendingLimit: "0" },
      ],
    },
  ],
});

describe("the queues stack's plan", () => {
  it("plans without config problems or duplicate URNs; any schema problem is only a Kueue kind not yet known to the validator", () => {
    expect(result.problems).toEqual([]);
    expect(result.duplicateUrns).toEqual([]);
    expect(result.schemaProblems.filter((p) => !/ has no kueue\.x-k8s\.io\/v1beta2 /.test(p.message))).toEqual([]);
  });

  it("writes every Kueue object as kueue.x-k8s.io/v1beta2: flavors, priority classes, a ClusterQueue and a LocalQueue per team", () => {
    const found = kueue();
    expect(found.length).toBeGreaterThan(0);
    for (const o of found) expect(o.apiVersion, `${o.kind} ${o.metadata.name}`).toBe("kueue.x-k8s.io/v1beta2");
    const names = (kind: string) =>
      found
        .filter((o) => o.kind === kind)
        .map((o) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name))
        .sort();
    expect(names("ResourceFlavor")).toEqual(["default", "gpu-a", "gpu-b"]);
    expect(names("WorkloadPriorityClass")).toEqual(["experiments", "production", "training"]);
    expect(names("ClusterQueue")).toEqual(["speech", "vision"]);
    expect(names("LocalQueue")).toEqual(["speech/speech", "vision/vision"]);
    expect(new Set(found.map((o) => o.kind))).toEqual(new Set(["ResourceFlavor", "WorkloadPriorityClass", "ClusterQueue", "LocalQueue"]));
  });

  it("priority classes carry the default values: production 10000, training 1000, experiments 0", () => {
    const values = Object.fromEntries(kueue().flatMap((o) => (o.kind === "WorkloadPriorityClass" ? [[o.metadata.name, o.value]] : [])));
    expect(values).toEqual({ production: 10000, training: 1000, experiments: 0 });
  });

  it("a flavor per GPU pool on the pool's label, tolerating the GPU taint", () => {
    expect(named("ResourceFlavor", "gpu-b").spec).toEqual({
      nodeLabels: { "mlops.platform/pool": "gpu-b" },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" }],
    });
  });

  it("vision's ClusterQueue: its CPU and memory, and 2 whole GPUs of gpu-a borrowing up to 2 more, nothing of gpu-b", () => {
    const vision = named("ClusterQueue", "vision");
    expect(vision.spec).toMatchObject({
      cohortName: "platform",
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vision" } },
      preemption: { reclaimWithinCohort: "Any", withinClusterQueue: "LowerPriority" },
    });
    expect(vision.spec.resourceGroups).toEqual([
      cpuGroup("16", "64Gi"),
      { coveredResources: ["nvidia.com/gpu"], flavors: [{ name: "gpu-a", resources: [{ name: "nvidia.com/gpu", nominalQuota: "2", borrowingLimit: "2" }] }] },
    ]);
  });

  it("speech's ClusterQueue: gpu-a and gpu-b share nvidia.com/gpu, so one group with both flavors in pool order", () => {
    expect(named("ClusterQueue", "speech").spec.resourceGroups).toEqual([
      cpuGroup("16", "64Gi"),
      {
        coveredResources: ["nvidia.com/gpu"],
        flavors: [
          { name: "gpu-a", resources: [{ name: "nvidia.com/gpu", nominalQuota: "2" }] },
          { name: "gpu-b", resources: [{ name: "nvidia.com/gpu", nominalQuota: "2" }] },
        ],
      },
    ]);
  });

  it("LocalQueues live in the team namespaces, each pointing at its ClusterQueue", () => {
    for (const [namespace, name] of [
      ["vision", "vision"],
      ["speech", "speech"],
    ] as const)
      expect(named("LocalQueue", name, namespace).spec).toEqual({ clusterQueue: name });
  });

  it("team namespaces carry the queue label, the pools they may use and the priority classes they may name", () => {
    const vision = named("Namespace", "vision").metadata;
    const speech = named("Namespace", "speech").metadata;
    expect(vision.labels?.["mlops.platform/queue"]).toBe("vision");
    expect(speech.labels?.["mlops.platform/queue"]).toBe("speech");
    expect(vision.annotations).toMatchObject({ "mlops.platform/gpu-pools": "gpu-a", "mlops.platform/queue-priorities": "production,experiments" });
    expect(speech.annotations).toMatchObject({
      "mlops.platform/gpu-pools": "gpu-a,gpu-b",
      "mlops.platform/queue-priorities": "production,training,experiments",
    });
  });

  it("no team ResourceQuota counts GPUs any more: the queues do", () => {
    const quotas = objects.filter((o) => o.kind === "ResourceQuota" && ["vision", "speech"].includes(o.metadata.namespace ?? ""));
    expect(quotas.length).toBeGreaterThan(0);
    for (const q of quotas) expect(Object.keys(q.spec.hard).filter((k) => k.includes("nvidia.com"))).toEqual([]);
  });
});

describe("the dev fixture's drift CronJob", () => {
  it("its jobTemplate names the team's LocalQueue", async () => {
    const dev = await plan("dev");
    const cronJobs = dev.objects.map((o) => o.object as Obj).filter((o) => o.kind === "CronJob" && o.metadata.name.startsWith("drift-"));
    expect(cronJobs.length).toBeGreaterThan(0);
    for (const c of cronJobs) expect(c.spec.jobTemplate.metadata.labels["kueue.x-k8s.io/queue-name"]).toBe(c.metadata.namespace);
    expect(cronJobs.map((c) => `${c.metadata.namespace}/${c.metadata.name}`)).toContain("recsys/drift-ranker");
  }, 120_000);
});
