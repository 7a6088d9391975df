/**
 * Every rejection rule of config/queue-rules.ts, each from a compliant fixture stack with one field broken, through
 * the real loader: the exact path and message. And the shipped fixture shapes, which must pass.
 */
import { describe, expect, it } from "vitest";
import { queuePlatform } from "../../charts/queues";
import { gpuFlavors } from "../../domain/queues";
import { clusterFixture, fixture, problemsAt, problemsOf, resolved, type Cfg } from "./queue-fixtures";

/** Asserts that the problems at `path` are exactly `messages`. */
const expectAt = (cfg: Cfg, path: string, ...messages: string[]) => expect(problemsAt(cfg, path).map((p) => p.message)).toEqual(messages);
const TRAINING = "2 nodes (maxSize) × 8 GPUs per node × 7 MIG 1g.10gb instances per GPU";
const CLASSES = "(production, training, experiments)";

describe("the shipped fixture shapes pass", () => {
  it.each(["dev", "prod", "local", "staging"] as const)("fixture stack %s", (stack) => {
    expect(problemsOf(fixture(stack))).toEqual([]);
  });

  it("the real-server queues stack (two pools, one of them time-sliced)", () => {
    expect(problemsOf(clusterFixture("queues"))).toEqual([]);
  });

  it("prod: gpu-training offers 112 MIG 1g.10gb instances (2 × p5.48xlarge), gpu-inference 16 slices; the teams hold all of them", () => {
    const cfg = resolved(fixture("prod"));
    const offers = gpuFlavors(queuePlatform(cfg)).map((f) => [f.name, f.offer.resources.map((r) => [r.resource, r.units])]);
    expect(offers).toEqual([
      ["gpu-inference", [["nvidia.com/gpu", 16]]],
      ["gpu-training", [["nvidia.com/mig-1g.10gb", 112]]],
    ]);
    expect(cfg.teams.map((t) => t.quota.gpu.find((s) => s.pool === "gpu-training")?.nominal ?? 0)).toEqual([28, 84, 0]);
    // Exactly full: one more instance for nlp overflows.
    const more = fixture("prod");
    more.teams[1].quota.gpu["gpu-training"] = 85;
    expect(problemsAt(more, "teams[1].quota.gpu.gpu-training")).toHaveLength(1);
  });
});

describe("priority classes and preemption", () => {
  it("a class named twice", () => {
    const cfg = fixture("prod");
    cfg.queues.priorities.push({ name: "training", value: 500 });
    expectAt(cfg, "queues.priorities[3].name", '"training" is named twice');
  });

  it("a defaultPriority that is no class", () => {
    const cfg = fixture("prod");
    cfg.queues.defaultPriority = "background";
    expectAt(cfg, "queues.defaultPriority", `"background" is not one of queues.priorities ${CLASSES}`);
  });

  it("classes without experiments and no defaultPriority: the default name is missing", () => {
    const cfg = fixture("dev");
    cfg.queues = {
      priorities: [
        { name: "high", value: 100 },
        { name: "low", value: 0 },
      ],
    };
    expectAt(cfg, "queues.defaultPriority", '"experiments" is not one of queues.priorities (high, low)');
  });

  it("a defaultPriority whose value is not 0", () => {
    const cfg = fixture("prod");
    cfg.queues.defaultPriority = "training";
    expectAt(
      cfg,
      "queues.defaultPriority",
      '"training" has value 1000, but Kueue gives a workload without the priority label priority 0 (defaulting to a named class is alpha in Kueue 0.19 and stays off): name the class whose value is 0',
    );
  });

  it("borrowWithinCohortUpTo naming no class", () => {
    const cfg = fixture("prod");
    cfg.queues.preemption = { borrowWithinCohortUpTo: "urgent" };
    expectAt(cfg, "queues.preemption.borrowWithinCohortUpTo", `"urgent" is not one of queues.priorities ${CLASSES}`);
  });

  it("borrowWithinCohortUpTo with reclaimWithinCohort Never", () => {
    const cfg = fixture("prod");
    cfg.queues.preemption = { reclaimWithinCohort: "Never", borrowWithinCohortUpTo: "training" };
    expectAt(
      cfg,
      "queues.preemption.borrowWithinCohortUpTo",
      'needs reclaimWithinCohort other than "Never": Kueue preempts while borrowing only where it may reclaim',
    );
    cfg.queues.preemption.reclaimWithinCohort = "LowerPriority";
    expect(problemsOf(cfg)).toEqual([]);
  });

  it("a team naming a class that does not exist", () => {
    const cfg = fixture("prod");
    cfg.teams[2].priorities = ["production", "realtime"];
    expectAt(cfg, "teams[2].priorities[1]", `"realtime" is not one of queues.priorities ${CLASSES}`);
  });
});

