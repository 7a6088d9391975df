import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { gatewayObjects } from "../../charts/access/gateway";
import { OIDC_CLIENT_SECRET, OIDC_CLIENT_SECRET_KEY } from "../../charts/access/security";
import { gatewayTlsObjects } from "../../charts/access/tls";
import type { Manifest } from "../../charts/kube";
import type { AccessConfig } from "../../config/access";
import { GATEWAY_NAMESPACE, type UiRoute } from "../../domain/access";
import type { Environment } from "../../domain/environments";
import { CHARTS } from "../../domain/versions";
import { inheritedDependsOn } from "../dependencies";
import { createObjectGroup } from "../kubernetes/object-group";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import type { ApiServerAddresses } from "../queues";
import { certgenObjects } from "./certgen";
import { ingressNamespaceObjects } from "./namespace";
import { ENVOY_GATEWAY_RELEASE, envoyGatewayValues } from "./values";

export { CERTGEN_NAME, certgenObjects, ENVOY_GATEWAY_IMAGE } from "./certgen";
export { ingressNamespaceObjects } from "./namespace";
export { CONTROLLER_POD_LABELS, CONTROLLER_PORTS, ENVOY_GATEWAY_RELEASE, envoyGatewayValues } from "./values";

export interface AccessArgs {
  readonly access: AccessConfig;
  readonly environment: Environment;
  /** EKS: NLB with ACM, HTTP listeners; otherwise the site's LoadBalancer and HTTPS listeners with cert-manager's certificate. */
  readonly onEks: boolean;
  /** The IdP client secret (a Pulumi secret: it stays one in the state). */
  readonly clientSecret: pulumi.Input<string>;
  /** The UI routes the gateway serves (domain/access.ts uiRoutes): the proxies may reach the pods behind them. @default [] */
  readonly uiRoutes?: readonly UiRoute[];
  /** Existing clusters: what installs cert-manager, which signs the gateway's certificate. @default [] */
  readonly certManager?: pulumi.Input<pulumi.Resource>[];
  /** Where the API server is, for the namespace's NetworkPolicies. @default any address */
  readonly apiServer?: ApiServerAddresses;
  /** Schedule the controller and the proxies on the system pool (EKS). @default false */
  readonly systemPool?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The gateway: the `ingress` namespace (restricted, default deny), Envoy Gateway's certificates (certgen), its
 * chart (the Gateway API and Envoy Gateway CRDs and the controller), then the GatewayClass, EnvoyProxy and Gateway,
 * on existing clusters the gateway's certificate, and the IdP client Secret. The routes and policies come later
 * (`addRoutes`), once the namespaces they name exist: KServe, one of those, waits for this chart's CRDs.
 */
export class Access extends pulumi.ComponentResource {
  readonly namespace = GATEWAY_NAMESPACE;
  readonly chart: k8s.helm.v4.Chart;
  /** The Gateway and its class: routes and KServe's HTTPRoutes attach to it. */
  readonly gateway: k8s.yaml.v2.ConfigGroup;
  /** What the routes wait for besides their namespaces: the Gateway, the client Secret, the certificate. */
  private readonly routesAfter: pulumi.Resource[];

  private readonly name: string;

  constructor(name: string, args: AccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:access:Access", name, {}, opts);
    this.name = name;
    const inherited = inheritedDependsOn(opts);
    const labels = { ...args.labels };
    const namespace = createObjectGroup(
      `${name}-namespace`,
      ingressNamespaceObjects({ access: args.access, uiRoutes: args.uiRoutes ?? [], apiServer: args.apiServer, labels }),
      { parent: this, dependsOn: inherited },
    );
    // The chart's certgen is a Helm hook helm.v4.Chart drops: run it first, so the controller starts with its certificates.
    const certgen = createObjectGroup(`${name}-certgen`, certgenObjects(labels), { parent: this, dependsOn: [namespace] });
    const values = envoyGatewayValues({ environment: args.environment, systemPool: args.systemPool });
    this.chart = createUpstreamChart(ENVOY_GATEWAY_RELEASE, CHARTS.envoyGateway, GATEWAY_NAMESPACE, values, { parent: this, dependsOn: [namespace, certgen] });
    // The Secret the UI SecurityPolicies' OIDC clientSecret names.
    const clientSecret = new k8s.core.v1.Secret(
      `${name}-oidc-client`,
      {
        metadata: { name: OIDC_CLIENT_SECRET, namespace: GATEWAY_NAMESPACE, labels },
        type: "Opaque",
        stringData: { [OIDC_CLIENT_SECRET_KEY]: pulumi.secret(args.clientSecret) },
      },
      { parent: this, dependsOn: [namespace] },
    );
    // Gateway API and Envoy Gateway kinds come with the chart's CRDs (pulumi-kubernetes #3176).
    const gatewayArgs = { access: args.access, environment: args.environment, onEks: args.onEks, systemPool: args.systemPool, labels };
    this.gateway = createObjectGroup(`${name}-gateway`, gatewayObjects(gatewayArgs), { parent: this, dependsOn: [this.chart] });
    const tls = args.onEks
      ? []
      : [
          createObjectGroup(`${name}-tls`, gatewayTlsObjects({ access: args.access, labels }), {
            parent: this,
            dependsOn: [namespace, ...(args.certManager ?? [])],
          }),
        ];
    this.routesAfter = [this.gateway, clientSecret, ...tls];
    this.registerOutputs({ namespace: this.namespace });
  }

  /**
   * Routes and policies (charts/access/routes.ts, security.ts; NetworkPolicies of their backends), applied after the
   * Gateway and after `namespaces`, what makes the namespaces they live in (teams, services, monitoring, dex).
   * `group` names the object group (`<name>-<group>`): objects waiting on a cluster output go in one of their own.
   */
  addRoutes(
    objects: readonly Manifest[] | pulumi.Output<readonly Manifest[]>,
    namespaces: pulumi.Input<pulumi.Resource>[],
    group = "routes",
  ): k8s.yaml.v2.ConfigGroup {
    return createObjectGroup(`${this.name}-${group}`, objects, { parent: this, dependsOn: [...this.routesAfter, ...namespaces] });
  }
}
