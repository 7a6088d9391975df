/**
 * GPU queueing as Kueue's controller enforces it on a real API server: two teams in one cohort, vision entitled to
 * pool gpu-a, speech to gpu-a and gpu-b, each with 2 GPUs of its own on gpu-a and room to borrow 2. Jobs are
 * submitted as a team does (labelled with its LocalQueue); Kueue's webhooks suspend them, its scheduler admits
 * (unsuspends), holds, or preempts them, and the Workloads it writes say why. Kueue runs only for this file.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { refusal } from "../../scripts/cluster/kube-client";
import { startKueue, type RunningKueue } from "../../scripts/cluster/kueue";
import { adminClient, eventually } from "./planned";
import {
  applyQueueObjects,
  awaitWorkload,
  condition,
  GPU,
  gpuJob,
  holds,
  jobSuspended,
  POOL_LABEL,
  removeJobs,
  removeQueueObjects,
  reservation,
  TEAMS,
  type AppliedQueueObjects,
  type Workload,
} from "./queue-fixtures";

const admin = adminClient();
let kueue: RunningKueue | undefined;
let applied: AppliedQueueObjects | undefined;

/** Kueue has taken up a queue object once it reports it Active (its flavors exist, its quota is in its cache). */
const active = async (path: string): Promise<boolean> => condition((await admin.request("GET", path)).body, "Active")?.status === "True";

beforeAll(async () => {
  kueue = await startKueue(inject("kube"), inject("kueue"));
  process.stderr.write(`Kueue ${inject("kueue").version} up in ${kueue.startSeconds.toFixed(1)} s\n`);
  applied = await applyQueueObjects(admin);
  const ready = await eventually(async () => {
    for (const team of TEAMS) {
      if (!(await active(`/apis/kueue.x-k8s.io/v1beta2/clusterqueues/${team}`))) return undefined;
      if (!(await active(`/apis/kueue.x-k8s.io/v1beta2/namespaces/${team}/localqueues/${team}`))) return undefined;
    }
    return true;
  }, 60);
  if (!ready) throw new Error("Kueue did not report the teams' ClusterQueues and LocalQueues Active within 60 s");
});
afterEach(() => removeJobs(admin, () => `\n${kueue?.state() ?? "Kueue did not start"}`));
afterAll(async () => {
  try {
    if (applied) await removeQueueObjects(admin, applied);
  } finally {
    await kueue?.stop();
    admin.close();
  }
});

type Job = ReturnType<typeof gpuJob>;

/** Creates the Job, which Kueue's mutating webhook must suspend on the way in. */
async function submit(job: Job): Promise<Job> {
  const created = await admin.create(job);
  expect(created.status, refusal(created)).toBe(201);
  expect(created.body.spec.suspend, "Kueue's webhook suspends a queued Job at creation").toBe(true);
  return job;
}

const admitted = (job: Job): Promise<Workload> => awaitWorkload(admin, job, "Admitted", (w) => holds(w, "Admitted"));

/** Waits until the scheduler has tried the Workload and left it without quota, and returns it. */
const heldBack = (job: Job): Promise<Workload> =>
  awaitWorkload(
    admin,
    job,
    "a pending decision",
    (w) => condition(w, "QuotaReserved")?.status === "False" && /couldn't assign flavors/.test(condition(w, "QuotaReserved")?.message ?? ""),
  );

async function expectRunning(job: Job): Promise<void> {
  expect(await eventually(async () => ((await jobSuspended(admin, job)) === false ? true : undefined)), "the Job is unsuspended").toBe(true);
}

async function expectSuspended(job: Job): Promise<void> {
  expect(await eventually(async () => ((await jobSuspended(admin, job)) === true ? true : undefined)), "the Job is suspended").toBe(true);
}

/** The Workload preempted for `reason`, evicted, its Job suspended again and its quota released. */
async function expectPreempted(job: Job, reason: string): Promise<void> {
  const preempted = await awaitWorkload(admin, job, `Preempted (${reason}) and released`, (w) => holds(w, "Preempted") && !holds(w, "QuotaReserved"));
  expect(condition(preempted, "Preempted")?.reason).toBe(reason);
  expect(condition(preempted, "Evicted")).toMatchObject({ status: "True", reason: "Preempted" });
  expect(holds(preempted, "Admitted")).toBe(false);
  await expectSuspended(job);
}

describe("a team within its nominal quota", () => {
  it("is admitted: its Job starts, with its pool's node selector and the GPU toleration", async () => {
    const job = await submit(gpuJob("vision", "within-quota", { gpus: 1 }));
    const workload = await admitted(job);
    expect(holds(workload, "QuotaReserved")).toBe(true);
    expect(workload.status.admission.clusterQueue).toBe("vision");
    expect(workload.status.admission.podSetAssignments[0].flavors).toEqual({ cpu: "default", memory: "default", [GPU]: "gpu-a" });
    await expectRunning(job);
    const pods = (await admin.get(job)).body.spec.template.spec;
    expect(pods.nodeSelector).toEqual({ [POOL_LABEL]: "gpu-a" });
    expect(pods.tolerations).toContainEqual({ key: GPU, operator: "Equal", value: "true", effect: "NoSchedule" });
  });
});