describe("the form of a share", () => {
  it("the pre-queue single number, with the stack's pools; on an existing cluster the pool is gpus", () => {
    const prod = fixture("prod");
    prod.teams[2].quota.gpu = 2;
    expectAt(
      prod,
      "teams[2].quota.gpu",
      "is one number; GPU quotas are per GPU pool now, each in that pool's unit: gpu: { gpu-inference: 2 } (GPU pools: gpu-inference, gpu-training)",
    );
    const local = fixture("local");
    local.teams[0].quota.gpu = 1;
    expectAt(local, "teams[0].quota.gpu", "is one number; GPU quotas are per GPU pool now, each in that pool's unit: gpu: { gpus: 1 } (GPU pools: gpus)");
    local.teams[0].quota.gpu = 0;
    expect(problemsOf(local)).toEqual([]);
  });

  it("the single number while the pools did not parse: no pool to name", () => {
    const cfg = fixture("dev");
    cfg.nodePools[1].colour = "blue";
    cfg.teams[0].quota.gpu = 4;
    expectAt(cfg, "teams[0].quota.gpu", "is one number; GPU quotas are per GPU pool now, each in that pool's unit: gpu: { <pool>: 4 }");
  });

  it("a share of a pool the stack does not have, or of a CPU pool", () => {
    const cfg = fixture("prod");
    cfg.teams[1].quota.gpu = { "gpu-inference": 6, "gpu-big": 1, cpu: 2 };
    expectAt(cfg, "teams[1].quota.gpu.gpu-big", '"gpu-big" is not a GPU pool of this stack (GPU pools: gpu-inference, gpu-training)');
    expectAt(cfg, "teams[1].quota.gpu.cpu", '"cpu" is not a GPU pool of this stack (GPU pools: gpu-inference, gpu-training)');
  });

  it("an EKS stack without GPU pools names none", () => {
    const cfg = fixture("dev");
    cfg.nodePools = cfg.nodePools.slice(0, 2);
    cfg.teams[1].quota.gpu = 0;
    expectAt(cfg, "teams[0].quota.gpu.gpu", '"gpu" is not a GPU pool of this stack (GPU pools: none)');
  });

  it('an existing cluster has one pool, "gpus"', () => {
    const cfg = fixture("local");
    cfg.teams[0].quota.gpu = { gpu: 1 };
    expectAt(cfg, "teams[0].quota.gpu.gpu", '"gpu" is not a GPU pool of this stack (on an existing cluster all GPU nodes form one pool, "gpus")');
  });

  it("fractional units, in the words of each pool's unit; a fractional nominal adds nothing to the pool's sum", () => {
    const dev = fixture("dev");
    dev.teams[1].quota.gpu = { gpu: 4.5 }; // 4 + 4.5 would overflow the 8 slices if it were counted
    expect(problemsOf(dev)).toEqual([
      { path: "teams[1].quota.gpu.gpu", message: "4.5 is not a whole unit: a unit of pool gpu is a time slice of a shared GPU" },
    ]);
    const staging = fixture("staging");
    staging.teams[0].quota.gpu = { gpu: 0.5 };
    expectAt(staging, "teams[0].quota.gpu.gpu", "0.5 is not a whole unit: a unit of pool gpu is a whole GPU; to share a GPU, use a time-sliced or MIG pool");
    const prod = fixture("prod");
    prod.teams[1].quota.gpu["gpu-training"] = { nominal: 56, borrowingLimit: 2.5, lendingLimit: 0.5 };
    const mig = "is not a whole unit: a unit of pool gpu-training is a MIG instance (an isolated slice of a GPU)";
    expectAt(prod, "teams[1].quota.gpu.gpu-training.borrowingLimit", `2.5 ${mig}`);
    expectAt(prod, "teams[1].quota.gpu.gpu-training.lendingLimit", `0.5 ${mig}`);
    prod.teams[1].quota.gpu["gpu-training"] = { nominal: { "1g.10gb": 1.25 } };
    expectAt(prod, "teams[1].quota.gpu.gpu-training", `1.25 ${mig}`);
  });

  it("one number on an all-balanced pool: nominal is required per MIG size", () => {
    const cfg = fixture("prod");
    cfg.nodePools[3].gpuSharing.profile = "all-balanced";
    const message =
      'pool gpu-training cuts MIG instances of several sizes (1g.10gb, 2g.20gb, 3g.40gb): give nominal per size, e.g. { "1g.10gb": 1, "2g.20gb": 1, "3g.40gb": 1 }';
    expectAt(cfg, "teams[0].quota.gpu.gpu-training", message);
    expectAt(cfg, "teams[1].quota.gpu.gpu-training", message);
  });

  it("a MIG size the pool does not cut, and a MIG size on a pool without MIG", () => {
    const cfg = fixture("prod");
    cfg.teams[1].quota.gpu = { "gpu-inference": { nominal: { "1g.10gb": 2 } }, "gpu-training": { nominal: { "2g.20gb": 4 } } };
    expectAt(cfg, "teams[1].quota.gpu.gpu-training", "pool gpu-training has no MIG 2g.20gb instances (it cuts 1g.10gb)");
    expectAt(cfg, "teams[1].quota.gpu.gpu-inference", "pool gpu-inference has no MIG 1g.10gb instances (it is not a MIG pool: give one number)");
  });

  it("a per-size key that is no MIG size is refused by the schema, at the key, in its own words", () => {
    const cfg = fixture("prod");
    cfg.teams[1].quota.gpu["gpu-training"] = { nominal: { big: 2 } };
    expectAt(cfg, "teams[1].quota.gpu.gpu-training.nominal.big", 'is not a MIG instance size such as "1g.10gb"');
  });

  it("a share that is neither a number nor an object says which forms it takes", () => {
    const cfg = fixture("prod");
    cfg.teams[1].quota.gpu["gpu-training"] = "56";
    expectAt(cfg, "teams[1].quota.gpu.gpu-training", "is neither a number of units nor { nominal, borrowingLimit, lendingLimit }");
    cfg.teams[1].quota.gpu["gpu-training"] = { nominal: 56, borowingLimit: 4 };
    // A misspelt limit inside the object form is named at its own path, like any unknown key.
    expect(problemsOf(cfg).filter((p) => p.path.startsWith("teams[1].quota.gpu.gpu-training"))).toEqual([
      { path: "teams[1].quota.gpu.gpu-training.borowingLimit", message: "unknown key" },
    ]);
  });
});

