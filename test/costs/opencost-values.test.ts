/** The OpenCost values helper: price source by cluster kind, the custom-pricing unit conversion, the hardened pod. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { customPricingCostModel, OPENCOST_HOURS_PER_MONTH, OPENCOST_PRICING_CONFIGMAP, opencostValues } from "../../components/costs/opencost-values";
import { SYSTEM_POOL_PLACEMENT } from "../../charts/kube";
import { valuesFileChartVersion } from "../../charts/values";
import { CHARTS } from "../../domain/versions";

const PRICES = { cpuCoreHour: 0.031, memoryGiBHour: 0.0042, gpuHour: 2.1, storageGiBMonth: 0.1 };
type V = Record<string, any>;

describe("opencostValues", () => {
  it("is written for the catalogue's chart version", () => {
    expect(valuesFileChartVersion("opencost")).toBe(CHARTS.opencost.version);
  });

  it("on EKS: no custom pricing (OpenCost's AWS provider reads AWS's price list), the cluster name as cluster id, the system pool", () => {
    const values = opencostValues({ clusterName: "mlops-dev", pricing: { kind: "aws" }, systemPool: true }) as V;
    expect(values.opencost.customPricing).toBeUndefined();
    expect(values.opencost.exporter.defaultClusterId).toBe("mlops-dev");
    expect(values.opencost.nodeSelector).toEqual(SYSTEM_POOL_PLACEMENT.nodeSelector);
    expect(values.opencost.tolerations).toEqual(SYSTEM_POOL_PLACEMENT.tolerations);
  });

  it("on an existing cluster: the stack's prices in the chart's pricing ConfigMap, any node", () => {
    const values = opencostValues({ clusterName: "mlops-local", pricing: { kind: "custom", prices: PRICES } }) as V;
    expect(values.opencost.customPricing).toEqual({
      enabled: true,
      configmapName: OPENCOST_PRICING_CONFIGMAP,
      createConfigmap: true,
      provider: "custom",
      costModel: customPricingCostModel(PRICES),
    });
    expect(values.opencost.nodeSelector).toBeUndefined();
  });

  it("uses the custom price table only with the stack's prices, whatever cloud the nodes say they run in", () => {
    const custom = opencostValues({ clusterName: "c", pricing: { kind: "custom", prices: PRICES } }) as V;
    expect(custom.opencost.exporter.extraEnv).toEqual({ USE_CUSTOM_PROVIDER: "true" });
    const aws = opencostValues({ clusterName: "c", pricing: { kind: "aws" } }) as V;
    expect(aws.opencost.exporter.extraEnv).toBeUndefined();
    // The merge keeps the values file's exporter settings beside it.
    expect(custom.opencost.exporter.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it("emits none of kube-state-metrics' series: they would double beside the real ones", () => {
    const values = opencostValues({ clusterName: "c", pricing: { kind: "aws" } }) as V;
    expect(values.opencost.metrics.kubeStateMetrics).toEqual({ emitKsmV1Metrics: false, emitKsmV1MetricsOnly: false });
  });

  it("reads the platform's Prometheus and is scraped by it through the chart's ServiceMonitor; UI and MCP server off", () => {
    const values = opencostValues({ clusterName: "c", pricing: { kind: "aws" } }) as V;
    expect(values.opencost.prometheus.internal).toEqual({
      enabled: true,
      serviceName: "monitoring-kube-prometheus-prometheus",
      namespaceName: "monitoring",
      port: 9090,
    });
    expect(values.opencost.metrics.serviceMonitor.enabled).toBe(true);
    expect(values.opencost.ui.enabled).toBe(false);
    expect(values.opencost.mcp.enabled).toBe(false);
  });

  it("runs restricted: non-root, RuntimeDefault seccomp, read-only root with writable emptyDirs, no escalation, no capabilities, resources set", () => {
    const values = opencostValues({ clusterName: "c", pricing: { kind: "aws" }, labels: { team: "platform" } }) as V;
    expect(values.podSecurityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(values.opencost.exporter.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(values.opencost.exporter.extraVolumeMounts.map((m: V) => m.mountPath)).toEqual(["/tmp", "/var/configs"]);
    expect(values.opencost.exporter.resources.requests).toEqual({ cpu: "100m", memory: "256Mi" });
    expect(values.opencost.exporter.resources.limits.memory).toBe("1Gi");
    expect(values.rbac.enabled).toBe(false);
    expect(values.podLabels).toEqual({ team: "platform" });
  });
});

describe("customPricingCostModel (OpenCost divides CPU, RAM, GPU and storage by 730 when it reads the ConfigMap)", () => {
  it("writes monthly prices: per core, GiB and GPU from our hourly prices, storage as it is", () => {
    expect(customPricingCostModel(PRICES)).toMatchObject({ CPU: "22.63", spotCPU: "22.63", RAM: "3.066", spotRAM: "3.066", GPU: "1533", storage: "0.1" });
  });

  it("prices no network egress (no network-costs daemon): zero, not the chart's sample figures", () => {
    expect(customPricingCostModel(PRICES)).toMatchObject({ zoneNetworkEgress: "0", regionNetworkEgress: "0", internetNetworkEgress: "0" });
  });

  it("property: what OpenCost reads back (value / 730) is our hourly price, and storage / 730 our monthly price per hour", () => {
    const price = fc.double({ min: 1e-6, max: 1e4, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.record({ cpuCoreHour: price, memoryGiBHour: price, gpuHour: price, storageGiBMonth: price }), (prices) => {
        const model = customPricingCostModel(prices);
        const hourly = (field: string) => Number(model[field]) / OPENCOST_HOURS_PER_MONTH;
        const close = (actual: number, expected: number) => Math.abs(actual - expected) <= expected * 1e-9;
        return (
          close(hourly("CPU"), prices.cpuCoreHour) &&
          close(hourly("spotCPU"), prices.cpuCoreHour) &&
          close(hourly("RAM"), prices.memoryGiBHour) &&
          close(hourly("GPU"), prices.gpuHour) &&
          close(Number(model.storage), prices.storageGiBMonth) &&
          Object.values(model).every((text) => !/e/i.test(text) || text.startsWith("The"))
        );
      }),
    );
  });
});
