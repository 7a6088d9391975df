/**
 * Cases of the Kueue alerts (charts/observability/queues.ts). The queue alerts carry the team of the ClusterQueue
 * (named after its team); the controller alert is the platform's. Series as Kueue v0.19.2's leader exports them.
 */
import { KUEUE_SCRAPE_JOB } from "../../../charts/observability/queues";
import type { AlertCase } from "./case";

const GPU = 'resource="nvidia.com/gpu",replica_role="leader"';
const queue = (clusterQueue: string, flavor = "gpu-a") => `cohort="gpus",cluster_queue="${clusterQueue}",flavor="${flavor}",${GPU}`;
const nominal = (clusterQueue: string, gpus: number, values = `${gpus}x60`) => ({
  series: `kueue_cluster_queue_nominal_quota{${queue(clusterQueue)}}`,
  values,
});
const reserved = (clusterQueue: string, values: string) => ({ series: `kueue_cluster_queue_resource_reservation{${queue(clusterQueue)}}`, values });
const pending = (clusterQueue: string, gpus: number) => ({
  series: `kueue_cluster_queue_resource_pending{cluster_queue="${clusterQueue}",${GPU}}`,
  values: `${gpus}x60`,
});
/** KueueQuotaNeverUsed looks 7 days back: its cases run at 10m steps, over a week and two hours of them. */
const SLOW = "10m";
const WEEK = 7 * 24 * 6 + 12;
const KUEUE_UP = `up{job="${KUEUE_SCRAPE_JOB}",namespace="kueue-system",instance="10.0.2.9:8443"}`;

export const cases: AlertCase[] = [
  {
    alert: "KueueTeamStarving",
    name: "fires after 30m of pending GPU requests while the cohort leaves 2 GPUs of the flavor unreserved, for the team of the queue",
    series: [nominal("vision", 2), nominal("speech", 2), reserved("vision", "2x60"), reserved("speech", "0x60"), pending("vision", 1)],
    evalTime: "40m",
    expect: [
      {
        labels: { cohort: "gpus", cluster_queue: "vision", flavor: "gpu-a", resource: "nvidia.com/gpu", team: "vision", severity: "warning" },
        annotations: {
          summary: "Queue vision waits for nvidia.com/gpu while cohort gpus has 2 unused in flavor gpu-a",
          description:
            "ClusterQueue vision has had pending nvidia.com/gpu requests for 30 minutes although the cohort gpus reserves less than its nominal quota of flavor gpu-a. " +
            "Check the queue's borrowingLimit, the lenders' lendingLimit, and whether the pending workloads fit on one node of the pool (kubectl describe workloads in the team namespace).",
        },
      },
    ],
  },
  {
    alert: "KueueTeamStarving",
    name: "stays silent while the cohort reserves all its GPU quota",
    series: [nominal("vision", 2), nominal("speech", 2), reserved("vision", "2x60"), reserved("speech", "2x60"), pending("vision", 1)],
    evalTime: "40m",
    expect: [],
  },
  {
    alert: "KueueTeamStarving",
    name: "stays silent with GPUs unreserved but nothing pending",
    series: [nominal("vision", 2), nominal("speech", 2), reserved("vision", "2x60"), reserved("speech", "0x60"), pending("vision", 0)],
    evalTime: "40m",
    expect: [],
  },
  {
    alert: "KueueQuotaNeverUsed",
    name: "fires for a queue that held GPU quota for a week and reserved none of it, for the team of the queue",
    series: [nominal("speech", 2, `2x${WEEK}`), reserved("speech", `0x${WEEK}`)],
    evalTime: "170h",
    interval: SLOW,
    expect: [{ labels: { cohort: "gpus", cluster_queue: "speech", flavor: "gpu-a", resource: "nvidia.com/gpu", team: "speech", severity: "warning" } }],
  },
  {
    alert: "KueueQuotaNeverUsed",
    name: "stays silent for a queue that reserved its quota once in the week",
    series: [nominal("speech", 2, `2x${WEEK}`), reserved("speech", `0x500 1 0x${WEEK - 501}`)],
    evalTime: "170h",
    interval: SLOW,
    expect: [],
  },
  {
    alert: "KueueQuotaNeverUsed",
    name: "stays silent for a queue whose quota is younger than a week",
    series: [nominal("speech", 2, `_x${WEEK - 300} 2x300`), reserved("speech", `0x${WEEK}`)],
    evalTime: "170h",
    interval: SLOW,
    expect: [],
  },
  {
    alert: "KueueControllerDown",
    name: "fires after 10m with Kueue's target down",
    series: [{ series: KUEUE_UP, values: "0x15" }],
    evalTime: "12m",
    expect: [{ labels: { job: KUEUE_SCRAPE_JOB, namespace: "kueue-system", severity: "critical" } }],
  },
  {
    alert: "KueueControllerDown",
    name: "fires after 10m with no Kueue target at all",
    series: [{ series: 'up{job="kube-state-metrics",namespace="monitoring",instance="10.0.1.5:8080"}', values: "1x15" }],
    evalTime: "12m",
    expect: [{ labels: { job: KUEUE_SCRAPE_JOB, namespace: "kueue-system", severity: "critical" } }],
  },
  {
    alert: "KueueControllerDown",
    name: "stays silent while Kueue's target is up",
    series: [{ series: KUEUE_UP, values: "1x15" }],
    evalTime: "12m",
    expect: [],
  },
];
