/**
 * The Feast operator's FeatureStore (feast.dev/v1, installed from the operator's manifest in domain/versions.ts):
 * the fields we set, typed after the operator's API types (infra/feast-operator/api/v1/featurestore_types.go).
 */
import type { Construct } from "constructs";
import { customResource, type k8s, type Metadata } from "../kube";

const API_VERSION = "feast.dev/v1";

/** A Secret in the FeatureStore's namespace. */
export interface LocalObjectReference {
  readonly name: string;
}

/** Container resources as the API server takes them (quantities as strings: "250m", "1Gi"). */
export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}

/** A store kept in a database: its feature_store.yaml parameters sit in the Secret, under the type's key by default. */
export interface DBStorePersistence<StoreType extends string> {
  readonly type: StoreType;
  readonly secretRef: LocalObjectReference;
  readonly secretKeyName?: string;
}

/** ServerConfigs: one server container of a Feast service. */
export interface ServerConfigs {
  readonly image?: string;
  readonly env?: readonly k8s.EnvVar[];
  readonly resources?: ResourceRequirements;
  readonly logLevel?: "debug" | "info" | "warning" | "error" | "critical";
  /** Prometheus-compatible metrics (port 8000). */
  readonly metrics?: boolean;
}

export interface RegistryServerConfigs extends ServerConfigs {
  readonly restAPI?: boolean;
  /** @default true */
  readonly grpc?: boolean;
}

export interface FeatureStoreServices {
  readonly registry?: {
    readonly local?: {
      readonly persistence?: {
        readonly file?: { readonly path?: string };
        readonly store?: DBStorePersistence<"sql" | "snowflake.registry">;
      };
      readonly server?: RegistryServerConfigs;
    };
  };
  readonly offlineStore?: {
    readonly persistence?: {
      readonly file?: { readonly type?: "file" | "dask" | "duckdb" };
      readonly store?: DBStorePersistence<string>;
    };
    readonly server?: ServerConfigs;
  };
  readonly onlineStore?: {
    readonly persistence?: {
      readonly file?: { readonly path?: string };
      readonly store?: DBStorePersistence<string>;
    };
    readonly server?: ServerConfigs;
  };
  /** Pod level: applied to every Deployment the operator makes. */
  readonly securityContext?: k8s.PodSecurityContext;
  /**
   * `feast apply` in an init container at every pod start (v0.66.0 api/v1 featurestore_types.go). @default true:
   * a full sync straight into the SQL registry, Permission objects included, that bypasses every permission.
   */
  readonly runFeastApplyOnInit?: boolean;
}

/** OidcAuthz: the OIDC provider's issuer and a Secret with the optional properties (audience, issuer, client_id, ...). */
export interface OidcAuthz {
  /** The operator appends /.well-known/openid-configuration; it takes precedence over the Secret's auth_discovery_url. */
  readonly issuerUrl?: string;
  readonly secretRef?: LocalObjectReference;
  /** The Secret's key holding every property as one YAML map; unset: each key is a property. */
  readonly secretKeyName?: string;
  /** @default true */
  readonly verifySSL?: boolean;
}

/** Exactly one of kubernetes, oidc or noAuth (the v1 CRD's AuthzConfig); none at all: the operator applies kubernetes. */
export interface AuthzConfig {
  readonly kubernetes?: { readonly roles?: readonly string[] };
  readonly oidc?: OidcAuthz;
  /** No authentication (a field of the v1 CRD at v0.66.0, `noAuth: true`). */
  readonly noAuth?: boolean;
}

export interface FeatureStoreSpec {
  readonly feastProject: string;
  readonly services?: FeatureStoreServices;
  readonly authz?: AuthzConfig;
}

export const featureStoreResource = (scope: Construct, id: string, metadata: Metadata, spec: FeatureStoreSpec) =>
  customResource(scope, id, { apiVersion: API_VERSION, kind: "FeatureStore", metadata, spec });