describe("queues.pipelines is gone", () => {
  const GONE =
    "is no longer taken: Kubeflow Pipelines' steps now run in their team's own namespace and queue on that team's queue (label kueue.x-k8s.io/queue-name: <team>), so there is no pipelines queue; remove queues.pipelines and move its GPU share (and CPU and memory) to the quota of the teams that run pipelines (teams[].quota)";

  it("a stack that still sets it is refused there, once, saying steps queue on their team's queue and where the share goes", () => {
    const cfg = fixture("prod");
    cfg.queues.pipelines = { cpu: "32", memory: "128Gi", gpu: { "gpu-training": 28 } };
    expect(problemsOf(cfg)).toEqual([{ path: "queues.pipelines", message: GONE }]);
  });

  it("in any shape, with Kubeflow Pipelines on or off, and its share is summed nowhere", () => {
    const cfg = fixture("prod");
    cfg.queues.pipelines = { gpu: { "gpu-x": 999 } };
    expect(problemsOf(cfg)).toEqual([{ path: "queues.pipelines", message: GONE }]);
    cfg.services.pipelines = { enabled: false };
    for (const team of cfg.teams) team.services = team.services.filter((s: string) => s !== "pipelines");
    cfg.queues.pipelines = {};
    expect(problemsOf(cfg)).toEqual([{ path: "queues.pipelines", message: GONE }]);
  });

  it("a team may be named pipelines: no ClusterQueue of that name is left to clash with", () => {
    const cfg = fixture("dev");
    cfg.teams[1].name = "pipelines";
    expect(problemsAt(cfg, "teams[1].name")).toEqual([]);
  });
});

