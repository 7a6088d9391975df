/**
 * Rules for a team that opts into `pipelines`: its own Kubeflow Pipelines runs in its namespace (domain/pipelines.ts),
 * so the namespace's egress and LimitRange must let that install and its runs work, and the config must say what
 * the runs can reach.
 */
import { KFP_DEPLOYMENTS } from "../domain/pipelines";
import type { Problem } from "./problems";
import { parseQuantity } from "./quantity";
import { DEFAULT_LIMITS } from "./team-schema";
import type { TeamDraft } from "./team-salvage";

/**
 * Why a pipelines team needs `egress.internetHttps: true`. Its run steps run the team's own code and reach object
 * storage: S3 over public HTTPS on EKS (a NetworkPolicy cannot name S3), and the API server on an existing cluster
 * at an address the platform does not know, so to any address on 443 and 6443; and the steps' label, which those
 * allowances select, is not reserved (charts/team/pipelines.ts), so any pod of the team can carry it. The namespace
 * has HTTPS egress in fact; the config says so.
 */
export const PIPELINES_NEED_INTERNET_HTTPS =
  "must be true for a team with pipelines: its run steps run the team's code and reach object storage over HTTPS (S3 on public addresses on EKS; the API server at an address the platform cannot know elsewhere), and any of its pods can carry the steps' label, so the namespace has public HTTPS egress whatever this says";

/** Upstream's wait-for-* init containers request 10m and 16Mi (base/pipeline/*-deployment.yaml at 2.17.0): the least any container of the install asks. */
export const KFP_SMALLEST_REQUEST = { cpu: "10m", memory: "16Mi" } as const;

/** The largest limit of any container of the install, per resource (the API server's 1 CPU and 1Gi). */
export function kfpLargestLimit(resource: "cpu" | "memory"): { readonly text: string; readonly value: number } {
  const limits = Object.values(KFP_DEPLOYMENTS).map((d) => d.resources.limits[resource]);
  const value = (text: string) => parseQuantity(text) ?? 0;
  const text = limits.reduce((a, b) => (value(b) > value(a) ? b : a));
  return { text, value: value(text) };
}

/** A pipelines team's egress and LimitRange against what its own install needs. */
export function pipelinesTeamProblems(team: TeamDraft, at: string): Problem[] {
  if (!(team.services ?? []).includes("pipelines")) return [];
  const bad = (key: string) => team.invalid?.has(key) ?? false;
  const out: Problem[] = [];
  if (!bad("egress") && team.egress?.internetHttps !== true) out.push({ path: `${at}.egress.internetHttps`, message: PIPELINES_NEED_INTERNET_HTTPS });
  if (bad("limits") || bad("quota.cpu") || bad("quota.memory")) return out;
  for (const resource of ["cpu", "memory"] as const) {
    // The LimitRange's max is limits.max, or the quota's own numbers when it is not set.
    const max = team.limits?.max?.[resource] ?? team.quota?.[resource];
    const largest = kfpLargestLimit(resource);
    const maxValue = max === undefined ? undefined : parseQuantity(max);
    if (max !== undefined && maxValue !== undefined && maxValue < largest.value) {
      out.push({
        path: team.limits?.max ? `${at}.limits.max.${resource}` : `${at}.quota.${resource}`,
        message: `${max} is below ${largest.text}, the ${resource} limit of the team's own Kubeflow Pipelines API server: the namespace's LimitRange (its max is limits.max, else the quota) would refuse it`,
      });
    }
    const min = (team.limits?.min ?? DEFAULT_LIMITS.min)[resource];
    const minValue = parseQuantity(min);
    const smallest = parseQuantity(KFP_SMALLEST_REQUEST[resource]) ?? 0;
    if (minValue !== undefined && minValue > smallest) {
      out.push({
        path: `${at}.limits.min.${resource}`,
        message: `${min} is above ${KFP_SMALLEST_REQUEST[resource]}, what upstream's init containers of the team's own Kubeflow Pipelines request: the namespace's LimitRange would refuse them`,
      });
    }
  }
  return out;
}
