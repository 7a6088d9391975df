/** Values for the upstream gateway-helm chart: our static overrides plus what the stack decides. */
import { hostnameSpread, SYSTEM_POOL_PLACEMENT } from "../../charts/kube";
import { loadValuesFile, mergeValues, type Values } from "../../charts/values";
import { highlyAvailable, type Environment } from "../../domain/environments";

/** The Helm release name; with the values file's fullnameOverride every chart object is named envoy-gateway…. */
export const ENVOY_GATEWAY_RELEASE = "envoy-gateway";
/** The chart's selector labels of the controller pods. */
export const CONTROLLER_POD_LABELS = { "control-plane": "envoy-gateway", "app.kubernetes.io/instance": ENVOY_GATEWAY_RELEASE } as const;
/** The controller's ports: xDS for the proxies, and its Prometheus metrics. */
export const CONTROLLER_PORTS = { xds: 18000, metrics: 19001 } as const;

export interface EnvoyGatewayValuesArgs {
  /** staging and prod run two controller replicas behind a PodDisruptionBudget; the others one. */
  readonly environment: Environment;
  /** Schedule the controller on the system pool (EKS). @default false */
  readonly systemPool?: boolean;
}

/**
 * The proxies keep serving their last configuration while the controller is away, so one replica loses only
 * changes; staging and prod keep a second (leader election picks who writes, every replica serves xDS).
 */
export function envoyGatewayValues(args: EnvoyGatewayValuesArgs): Values {
  const ha = highlyAvailable(args.environment);
  const pod: Values = {
    ...(args.systemPool ? SYSTEM_POOL_PLACEMENT : {}),
    ...(ha ? hostnameSpread(CONTROLLER_POD_LABELS) : {}),
  };
  return mergeValues(loadValuesFile("envoy-gateway"), {
    deployment: { replicas: ha ? 2 : 1, pod },
    podDisruptionBudget: { minAvailable: ha ? 1 : 0 },
  });
}
