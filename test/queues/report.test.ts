/**
 * The GPU queues in words (scripts/check/queue-report.ts): a team's queue, GPU shares and priority classes, and
 * per pool who holds how much of it and what is in nobody's quota, over the resolved fixture stacks.
 */
import { describe, expect, it } from "vitest";
import { queueHolders, queuePlatform } from "../../charts/queues";
import type { PlatformConfig } from "../../config/defaults";
import { resolveQueues } from "../../config/queues";
import { gpuFlavors, type QueueHolder } from "../../domain/queues";
import { poolLines, queueLines, type QueueReportContext } from "../../scripts/check/queue-report";
import { eksPlatform, fixture, POOLS, resolved } from "./queue-fixtures";

const contextOf = (cfg: PlatformConfig): QueueReportContext => ({ flavors: gpuFlavors(queuePlatform(cfg)), queues: cfg.queues });
const teamHolder = (cfg: PlatformConfig, name: string): QueueHolder & { priorities: readonly string[] } => {
  const team = cfg.teams.find((t) => t.name === name);
  if (!team) throw new Error(`no team ${name}`);
  return { name, namespace: name, cpu: team.quota.cpu, memory: team.quota.memory, gpu: team.quota.gpu, priorities: team.priorities };
};
const PROD = resolved(fixture("prod"));
const TRAINING = "2 nodes (maxSize) × 8 GPUs per node × 7 MIG 1g.10gb instances per GPU";

