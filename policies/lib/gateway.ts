/**
 * Reading Gateway API (v1.6.1) and Envoy Gateway (v1.9.0) objects as policies see them: the proxy Service an
 * EnvoyProxy asks for, which EnvoyProxy serves a Gateway, and what a SecurityPolicy demands of a request.
 */
import type { PolicyResource } from "@pulumi/policy";
import { isComputed } from "./define";
import { namespaceOf, nameOf } from "./k8s";

export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
export const ENVOY_GATEWAY_GROUP = "gateway.envoyproxy.io";
/** The pack's copy of the label the platform puts on the IdP's own route (its login page cannot demand a login). */
export const IDP_ROUTE_LABEL = "mlops.platform/identity-provider";
export const NLB_CLASS = "service.k8s.aws/nlb";
export const SCHEME_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-scheme";
export const SSL_CERT_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert";
export const SSL_PORTS_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports";
export const TLS_POLICY_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy";
const ACM_ARN = /^arn:aws[a-z-]*:acm:/;
/** AWS's predefined ELB security policies that accept TLS 1.2 or newer only (TLS13-1-0/1-1 and 2016-08 accept older). */
const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;
const WHOLE_INTERNET = ["0.0.0.0/0", "::/0"];

/** The group and kind of a Kubernetes type token (kubernetes:<group>/<version>:<Kind>), any version. */
export function groupKindOf(type: string): { group: string; kind: string } | undefined {
  const m = /^kubernetes:([^/:]+)\/[^:]+:([A-Za-z]+)$/.exec(type);
  return m ? { group: m[1], kind: m[2] } : undefined;
}
export const isGroupKind = (type: string, group: string, kind: string): boolean => {
  const gk = groupKindOf(type);
  return gk?.group === group && gk.kind === kind;
};
export const isEnvoyProxy = (type: string): boolean => isGroupKind(type, ENVOY_GATEWAY_GROUP, "EnvoyProxy");

/** The Service an EnvoyProxy makes the controller create; Envoy Gateway's default type is LoadBalancer. */
export interface ProxyService {
  readonly type: string;
  readonly loadBalancerClass?: string;
  readonly annotations: Record<string, string>;
  readonly loadBalancerSourceRanges: readonly string[];
  readonly patched: boolean;
}

export function proxyServiceOf(envoyProxy: any): ProxyService {
  const svc = envoyProxy?.spec?.provider?.kubernetes?.envoyService ?? {};
  return {
    type: svc.type ?? "LoadBalancer",
    loadBalancerClass: svc.loadBalancerClass,
    annotations: svc.annotations ?? {},
    loadBalancerSourceRanges: svc.loadBalancerSourceRanges ?? [],
    patched: svc.patch !== undefined,
  };
}

/** A plain Service in the same terms. */
export const serviceOf = (service: any): ProxyService => ({
  type: service?.spec?.type ?? "ClusterIP",
  loadBalancerClass: service?.spec?.loadBalancerClass,
  annotations: service?.metadata?.annotations ?? {},
  loadBalancerSourceRanges: service?.spec?.loadBalancerSourceRanges ?? [],
  patched: false,
});

export const exposesNodes = (svc: ProxyService): boolean => svc.type === "LoadBalancer" || svc.type === "NodePort";
export const isInternetFacing = (svc: ProxyService): boolean => svc.annotations[SCHEME_ANNOTATION] === "internet-facing";
/** An allowlist that names sources: at least one range, none of them the whole internet. */
export const hasSourceAllowlist = (svc: ProxyService): boolean =>
  svc.loadBalancerSourceRanges.length > 0 && !svc.loadBalancerSourceRanges.some((r) => WHOLE_INTERNET.includes(r));

/**
 * Whether the AWS Load Balancer Controller's NLB terminates TLS on `port` with an ACM certificate: the NLB class,
 * a certificate ARN (or a value computed at deploy), the port among the TLS ports (all ports when unset), and a
 * named TLS 1.2+ security policy (the controller's default is not pinned here, so it must be said).
 */
export function nlbTerminatesTls(svc: ProxyService, port: unknown): boolean {
  const cert = svc.annotations[SSL_CERT_ANNOTATION];
  const certOk = typeof cert === "string" && (ACM_ARN.test(cert) || isComputed(cert));
  const tlsPolicyOk = TLS12_POLICY.test(svc.annotations[TLS_POLICY_ANNOTATION] ?? "");
  const ports = svc.annotations[SSL_PORTS_ANNOTATION];
  const portOk =
    ports === undefined ||
    ports
      .split(",")
      .map((p) => p.trim())
      .some((p) => p === "*" || p === String(port));
  return svc.type === "LoadBalancer" && svc.loadBalancerClass === NLB_CLASS && certOk && portOk && tlsPolicyOk;
}

