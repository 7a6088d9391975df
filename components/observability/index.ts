import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { MONITORING_NAMESPACE, observabilityObjects } from "../../charts/observability";
import { createObjectGroup } from "../kubernetes/object-group";
import { inheritedDependsOn } from "../dependencies";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { CHARTS } from "../../domain/versions";
import { GRAFANA_ADMIN_SECRET, GRAFANA_ADMIN_USER, prometheusStackValues } from "./values";

export { GRAFANA_ADMIN_SECRET, prometheusStackValues } from "./values";

export interface ObservabilityArgs {
  /** Labels for the objects we author (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Prometheus, Alertmanager and Grafana from the upstream kube-prometheus-stack chart, with Grafana's admin
 * password generated here (a Pulumi secret, never the chart default), our dashboards and alert rules after
 * the chart's CRDs, and the platform-wide ServiceMonitor convention.
 */
export class Observability extends pulumi.ComponentResource {
  readonly namespace = MONITORING_NAMESPACE;
  readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: ObservabilityArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:observability:Observability", name, {}, opts);
    const objects = observabilityObjects({ commonLabels: args.labels });
    const namespaces = createObjectGroup(`${name}-namespaces`, objects.namespaces, { parent: this });
    const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
    const secret = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: GRAFANA_ADMIN_SECRET, namespace: MONITORING_NAMESPACE, labels: { ...args.labels } },
        type: "Opaque",
        stringData: { "admin-user": GRAFANA_ADMIN_USER, "admin-password": password.result },
      },
      { parent: this, dependsOn: [namespaces], additionalSecretOutputs: ["stringData", "data"] },
    );
    this.chart = createUpstreamChart(name, CHARTS.kubePrometheusStack, MONITORING_NAMESPACE, prometheusStackValues(), {
      parent: this,
      dependsOn: [namespaces, secret, ...inheritedDependsOn(opts)],
    });
    // PrometheusRule and ServiceMonitor need the chart's CRDs first (pulumi-kubernetes #3176).
    createObjectGroup(`${name}-content`, objects.resources, { parent: this, dependsOn: [this.chart] });
    this.registerOutputs({ namespace: this.namespace });
  }
}
