/** The pure values builder for Prometheus's and Alertmanager's volumes, retention, replicas and remote write. */
import { describe, expect, it } from "vitest";
import { resolveObservability, type ObservabilityConfig } from "../../config/observability";
import { ENVIRONMENTS } from "../../domain/environments";
import { mergeValues } from "../../charts/values";
import { prometheusStackValues } from "../../components/observability";
import { durabilityValues, HA_LABELS, REMOTE_WRITE_SECRET, type DurabilityValuesArgs } from "../../components/observability/durability-values";
import { remoteWritePolicy, workspaceEndpoint } from "../../components/observability/remote-write";

const build = (config: ObservabilityConfig, extra: Partial<DurabilityValuesArgs> = {}) =>
  durabilityValues({ config, clusterName: "mlops-prod", ...extra }) as Record<string, any>;

describe("durabilityValues per tier", () => {
  it.each(ENVIRONMENTS)("%s: a claim per replica with the tier's size, retention by time and size, and the replicas", (env) => {
    const config = resolveObservability(undefined, env);
    const v = build(config, { defaultStorageClass: "gp3" });
    const spec = v.prometheus.prometheusSpec;
    expect(spec).toMatchObject({
      replicas: config.prometheus.replicas,
      retention: config.prometheus.retention,
      retentionSize: config.prometheus.retentionSize,
    });
    expect(spec.storageSpec).toEqual({
      volumeClaimTemplate: {
        spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: config.prometheus.storage.size } } },
      },
    });
    expect(v.alertmanager.alertmanagerSpec).toEqual({
      replicas: config.alertmanager.replicas,
      retention: "120h",
      storage: {
        volumeClaimTemplate: {
          spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: config.alertmanager.storage.size } } },
        },
      },
    });
  });

  it("leaves the class to the cluster's default when neither config nor platform names one, and the config's class wins", () => {
    const config = resolveObservability(undefined, "local");
    expect(build(config).prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec).not.toHaveProperty("storageClassName");
    const named = { ...config, prometheus: { ...config.prometheus, storage: { size: "10Gi", storageClass: "io2" } } };
    expect(build(named, { defaultStorageClass: "gp3" }).prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe("io2");
  });

  it("never leaves Prometheus or Alertmanager on an emptyDir, once merged with the rest of the chart's values", () => {
    for (const env of ENVIRONMENTS) {
      const merged = mergeValues(prometheusStackValues(), durabilityValues({ config: resolveObservability(undefined, env), clusterName: "c" })) as Record<
        string,
        any
      >;
      const storage = merged.prometheus.prometheusSpec.storageSpec;
      expect(Object.keys(storage), env).toEqual(["volumeClaimTemplate"]);
      expect(Object.keys(merged.alertmanager.alertmanagerSpec.storage), env).toEqual(["volumeClaimTemplate"]);
    }
  });

  it("puts a disruption budget and client affinity only in front of two replicas or more", () => {
    const one = build(resolveObservability(undefined, "dev"));
    expect(one.prometheus).not.toHaveProperty("podDisruptionBudget");
    expect(one.prometheus).not.toHaveProperty("service");
    expect(one.alertmanager).not.toHaveProperty("podDisruptionBudget");
    const two = build(resolveObservability(undefined, "prod"));
    expect(two.prometheus.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
    expect(two.prometheus.service).toEqual({ sessionAffinity: "ClientIP" });
    expect(two.alertmanager.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
  });

  it("leaves Alertmanager's routing config and secrets to their own builder", () => {
    const am = build(resolveObservability(undefined, "prod")).alertmanager;
    expect(Object.keys(am).sort()).toEqual(["alertmanagerSpec", "podDisruptionBudget"]);
    expect(am.alertmanagerSpec).not.toHaveProperty("secrets");
    expect(am).not.toHaveProperty("config");
  });
});

describe("durabilityValues: remote write", () => {
  const prod = resolveObservability(undefined, "prod");

  it("writes nowhere, and adds no external labels, without a remote write", () => {
    const spec = build(prod).prometheus.prometheusSpec;
    for (const key of ["remoteWrite", "externalLabels", "replicaExternalLabelName"]) expect(spec).not.toHaveProperty(key);
  });

  it("AMP: signs with sigv4 in the workspace's region, and labels the HA pair so the workspace keeps one copy", () => {
    const url = "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write";
    const spec = build(prod, { remoteWrite: { kind: "amp", url, region: "us-east-1" } }).prometheus.prometheusSpec;
    expect(spec.remoteWrite).toEqual([{ url, sigv4: { region: "us-east-1" } }]);
    // AWS's documented pair: `cluster` names the group, `__replica__` each replica (dropped on ingest).
    expect(spec.externalLabels).toEqual({ cluster: "mlops-prod" });
    expect(spec.replicaExternalLabelName).toBe("__replica__");
    expect(HA_LABELS).toEqual({ cluster: "cluster", replica: "__replica__" });
  });

  it("endpoint: basic auth from the Secret's keys, never a value in the values", () => {
    const url = "https://mimir.example.com/api/v1/push";
    const withAuth = build(prod, { remoteWrite: { kind: "endpoint", url, basicAuth: true } }).prometheus.prometheusSpec.remoteWrite;
    expect(withAuth).toEqual([
      { url, basicAuth: { username: { name: REMOTE_WRITE_SECRET, key: "username" }, password: { name: REMOTE_WRITE_SECRET, key: "password" } } },
    ]);
    expect(build(prod, { remoteWrite: { kind: "endpoint", url, basicAuth: false } }).prometheus.prometheusSpec.remoteWrite).toEqual([{ url }]);
  });
});

describe("remote-write IAM and addresses", () => {
  const ARN = "arn:aws:aps:eu-west-1:111122223333:workspace/ws-0a1b2c3d-4e5f";

  it("allows aps:RemoteWrite on the one workspace and nothing else", () => {
    expect(remoteWritePolicy(ARN).Statement).toEqual([{ Sid: "RemoteWriteToOneWorkspace", Effect: "Allow", Action: "aps:RemoteWrite", Resource: ARN }]);
  });

  it("reads an existing workspace's region and remote-write URL from its ARN", () => {
    expect(workspaceEndpoint(ARN)).toEqual({
      region: "eu-west-1",
      url: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0a1b2c3d-4e5f/api/v1/remote_write",
    });
    expect(workspaceEndpoint("arn:aws-cn:aps:cn-north-1:111122223333:workspace/ws-9").url).toBe(
      "https://aps-workspaces.cn-north-1.amazonaws.com.cn/workspaces/ws-9/api/v1/remote_write",
    );
  });
});