describe("borrowing and lending limits", () => {
  it("lending more than the nominal quota", () => {
    const cfg = fixture("prod");
    cfg.teams[1].quota.gpu["gpu-training"] = { nominal: 56, lendingLimit: 60 };
    expectAt(cfg, "teams[1].quota.gpu.gpu-training.lendingLimit", "60 is more than the nominal quota 56 the team could lend");
    cfg.teams[1].quota.gpu["gpu-training"].lendingLimit = 56;
    expect(problemsOf(cfg)).toEqual([]);
  });

  it("nominal 0 and borrowingLimit 0: the pool is out of reach", () => {
    const cfg = fixture("prod");
    cfg.teams[2].quota.gpu["gpu-training"] = { nominal: 0, borrowingLimit: 0 };
    expectAt(
      cfg,
      "teams[2].quota.gpu.gpu-training",
      "nominal 0 and borrowingLimit 0: nothing the team submits could ever run on pool gpu-training; remove the pool or give it a share",
    );
    // Borrowing only is a share too.
    cfg.teams[2].quota.gpu["gpu-training"] = { nominal: 0, borrowingLimit: 8 };
    expect(problemsOf(cfg)).toEqual([]);
  });

  it("a borrowingLimit beyond what the pool offers can never be reached; up to the rest of the pool is fine", () => {
    const cfg = fixture("prod");
    cfg.teams[0].quota.gpu["gpu-training"] = { nominal: 28, borrowingLimit: 90 };
    expectAt(
      cfg,
      "teams[0].quota.gpu.gpu-training.borrowingLimit",
      `90 can never be reached: pool gpu-training offers 112 units of nvidia.com/mig-1g.10gb (${TRAINING}) and the team holds 28; at most 84`,
    );
    cfg.teams[0].quota.gpu["gpu-training"].borrowingLimit = 84;
    expect(problemsOf(cfg)).toEqual([]);
  });
});

