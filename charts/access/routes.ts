/**
 * The gateway's routes to in-cluster backends: one HTTPRoute per UI in the gateway's namespace (the `apps` listener
 * admits routes of that namespace only), and in each backend's namespace a ReferenceGrant that lets exactly those
 * routes reach exactly that Service. Pure: route models in, plain manifests out.
 */
import { APPS_LISTENER, GATEWAY_NAME, GATEWAY_NAMESPACE, type UiBackend, type UiRoute } from "../../domain/access";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { customResource, manifests, type Manifest } from "../kube";

export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
/** HTTPRoute and ReferenceGrant are served as v1 by Gateway API v1.6.1 (the CRDs Envoy Gateway v1.9.0 bundles). */
export const GATEWAY_API_VERSION = `${GATEWAY_API_GROUP}/v1`;
/** The route of the platform's own IdP (Dex) carries this label: the one route that has no JWT in front of it. */
export const IDENTITY_PROVIDER_ROUTE_LABEL = "mlops.platform/identity-provider";

export interface ParentReference {
  readonly group: string;
  readonly kind: "Gateway";
  readonly name: string;
  readonly namespace?: string;
  readonly sectionName?: string;
}

export interface BackendReference {
  readonly group: "";
  readonly kind: "Service";
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
}

export interface HttpRouteSpec {
  readonly parentRefs: readonly ParentReference[];
  readonly hostnames: readonly string[];
  readonly rules: readonly {
    readonly matches?: readonly { readonly path: { readonly type: "PathPrefix" | "Exact"; readonly value: string } }[];
    readonly backendRefs: readonly BackendReference[];
  }[];
}

export interface ReferenceGrantSpec {
  readonly from: readonly { readonly group: string; readonly kind: string; readonly namespace: string }[];
  readonly to: readonly { readonly group: string; readonly kind: string; readonly name?: string }[];
}

/** A route of the `apps` listener to one in-cluster Service. */
export interface BackendRoute {
  /** The HTTPRoute's name (in the gateway's namespace); the ReferenceGrant in the backend's namespace is named after it. */
  readonly name: string;
  readonly host: string;
  readonly backend: UiBackend;
  /** Only this path prefix is routed. @default "/" */
  readonly pathPrefix?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** The HTTPRoute of a UI route (UiRoute.name: the UI, or a team's instance), in the gateway's namespace; its SecurityPolicy targets it by this name. */
export const uiRouteName = (route: string): string => `ui-${route}`;
/** The ReferenceGrant in a backend's namespace that lets the gateway's route `route` reach its Service. */
export const referenceGrantName = (route: string): string => `gateway-${route}`;

const gatewayParent = (sectionName: string): ParentReference => ({
  group: GATEWAY_API_GROUP,
  kind: "Gateway",
  name: GATEWAY_NAME,
  namespace: GATEWAY_NAMESPACE,
  sectionName,
});

/** The HTTPRoute (in the gateway's namespace) and the ReferenceGrant (in the backend's namespace) of one route. */
export function backendRouteObjects(route: BackendRoute, labels: Readonly<Record<string, string>> = {}): Manifest[] {
  const common = { ...labels, ...PLATFORM_OWNED_LABELS };
  const { backend } = route;
  const spec: HttpRouteSpec = {
    parentRefs: [gatewayParent(APPS_LISTENER)],
    hostnames: [route.host],
    rules: [
      {
        matches: [{ path: { type: "PathPrefix", value: route.pathPrefix ?? "/" } }],
        backendRefs: [{ group: "", kind: "Service", name: backend.service, namespace: backend.namespace, port: backend.port }],
      },
    ],
  };
  const grant: ReferenceGrantSpec = {
    from: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute", namespace: GATEWAY_NAMESPACE }],
    to: [{ group: "", kind: "Service", name: backend.service }],
  };
  return manifests((scope) => {
    customResource(scope, `route-${route.name}`, {
      apiVersion: GATEWAY_API_VERSION,
      kind: "HTTPRoute",
      metadata: { name: route.name, namespace: GATEWAY_NAMESPACE, labels: { ...common, ...route.labels } },
      spec,
    });
    // Without it the gateway refuses the cross-namespace backendRef (ResolvedRefs False, RefNotPermitted).
    customResource(scope, `grant-${route.name}`, {
      apiVersion: GATEWAY_API_VERSION,
      kind: "ReferenceGrant",
      metadata: { name: referenceGrantName(route.name), namespace: backend.namespace, labels: common },
      spec: grant,
    });
  });
}

/** One HTTPRoute per UI the stack serves (domain/access.ts uiRoutes) and its ReferenceGrant. */
export function uiRouteObjects(routes: readonly UiRoute[], labels: Readonly<Record<string, string>> = {}): Manifest[] {
  return routes.flatMap((route) => backendRouteObjects({ name: uiRouteName(route.name), host: route.host, backend: route.backend }, labels));
}