/** Resources of a stack by group/kind, and lookups by namespace and name. */
export class StackObjects {
  private readonly byKind = new Map<string, PolicyResource[]>();
  constructor(resources: readonly PolicyResource[]) {
    for (const r of resources) {
      const gk = groupKindOf(r.type);
      if (!gk) continue;
      const key = `${gk.group}/${gk.kind}`;
      const list = this.byKind.get(key) ?? [];
      list.push(r);
      this.byKind.set(key, list);
    }
  }
  all(group: string, kind: string): readonly PolicyResource[] {
    return this.byKind.get(`${group}/${kind}`) ?? [];
  }
  find(group: string, kind: string, namespace: string | undefined, name: string | undefined): PolicyResource | undefined {
    return this.all(group, kind).find((r) => nameOf(r.props) === name && namespaceOf(r.props) === namespace);
  }
}

/**
 * The EnvoyProxy that shapes a Gateway's proxies, as Envoy Gateway resolves it: the Gateway's
 * infrastructure.parametersRef replaces the GatewayClass's (merged field by field when it sets mergeType).
 * Undefined when neither names one the stack has.
 */
export function envoyProxyFor(gateway: any, objects: StackObjects): any | undefined {
  const isProxyRef = (ref: any) => ref?.group === ENVOY_GATEWAY_GROUP && ref?.kind === "EnvoyProxy";
  const classRef = objects.all(GATEWAY_API_GROUP, "GatewayClass").find((c) => nameOf(c.props) === gateway?.spec?.gatewayClassName)?.props.spec?.parametersRef;
  const fromClass = isProxyRef(classRef) ? objects.find(ENVOY_GATEWAY_GROUP, "EnvoyProxy", classRef.namespace, classRef.name)?.props : undefined;
  const gatewayRef = gateway?.spec?.infrastructure?.parametersRef;
  const fromGateway = isProxyRef(gatewayRef) ? objects.find(ENVOY_GATEWAY_GROUP, "EnvoyProxy", namespaceOf(gateway), gatewayRef.name)?.props : undefined;
  if (!fromGateway || !fromClass || fromGateway.spec?.mergeType === undefined) return fromGateway ?? fromClass;
  const base = fromClass.spec?.provider?.kubernetes?.envoyService ?? {};
  const over = fromGateway.spec?.provider?.kubernetes?.envoyService ?? {};
  const envoyService = { ...base, ...over, annotations: { ...(base.annotations ?? {}), ...(over.annotations ?? {}) } };
  return { ...fromGateway, spec: { ...fromGateway.spec, provider: { type: "Kubernetes", kubernetes: { envoyService } } } };
}

/** A SecurityPolicy refuses a request that carries no identity: OIDC sign-in, or a JWT it does not let go missing. */
export function authenticates(policy: any): boolean {
  const spec = policy?.spec ?? {};
  if (spec.oidc?.provider?.issuer) return true;
  const jwt = spec.jwt;
  return (jwt?.providers ?? []).length > 0 && jwt.optional !== true && jwt.failOpen !== true;
}

/** Authorization that denies what no rule allows (Envoy Gateway's default when the action is unset). */
export const deniesByDefault = (policy: any): boolean => policy?.spec?.authorization !== undefined && policy.spec.authorization.defaultAction !== "Allow";

/** Authorization that allows by default and never denies: it authorises everyone it authenticates, or everyone. */
export function isOpen(policy: any): boolean {
  const authz = policy?.spec?.authorization;
  return authz?.defaultAction === "Allow" && !(authz.rules ?? []).some((r: any) => r?.action === "Deny");
}

export interface Target {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
  readonly sectionName?: string;
  /** For a selector: the labels the target must carry (all targets of the kind when empty). */
  readonly matchLabels?: Record<string, string>;
  readonly selector: boolean;
}

/** Where a SecurityPolicy attaches, always in its own namespace (a selector reaching other namespaces is not counted). */
export function targetsOf(policy: any): Target[] {
  const spec = policy?.spec ?? {};
  const refs = [...(spec.targetRef ? [spec.targetRef] : []), ...(spec.targetRefs ?? [])].map((r: any) => ({
    group: r.group,
    kind: r.kind,
    name: r.name,
    sectionName: r.sectionName,
    selector: false,
  }));
  const selectors = (spec.targetSelectors ?? [])
    // matchExpressions are not evaluated here: such a selector is not counted (a route it may cover must find cover elsewhere).
    .filter((s: any) => (s.namespaces?.from ?? "Same") !== "Selector" && !(s.matchExpressions ?? []).length)
    .map((s: any) => ({ group: s.group ?? GATEWAY_API_GROUP, kind: s.kind, matchLabels: s.matchLabels ?? {}, selector: true }));
  return [...refs, ...selectors];
}

/** Whether a target names (or selects) this object of the given kind. */
export function targetHits(target: Target, kind: string, obj: any): boolean {
  if (target.group !== GATEWAY_API_GROUP || target.kind !== kind) return false;
  if (!target.selector) return target.name === nameOf(obj);
  const labels: Record<string, string> = obj?.metadata?.labels ?? {};
  return Object.entries(target.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}
