/**
 * The Kubernetes side of an EKS stack (the dev fixture) on a real API server of its own, started for this file:
 * every object the plan writes is accepted as written. Values AWS assigns at `pulumi up` are `<computed:…>` in the
 * plan; those objects are applied with a DNS-safe stand-in in their place and listed as such. What cannot be
 * applied before the upstream installs have run is counted and listed, never faked: custom resources of upstream
 * CRDs, and objects in namespaces an upstream manifest creates.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureControlPlaneBinaries } from "../../scripts/cluster/binaries";
import { startControlPlane, type ControlPlane } from "../../scripts/cluster/control-plane";
import { KubeClient, refusal, type KubeResponse } from "../../scripts/cluster/kube-client";
import type { KubeObject } from "../../scripts/plan/extract";
import { COMPUTED_PREFIX } from "../../scripts/plan/mocks";
import { FIXTURE_STACKS_DIR } from "../helpers/stack";
import { applyOrder, describeObject, UPSTREAM_CRD_GROUPS, writtenPlan } from "./planned";

/** Namespaces an upstream manifest creates: Kubeflow Pipelines' kustomization brings its own. */
const UPSTREAM_NAMESPACES = ["kubeflow"];

let plane: ControlPlane;
let admin: KubeClient;
const applied = new Map<string, KubeResponse>();
const held = { upstreamCrd: [] as KubeObject[], upstreamNamespace: [] as KubeObject[] };
const withStandIns: KubeObject[] = [];

/** `<computed:services-pipelines-mysql.address>` → `services-pipelines-mysql.address.computed.invalid`: valid wherever a name or host is. */
function standIns(object: KubeObject): KubeObject {
  const text = JSON.stringify(object).replace(
    /<computed:([^>]+)>/g,
    (_, what: string) => `${what.toLowerCase().replace(/[^a-z0-9.-]/g, "-")}.computed.invalid`,
  );
  return JSON.parse(text) as KubeObject;
}
let objects: KubeObject[] = [];

beforeAll(async () => {
  plane = await startControlPlane(ensureControlPlaneBinaries().paths);
  admin = new KubeClient(plane.connection);
  objects = (await writtenPlan("dev", FIXTURE_STACKS_DIR)).objects.sort(applyOrder);
  // Namespaces the plan makes, and kube-system, which every cluster has (the scratch directory Job runs there).
  const planned = new Set([...objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata?.name), "kube-system"]);
  for (const object of objects) {
    if (!(await admin.serves(object))) held.upstreamCrd.push(object);
    else if (object.metadata?.namespace && !planned.has(object.metadata.namespace)) held.upstreamNamespace.push(object);
    else {
      if (JSON.stringify(object).includes(COMPUTED_PREFIX)) withStandIns.push(object);
      applied.set(describeObject(object), await admin.apply(standIns(object)));
    }
  }
  const list = (os: KubeObject[]) => os.map(describeObject).join(", ");
  console.log(
    [
      `dev: applied ${applied.size} of ${objects.length} planned objects`,
      `  ${held.upstreamCrd.length} custom resources wait for upstream CRDs`,
      `  ${withStandIns.length} of them with stand-ins for values AWS assigns at pulumi up: ${list(withStandIns)}`,
      `  ${held.upstreamNamespace.length} sit in namespaces an upstream manifest creates: ${list(held.upstreamNamespace)}`,
    ].join("\n"),
  );
}, 600_000);
afterAll(async () => {
  admin?.close();
  await plane?.stop();
});

describe("the dev (EKS) fixture's written plan on a real API server", () => {
  it("applies every object that needs nothing from AWS or an upstream install, each accepted as written and without warning", () => {
    expect(applied.size).toBeGreaterThan(50);
    const refused = [...applied].filter(([, r]) => r.status >= 300).map(([name, r]) => `${name}: ${r.status} ${refusal(r)}`);
    expect(refused).toEqual([]);
    const warned = [...applied].filter(([, r]) => r.warnings.length > 0).map(([name, r]) => `${name}: ${r.warnings.join("; ")}`);
    expect(warned).toEqual([]);
  });

  it("holds back only custom resources of upstream CRD groups and objects in namespaces an upstream manifest creates", () => {
    expect(held.upstreamCrd.length).toBeGreaterThan(0);
    for (const object of held.upstreamCrd) expect(UPSTREAM_CRD_GROUPS, describeObject(object)).toContain(object.apiVersion.split("/")[0]);
    for (const object of held.upstreamNamespace) expect(UPSTREAM_NAMESPACES, describeObject(object)).toContain(object.metadata?.namespace);
    expect(held.upstreamCrd.length + held.upstreamNamespace.length + applied.size).toBe(objects.length);
  });

  it("needs stand-ins only where AWS assigns the value, and the stand-ins leave nothing computed behind", () => {
    expect(withStandIns.length).toBeGreaterThan(0);
    for (const object of withStandIns) expect(JSON.stringify(standIns(object))).not.toContain(COMPUTED_PREFIX);
  });
});
