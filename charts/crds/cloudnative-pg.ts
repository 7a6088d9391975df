/**
 * The CloudNativePG custom resources we author (postgresql.cnpg.io/v1, installed by the cloudnative-pg chart in
 * domain/versions.ts): the fields we set, typed after the operator's CRD schema. The plan validates every such
 * object against the CRD's own schema (scripts/plan/validate.ts).
 */
import type { Construct } from "constructs";
import { customResource, type Metadata } from "../kube";

const API_VERSION = "postgresql.cnpg.io/v1";

export interface LocalObjectReference {
  readonly name: string;
}

/** Whether the operator creates the object in Postgres or drops it. @default "present" */
export type EnsureOption = "present" | "absent";

/** A role the operator manages in the cluster (`spec.managed.roles`). */
export interface RoleConfiguration {
  readonly name: string;
  readonly ensure?: EnsureOption;
  readonly login?: boolean;
  /** A Secret of type kubernetes.io/basic-auth (username, password) in the cluster's namespace. */
  readonly passwordSecret?: LocalObjectReference;
}

/** Quantities as the API server reads them ("100m", "1Gi"). */
export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}

export interface ClusterSpec {
  readonly instances: number;
  readonly imageName?: string;
  readonly storage?: { readonly size?: string; readonly storageClass?: string };
  readonly enableSuperuserAccess?: boolean;
  readonly managed?: { readonly roles?: readonly RoleConfiguration[] };
  readonly postgresql?: { readonly parameters?: Readonly<Record<string, string>> };
  readonly resources?: ResourceRequirements;
}

/** A database in a Cluster, owned by one of its roles. */
export interface DatabaseSpec {
  readonly name: string;
  readonly owner: string;
  readonly cluster: LocalObjectReference;
  readonly ensure?: EnsureOption;
}

export const cnpgCluster = (scope: Construct, id: string, metadata: Metadata, spec: ClusterSpec) =>
  customResource(scope, id, { apiVersion: API_VERSION, kind: "Cluster", metadata, spec });

export const cnpgDatabase = (scope: Construct, id: string, metadata: Metadata, spec: DatabaseSpec) =>
  customResource(scope, id, { apiVersion: API_VERSION, kind: "Database", metadata, spec });
