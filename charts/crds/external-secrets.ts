/**
 * The External Secrets custom resources we author (external-secrets.io/v1, installed by the external-secrets
 * chart in domain/versions.ts): the fields we set, typed after the operator's CRD schema. The plan validates
 * every such object against the CRD's own schema (scripts/plan/validate.ts).
 */
import type { Construct } from "constructs";
import { customResource, type k8s, type Metadata } from "../kube";

export const EXTERNAL_SECRETS_API = "external-secrets.io/v1";

export interface SecretStoreRef {
  readonly kind: "SecretStore" | "ClusterSecretStore";
  readonly name: string;
}

/** The Secret's keys as Go templates over the fetched values (engine v2). */
export interface ExternalSecretTemplate {
  readonly type?: string;
  readonly engineVersion?: "v2";
  /** Labels and annotations of the Secret made. */
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly data?: Readonly<Record<string, string>>;
}

export interface ExternalSecretTarget {
  /** The Secret made. @default the ExternalSecret's name */
  readonly name?: string;
  readonly creationPolicy?: "Owner" | "Orphan" | "Merge" | "None";
  readonly template?: ExternalSecretTemplate;
}

/** One key of the Secret, from one property of a remote secret. */
export interface ExternalSecretData {
  readonly secretKey: string;
  readonly remoteRef: { readonly key: string; readonly property?: string };
}

/** The store and the target are optional in the CRD; every ExternalSecret we author names both. */
export interface ExternalSecretSpec {
  readonly refreshInterval?: string;
  readonly secretStoreRef: SecretStoreRef;
  readonly target: ExternalSecretTarget;
  readonly data?: readonly ExternalSecretData[];
}

export interface AwsProvider {
  readonly service: "SecretsManager" | "ParameterStore";
  readonly region: string;
}

/** Where a ClusterSecretStore may be used from: namespaces by name, or by label. */
export interface ClusterSecretStoreCondition {
  readonly namespaces?: readonly string[];
  readonly namespaceSelector?: k8s.LabelSelector;
}

export interface ClusterSecretStoreSpec {
  readonly provider: { readonly aws: AwsProvider };
  readonly conditions?: readonly ClusterSecretStoreCondition[];
}

export const externalSecret = (scope: Construct, id: string, metadata: Metadata, spec: ExternalSecretSpec) =>
  customResource(scope, id, { apiVersion: EXTERNAL_SECRETS_API, kind: "ExternalSecret", metadata, spec });

export const clusterSecretStore = (scope: Construct, id: string, metadata: Metadata, spec: ClusterSecretStoreSpec) =>
  customResource(scope, id, { apiVersion: EXTERNAL_SECRETS_API, kind: "ClusterSecretStore", metadata, spec });