describe("capacity per pool and resource", () => {
  it("teams together above the MIG pool: once, at the holder that overflows", () => {
    const cfg = fixture("prod");
    cfg.teams[1].quota.gpu["gpu-training"] = 85;
    expect(problemsOf(cfg)).toEqual([
      {
        path: "teams[1].quota.gpu.gpu-training",
        message: `recsys, nlp hold 113 nominal nvidia.com/mig-1g.10gb units of pool gpu-training together, but it offers 112 (${TRAINING}). Lower the nominal quotas (teams still borrow what others leave idle), or ask the platform team to raise the pool's maxSize or add a pool.`,
      },
    ]);
  });

  it("reported at the first team that crosses, and only once, however many follow", () => {
    const cfg = fixture("prod");
    cfg.teams[1].quota.gpu["gpu-inference"] = 7; // 8 + 7 = 15, then fraud's 2 → 17 > 16
    cfg.teams.push({ ...structuredClone(cfg.teams[2]), name: "vision", costCenter: "cc-9" });
    const problems = problemsOf(cfg).filter((p) => p.message.includes("together, but it offers"));
    expect(problems).toEqual([
      {
        path: "teams[2].quota.gpu.gpu-inference",
        message:
          "recsys, nlp, fraud hold 17 nominal nvidia.com/gpu units of pool gpu-inference together, but it offers 16 (8 nodes (maxSize) × 1 GPU per node × 2 time slices per GPU). On this pool a unit is a time slice of a shared GPU, not a whole GPU. Lower the nominal quotas (teams still borrow what others leave idle), or ask the platform team to raise the pool's maxSize or add a pool.",
      },
    ]);
  });

  it("per MIG size on an all-balanced pool: each size against its own count", () => {
    const cfg = fixture("prod");
    cfg.nodePools[3].gpuSharing.profile = "all-balanced"; // 16 H100s: 32 × 1g.10gb, 16 × 2g.20gb, 16 × 3g.40gb
    cfg.teams[0].quota.gpu["gpu-training"] = { nominal: { "1g.10gb": 32, "3g.40gb": 8 } };
    cfg.teams[1].quota.gpu["gpu-training"] = { nominal: { "3g.40gb": 9, "2g.20gb": 16 } };
    expect(problemsOf(cfg)).toEqual([
      {
        path: "teams[1].quota.gpu.gpu-training",
        message:
          "recsys, nlp hold 17 nominal nvidia.com/mig-3g.40gb units of pool gpu-training together, but it offers 16 (2 nodes (maxSize) × 8 GPUs per node × 1 MIG 3g.40gb instance per GPU). Lower the nominal quotas (teams still borrow what others leave idle), or ask the platform team to raise the pool's maxSize or add a pool.",
      },
    ]);
  });

  it("an existing cluster's capacity is unknown: nothing is summed", () => {
    const cfg = fixture("local");
    cfg.teams[0].quota.gpu = { gpus: 100_000 };
    expect(problemsOf(cfg)).toEqual([]);
  });
});

describe("GPU pools the queues cannot describe", () => {
  it('a GPU pool named "default", the CPU and memory flavor\'s name', () => {
    const cfg = fixture("dev");
    cfg.nodePools[2].name = "default";
    for (const team of cfg.teams) team.quota.gpu = { default: 4 };
    expectAt(cfg, "nodePools[2].name", '"default" names the queues\' CPU and memory flavor; choose another name for a GPU pool');
  });

  it("more than 7 taints on a GPU pool; 7 are fine", () => {
    const cfg = fixture("dev");
    cfg.nodePools[2].taints = Array.from({ length: 8 }, (_, i) => ({ key: `example.com/t${i}`, value: "x", effect: "NoSchedule" }));
    expectAt(cfg, "nodePools[2].taints", "8 taints; a GPU pool takes at most 7 of its own (Kueue carries 8 tolerations per flavor, one is the GPU taint)");
    cfg.nodePools[2].taints.pop();
    expect(problemsOf(cfg)).toEqual([]);
  });

  it("a MIG profile the pool's GPU model does not have; its shares are not judged further", () => {
    const cfg = fixture("prod");
    cfg.nodePools[3].instanceTypes = ["p5e.48xlarge"];
    expect(problemsOf(cfg)).toEqual([
      {
        path: "nodePools[3].gpuSharing.profile",
        message:
          "all-1g.10gb is not a MIG profile the GPU operator cuts on H200 141GB GPUs (it offers all-1g.18gb, all-1g.35gb, all-2g.35gb, all-3g.71gb, all-4g.71gb, all-7g.141gb, all-balanced)",
      },
    ]);
  });

  it("a MIG pool of 40 GB and 80 GB A100s, whose layouts differ", () => {
    const cfg = fixture("prod");
    cfg.nodePools[3].instanceTypes = ["p4d.24xlarge", "p4de.24xlarge"];
    expectAt(cfg, "nodePools[3].gpuSharing.profile", "mixes GPUs of different memory sizes (A100/40, A100/80), whose MIG layouts differ");
  });

  it("an existing cluster's default MIG sharing of several sizes", () => {
    const cfg = fixture("local");
    cfg.gpu.migStrategy = "mixed";
    cfg.gpu.defaultSharing = { mode: "mig", profile: "all-balanced" };
    expectAt(cfg, "gpu.defaultSharing.profile", "all-balanced cuts MIG sizes that depend on the GPU model, which an existing cluster's config does not name");
  });
});