describe("a team over its quota", () => {
  it("gets a Job larger than nominal plus borrowing limit created, never started, its Workload pending with the reason", async () => {
    const job = await submit(gpuJob("vision", "too-big", { gpus: 5 }));
    const workload = await heldBack(job);
    expect(condition(workload, "QuotaReserved")?.reason).toBeTruthy();
    expect(condition(workload, "QuotaReserved")?.message).toMatch(/insufficient quota for nvidia\.com\/gpu in flavor gpu-a.*> maximum capacity \(4\)/);
    expect(holds(workload, "Admitted")).toBe(false);
    expect(await jobSuspended(admin, job)).toBe(true);
  });

  it("holds the next Job while the team uses its nominal quota and all it may borrow", async () => {
    await admitted(await submit(gpuJob("vision", "four", { gpus: 4 })));
    const fifth = await submit(gpuJob("vision", "fifth", { gpus: 1 }));
    const workload = await heldBack(fifth);
    const message = condition(workload, "QuotaReserved")?.message;
    expect(message).toMatch(/insufficient unused quota for nvidia\.com\/gpu in flavor gpu-a, 1 more needed/);
    // Same priority, nobody else borrowing: the scheduler found nothing it may preempt.
    expect(message).not.toMatch(/Pending the preemption/);
    expect(holds(workload, "Admitted")).toBe(false);
    expect(await jobSuspended(admin, fifth)).toBe(true);
  });
});

describe("borrowing in the cohort", () => {
  it("lets vision borrow speech's idle GPUs: 4 admitted on gpu-a, 2 of them borrowed", async () => {
    const job = await submit(gpuJob("vision", "borrower", { gpus: 4 }));
    await admitted(job);
    await expectRunning(job);
    const reserved = await eventually(async () => {
      const gpuA = await reservation(admin, "vision", "gpu-a", GPU);
      return gpuA.total === "4" ? gpuA : undefined;
    });
    expect(reserved).toEqual({ name: GPU, total: "4", borrowed: "2" });
  });

  it("gives speech its nominal back: vision's borrowing Workload is preempted (reclaim), speech's admitted", async () => {
    const borrower = await submit(gpuJob("vision", "borrower", { gpus: 4 }));
    await admitted(borrower);
    await expectRunning(borrower);
    // Pinned to gpu-a, the pool vision borrowed from: on gpu-b speech would fit without reclaiming anything.
    const owner = await submit(gpuJob("speech", "owner", { gpus: 1, pool: "gpu-a" }));
    await expectPreempted(borrower, "InCohortReclamation");
    const workload = await admitted(owner);
    expect(workload.status.admission.podSetAssignments[0].flavors[GPU]).toBe("gpu-a");
    await expectRunning(owner);
  });
});

describe("entitlement to GPU pools", () => {
  it("never admits a vision Job that selects pool gpu-b: vision's queue has no such flavor", async () => {
    const job = await submit(gpuJob("vision", "wrong-pool", { gpus: 1, pool: "gpu-b" }));
    const workload = await heldBack(job);
    expect(condition(workload, "QuotaReserved")?.message).toMatch(/flavor gpu-a doesn't match node affinity/);
    expect(holds(workload, "Admitted")).toBe(false);
    expect(await jobSuspended(admin, job)).toBe(true);
  });

  it("admits the same Job in speech, which is entitled to gpu-b (the control)", async () => {
    const job = await submit(gpuJob("speech", "right-pool", { gpus: 1, pool: "gpu-b" }));
    const workload = await admitted(job);
    expect(workload.status.admission.podSetAssignments[0].flavors[GPU]).toBe("gpu-b");
    await expectRunning(job);
  });
});

describe("priority within a team", () => {
  it("preempts an experiments Workload for a production one when the team's queue is full", async () => {
    const experiment = await submit(gpuJob("vision", "experiment", { gpus: 4, priorityClass: "experiments" }));
    const running = await admitted(experiment);
    expect(running.spec.priorityClassRef?.name).toBe("experiments");
    expect(running.spec.priority).toBe(0);
    const urgent = await submit(gpuJob("vision", "urgent", { gpus: 1, priorityClass: "production" }));
    await expectPreempted(experiment, "InClusterQueue");
    const workload = await admitted(urgent);
    expect(workload.spec.priority).toBe(10000);
    await expectRunning(urgent);
  });

  it("does not preempt for an equal priority: a second experiments Job waits (the control)", async () => {
    const first = await submit(gpuJob("vision", "experiment", { gpus: 4, priorityClass: "experiments" }));
    await admitted(first);
    const second = await submit(gpuJob("vision", "another", { gpus: 1, priorityClass: "experiments" }));
    // The scheduler's own record of its decision: no preemption pending for the newcomer.
    expect(condition(await heldBack(second), "QuotaReserved")?.message).not.toMatch(/Pending the preemption/);
    expect(holds(await awaitWorkload(admin, first, "still Admitted", (w) => holds(w, "Admitted")), "Preempted")).toBe(false);
    expect(await jobSuspended(admin, first)).toBe(false);
  });
});
