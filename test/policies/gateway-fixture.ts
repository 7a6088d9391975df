/**
 * A compliant gateway as the platform builds it (design of issue 15): GatewayClass mlops-platform → EnvoyProxy
 * platform-proxy, Gateway platform in ingress with listeners apps and models, a Gateway-wide default-deny JWT
 * policy, a UI route with its OIDC policy, a team policy selecting the team's routes, and the IdP's open login
 * route. `eks`: TLS at an ACM-certificate NLB and HTTP listeners; otherwise HTTPS listeners with a Secret.
 */
import { kubernetesType } from "../../policies/lib/k8s";
import type { StackItem } from "./harness";

const GW = "gateway.networking.k8s.io/v1";
const EG = "gateway.envoyproxy.io/v1alpha1";
export const ACM_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0b6f3c1e-1111-2222-3333-444455556666";
export const EKS_CLUSTER: StackItem = { type: "aws:eks/cluster:Cluster", name: "cluster", props: { name: "mlops" } };

export const item = (object: Record<string, any>): StackItem => ({
  type: kubernetesType(object.apiVersion, object.kind),
  name: `${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name}`,
  props: object,
});

export function envoyProxy(eks: boolean): Record<string, any> {
  const annotations: Record<string, string> = eks
    ? {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": ACM_ARN,
        "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
        "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      }
    : {};
  return {
    apiVersion: EG,
    kind: "EnvoyProxy",
    metadata: { name: "platform-proxy", namespace: "ingress" },
    spec: {
      provider: {
        type: "Kubernetes",
        kubernetes: {
          envoyDeployment: { replicas: 2 },
          envoyService: { type: "LoadBalancer", ...(eks ? { loadBalancerClass: "service.k8s.aws/nlb" } : {}), annotations },
        },
      },
    },
  };
}

export const gatewayClass = (): Record<string, any> => ({
  apiVersion: GW,
  kind: "GatewayClass",
  metadata: { name: "mlops-platform" },
  spec: {
    controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
    parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: "platform-proxy", namespace: "ingress" },
  },
});

function listener(name: string, hostname: string, eks: boolean, allowedRoutes: Record<string, any>): Record<string, any> {
  const tls = eks ? {} : { protocol: "HTTPS", tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: "platform-tls" }] } };
  return { name, hostname, port: 443, protocol: "HTTP", ...tls, allowedRoutes };
}

export const gateway = (eks: boolean): Record<string, any> => ({
  apiVersion: GW,
  kind: "Gateway",
  metadata: { name: "platform", namespace: "ingress" },
  spec: {
    gatewayClassName: "mlops-platform",
    listeners: [
      listener("apps", "*.example.com", eks, { namespaces: { from: "Same" } }),
      listener("models", "*.models.example.com", eks, {
        namespaces: { from: "Selector", selector: { matchLabels: { "mlops.platform/model-endpoints": "true" } } },
        kinds: [{ kind: "HTTPRoute" }],
      }),
    ],
  },
});

const IDP_JWT = {
  providers: [{ name: "idp", issuer: "https://idp.example.com", audiences: ["mlops-platform"], remoteJWKS: { uri: "https://idp.example.com/keys" } }],
};
const allowGroups = (groups: string[]) => ({
  defaultAction: "Deny",
  rules: [{ name: "groups", action: "Allow", principal: { jwt: { provider: "idp", claims: [{ name: "groups", valueType: "StringArray", values: groups }] } } }],
});

export const securityPolicy = (namespace: string, name: string, spec: Record<string, any>): Record<string, any> => ({
  apiVersion: EG,
  kind: "SecurityPolicy",
  metadata: { name, namespace },
  spec,
});
export const targetRef = (kind: string, name: string, sectionName?: string) => ({
  group: "gateway.networking.k8s.io",
  kind,
  name,
  ...(sectionName ? { sectionName } : {}),
});

export const gatewayDefault = (): Record<string, any> =>
  securityPolicy("ingress", "gateway-default", {
    targetRefs: [targetRef("Gateway", "platform")],
    jwt: IDP_JWT,
    authorization: allowGroups(["platform-admins"]),
  });

export const httpRoute = (namespace: string, name: string, sectionName: string, labels: Record<string, string> = {}): Record<string, any> => ({
  apiVersion: GW,
  kind: "HTTPRoute",
  metadata: { name, namespace, labels },
  spec: {
    parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform", namespace: "ingress", sectionName }],
    hostnames: [`${name}.example.com`],
    rules: [{ backendRefs: [{ name, namespace: name, port: 80 }] }],
  },
});

export const uiPolicy = (route: string): Record<string, any> =>
  securityPolicy("ingress", route, {
    targetRefs: [targetRef("HTTPRoute", route)],
    oidc: {
      provider: { issuer: "https://idp.example.com", authorizationEndpoint: "https://idp.example.com/auth", tokenEndpoint: "https://idp.example.com/token" },
      clientID: "mlops-platform",
      clientSecret: { name: "oidc-client" },
      redirectURL: `https://${route}.example.com/oauth2/callback`,
      disableTokenEncryption: true,
      passThroughAuthHeader: true,
    },
    jwt: IDP_JWT,
    authorization: allowGroups(["platform-admins", "recsys-owners"]),
  });

export const teamPolicy = (team: string): Record<string, any> =>
  securityPolicy(team, "model-endpoints", { targetSelectors: [{ kind: "HTTPRoute" }], jwt: IDP_JWT, authorization: allowGroups(["recsys-owners"]) });

export const IDP_LABEL = { "mlops.platform/identity-provider": "true" };
export const idpPolicy = (): Record<string, any> =>
  securityPolicy("ingress", "dex-login", { targetRefs: [targetRef("HTTPRoute", "login")], authorization: { defaultAction: "Allow" } });

/** The whole compliant set, as stack items. */
export function gatewayStack(eks: boolean): StackItem[] {
  const objects = [
    envoyProxy(eks),
    gatewayClass(),
    gateway(eks),
    gatewayDefault(),
    httpRoute("ingress", "mlflow", "apps"),
    uiPolicy("mlflow"),
    teamPolicy("recsys"),
    httpRoute("recsys", "ranker-recsys", "models"),
    httpRoute("ingress", "login", "apps", IDP_LABEL),
    idpPolicy(),
  ];
  return [...(eks ? [EKS_CLUSTER] : []), ...objects.map(item)];
}
