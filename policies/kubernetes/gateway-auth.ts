import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/define";
import { controlChecker } from "../lib/exceptions";
import {
  ENVOY_GATEWAY_GROUP,
  GATEWAY_API_GROUP,
  IDP_ROUTE_LABEL,
  StackObjects,
  authenticates,
  deniesByDefault,
  isOpen,
  targetHits,
  targetsOf,
} from "../lib/gateway";
import { nameOf, namespaceOf } from "../lib/k8s";

/** Routes a SecurityPolicy can authenticate; the L4 kinds cannot carry a sign-in and are refused. */
const HTTP_ROUTE_KINDS = ["HTTPRoute", "GRPCRoute"];
const L4_ROUTE_KINDS = ["TCPRoute", "TLSRoute", "UDPRoute"];

const qualified = (resource: PolicyResource): string => `${namespaceOf(resource.props)}/${nameOf(resource.props)}`;
const isIdpRoute = (route: any): boolean => route?.metadata?.labels?.[IDP_ROUTE_LABEL] === "true";

/** What the policies of a stack say about its Gateways' listeners and routes. */
class Attachments {
  private readonly policies: readonly PolicyResource[];
  constructor(private readonly objects: StackObjects) {
    this.policies = objects.all(ENVOY_GATEWAY_GROUP, "SecurityPolicy");
  }
  /** Policies in the object's namespace whose targets name or select it, each with the sections it targets. */
  on(kind: string, obj: any): { policy: PolicyResource; sections: (string | undefined)[] }[] {
    return this.policies
      .filter((p) => namespaceOf(p.props) === namespaceOf(obj))
      .map((policy) => ({
        policy,
        sections: targetsOf(policy.props)
          .filter((t) => targetHits(t, kind, obj))
          .map((t) => t.sectionName),
      }))
      .filter((a) => a.sections.length > 0);
  }
  /**
   * The Gateway-level policies in force on one listener (a listener's own policy overrides the Gateway's); the
   * listener is covered when there is one and each authenticates and denies what no rule allows.
   */
  listenerCovered(gateway: any, listener: string | undefined): boolean {
    const on = this.on("Gateway", gateway);
    const own = on.filter((a) => listener !== undefined && a.sections.includes(listener));
    const effective = own.length > 0 ? own : on.filter((a) => a.sections.includes(undefined));
    return effective.length > 0 && effective.every((a) => authenticates(a.policy.props) && deniesByDefault(a.policy.props));
  }
  /** Every listener a parentRef can reach is covered; a Gateway the stack does not declare covers nothing. */
  parentCovered(route: any, parent: any): boolean {
    if ((parent?.kind ?? "Gateway") !== "Gateway" || (parent?.group ?? GATEWAY_API_GROUP) !== GATEWAY_API_GROUP) return false;
    const gateway = this.objects.find(GATEWAY_API_GROUP, "Gateway", parent.namespace ?? namespaceOf(route), parent.name)?.props;
    if (!gateway) return false;
    const listeners: (string | undefined)[] = parent.sectionName ? [parent.sectionName] : (gateway.spec?.listeners ?? []).map((l: any) => l?.name);
    return listeners.length > 0 && listeners.every((l) => this.listenerCovered(gateway, l));
  }
  /** An open policy is fine only where every target is the identity provider's own route. */
  onlyIdpRoutes(policy: PolicyResource): boolean {
    const targets = targetsOf(policy.props);
    return (
      targets.length > 0 &&
      targets.every((t) => {
        if (t.kind !== "HTTPRoute") return false;
        if (t.selector) return t.matchLabels?.[IDP_ROUTE_LABEL] === "true";
        return isIdpRoute(this.objects.find(GATEWAY_API_GROUP, "HTTPRoute", namespaceOf(policy.props), t.name)?.props);
      })
    );
  }
}

export const gatewayAuth = stackPolicy(
  {
    name: "k8s-gateway-auth",
    description:
      "No route without authentication: every Gateway listener has a Gateway-level SecurityPolicy that authenticates (OIDC or a required JWT) and denies by default; every HTTPRoute or GRPCRoute is covered by a SecurityPolicy of its own that authenticates, or falls back on that listener policy; only the identity provider's own route (label mlops.platform/identity-provider) may be open; no SecurityPolicy allows by default without denying anything; no TCP, TLS or UDP routes.",
    severity: "critical",
    controls: ["EXP-02"],
  },
  (args, report) => {
    const objects = new StackObjects(args.resources);
    const at = new Attachments(objects);
    for (const gw of objects.all(GATEWAY_API_GROUP, "Gateway")) {
      const check = controlChecker(namespaceOf(gw.props), nameOf(gw.props), report, "Gateway");
      for (const listener of gw.props.spec?.listeners ?? [])
        check(
          "EXP-02",
          at.listenerCovered(gw.props, listener?.name),
          `Gateway ${qualified(gw)} listener ${listener?.name} has no Gateway-level SecurityPolicy that authenticates (oidc or a required jwt) and denies by default: a route without a policy of its own, such as one KServe makes at run time, would be open`,
          gw.urn,
        );
    }
    for (const kind of L4_ROUTE_KINDS)
      for (const route of objects.all(GATEWAY_API_GROUP, kind))
        controlChecker(namespaceOf(route.props), nameOf(route.props), report, kind)(
          "EXP-02",
          false,
          `${kind} ${qualified(route)}: the gateway serves HTTP routes only, which a SecurityPolicy can authenticate`,
          route.urn,
        );
    for (const kind of HTTP_ROUTE_KINDS) {
      for (const route of objects.all(GATEWAY_API_GROUP, kind)) {
        if (isIdpRoute(route.props)) continue;
        const check = controlChecker(namespaceOf(route.props), nameOf(route.props), report, kind);
        const parents: any[] = route.props.spec?.parentRefs ?? [];
        const fallback = parents.length > 0 && parents.every((p) => at.parentCovered(route.props, p));
        const own = at.on(kind, route.props);
        // A route's own policy replaces the Gateway's for it (merged into it only with mergeType).
        for (const { policy } of own)
          check(
            "EXP-02",
            authenticates(policy.props) || (policy.props.spec?.mergeType !== undefined && fallback),
            `${kind} ${qualified(route)} is targeted by SecurityPolicy ${nameOf(policy.props)}, which authenticates nobody (no oidc, no required jwt) and replaces the Gateway's policy there`,
            route.urn,
          );
        if (parents.length === 0) continue; // attached to no Gateway: served nowhere
        const wholeRoute = own.filter((a) => a.sections.includes(undefined));
        check(
          "EXP-02",
          wholeRoute.length > 0
            ? wholeRoute.every((a) => authenticates(a.policy.props) || (a.policy.props.spec?.mergeType !== undefined && fallback))
            : fallback,
          `${kind} ${qualified(route)} has no SecurityPolicy with oidc or jwt targeting it, and no Gateway-level policy that authenticates and denies by default on every listener it attaches to`,
          route.urn,
        );
      }
    }
    for (const policy of objects.all(ENVOY_GATEWAY_GROUP, "SecurityPolicy")) {
      controlChecker(namespaceOf(policy.props), nameOf(policy.props), report, "SecurityPolicy")(
        "EXP-02",
        !isOpen(policy.props) || at.onlyIdpRoutes(policy),
        `SecurityPolicy ${qualified(policy)} allows by default and denies nothing: everyone who reaches it is authorised (only the identity provider's own route may be open)`,
        policy.urn,
      );
    }
  },
);
