/**
 * The platform's Gateway on Envoy Gateway: the GatewayClass, the EnvoyProxy that shapes the proxies' Deployment and
 * Service, and the Gateway `platform` with its `apps` and `models` listeners. Pure: config in, plain manifests out.
 * EKS: the AWS Load Balancer Controller's NLB terminates TLS with the ACM certificate and the listeners are HTTP;
 * existing clusters: the site's load balancer passes TCP through and Envoy terminates TLS with cert-manager's Secret.
 */
import type { AccessConfig } from "../../config/access";
import {
  APPS_LISTENER,
  ENVOY_PROXY_POD_LABELS,
  GATEWAY_CLASS,
  GATEWAY_NAME,
  GATEWAY_NAMESPACE,
  MODEL_ROUTES_LABEL,
  MODELS_LISTENER,
  modelsDomain,
} from "../../domain/access";
import { highlyAvailable, type Environment } from "../../domain/environments";
import { customResource, hostnameSpread, manifests, SYSTEM_POOL_PLACEMENT, type Manifest } from "../kube";
import { GATEWAY_API_GROUP, GATEWAY_API_VERSION } from "./routes";
import { ENVOY_GATEWAY_API } from "./security";

/** The controller name of the chart's default EnvoyGateway configuration. */
export const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";
export const ENVOY_PROXY_NAME = "platform-proxy";
/** Both listeners share the HTTPS port; hostnames tell them apart. */
export const LISTENER_PORT = 443;
/** Envoy binds a listener port below 1024 at port + 10000 (no NET_BIND_SERVICE capability): what NetworkPolicy sees. */
export const PROXY_LISTENER_PORT = LISTENER_PORT + 10000;
/** The proxies' Prometheus endpoint (/stats/prometheus); the admin port 19000 listens on localhost only. */
export const PROXY_METRICS_PORT = 19001;
/** The Secret cert-manager fills with the gateway's certificate on existing clusters. */
export const GATEWAY_TLS_SECRET = "platform-gateway-tls";
export const NLB_CLASS = "service.k8s.aws/nlb";
/** TLS 1.3 and 1.2 only at the NLB (an AWS predefined policy). */
export const NLB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

const NLB = "service.beta.kubernetes.io/aws-load-balancer";
export interface GatewayArgs {
  readonly access: AccessConfig;
  readonly environment: Environment;
  /** EKS: the AWS LBC's NLB with the ACM certificate; otherwise the site's LoadBalancer and TLS at Envoy. */
  readonly onEks: boolean;
  /** Schedule the proxies on the system pool (EKS). @default false */
  readonly systemPool?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
}

/** The wildcard hosts of each listener: UIs under the domain, models under models.<domain>. */
export const listenerHostnames = (domain: string): Record<string, string> => ({
  [APPS_LISTENER]: `*.${domain}`,
  [MODELS_LISTENER]: `*.${modelsDomain(domain)}`,
});

function acmCertificate(access: AccessConfig): string {
  const arn = access.tls.acmCertificateArn;
  if (!arn) throw new Error("access.tls.acmCertificateArn: required on EKS (the NLB terminates TLS with it)");
  return arn;
}

/** The proxies' Service: on EKS an NLB of the AWS Load Balancer Controller, TLS on 443 with the ACM certificate. */
export function proxyService(args: Pick<GatewayArgs, "access" | "onEks">): Record<string, unknown> {
  const { exposure } = args.access;
  const sourceRanges = exposure.sourceRanges ? { loadBalancerSourceRanges: [...exposure.sourceRanges] } : {};
  if (!args.onEks) return { type: "LoadBalancer", ...sourceRanges };
  return {
    type: "LoadBalancer",
    loadBalancerClass: NLB_CLASS,
    annotations: {
      [`${NLB}-scheme`]: exposure.scheme,
      [`${NLB}-nlb-target-type`]: "ip",
      [`${NLB}-ssl-cert`]: acmCertificate(args.access),
      [`${NLB}-ssl-ports`]: String(LISTENER_PORT),
      [`${NLB}-ssl-negotiation-policy`]: NLB_TLS_POLICY,
    },
    ...sourceRanges,
  };
}

/** The EnvoyProxy: the proxies' replicas, resources, restricted pod, placement, disruption budget and Service. */
export function envoyProxySpec(args: GatewayArgs): Record<string, unknown> {
  const ha = highlyAvailable(args.environment);
  const pod = {
    // Envoy Gateway's container defaults are restricted already; the pod level says it too.
    securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
    ...(args.systemPool ? SYSTEM_POOL_PLACEMENT : {}),
    ...(ha ? hostnameSpread(ENVOY_PROXY_POD_LABELS) : {}),
  };
  // Envoy sizes its heap from the memory limit.
  const resources = ha
    ? { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "2Gi" } }
    : { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } };
  return {
    provider: {
      type: "Kubernetes",
      kubernetes: {
        envoyDeployment: { replicas: ha ? 2 : 1, pod, container: { resources } },
        ...(ha ? { envoyPDB: { minAvailable: 1 } } : {}),
        envoyService: proxyService(args),
      },
    },
  };
}

/** A listener on 443 for `hostname`: HTTP behind the NLB's TLS on EKS, HTTPS with cert-manager's Secret elsewhere. */
function listener(name: string, hostname: string, onEks: boolean, allowedRoutes: Record<string, unknown>): Record<string, unknown> {
  const tls = onEks ? {} : { tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: GATEWAY_TLS_SECRET }] } };
  return { name, hostname, port: LISTENER_PORT, protocol: onEks ? "HTTP" : "HTTPS", ...tls, allowedRoutes };
}

export function gatewaySpec(args: Pick<GatewayArgs, "access" | "onEks">): Record<string, unknown> {
  const hosts = listenerHostnames(args.access.domain);
  const httpRoutes = [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute" }];
  return {
    gatewayClassName: GATEWAY_CLASS,
    listeners: [
      // UI routes live beside the Gateway, in ingress.
      listener(APPS_LISTENER, hosts[APPS_LISTENER], args.onEks, { namespaces: { from: "Same" }, kinds: httpRoutes }),
      // KServe's routes, from team namespaces that opted into model endpoints.
      listener(MODELS_LISTENER, hosts[MODELS_LISTENER], args.onEks, {
        namespaces: { from: "Selector", selector: { matchLabels: { [MODEL_ROUTES_LABEL]: "true" } } },
        kinds: httpRoutes,
      }),
    ],
  };
}

/** The GatewayClass (cluster-scoped), the EnvoyProxy it names, and the Gateway. */
export function gatewayObjects(args: GatewayArgs): Manifest[] {
  const labels = { ...args.labels };
  return manifests((scope) => {
    customResource(scope, "gateway-class", {
      apiVersion: GATEWAY_API_VERSION,
      kind: "GatewayClass",
      metadata: { name: GATEWAY_CLASS, labels },
      spec: {
        controllerName: ENVOY_GATEWAY_CONTROLLER,
        parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: ENVOY_PROXY_NAME, namespace: GATEWAY_NAMESPACE },
      },
    });
    customResource(scope, "envoy-proxy", {
      apiVersion: ENVOY_GATEWAY_API,
      kind: "EnvoyProxy",
      metadata: { name: ENVOY_PROXY_NAME, namespace: GATEWAY_NAMESPACE, labels },
      spec: envoyProxySpec(args),
    });
    customResource(scope, "gateway", {
      apiVersion: GATEWAY_API_VERSION,
      kind: "Gateway",
      metadata: { name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, labels },
      spec: gatewaySpec(args),
    });
  });
}
