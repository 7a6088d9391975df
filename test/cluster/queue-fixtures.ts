/**
 * The queueing fixture on a running control plane with Kueue: the platform's Kueue objects for two teams sharing
 * GPUs in one cohort, GPU Jobs as a team submits them, and reads of what Kueue made of them (Workloads, the
 * ClusterQueue's reservation). The Kueue objects are the ones the offline plan writes for the queues stack.
 */
import type { KubeObject } from "../../scripts/plan/extract";
import { refusal, type KubeClient } from "../../scripts/cluster/kube-client";
import { container } from "./fixtures";
import { applyOrder, eventually, writtenPlan } from "./planned";

export const TEAMS = ["vision", "speech"] as const;
export type Team = (typeof TEAMS)[number];

const KUEUE = "kueue.x-k8s.io/v1beta2";
export const QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
export const PRIORITY_LABEL = "kueue.x-k8s.io/priority-class";
export const POOL_LABEL = "mlops.platform/pool";
export const GPU = "nvidia.com/gpu";
/** On every Job a test makes, so the clean-up finds them all and nothing else. */
const TEST_LABEL = { "mlops.platform/test": "queues" };
/** The applier's own field manager: the isolation fixture applies the same namespaces, and must keep what it set. */
export const FIELD_MANAGER = "mlops-queues-test";

/** An object as the tests write it: named, perhaps namespaced and labelled. */
export type Manifest = KubeObject & { metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

/**
 * The Kueue objects the platform plans for the queues fixture stack (test/cluster/stacks/Pulumi.queues.yaml), and
 * the teams' Namespaces with the queue label Kueue's webhooks select on: vision holds 2 GPUs of pool gpu-a and may
 * borrow 2 more there; speech holds 2 of gpu-a and both slices of gpu-b.
 */
export async function queueObjects(): Promise<Manifest[]> {
  const { objects } = await writtenPlan("queues");
  const teams: readonly string[] = TEAMS;
  const ours = (objects as Manifest[]).filter(
    (o) =>
      (o.kind === "Namespace" && teams.includes(o.metadata.name)) ||
      (o.apiVersion === KUEUE && (o.metadata.namespace === undefined || teams.includes(o.metadata.namespace))),
  );
  if (!ours.some((o) => o.kind === "ClusterQueue")) throw new Error("the queues stack planned no ClusterQueue");
  return ours;
}

export interface GpuJobOptions {
  /** Pods that run at once, each with one GPU: the workload asks for this many. */
  readonly gpus: number;
  readonly priorityClass?: string;
  /** A GPU pool the pods select by node label, as a team picks one by hand. */
  readonly pool?: string;
}

type Job = Manifest & { metadata: { namespace: string } };

/** A Job submitted to the team's LocalQueue: `gpus` workers with one GPU each (requests = limits), small CPU and memory. */
export function gpuJob(team: Team, name: string, options: GpuJobOptions): Job {
  const resources = { cpu: "100m", memory: "128Mi", [GPU]: "1" };
  const labels = { ...TEST_LABEL, [QUEUE_LABEL]: team, ...(options.priorityClass ? { [PRIORITY_LABEL]: options.priorityClass } : {}) };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: team, labels },
    spec: {
      parallelism: options.gpus,
      completions: options.gpus,
      template: {
        metadata: { labels: TEST_LABEL },
        spec: {
          restartPolicy: "Never",
          containers: [container("train", { resources: { requests: resources, limits: resources } })],
          ...(options.pool ? { nodeSelector: { [POOL_LABEL]: options.pool } } : {}),
        },
      },
    },
  };
}

/** A Workload as the API returns it. */
export type Workload = any;
export type Condition = { type: string; status: string; reason: string; message: string };

export const condition = (workload: Workload, type: string): Condition | undefined =>
  (workload?.status?.conditions ?? []).find((c: Condition) => c.type === type);
export const holds = (workload: Workload, type: string): boolean => condition(workload, type)?.status === "True";

/** The Workload Kueue made for a Job (owned by it), or undefined while there is none. */
export async function workloadOf(admin: KubeClient, job: Job): Promise<Workload | undefined> {
  const list = await admin.request("GET", `/apis/${KUEUE}/namespaces/${job.metadata.namespace}/workloads`);
  return (list.body?.items ?? []).find((w: Workload) => (w.metadata.ownerReferences ?? []).some((o: any) => o.kind === "Job" && o.name === job.metadata.name));
}

/** Waits until the Job's Workload satisfies `check`; fails with the Workload's last state. */
export async function awaitWorkload(admin: KubeClient, job: Job, what: string, check: (workload: Workload) => boolean, seconds = 30): Promise<Workload> {
  let last: Workload;
  const found = await eventually(async () => {
    last = await workloadOf(admin, job);
    return last && check(last) ? last : undefined;
  }, seconds);
  if (!found)
    throw new Error(
      `the Workload of Job ${job.metadata.namespace}/${job.metadata.name} did not get ${what} within ${seconds} s: ${JSON.stringify(last?.status ?? last)}`,
    );
  return found;
}

