import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { MONITORING_NAMESPACE, observabilityObjects } from "../../charts/observability";
import { createObjectGroup } from "../kubernetes/object-group";
import { inheritedDependsOn } from "../dependencies";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { CHARTS } from "../../domain/versions";
import type { AccessConfig } from "../../config/access";
import type { TeamConfig } from "../../config/teams";
import { GRAFANA_OAUTH_SECRET, GRAFANA_OAUTH_SECRET_KEY } from "./oauth";
import { GRAFANA_ADMIN_SECRET, GRAFANA_ADMIN_USER, prometheusStackValues } from "./values";
import { costObservabilityProps, type ObservabilityCostsArgs } from "./costs";
import { mergeValues } from "../../charts/values";
import { resolveObservability, type ObservabilityConfig } from "../../config/observability";
import { durabilityValues } from "./durability-values";
import { createRemoteWrite, type RemoteWriteAws } from "./remote-write";
import { alertmanagerValues, receiverSecret, type ObservabilityAlertingArgs } from "./alerting";

export { GRAFANA_ADMIN_SECRET, prometheusStackValues } from "./values";
export { GRAFANA_OAUTH_SECRET, grafanaOAuthValues, grafanaRoleExpression } from "./oauth";
export { type ObservabilityCostsArgs } from "./costs";
export { durabilityValues, PROMETHEUS_SERVICE_ACCOUNT, REMOTE_WRITE_SECRET } from "./durability-values";
export { type RemoteWriteAws } from "./remote-write";

/** How long metrics live and where (config.observability), and what the volumes and the remote write need of the stack. */
export interface ObservabilityMetricsArgs {
  readonly config: ObservabilityConfig;
  /** The `cluster` label remote-written series carry. */
  readonly clusterName: string;
  /** The class of volumes whose config names none: the platform's gp3 on EKS. @default the cluster's default class */
  readonly defaultStorageClass?: string;
  /** The AWS side of an Amazon Managed Service for Prometheus remote write (EKS only). @default none */
  readonly aws?: RemoteWriteAws;
  /** The remote-write endpoint's basic-auth password, a secret (config/remote-write-secret.ts). @default none */
  readonly remoteWritePassword?: pulumi.Input<string>;
}
export { alertmanagerValues, stackAlerting, type ObservabilityAlertingArgs } from "./alerting";

export interface ObservabilityArgs {
  /** Labels for the objects we author (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Grafana sign-in with the stack's identity provider: its client (the gateway's) and the client secret, and the
   * teams whose owner groups get Grafana roles. @default admin login only
   */
  readonly oauth?: {
    readonly access: AccessConfig;
    readonly teams: readonly TeamConfig[];
    readonly clientSecret: pulumi.Input<string>;
  };
  /** Money dashboards and cost recording rules, added only when `config.allocation.enabled`. @default none */
  readonly costs?: ObservabilityCostsArgs;
  /** Volumes, retention, replicas and remote write. @default the local tier's volumes and retention, no remote write */
  readonly metrics?: ObservabilityMetricsArgs;
  /** Alertmanager's receivers, routes and inhibitions, and the receivers' credentials. @default no receivers: every alert is dropped */
  readonly alerting?: ObservabilityAlertingArgs;
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
    const objects = observabilityObjects({ commonLabels: args.labels, costs: costObservabilityProps(args.costs) });
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
    const oauth = args.oauth && this.oauthSecret(name, args.oauth.clientSecret, args.labels, namespaces);
    // Never an emptyDir: without stack config, the local tier's volumes.
    const metrics = args.metrics ?? { config: resolveObservability(undefined, "local"), clusterName: name };
    const remote = createRemoteWrite(
      name,
      metrics.config.prometheus.remoteWrite,
      { aws: metrics.aws, password: metrics.remoteWritePassword, labels: args.labels, namespaces },
      this,
    );
    const durability = durabilityValues({ ...metrics, remoteWrite: remote?.target });
    const alerting = args.alerting ?? { config: { teams: [] } };
    // Alertmanager's pod mounts the receivers' Secret: it exists before the chart.
    const receivers = alerting.secrets && receiverSecret(name, alerting.secrets, args.labels, { parent: this, dependsOn: [namespaces] });
    const values = mergeValues(mergeValues(prometheusStackValues(args.oauth), durability), alertmanagerValues(alerting));
    this.chart = createUpstreamChart(name, CHARTS.kubePrometheusStack, MONITORING_NAMESPACE, values, {
      parent: this,
      dependsOn: [namespaces, secret, ...(oauth ? [oauth] : []), ...(receivers ? [receivers] : []), ...(remote?.dependsOn ?? []), ...inheritedDependsOn(opts)],
    });
    // PrometheusRule and ServiceMonitor need the chart's CRDs first (pulumi-kubernetes #3176).
    createObjectGroup(`${name}-content`, objects.resources, { parent: this, dependsOn: [this.chart] });
    this.registerOutputs({ namespace: this.namespace });
  }

  /** The IdP client's secret, which Grafana reads as a file (values.ts mounts it). */
  private oauthSecret(name: string, clientSecret: pulumi.Input<string>, labels: ObservabilityArgs["labels"], namespaces: pulumi.Resource): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(
      `${name}-grafana-oauth`,
      {
        metadata: { name: GRAFANA_OAUTH_SECRET, namespace: MONITORING_NAMESPACE, labels: { ...labels } },
        type: "Opaque",
        stringData: { [GRAFANA_OAUTH_SECRET_KEY]: pulumi.secret(clientSecret) },
      },
      { parent: this, dependsOn: [namespaces], additionalSecretOutputs: ["stringData", "data"] },
    );
  }
}
