import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { queueObjects, type QueueObjectsArgs } from "../../charts/queues";
import type { PlatformConfig } from "../../config";
import { KUEUE_NAMESPACE } from "../../domain/platform-namespaces";
import { CHARTS } from "../../domain/versions";
import { inheritedDependsOn } from "../dependencies";
import { createObjectGroup } from "../kubernetes/object-group";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { kueueNamespaceObjects, type ApiServerAddresses } from "./namespace";
import { KUEUE_RELEASE, kueueValues } from "./values";

export { ANY_API_SERVER, eksApiServer, kueueNamespaceObjects, type ApiServerAddresses } from "./namespace";
export { KUEUE_PORTS, KUEUE_POD_LABELS, KUEUE_RELEASE, kueueConfiguration, kueueValues } from "./values";

export interface QueuesArgs {
  /** The validated config: pools and GPU settings (flavors), teams and queues (ClusterQueues), the tier (replicas). */
  readonly cfg: QueueObjectsArgs["cfg"] & Pick<PlatformConfig, "environment">;
  /** Labels for the objects we author (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Schedule the controller on the system pool (EKS) instead of any node. @default false */
  readonly systemPool?: boolean;
  /** Where the API server is, for kueue-system's NetworkPolicies. @default ANY_API_SERVER (any address) */
  readonly apiServer?: ApiServerAddresses;
  /** What makes the team namespaces (the Teams component): their LocalQueues wait for it. @default [] */
  readonly teamNamespaces?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Kueue from its upstream chart in kueue-system (restricted, default-deny with what the API server and Prometheus
 * need), then the platform's queue model (charts/queues): flavors, priority classes, ClusterQueues and the
 * LocalQueues in the team namespaces (Kubeflow Pipelines' steps run in their team's namespace and queue there).
 */
export class Queues extends pulumi.ComponentResource {
  readonly namespace = KUEUE_NAMESPACE;
  readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: QueuesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:queues:Queues", name, {}, opts);
    const inherited = inheritedDependsOn(opts);
    const base = createObjectGroup(`${name}-namespace`, kueueNamespaceObjects({ apiServer: args.apiServer, labels: args.labels }), {
      parent: this,
      dependsOn: inherited,
    });
    // Released as "kueue" whatever the component is called: the chart names its Services after the release.
    const values = kueueValues({ environment: args.cfg.environment, systemPool: args.systemPool });
    this.chart = createUpstreamChart(KUEUE_RELEASE, CHARTS.kueue, KUEUE_NAMESPACE, values, { parent: this, dependsOn: [base, ...inherited] });
    const objects = queueObjects({ cfg: args.cfg, labels: args.labels });
    // Kueue's kinds come with the chart's CRDs, and its webhooks validate them: after the chart (pulumi-kubernetes #3176).
    createObjectGroup(`${name}-objects`, objects, { parent: this, dependsOn: [this.chart, ...(args.teamNamespaces ?? [])] });
    this.registerOutputs({ namespace: this.namespace });
  }
}
