/**
 * cert-manager, platform-wide: it signs KServe's webhook certificates and, on existing clusters, the gateway's.
 * Its own component, made before both, so neither waits on the other for it. It was a child of KServe's
 * ModelServing (inside MlopsServices): the release keeps its name and the resources their identity through
 * aliases, so a running cert-manager is adopted where it is, never deleted and created again.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { namespaceObjects } from "../../charts/services/namespaces";
import { loadValuesFile } from "../../charts/values";
import { CERT_MANAGER_NAMESPACE } from "../../domain/platform-namespaces";
import { CHARTS } from "../../domain/versions";
import { inheritedDependsOn } from "../dependencies";
import { createObjectGroup } from "../kubernetes/object-group";
import { createUpstreamChart } from "../kubernetes/upstream-chart";

/** The Helm release: every object the chart renders is named after it, so it keeps the name it had under KServe. */
export const CERT_MANAGER_RELEASE = "services-kserve-cert-manager";

const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";
const GROUP_TYPE = "kubernetes:yaml/v2:ConfigGroup";
/** The type chains of the old parents: the services' namespaces group, and KServe's ModelServing. */
const FORMER_NAMESPACES_GROUP = { types: `mlops:services:MlopsServices$${GROUP_TYPE}`, name: "services-namespaces" } as const;
const FORMER_MODEL_SERVING = "mlops:services:MlopsServices$mlops:services:ModelServing";

const urn = (stack: string, project: string, types: string, type: string, name: string): string => `urn:pulumi:${stack}::${project}::${types}$${type}::${name}`;

/**
 * The URNs the moved resources had: the chart (same name, under ModelServing), each of its objects (same names,
 * under the chart there), and the Namespace (a child of the services' namespaces group, named after that group).
 */
export const formerUrns = (stack: string, project: string) => ({
  chart: urn(stack, project, FORMER_MODEL_SERVING, CHART_TYPE, CERT_MANAGER_RELEASE),
  chartObject: (type: string, name: string) => urn(stack, project, `${FORMER_MODEL_SERVING}$${CHART_TYPE}`, type, name),
  namespace: urn(stack, project, FORMER_NAMESPACES_GROUP.types, "kubernetes:core/v1:Namespace", `${FORMER_NAMESPACES_GROUP.name}:${CERT_MANAGER_NAMESPACE}`),
});

/**
 * Gives the children a component resource's provider registers (chart objects, group objects) an alias: a
 * transform is the one place to give them options. `former` answers for one child, not for the parent itself.
 */
export function aliasChildren(parentType: string, former: (type: string, name: string) => string): pulumi.ResourceTransform {
  return ({ type, name, props, opts }) => (type === parentType ? undefined : { props, opts: pulumi.mergeOptions(opts, { aliases: [former(type, name)] }) });
}

export interface CertManagerArgs {
  /** Labels for the namespace (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The `cert-manager` namespace (restricted) and the upstream chart with its CRDs, at the catalogue's version. */
export class CertManager extends pulumi.ComponentResource {
  readonly namespace = CERT_MANAGER_NAMESPACE;
  readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: CertManagerArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cert-manager:CertManager", name, {}, opts);
    const former = formerUrns(pulumi.getStack(), pulumi.getProject());
    const objects = namespaceObjects([{ name: CERT_MANAGER_NAMESPACE, level: "restricted" }], { ...args.labels });
    const namespace = createObjectGroup(`${name}-namespace`, objects, {
      parent: this,
      dependsOn: inheritedDependsOn(opts),
      transforms: [aliasChildren(GROUP_TYPE, () => former.namespace)],
    });
    // Its ServiceMonitors need the Prometheus operator's CRDs: what `opts` waits for.
    this.chart = createUpstreamChart(CERT_MANAGER_RELEASE, CHARTS.certManager, CERT_MANAGER_NAMESPACE, loadValuesFile("cert-manager"), {
      parent: this,
      dependsOn: [namespace, ...inheritedDependsOn(opts)],
      aliases: [former.chart],
      transforms: [aliasChildren(CHART_TYPE, former.chartObject)],
    });
    this.registerOutputs({ namespace: this.namespace });
  }
}
