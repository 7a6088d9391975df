/**
 * The objects a stack's offline plan writes, read back from the written manifests (out/<stack>/manifests/*.yaml)
 * exactly as a person would apply them, and the helpers the real-server suites share.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { inject } from "vitest";
import type { KubeObject } from "../../scripts/plan/extract";
import { writePlan } from "../../scripts/plan/report";
import { runPlan, type PlanResult } from "../../scripts/plan/run";
import { readStackConfig } from "../../scripts/plan/stack-file";
import { KubeClient, type KubeObjectRef, type KubeResponse } from "../../scripts/cluster/kube-client";
import { TODAY } from "../helpers/stack";

/** API groups whose CRDs upstream charts and manifests install at deploy time: their objects are counted, never applied. */
export const UPSTREAM_CRD_GROUPS = [
  "monitoring.coreos.com",
  "external-secrets.io",
  "postgresql.cnpg.io",
  "feast.dev",
  "serving.kserve.io",
  "operator.knative.dev",
  "snapshot.storage.k8s.io",
  // Applied by the queue real-server tests, which install Kueue's CRDs first.
  "kueue.x-k8s.io",
  // Applied by the access real-server tests, which install the gateway chart's CRDs first (GATEWAY_CRD_GROUPS).
  "gateway.networking.k8s.io",
  "gateway.networking.x-k8s.io",
  "gateway.envoyproxy.io",
];

/** The real-server suites' own fixture stacks. */
export const CLUSTER_STACKS_DIR = join(__dirname, "stacks");

export interface WrittenPlan {
  readonly result: PlanResult;
  readonly objects: KubeObject[];
}

/** Plans a stack (of test/cluster/stacks unless told) and returns the objects of the manifests it writes. */
export async function writtenPlan(stack: string, stacksDir = CLUSTER_STACKS_DIR): Promise<WrittenPlan> {
  const result = await runPlan(stack, { stackConfig: readStackConfig(stack, stacksDir), today: TODAY });
  if (!result.ok) throw new Error(`stack ${stack} did not plan: ${JSON.stringify([...result.problems, ...result.schemaProblems])}`);
  const out = mkdtempSync(join(tmpdir(), "mlops-plan-"));
  try {
    const dir = await writePlan(result, out);
    const files = readdirSync(join(dir, "manifests"));
    const objects = files.flatMap((file) => parseAllDocuments(readFileSync(join(dir, "manifests", file), "utf8")).map((doc) => doc.toJS() as KubeObject));
    return { result, objects };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The admin client of the control plane the global setup started. */
export function adminClient(): KubeClient {
  return new KubeClient(inject("kube"));
}

/** Namespaces first, then other cluster-scoped objects, then namespaced ones: what applying in one pass needs. */
export function applyOrder(left: KubeObjectRef, right: KubeObjectRef): number {
  const rank = (o: KubeObjectRef) => (o.kind === "Namespace" ? 0 : o.metadata?.namespace === undefined ? 1 : 2);
  return rank(left) - rank(right);
}

/**
 * Applies, in apply order, every object whose kind the server serves; the others (custom resources of CRDs
 * nobody installed here) come back unapplied. `upstreamGroups` names upstream groups whose CRDs the caller
 * installed and whose objects it wants applied too.
 */
export async function applyServed(
  admin: KubeClient,
  objects: readonly KubeObject[],
  upstreamGroups: readonly string[] = [],
): Promise<{ applied: Map<string, KubeResponse>; unserved: KubeObject[] }> {
  const applied = new Map<string, KubeResponse>();
  const unserved: KubeObject[] = [];
  for (const object of [...objects].sort(applyOrder)) {
    // Upstream groups stay unapplied even where a file before installed their CRDs (the queue tests install Kueue's).
    const group = object.apiVersion.split("/")[0] ?? "";
    const upstream = UPSTREAM_CRD_GROUPS.includes(group) && !upstreamGroups.includes(group);
    if (!upstream && (await admin.serves(object))) applied.set(describeObject(object), await admin.apply(object));
    else unserved.push(object);
  }
  return { applied, unserved };
}

/**
 * `<computed:services-pipelines-mysql.address>` → `services-pipelines-mysql.address.computed.invalid`: valid wherever
 * a name or host is, for values AWS assigns at `pulumi up`.
 */
export function standIns(object: KubeObject): KubeObject {
  const text = JSON.stringify(object).replace(
    /<computed:([^>]+)>/g,
    (_, what: string) => `${what.toLowerCase().replace(/[^a-z0-9.-]/g, "-")}.computed.invalid`,
  );
  return JSON.parse(text) as KubeObject;
}

export const describeObject = (o: KubeObjectRef): string =>
  `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`;

/** Waits until check() holds, up to `seconds`. */
export async function eventually<T>(check: () => Promise<T | undefined>, seconds = 30): Promise<T | undefined> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}