describe("queueLines", () => {
  const [queue, gpus, priorities] = queueLines(teamHolder(PROD, "recsys"), contextOf(PROD));

  it("three lines: queue, gpus and priorities, indented like the team report", () => {
    expect(queueLines(teamHolder(PROD, "recsys"), contextOf(PROD))).toHaveLength(3);
    expect([queue, gpus, priorities].map((l) => l?.slice(0, 13))).toEqual(["  queue      ", "  gpus       ", "  priorities "]);
  });

  it("queue: the label to put on Jobs and GPU pods, the ClusterQueue, its cohort and its CPU and memory", () => {
    expect(queue).toBe(
      "  queue      label Jobs (a CronJob's jobTemplate) and GPU pods kueue.x-k8s.io/queue-name: recsys; over quota they wait in the queue; ClusterQueue recsys in cohort platform, cpu 128 and memory 512Gi for queued work",
    );
  });

  it("gpus: per pool the nominal units with their resource and unit words, borrowing and lending", () => {
    expect(gpus).toBe(
      "  gpus       gpu-inference: nominal 8 nvidia.com/gpu (time slices of shared GPUs), may borrow whatever the cohort leaves idle, lends all of it while idle; " +
        "gpu-training: nominal 28 nvidia.com/mig-1g.10gb (MIG instances), may borrow up to 28 more, lends all of it while idle",
    );
  });

  it("priorities: each class with its value, the default marked, and the preemption settings", () => {
    expect(priorities).toBe(
      "  priorities production 10000, training 1000, experiments 0 (default) (label kueue.x-k8s.io/priority-class); reclaims its nominal from borrowers (Any), preempts within the team (LowerPriority)",
    );
    const [, , fraud] = queueLines(teamHolder(PROD, "fraud"), contextOf(PROD));
    expect(fraud).toMatch(/^ {2}priorities production 10000, experiments 0 \(default\) \(label /);
  });

  it("whole GPUs, a lending limit, shares per MIG size, a pool that is none, and a custom cohort and preemption", () => {
    const flavors = gpuFlavors(eksPlatform([POOLS.whole, POOLS.balanced]));
    const queues = resolveQueues({
      cohort: "research",
      priorities: [
        { name: "high", value: 10 },
        { name: "low", value: 0 },
      ],
      defaultPriority: "low",
      preemption: { reclaimWithinCohort: "LowerPriority", withinClusterQueue: "Never" },
    });
    const holder = {
      name: "vision",
      namespace: "vision",
      cpu: "16",
      memory: "64Gi",
      gpu: [
        { pool: "whole", nominal: 2, borrowingLimit: 0, lendingLimit: 1 },
        { pool: "balanced", nominal: { "1g.10gb": 8, "2g.20gb": 4, "3g.40gb": 2 } },
        { pool: "nope", nominal: 1 },
      ],
      priorities: ["high", "low", "gone"],
    };
    expect(queueLines(holder, { flavors, queues })).toEqual([
      "  queue      label Jobs (a CronJob's jobTemplate) and GPU pods kueue.x-k8s.io/queue-name: vision; over quota they wait in the queue; ClusterQueue vision in cohort research, cpu 16 and memory 64Gi for queued work",
      "  gpus       whole: nominal 2 nvidia.com/gpu (whole GPUs), borrows nothing, lends at most 1; " +
        "balanced: nominal 8 nvidia.com/mig-1g.10gb + 4 nvidia.com/mig-2g.20gb + 2 nvidia.com/mig-3g.40gb (MIG instances), may borrow whatever the cohort leaves idle, lends all of it while idle; " +
        "nope: not a GPU pool",
      "  priorities high 10, low 0 (default), gone ? (label kueue.x-k8s.io/priority-class); reclaims its nominal from borrowers (LowerPriority), preempts within the team (Never)",
    ]);
  });

  it("a team without GPU shares is told its GPU work is never admitted", () => {
    const [, gpusLine] = queueLines({ ...teamHolder(PROD, "fraud"), gpu: [] }, contextOf(PROD));
    expect(gpusLine).toBe("  gpus       none: GPU work of this team is never admitted");
  });

  it("a share the pool cannot take says why instead of a nominal", () => {
    const flavors = gpuFlavors(eksPlatform([POOLS.balanced]));
    const [, gpusLine] = queueLines({ ...teamHolder(PROD, "nlp"), gpu: [{ pool: "balanced", nominal: 3 }] }, { flavors, queues: PROD.queues });
    expect(gpusLine).toBe(
      '  gpus       balanced: nominal pool balanced cuts MIG instances of several sizes (1g.10gb, 2g.20gb, 3g.40gb): give nominal per size, e.g. { "1g.10gb": 1, "2g.20gb": 1, "3g.40gb": 1 } (MIG instances), may borrow whatever the cohort leaves idle, lends all of it while idle',
    );
  });
});

describe("poolLines", () => {
  it("prod: each pool's capacity with its formula and its holders, the teams alone; nothing spare", () => {
    expect(poolLines(queueHolders(PROD), contextOf(PROD).flavors)).toEqual([
      "pool gpu-inference nvidia.com/gpu, a unit is a time slice of a shared GPU: 16 (8 nodes (maxSize) × 1 GPU per node × 2 time slices per GPU); nominal recsys 8, nlp 6, fraud 2",
      `pool gpu-training nvidia.com/mig-1g.10gb, a unit is a MIG instance (an isolated slice of a GPU): 112 (${TRAINING}); nominal recsys 28, nlp 84`,
    ]);
  });

  it("units in nobody's nominal quota are named, since no queue can borrow them", () => {
    const cfg = fixture("prod");
    cfg.teams[1].quota.gpu = { "gpu-inference": 6, "gpu-training": 78 };
    const lines = poolLines(queueHolders(resolved(cfg)), contextOf(resolved(cfg)).flavors);
    expect(lines[1]).toBe(
      `pool gpu-training nvidia.com/mig-1g.10gb, a unit is a MIG instance (an isolated slice of a GPU): 112 (${TRAINING}); nominal recsys 28, nlp 78; 6 in nobody's nominal quota, which no queue can use`,
    );
  });

  it("a whole-GPU pool that nobody holds", () => {
    const staging = resolved(fixture("staging"));
    const nobody = staging.teams.map((t) => ({ name: t.name, namespace: t.name, cpu: t.quota.cpu, memory: t.quota.memory, gpu: [] }));
    expect(poolLines(nobody, contextOf(staging).flavors)).toEqual([
      "pool gpu nvidia.com/gpu, a unit is a whole GPU: 4 (4 nodes (maxSize) × 1 GPU per node); nominal nobody; 4 in nobody's nominal quota, which no queue can use",
    ]);
  });

  it("one line per MIG size of an all-balanced pool", () => {
    const flavors = gpuFlavors(eksPlatform([POOLS.balanced]));
    const holder = { name: "vision", namespace: "vision", cpu: "1", memory: "1Gi", gpu: [{ pool: "balanced", nominal: { "1g.10gb": 16, "3g.40gb": 2 } }] };
    expect(poolLines([holder], flavors)).toEqual([
      "pool balanced nvidia.com/mig-1g.10gb, a unit is a MIG instance (an isolated slice of a GPU): 16 (1 node (maxSize) × 8 GPUs per node × 2 MIG 1g.10gb instances per GPU); nominal vision 16",
      "pool balanced nvidia.com/mig-2g.20gb, a unit is a MIG instance (an isolated slice of a GPU): 8 (1 node (maxSize) × 8 GPUs per node × 1 MIG 2g.20gb instance per GPU); nominal nobody; 8 in nobody's nominal quota, which no queue can use",
      "pool balanced nvidia.com/mig-3g.40gb, a unit is a MIG instance (an isolated slice of a GPU): 8 (1 node (maxSize) × 8 GPUs per node × 1 MIG 3g.40gb instance per GPU); nominal vision 2; 6 in nobody's nominal quota, which no queue can use",
    ]);
  });

  it("an existing cluster: capacity unknown, and so nothing called spare", () => {
    const local = resolved(fixture("local"));
    expect(poolLines(queueHolders(local), contextOf(local).flavors)).toEqual([
      "pool gpus nvidia.com/gpu, a unit is a whole GPU: capacity unknown; nominal sandbox 1",
    ]);
  });
});