export async function jobSuspended(admin: KubeClient, job: Job): Promise<boolean | undefined> {
  return (await admin.get(job)).body?.spec?.suspend;
}

/** The ClusterQueue's reservation of one flavor's resource: { name, total, borrowed }, quantities as the API writes them. */
export async function reservation(
  admin: KubeClient,
  queue: Team,
  flavorName: string,
  resource: string,
): Promise<{ name?: string; total?: string; borrowed?: string }> {
  const cq = await admin.request("GET", `/apis/${KUEUE}/clusterqueues/${queue}`);
  const flavorUsage = (cq.body?.status?.flavorsReservation ?? []).find((f: any) => f.name === flavorName);
  return (flavorUsage?.resources ?? []).find((r: any) => r.name === resource) ?? {};
}

/** Deletes every Job the tests made, their pods and Workloads, and waits until Kueue has let go of the quota. */
export async function removeJobs(admin: KubeClient, diagnose: () => string = () => ""): Promise<void> {
  const selector = encodeURIComponent(Object.entries(TEST_LABEL).map(([key, value]) => `${key}=${value}`)[0]);
  for (const team of TEAMS) {
    await admin.request("DELETE", `/apis/batch/v1/namespaces/${team}/jobs?labelSelector=${selector}&propagationPolicy=Background`);
    await admin.request("DELETE", `/api/v1/namespaces/${team}/pods?labelSelector=${selector}`);
  }
  let left: string[] = [];
  const released = await eventually(async () => {
    left = [];
    for (const team of TEAMS) {
      // Deleted here rather than left to the garbage collector, which learns of a new kind (Workload) only at its
      // next discovery resync and holds its workers while it syncs: on a slow machine that can outlast the wait.
      // Kueue lifts the finalizer once the Job is gone; deleting again each round catches a Workload made late.
      await admin.request("DELETE", `/apis/${KUEUE}/namespaces/${team}/workloads`);
      for (const workload of (await admin.request("GET", `/apis/${KUEUE}/namespaces/${team}/workloads`)).body?.items ?? [])
        left.push(`${team}/${workload.metadata.name} (finalizers ${JSON.stringify(workload.metadata.finalizers ?? [])})`);
      const reserved = Number((await reservation(admin, team, "gpu-a", GPU)).total ?? 0);
      if (reserved !== 0) left.push(`ClusterQueue ${team} reserves ${reserved} GPUs of gpu-a`);
    }
    return left.length === 0 ? true : undefined;
  }, 60);
  if (!released) throw new Error(`Kueue still held Workloads or GPU quota 60 s after the tests' Jobs were deleted: ${left.join("; ")}${diagnose()}`);
}

/** What applyQueueObjects found: the objects it created, to delete at the end, and those it only changed. */
export interface AppliedQueueObjects {
  readonly created: Manifest[];
  readonly existing: Manifest[];
}

/** Applies queueObjects() in apply order, noting which of them were not on the server before. */
export async function applyQueueObjects(admin: KubeClient): Promise<AppliedQueueObjects> {
  const created: Manifest[] = [];
  const existing: Manifest[] = [];
  for (const object of [...(await queueObjects())].sort(applyOrder)) {
    ((await admin.get(object)).status === 404 ? created : existing).push(object);
    const applied = await admin.apply(object, FIELD_MANAGER);
    if (applied.status >= 300) throw new Error(`${object.kind} ${object.metadata.name}: ${refusal(applied)}`);
  }
  return { created, existing };
}

/**
 * Leaves the server as the file found it, for the files after it: deletes what it created, namespaced objects
 * first (Kueue, still running, lifts its finalizers), and takes its labels off namespaces that were already there
 * (applying nothing under its field manager drops the fields only it set). Objects it found and changed stay changed.
 */
export async function removeQueueObjects(admin: KubeClient, applied: AppliedQueueObjects): Promise<void> {
  for (const object of [...applied.created].reverse()) await admin.request("DELETE", (await admin.paths(object)).item);
  for (const namespace of applied.existing.filter((o) => o.kind === "Namespace")) {
    await admin.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace.metadata.name } }, FIELD_MANAGER);
  }
  let left: string[] = [];
  const gone = await eventually(async () => {
    left = [];
    for (const object of applied.created) {
      const found = await admin.get(object);
      if (found.status !== 404) left.push(`${object.kind} ${object.metadata.name} (finalizers ${JSON.stringify(found.body?.metadata?.finalizers ?? [])})`);
    }
    return left.length === 0 ? true : undefined;
  }, 90);
  if (!gone) throw new Error(`the queue fixture's objects were not all deleted within 90 s: ${left.join("; ")}`);
}
