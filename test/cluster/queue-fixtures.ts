/**
 * The queueing fixture on a running control plane with Kueue: the platform's Kueue objects for two teams sharing
 * GPUs in one cohort, GPU Jobs as a team submits them, and reads of what Kueue made of them (Workloads, the
 * ClusterQueue's reservation). Until the platform plans its Kueue objects, queueObjects() writes them here.
 */
import type { KubeObject } from "../../scripts/plan/extract";
import { refusal, type KubeClient } from "../../scripts/cluster/kube-client";
import { container } from "./fixtures";
import { applyOrder, eventually } from "./planned";

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

const GPU_TOLERATION = { key: GPU, operator: "Equal", value: "true", effect: "NoSchedule" };
const flavor = (name: string, spec: object): Manifest => ({ apiVersion: KUEUE, kind: "ResourceFlavor", metadata: { name }, spec });
const priority = (name: string, value: number, description: string): Manifest => ({
  apiVersion: KUEUE,
  kind: "WorkloadPriorityClass",
  metadata: { name },
  value,
  description,
});

function clusterQueue(team: Team, gpuFlavors: object[]): Manifest {
  const cpuAndMemory = [
    { name: "cpu", nominalQuota: "16", borrowingLimit: "0", lendingLimit: "0" },
    { name: "memory", nominalQuota: "64Gi", borrowingLimit: "0", lendingLimit: "0" },
  ];
  return {
    apiVersion: KUEUE,
    kind: "ClusterQueue",
    metadata: { name: team },
    spec: {
      cohortName: "platform",
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": team } },
      queueingStrategy: "BestEffortFIFO",
      preemption: { reclaimWithinCohort: "Any", withinClusterQueue: "LowerPriority" },
      resourceGroups: [
        { coveredResources: ["cpu", "memory"], flavors: [{ name: "default", resources: cpuAndMemory }] },
        { coveredResources: [GPU], flavors: gpuFlavors },
      ],
    },
  };
}

/**
 * The Kueue objects the platform plans for the fixture's teams: vision is entitled to pool gpu-a, speech to gpu-a
 * and gpu-b; each has 2 GPUs of its own on gpu-a and may borrow 2 more there. Later: the Kueue kinds of
 * `(await writtenPlan("queues")).objects`.
 */
export async function queueObjects(): Promise<Manifest[]> {
  const gpuA = { name: "gpu-a", resources: [{ name: GPU, nominalQuota: "2", borrowingLimit: "2" }] };
  return [
    flavor("default", {}),
    ...["gpu-a", "gpu-b"].map((pool) => flavor(pool, { nodeLabels: { [POOL_LABEL]: pool }, tolerations: [GPU_TOLERATION] })),
    priority("production", 10000, "Serving-critical and deadline work: preempts the rest"),
    priority("training", 1000, "Scheduled training runs"),
    priority("experiments", 0, "Exploratory work: the first to be preempted"),
    clusterQueue("vision", [gpuA]),
    clusterQueue("speech", [gpuA, { name: "gpu-b", resources: [{ name: GPU, nominalQuota: "2" }] }]),
    ...TEAMS.flatMap((team): Manifest[] => [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: team, labels: { "mlops.platform/queue": team, "mlops.platform/team": team } } },
      { apiVersion: KUEUE, kind: "LocalQueue", metadata: { name: team, namespace: team }, spec: { clusterQueue: team } },
    ]),
  ];
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

/** Deletes every Job the tests made (and their pods) and waits until Kueue has let go of their Workloads and quota. */
export async function removeJobs(admin: KubeClient): Promise<void> {
  const selector = encodeURIComponent(Object.entries(TEST_LABEL).map(([key, value]) => `${key}=${value}`)[0]);
  for (const team of TEAMS) {
    await admin.request("DELETE", `/apis/batch/v1/namespaces/${team}/jobs?labelSelector=${selector}&propagationPolicy=Background`);
  }
  const released = await eventually(async () => {
    for (const team of TEAMS) {
      if ((await admin.request("GET", `/apis/${KUEUE}/namespaces/${team}/workloads`)).body?.items?.length) return undefined;
      if (Number((await reservation(admin, team, "gpu-a", GPU)).total ?? 0) !== 0) return undefined;
    }
    return true;
  }, 60);
  if (!released) throw new Error("Kueue still held Workloads or GPU quota 60 s after the tests' Jobs were deleted");
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
  const gone = await eventually(async () => {
    for (const object of applied.created) if ((await admin.get(object)).status !== 404) return undefined;
    return true;
  }, 90);
  if (!gone) throw new Error("the queue fixture's objects were not all deleted within 90 s");
}
