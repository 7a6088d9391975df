/** The Kueue chart's values and Configuration (pure): what the platform changes, what it keeps, and by tier. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadValuesFile, valuesFileChartVersion } from "../../charts/values";
import { KUEUE_POD_LABELS, KUEUE_PORTS, KUEUE_RELEASE, kueueConfiguration, kueueValues } from "../../components/queues";
import { ENVIRONMENTS, type Environment } from "../../domain/environments";
import { KUEUE_FRAMEWORKS, NAMESPACE_QUEUE_LABEL } from "../../domain/queues";
import { CHARTS } from "../../domain/versions";

type AnyValues = Record<string, any>;
const values = (environment: Environment, systemPool?: boolean) => kueueValues({ environment, systemPool }) as AnyValues;
const configuration = (v: AnyValues) => parse(v.managerConfig.controllerManagerConfigYaml as string) as AnyValues;

describe("charts/values/kueue.yaml", () => {
  it("says it was written for the catalogue's chart version", () => {
    expect(valuesFileChartVersion("kueue")).toBe(CHARTS.kueue.version);
  });

  it("sets the published image explicitly: the git values.yaml names a staging image the release rewrites", () => {
    expect(loadValuesFile("kueue")).toMatchObject({
      controllerManager: { manager: { image: { repository: "registry.k8s.io/kueue/kueue", tag: `v${CHARTS.kueue.version}`, pullPolicy: "IfNotPresent" } } },
    });
    expect(CHARTS.kueue.gitRef).toBe(`v${CHARTS.kueue.version}`);
  });

  it("leaves Prometheus, cert-manager and KueueViz off", () => {
    expect(loadValuesFile("kueue")).toMatchObject({ enablePrometheus: false, enableCertManager: false, enableKueueViz: false });
  });

  it("sizes the manager: cpu and memory requests and a memory limit (POD-08)", () => {
    const resources = (loadValuesFile("kueue") as AnyValues).controllerManager.manager.resources;
    expect(Object.keys(resources.requests).sort()).toEqual(["cpu", "memory"]);
    expect(resources.limits.memory).toBe("1Gi");
  });

  it("sets no security context: the chart's defaults are restricted, and an override would replace them", () => {
    const manager = (loadValuesFile("kueue") as AnyValues).controllerManager.manager;
    expect(manager.podSecurityContext).toBeUndefined();
    expect(manager.containerSecurityContext).toBeUndefined();
  });
});

describe("kueueConfiguration", () => {
  const cfg = kueueConfiguration();

  it("is a v1beta2 Configuration", () => {
    expect(cfg).toMatchObject({ apiVersion: "config.kueue.x-k8s.io/v1beta2", kind: "Configuration" });
  });

  it("keeps the chart's defaults for probes, ports, leader election, concurrency and client limits", () => {
    expect(cfg).toMatchObject({
      health: { healthProbeBindAddress: ":8081" },
      metrics: { bindAddress: ":8443" },
      webhook: { port: 9443 },
      leaderElection: { leaderElect: true, resourceName: "c1f6bfd2.kueue.x-k8s.io" },
      controller: { groupKindConcurrency: { "Job.batch": 5, Pod: 5, "Workload.kueue.x-k8s.io": 10 } },
      clientConnection: { qps: 300, burst: 500 },
    });
    expect(`:${KUEUE_PORTS.metrics}`).toBe((cfg.metrics as AnyValues).bindAddress);
    expect(KUEUE_PORTS.webhook).toBe((cfg.webhook as AnyValues).port);
  });

  it("manages only namespaces with the queue label, and only jobs that name a queue", () => {
    expect(cfg.manageJobsWithoutQueueName).toBe(false);
    expect(cfg.managedJobsNamespaceSelector).toEqual({ matchExpressions: [{ key: NAMESPACE_QUEUE_LABEL, operator: "Exists" }] });
    expect(NAMESPACE_QUEUE_LABEL).toBe("mlops.platform/queue");
  });

  it("turns on exactly Jobs and plain pods", () => {
    expect(cfg.integrations).toEqual({ frameworks: [...KUEUE_FRAMEWORKS] });
    expect(KUEUE_FRAMEWORKS).toEqual(["batch/job", "pod"]);
  });

  it("publishes the ClusterQueue resource metrics the dashboards read", () => {
    expect(cfg.metrics).toMatchObject({ enableClusterQueueResources: true });
  });

  it("blocks undeclared resources except ephemeral-storage", () => {
    expect(cfg.resources).toEqual({ quotaCheckStrategy: "BlockUndeclared", excludeResourcePrefixes: ["ephemeral-storage"] });
  });

  it("leaves Fair Sharing off (classic preemption) and the certificates to the chart's internal default", () => {
    expect(cfg).not.toHaveProperty("fairSharing");
    expect(cfg).not.toHaveProperty("admissionFairSharing");
    expect(cfg).not.toHaveProperty("internalCertManagement");
    expect(cfg).not.toHaveProperty("featureGates");
  });
});

describe("kueueValues", () => {
  it("passes the Configuration as the string the chart parses", () => {
    for (const environment of ENVIRONMENTS) {
      const v = values(environment);
      expect(typeof v.managerConfig.controllerManagerConfigYaml).toBe("string");
      expect(configuration(v)).toEqual(kueueConfiguration());
    }
  });

  it("keeps the values file under the stack's parts", () => {
    expect(values("dev")).toMatchObject(loadValuesFile("kueue"));
  });

  it.each([
    ["prod", 2, true],
    ["staging", 2, true],
    ["dev", 1, false],
    ["local", 1, false],
  ] as const)("%s: %i replica(s), PodDisruptionBudget %s", (environment, replicas, pdb) => {
    const cm = values(environment).controllerManager;
    expect(cm.replicas).toBe(replicas);
    expect(cm.podDisruptionBudget).toEqual({ enabled: pdb, minAvailable: 1 });
  });

  it("spreads two replicas over nodes without blocking a one-node system pool", () => {
    expect(values("prod").controllerManager.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...KUEUE_POD_LABELS } } },
    ]);
    expect(values("dev").controllerManager).not.toHaveProperty("topologySpreadConstraints");
  });

  it("places the controller on the system pool only when asked", () => {
    expect(values("prod", true).controllerManager).toMatchObject({
      nodeSelector: { "mlops.platform/role": "system" },
      tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
    });
    for (const v of [values("prod"), values("local", false)]) {
      expect(v.controllerManager).not.toHaveProperty("nodeSelector");
      expect(v.controllerManager).not.toHaveProperty("tolerations");
    }
  });

  it("names the pods as the chart's selector labels for release kueue", () => {
    expect(KUEUE_RELEASE).toBe("kueue");
    expect(KUEUE_POD_LABELS).toEqual({ "app.kubernetes.io/name": "kueue", "app.kubernetes.io/instance": "kueue", "control-plane": "controller-manager" });
  });
});
