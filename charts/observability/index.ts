/**
 * Objects we author for observability: the monitoring namespaces, the dashboards (sidecar ConfigMaps), the
 * platform's alert rules, the ServiceMonitor every platform service is scraped through, and Kueue's scrape. The
 * Prometheus stack itself is the upstream kube-prometheus-stack chart (components/observability).
 */
import { App, Chart, type ChartProps } from "cdk8s";
import { prometheusRule, serviceMonitor } from "../crds/monitoring";
import { k8s } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { podSecurityLabels } from "../pod-security";
import { ALERT_GROUPS } from "./alerts";
import { DASHBOARDS } from "./dashboards";
import { addKueueScrape } from "./queues";
import { addCostObjects, type CostObservabilityProps } from "./cost-objects";
import { MONITORING_NAMESPACE, NODE_EXPORTER_NAMESPACE, PLATFORM_NAMESPACES } from "../../domain/platform-namespaces";

export { ALERT_GROUPS, type AlertRule, type RuleGroup } from "./alerts";
export { DASHBOARDS, type Dashboard, type Panel } from "./dashboards";
export { COST_DASHBOARDS } from "./cost-dashboards";
export { COST_RULE_NAME, costRuleGroups, type CostObservabilityProps } from "./cost-objects";
export { GPU_QUEUES_DASHBOARD, KUEUE_ALERT_GROUP, kueueScrapeObjects } from "./queues";
export { alertmanagerConfig, alertmanagerConfigYaml, type AlertmanagerInputs } from "./alertmanager-config";
export { routeExamples, type RouteExample } from "./alertmanager-routes";
export { GPU_HEALTH_ALERT_GROUP, GPU_NODE_RUNBOOK, NODE_MONITORING_CONDITIONS, runbookUrl } from "./gpu-health";

/** node-exporter needs host namespaces and paths: it lives apart so monitoring stays restricted (§1d). */
export { MONITORING_NAMESPACE, NODE_EXPORTER_NAMESPACE };
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;
/**
 * The scrape convention for platform services: label the Service `mlops.platform/metrics: "true"` and name
 * its metrics port `metrics`. One ServiceMonitor covers every namespace.
 */
export const METRICS_LABEL = { "mlops.platform/metrics": "true" } as const;
export const METRICS_PORT = "metrics";

export interface ObservabilityChartProps extends ChartProps {
  /** Labels for cost attribution. @default {} */
  readonly commonLabels?: Readonly<Record<string, string>>;
  /** The money dashboards and cost rules (cost-objects.ts), when cost allocation is on. @default none */
  readonly costs?: CostObservabilityProps;
}

export class ObservabilityChart extends Chart {
  constructor(scope: Construct, id: string, props: ObservabilityChartProps = {}) {
    super(scope, id, { ...props, labels: { ...props.commonLabels, ...props.labels } });
    new k8s.KubeNamespace(this, "monitoring", { metadata: { name: MONITORING_NAMESPACE, labels: podSecurityLabels("restricted") } });
    new k8s.KubeNamespace(this, "node-exporter", { metadata: { name: NODE_EXPORTER_NAMESPACE, labels: podSecurityLabels("privileged") } });
    for (const d of DASHBOARDS) {
      new k8s.KubeConfigMap(this, `dashboard-${d.uid}`, {
        metadata: { name: `dashboard-${d.uid}`, namespace: MONITORING_NAMESPACE, labels: { ...DASHBOARD_LABEL } },
        data: { [`${d.uid}.json`]: JSON.stringify(d) },
      });
    }
    prometheusRule(this, "rules", { name: "mlops-platform", namespace: MONITORING_NAMESPACE }, { groups: ALERT_GROUPS });
    serviceMonitor(
      this,
      "platform-services",
      { name: "platform-services", namespace: MONITORING_NAMESPACE },
      {
        // Platform namespaces only: a team's Service with the label would bring series with labels the team chose
        // (a `team` of another team's name) under the platform's own scrape.
        namespaceSelector: { matchNames: [...PLATFORM_NAMESPACES] },
        selector: { matchLabels: { ...METRICS_LABEL } },
        endpoints: [{ port: METRICS_PORT, interval: "30s" }],
      },
    );
    // Kueue serves metrics over HTTPS behind Kubernetes authn/authz, outside the convention above.
    addKueueScrape(this);
    if (props.costs) addCostObjects(this, props.costs, DASHBOARD_LABEL);
  }
}

/** Namespaces first (they must exist before the chart installs into them). */
export function observabilityObjects(props: ObservabilityChartProps = {}): { namespaces: Record<string, unknown>[]; resources: Record<string, unknown>[] } {
  const all = new ObservabilityChart(new App(), "observability", props).toJson() as { kind: string }[];
  return { namespaces: all.filter((o) => o.kind === "Namespace"), resources: all.filter((o) => o.kind !== "Namespace") };
}
