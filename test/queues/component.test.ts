/** The Queues component in the offline plan of the fixture stacks: Kueue's chart, its values by tier, and the queue objects after it. */
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { kueueConfiguration } from "../../components/queues";
import { KUEUE_NAMESPACE } from "../../domain/platform-namespaces";
import { NAMESPACE_QUEUE_LABEL } from "../../domain/queues";
import { CHARTS } from "../../domain/versions";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { T, childrenOf, input, one, ofType, plan, type Res } from "../components/plan-query";

const QUEUES = "mlops:queues:Queues";
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };
const objs = (group: Res) => parseYamlStream(group.inputs.yaml as string) as Obj[];
const describeObj = (o: Obj) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  for (const stack of ["local", "dev", "staging", "prod"]) plans[stack] = await plan(stack);
});

const component = (stack: string) => one(plans[stack], QUEUES, "queues");
const chart = (stack: string) => one(plans[stack], T.chart, "kueue");
const group = (stack: string, name: string) => one(plans[stack], T.configGroup, name);
const values = (stack: string) => input<Record<string, any>>(chart(stack), "values");
const configuration = (stack: string) => parse(values(stack).managerConfig.controllerManagerConfigYaml as string) as Record<string, any>;
const urnsUnder = (stack: string, parentSuffix: string) => plans[stack].resources.filter((r) => r.parent?.endsWith(parentSuffix)).map((r) => r.urn);

describe("Queues (every fixture stack)", () => {
  it.each(["local", "dev", "staging", "prod"])("%s: a top-level component with the namespace group, the chart and the queue groups", (stack) => {
    expect(component(stack).parent).toBeNull();
    expect(
      childrenOf(plans[stack], component(stack))
        .map((c) => `${c.type} ${c.name}`)
        .sort(),
    ).toEqual([`${T.chart} kueue`, `${T.configGroup} queues-namespace`, `${T.configGroup} queues-objects`]);
    const provider = `urn:pulumi:${stack}::mlops-platform::pulumi:providers:kubernetes::mlops-${stack}`;
    for (const child of childrenOf(plans[stack], component(stack))) expect(child.provider, child.name).toBe(provider);
  });

  it.each(["local", "dev", "staging", "prod"])("%s: deploys the catalogue's Kueue chart from its OCI registry into kueue-system", (stack) => {
    const ref = CHARTS.kueue;
    expect(chart(stack).inputs).toMatchObject({ chart: `${ref.repo}/${ref.chart}`, version: ref.version, namespace: KUEUE_NAMESPACE });
    expect(chart(stack).inputs).not.toHaveProperty("repositoryOpts");
  });

  it.each(["local", "dev", "staging", "prod"])("%s: passes the platform's Configuration", (stack) => {
    expect(configuration(stack)).toEqual(kueueConfiguration());
    expect(configuration(stack)).toMatchObject({
      manageJobsWithoutQueueName: false,
      managedJobsNamespaceSelector: { matchExpressions: [{ key: NAMESPACE_QUEUE_LABEL, operator: "Exists" }] },
      integrations: { frameworks: ["batch/job", "pod"] },
      metrics: { enableClusterQueueResources: true },
      resources: { excludeResourcePrefixes: ["ephemeral-storage"] },
    });
  });

  it.each(["local", "dev", "staging", "prod"])("%s: the published image, no cert-manager, no chart ServiceMonitor", (stack) => {
    expect(values(stack)).toMatchObject({
      enablePrometheus: false,
      enableCertManager: false,
      controllerManager: { manager: { image: { repository: "registry.k8s.io/kueue/kueue", tag: "v0.19.2", pullPolicy: "IfNotPresent" } } },
    });
  });

  it.each(["local", "dev", "staging", "prod"])("%s: the namespace group comes before the chart, the chart before the queue objects", (stack) => {
    expect(chart(stack).dependsOn).toContain(group(stack, "queues-namespace").urn);
    expect(group(stack, "queues-objects").dependsOn).toContain(chart(stack).urn);
  });
});

describe("replicas and PodDisruptionBudget by tier", () => {
  it.each([
    ["prod", 2, true],
    ["staging", 2, true],
    ["dev", 1, false],
    ["local", 1, false],
  ] as const)("%s: %i replica(s), PodDisruptionBudget %s", (stack, replicas, pdb) => {
    expect(values(stack).controllerManager.replicas).toBe(replicas);
    expect(values(stack).controllerManager.podDisruptionBudget).toEqual({ enabled: pdb, minAvailable: 1 });
  });
});

