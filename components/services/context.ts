import type * as pulumi from "@pulumi/pulumi";
import type { EgressRule } from "../../charts/services/network";
import type { DatabaseGrant } from "../../charts/services/database-setup";
import { DATABASES_NAMESPACE } from "../../charts/services/database-setup";
import { CNPG_CLUSTER } from "../../charts/services/database-cnpg";
import type { CredentialStore, CredentialTarget } from "./credentials";
import type { ServiceAwsContext } from "./aws/role";
import type { DatabaseEndpoint } from "./database";
import { evidentlyDatabase, evidentlyInstance } from "../../domain/evidently";
import { feastDatabase, feastServiceAccount } from "../../domain/feast";

/** What every service component receives from the orchestrator. */
export interface ServiceContext {
  readonly store: CredentialStore;
  /** AWS side (EKS); absent on an existing cluster. */
  readonly aws?: ServiceAwsContext & { readonly vpcCidr: string };
  /** The in-cluster S3 store (existing clusters): endpoint and the Secret name holding its keys in each namespace. */
  readonly objectStore?: { readonly endpoint: string; readonly namespace: string; readonly port: number; readonly credentialsSecret: string };
  /** A data bucket's name: <cluster>-<kind>-<account> on AWS, the kind itself on the local store. */
  readonly bucketName: (kind: "datasets" | "artifacts" | "models") => pulumi.Input<string>;
  readonly labels: Readonly<Record<string, string>>;
  /** Namespaces, secret store and anything else a service's objects wait for. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * The in-cluster object store a service on an existing cluster keeps its data in. Config refuses a stack that
 * enables such a service with the store off (storage.objectStore.enabled), so its absence here is a bug.
 */
export function requireObjectStore(ctx: ServiceContext, service: string): NonNullable<ServiceContext["objectStore"]> {
  if (!ctx.objectStore) throw new Error(`${service} on an existing cluster needs the in-cluster object store, which the config rules require`);
  return ctx.objectStore;
}

/** How a service's pods reach the platform's Postgres. */
export function databaseEgress(ctx: ServiceContext, endpoint: DatabaseEndpoint): EgressRule {
  return ctx.aws
    ? { kind: "cidr", cidr: ctx.aws.vpcCidr, ports: [endpoint.port] }
    : { kind: "namespace", namespace: DATABASES_NAMESPACE, podLabels: { "cnpg.io/cluster": CNPG_CLUSTER }, ports: [endpoint.port] };
}

/** How a service's pods reach object storage: S3 over HTTPS plus the Pod Identity agent, or the in-cluster store. */
export function storageEgress(ctx: ServiceContext): EgressRule[] {
  if (ctx.objectStore) return [{ kind: "namespace", namespace: ctx.objectStore.namespace, ports: [ctx.objectStore.port] }];
  return [{ kind: "aws-apis" }, { kind: "pod-identity" }];
}

/** The database-side copy of a service's password: read by the setup Job (AWS) or a CNPG managed role. */
export function databasePasswordTarget(ctx: ServiceContext, grant: DatabaseGrant): CredentialTarget {
  return ctx.aws
    ? { namespace: DATABASES_NAMESPACE, secretName: grant.secretName, template: { password: "{{ .password }}" } }
    : {
        namespace: DATABASES_NAMESPACE,
        secretName: grant.secretName,
        type: "kubernetes.io/basic-auth",
        template: { username: grant.role, password: "{{ .password }}" },
      };
}

/** A service's role and database. */
export const grantFor = (service: string): DatabaseGrant => ({ role: service, database: service, secretName: `${service}-db` });

/**
 * A role and database of one team's instance of a service (feast_<team>, evidently_<team>): `database` must be a Postgres identifier
 * needing no quoting; its password is in Secret <instance>-db of the databases namespace (instance: a DNS label).
 */
export const teamGrant = (database: string, instance: string): DatabaseGrant => ({ role: database, database, secretName: `${instance}-db` });
/** A team's Feast registry: database and role feast_<team>, password in feast-<team>-db. */
export const feastGrant = (team: string): DatabaseGrant => teamGrant(feastDatabase(team), feastServiceAccount(team));
/** A team's Evidently instance: database and role evidently_<team> (domain/evidently.ts), password in evidently-<team>-db. */
export const evidentlyGrant = (team: string): DatabaseGrant => teamGrant(evidentlyDatabase(team), evidentlyInstance(team));
