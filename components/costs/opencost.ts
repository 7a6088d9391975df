import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { OPENCOST_NAMESPACE } from "../../domain/platform-namespaces";
import { CHARTS } from "../../domain/versions";
import { inheritedDependsOn } from "../dependencies";
import { createObjectGroup } from "../kubernetes/object-group";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import type { ApiServerAddresses } from "../queues/namespace";
import { opencostNamespaceObjects } from "./opencost-namespace";
import { OPENCOST_RELEASE, opencostValues, type OpenCostValuesArgs } from "./opencost-values";

export interface OpenCostArgs {
  /** The cluster's name: OpenCost's cluster id. */
  readonly clusterName: string;
  /** Where prices come from: AWS's public price list (EKS) or the stack's own prices. */
  readonly pricing: OpenCostValuesArgs["pricing"];
  /** Schedule OpenCost on the system pool (EKS) instead of any node. @default false */
  readonly systemPool?: boolean;
  /** Where the API server is, for the namespace's NetworkPolicies. @default ANY_API_SERVER (any address) */
  readonly apiServer?: ApiServerAddresses;
  /** Labels for the objects we author and the OpenCost pod (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * OpenCost from its upstream chart in the opencost namespace (restricted, default-deny with what Prometheus, the API
 * server and the price list need), reading the platform's Prometheus and scraped by it through the chart's
 * ServiceMonitor; our own least-privilege RBAC instead of the chart's. Pass the Observability component in
 * `dependsOn`: the ServiceMonitor needs its CRDs.
 */
export class OpenCost extends pulumi.ComponentResource {
  readonly namespace = OPENCOST_NAMESPACE;
  readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: OpenCostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:costs:OpenCost", name, {}, opts);
    const inherited = inheritedDependsOn(opts);
    const objects = opencostNamespaceObjects({ apiServer: args.apiServer, awsPriceList: args.pricing.kind === "aws", labels: args.labels });
    const base = createObjectGroup(`${name}-namespace`, objects, { parent: this, dependsOn: inherited });
    // Released as "opencost" whatever the component is called: the chart names its ServiceAccount after the release.
    const values = opencostValues({ clusterName: args.clusterName, pricing: args.pricing, systemPool: args.systemPool, labels: args.labels });
    this.chart = createUpstreamChart(OPENCOST_RELEASE, CHARTS.opencost, OPENCOST_NAMESPACE, values, { parent: this, dependsOn: [base, ...inherited] });
    this.registerOutputs({ namespace: this.namespace });
  }
}