describe("placement", () => {
  it.each(["dev", "staging", "prod"])("%s (EKS): on the system pool, like the autoscaler and the GPU operator", (stack) => {
    expect(values(stack).controllerManager).toMatchObject({
      nodeSelector: { "mlops.platform/role": "system" },
      tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
    });
  });

  it("local (existing cluster): anywhere, no system pool assumed", () => {
    expect(JSON.stringify(values("local"))).not.toContain("CriticalAddonsOnly");
    expect(values("local").controllerManager).not.toHaveProperty("nodeSelector");
  });
});

describe("the queue objects", () => {
  it("prod: flavors, priority classes and every team's ClusterQueue and LocalQueue, after the chart", () => {
    const names = objs(group("prod", "queues-objects")).map(describeObj);
    expect(names).toEqual(
      expect.arrayContaining([
        "ResourceFlavor default",
        "ResourceFlavor gpu-inference",
        "ResourceFlavor gpu-training",
        "WorkloadPriorityClass production",
        "ClusterQueue recsys",
        "LocalQueue recsys/recsys",
        "ClusterQueue nlp",
        "LocalQueue nlp/nlp",
        "ClusterQueue fraud",
        "LocalQueue fraud/fraud",
      ]),
    );
  });

  it.each(["local", "dev", "staging", "prod"])("%s: no pipelines' queue: no ClusterQueue or LocalQueue of that name, nothing in kubeflow", (stack) => {
    const names = objs(group(stack, "queues-objects")).map(describeObj);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => n.endsWith(" pipelines") || n.includes("kubeflow/"))).toEqual([]);
  });

  it("every Kueue object is in the one group, each kind of kueue.x-k8s.io", () => {
    for (const stack of Object.keys(plans)) {
      const all = objs(group(stack, "queues-objects"));
      expect(new Set(all.map((o) => o.apiVersion))).toEqual(new Set(["kueue.x-k8s.io/v1beta2"]));
      const elsewhere = ofType(plans[stack], T.configGroup)
        .filter((g) => !g.name.startsWith("queues-"))
        .flatMap((g) => (typeof g.inputs.yaml === "string" ? objs(g) : []))
        .filter((o) => o.apiVersion.startsWith("kueue.x-k8s.io/"));
      expect(elsewhere.map(describeObj)).toEqual([]);
    }
  });

  it("team LocalQueues wait for the team namespaces, and not for the services", () => {
    for (const stack of Object.keys(plans)) {
      const teamGroups = urnsUnder(stack, "mlops:teams:Teams::teams").filter((urn) => urn.includes(T.configGroup));
      expect(teamGroups.length, stack).toBeGreaterThan(0);
      for (const urn of teamGroups) expect(group(stack, "queues-objects").dependsOn, stack).toContain(urn);
      // The teams' queues do not wait for Kubeflow, its database and the rest of the services.
      expect(
        group(stack, "queues-objects").dependsOn.filter((urn: string) => urn.includes("mlops:services")),
        stack,
      ).toEqual([]);
    }
  });
});

describe("ordering against the rest of the platform", () => {
  it("prod: the component waits for the node groups and for monitoring, and the chart inherits both", () => {
    const nodeGroups = ofType(plans.prod, T.nodeGroup).map((r) => r.urn);
    const monitoring = urnsUnder("prod", "mlops:observability:Observability::monitoring");
    expect(nodeGroups.length).toBeGreaterThan(0);
    expect(component("prod").dependsOn.slice().sort()).toEqual([...nodeGroups, ...monitoring].sort());
    for (const urn of [...nodeGroups, one(plans.prod, T.chart, "monitoring").urn]) {
      expect(chart("prod").dependsOn).toContain(urn);
      expect(group("prod", "queues-namespace").dependsOn).toContain(urn);
    }
  });

  it("local: the component waits for monitoring only", () => {
    const monitoring = urnsUnder("local", "mlops:observability:Observability::monitoring");
    expect(component("local").dependsOn.slice().sort()).toEqual(monitoring.sort());
    expect(chart("local").dependsOn).toContain(one(plans.local, T.chart, "monitoring").urn);
  });
});
