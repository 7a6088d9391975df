/**
 * The Knative operator's KnativeServing (operator.knative.dev/v1beta1, installed by the knative-operator chart in
 * domain/versions.ts): the fields we set, typed after the operator's CRD schema.
 */
import type { Construct } from "constructs";
import { customResource, type Metadata } from "../kube";

const API_VERSION = "operator.knative.dev/v1beta1";

export interface KourierIngressConfiguration {
  readonly enabled?: boolean;
  readonly "service-type"?: "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort";
  readonly "http-port"?: number;
  readonly "https-port"?: number;
}

export interface KnativeServingSpec {
  /** The Knative Serving release the operator installs. */
  readonly version?: string;
  readonly ingress?: {
    readonly kourier?: KourierIngressConfiguration;
    readonly istio?: { readonly enabled?: boolean };
    readonly contour?: { readonly enabled?: boolean };
  };
  /** Entries of Knative's ConfigMaps, by ConfigMap name without the config- prefix (network, domain, ...). */
  readonly config?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export const knativeServingResource = (scope: Construct, id: string, metadata: Metadata, spec: KnativeServingSpec) =>
  customResource(scope, id, { apiVersion: API_VERSION, kind: "KnativeServing", metadata, spec });
