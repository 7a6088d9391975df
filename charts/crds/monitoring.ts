/**
 * The prometheus-operator custom resources we author (monitoring.coreos.com/v1, installed by the
 * kube-prometheus-stack chart in domain/versions.ts): the fields we set, typed after the operator's CRD schema.
 * The plan validates every such object against the CRD's own schema (scripts/plan/validate.ts).
 */
import type { Construct } from "constructs";
import { customResource, type LabelSelector, type Metadata } from "../kube";

const API_VERSION = "monitoring.coreos.com/v1";

/** A key of a Secret in the monitor's namespace. */
export interface SecretKeySelector {
  readonly name: string;
  readonly key: string;
}

/** Which namespaces a monitor looks in: any, or these. */
export interface NamespaceSelector {
  readonly any?: boolean;
  readonly matchNames?: readonly string[];
}

export interface Relabeling {
  readonly sourceLabels?: readonly string[];
  readonly targetLabel?: string;
  readonly regex?: string;
  readonly replacement?: string;
  readonly action?: string;
}

/** TLS settings of a scrape endpoint (the operator's TLSConfig, the fields we set). */
export interface EndpointTlsConfig {
  readonly serverName?: string;
  readonly insecureSkipVerify?: boolean;
  readonly caFile?: string;
}

export interface ServiceMonitorSpec {
  readonly selector: LabelSelector;
  readonly namespaceSelector?: NamespaceSelector;
  readonly endpoints: readonly {
    readonly port?: string;
    readonly path?: string;
    readonly interval?: string;
    readonly scheme?: "http" | "https";
    readonly basicAuth?: { readonly username: SecretKeySelector; readonly password: SecretKeySelector };
    /** A file in the Prometheus container holding the bearer token (deprecated upstream, still served by the CRD). */
    readonly bearerTokenFile?: string;
    readonly tlsConfig?: EndpointTlsConfig;
    /** Keep the target's own labels (e.g. `namespace`) over the ones Prometheus attaches. */
    readonly honorLabels?: boolean;
    readonly relabelings?: readonly Relabeling[];
  }[];
}

export interface PodMonitorSpec {
  readonly selector: LabelSelector;
  readonly namespaceSelector?: NamespaceSelector;
  readonly podMetricsEndpoints: readonly {
    readonly port?: string;
    readonly portNumber?: number;
    readonly path?: string;
    readonly interval?: string;
    readonly relabelings?: readonly Relabeling[];
  }[];
}

export interface PrometheusRuleSpec {
  readonly groups: readonly {
    readonly name: string;
    readonly interval?: string;
    readonly rules: readonly {
      readonly alert?: string;
      readonly record?: string;
      readonly expr: string;
      readonly for?: string;
      readonly labels?: Readonly<Record<string, string>>;
      readonly annotations?: Readonly<Record<string, string>>;
    }[];
  }[];
}

export const serviceMonitor = (scope: Construct, id: string, metadata: Metadata, spec: ServiceMonitorSpec) =>
  customResource(scope, id, { apiVersion: API_VERSION, kind: "ServiceMonitor", metadata, spec });

export const podMonitor = (scope: Construct, id: string, metadata: Metadata, spec: PodMonitorSpec) =>
  customResource(scope, id, { apiVersion: API_VERSION, kind: "PodMonitor", metadata, spec });

export const prometheusRule = (scope: Construct, id: string, metadata: Metadata, spec: PrometheusRuleSpec) =>
  customResource(scope, id, { apiVersion: API_VERSION, kind: "PrometheusRule", metadata, spec });
