/**
 * Every object the offline plan writes for the isolation fixture stack is accepted by a real API server as
 * written, with no Pod Security warning, and every workload among them gets its pods. Custom resources whose
 * CRD comes from an upstream chart cannot be applied here (no CRD is faked); they are counted and reported.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal, type KubeResponse } from "../../scripts/cluster/kube-client";
import type { KubeObject } from "../../scripts/plan/extract";
import { adminClient, applyOrder, applyServed, describeObject, eventually, UPSTREAM_CRD_GROUPS, writtenPlan } from "./planned";
import { createUpstreamNamespaces } from "./fixtures";

const admin = adminClient();
let objects: KubeObject[] = [];
let applied = new Map<string, KubeResponse>();
let upstream: KubeObject[] = [];

beforeAll(async () => {
  objects = (await writtenPlan("isolation")).objects.sort(applyOrder);
  // `kubeflow` comes from Kubeflow Pipelines' upstream kustomization, which is not applied here; the plan puts the
  // MySQL's root password, setup Jobs and NetworkPolicies into it.
  await createUpstreamNamespaces(admin);
  ({ applied, unserved: upstream } = await applyServed(admin, objects));
  const kinds = [...new Set(upstream.map((o) => `${o.apiVersion} ${o.kind}`))].sort();
  console.log(`Applied ${applied.size} of ${objects.length} planned objects; ${upstream.length} custom resources wait for upstream CRDs: ${kinds.join(", ")}`);
});
afterAll(() => admin.close());

describe("the written plan on a real API server", () => {
  it("applies every object whose kind the server serves, each accepted as written", () => {
    expect(applied.size).toBeGreaterThan(50);
    const refused = [...applied].filter(([, r]) => r.status >= 300).map(([name, r]) => `${name}: ${r.status} ${refusal(r)}`);
    expect(refused).toEqual([]);
  });

  it("leaves out only custom resources of upstream CRD groups", () => {
    expect(upstream.length).toBeGreaterThan(0);
    for (const object of upstream) expect(UPSTREAM_CRD_GROUPS, describeObject(object)).toContain(object.apiVersion.split("/")[0]);
  });

  it("draws no warning from the server: no Pod Security warning on any workload template, no deprecated field", () => {
    const warned = [...applied].filter(([, r]) => r.warnings.length > 0).map(([name, r]) => `${name}: ${r.warnings.join("; ")}`);
    expect(warned).toEqual([]);
  });

  it("is idempotent: applying the same plan again changes no object (same generation, or same resourceVersion where there is none)", async () => {
    const version = (r: KubeResponse) => String(r.body?.metadata?.generation ?? r.body?.metadata?.resourceVersion);
    const again = objects.filter((o) => applied.has(describeObject(o)));
    expect(again.length).toBeGreaterThan(50);
    const changed: string[] = [];
    for (const object of again) {
      const before = version(await admin.get(object));
      const after = version(await admin.apply(object));
      if (after !== before) changed.push(`${describeObject(object)}: ${before} -> ${after}`);
    }
    expect(changed).toEqual([]);
  });

  it("gets every Deployment and StatefulSet its first pod past admission (Pod Security, quota, limits)", async () => {
    const workloads = objects.filter((o) => ["Deployment", "StatefulSet"].includes(o.kind) && applied.has(describeObject(o)));
    expect(workloads.length).toBeGreaterThan(0);
    const starved: string[] = [];
    for (const workload of workloads) {
      const replicas = await eventually(async () => {
        const status = (await admin.get(workload)).body?.status;
        return (status?.replicas ?? 0) > 0 ? status.replicas : undefined;
      });
      if (replicas === undefined) starved.push(describeObject(workload));
    }
    expect(starved).toEqual([]);
  });
});
