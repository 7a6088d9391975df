/**
 * Which service needs what, decided before anything is created: the namespaces and their Pod Security level,
 * the database roles, where the secret store syncs to, which namespaces read the in-cluster object store's keys.
 * Pure data, so MlopsServices only creates what this says and a test can read the decisions directly.
 */
import type { ServicesConfig } from "../../config/services";
import type { TeamConfig } from "../../config/teams";
import type { DatabaseGrant } from "../../charts/services/database-setup";
import type { ServiceNamespace } from "../../charts/services/namespaces";
import {
  CNPG_OPERATOR_NAMESPACE,
  DATABASES_NAMESPACE,
  EVIDENTLY_NAMESPACE,
  EXTERNAL_SECRETS_NAMESPACE,
  FEAST_NAMESPACE,
  KNATIVE_OPERATOR_NAMESPACE,
  KNATIVE_SERVING_NAMESPACE,
  KSERVE_NAMESPACE,
  MLFLOW_NAMESPACE,
} from "../../domain/platform-namespaces";
import { objectStoreIdentities, type ObjectStoreConsumers } from "../../domain/object-store-identities";
import { teamsUsing } from "../../domain/team-services";
import { evidentlyGrant, feastGrant, grantFor } from "./context";

/** Postgres, and MySQL when Kubeflow Pipelines keeps its metadata in RDS. */
const POSTGRES_PORT = 5432;
const MYSQL_PORT = 3306;

export interface ServiceWiring {
  readonly namespaces: readonly ServiceNamespace[];
  /** One role and database per service on the platform Postgres (Feast and Evidently: one per team that opted in). */
  readonly grants: readonly DatabaseGrant[];
  /** Ports the databases namespace's setup Jobs may reach in the VPC (AWS). */
  readonly databaseEgressPorts: readonly number[];
  /**
   * Namespaces the AWS secret store serves by name: every service namespace but its own. Team namespaces that opted
   * into a service with a credential (Kubeflow Pipelines' among them) are admitted by their opt-in label instead.
   */
  readonly secretStoreNamespaces: readonly string[];
  /**
   * Who gets keys of the in-cluster object store (existing clusters): each consumer identity and the one namespace
   * its own keys go to (domain/object-store-identities.ts). The admin identity is not among them.
   */
  readonly objectStoreReaders: readonly { readonly identity: string; readonly namespace: string }[];
}

/** The service namespaces this configuration needs, with their Pod Security level. */
export function serviceNamespaces(services: ServicesConfig, onAws: boolean): ServiceNamespace[] {
  const out: ServiceNamespace[] = [];
  if (onAws) out.push({ name: EXTERNAL_SECRETS_NAMESPACE, level: "restricted" });
  if (services.database) out.push({ name: DATABASES_NAMESPACE, level: "restricted" });
  if (services.database?.kind === "in-cluster") out.push({ name: CNPG_OPERATOR_NAMESPACE, level: "restricted" });
  if (services.mlflow.enabled) out.push({ name: MLFLOW_NAMESPACE, level: "restricted" });
  if (services.feast.enabled)
    out.push({ name: FEAST_NAMESPACE, level: "baseline", reason: "the Feast operator sets no container-level securityContext on the pods it creates" });
  // cert-manager's namespace is the platform's cert-manager component's (components/cert-manager).
  if (services.kserve.enabled) out.push({ name: KSERVE_NAMESPACE, level: "restricted" });
  if (services.kserve.enabled && services.kserve.mode === "serverless") {
    out.push(
      { name: KNATIVE_OPERATOR_NAMESPACE, level: "baseline", reason: "the Knative operator chart sets no seccomp profile or dropped capabilities" },
      { name: KNATIVE_SERVING_NAMESPACE, level: "baseline", reason: "Knative's Kourier gateway and activator are third-party workloads" },
    );
  }
  if (services.evidently.enabled) out.push({ name: EVIDENTLY_NAMESPACE, level: "restricted" });
  return out;
}

/** The services that keep their state in the platform Postgres, in the order their roles are made. */
export const DATABASE_USERS = ["mlflow", "feast", "evidently"] as const;

/** The teams that opted into Evidently: each gets its own instance, database and write token. */
export const evidentlyTeams = (teams: readonly Pick<TeamConfig, "name" | "services">[]): string[] => teamsUsing(teams, "evidently").map((t) => t.name);
/** The teams that opted into Feast: each gets its own store, registry database and storage identity. */
const feastTeams = (teams: readonly Pick<TeamConfig, "name" | "services">[]): string[] => teamsUsing(teams, "feast").map((t) => t.name);

/** Per-team services: each team that opted in gets its own role and database (domain/feast.ts, domain/evidently.ts). */
const TEAM_GRANTS: Partial<
  Record<
    (typeof DATABASE_USERS)[number],
    { readonly teams: (t: readonly Pick<TeamConfig, "name" | "services">[]) => string[]; readonly grant: (team: string) => DatabaseGrant }
  >
> = {
  feast: { teams: feastTeams, grant: feastGrant },
  evidently: { teams: evidentlyTeams, grant: evidentlyGrant },
};

/** The roles and databases of the enabled services: one per service, Feast and Evidently one per team that opted in. */
export function databaseGrants(services: ServicesConfig, teams: readonly Pick<TeamConfig, "name" | "services">[]): DatabaseGrant[] {
  return DATABASE_USERS.filter((service) => services[service].enabled).flatMap((service) => {
    const perTeam = TEAM_GRANTS[service];
    return perTeam ? perTeam.teams(teams).map(perTeam.grant) : [grantFor(service)];
  });
}

export function serviceWiring(services: ServicesConfig, teams: readonly TeamConfig[], onAws: boolean): ServiceWiring {
  const namespaces = serviceNamespaces(services, onAws);
  return {
    namespaces,
    grants: databaseGrants(services, teams),
    databaseEgressPorts: services.pipelines.enabled ? [POSTGRES_PORT, MYSQL_PORT] : [POSTGRES_PORT],
    secretStoreNamespaces: namespaces.map((n) => n.name).filter((n) => n !== EXTERNAL_SECRETS_NAMESPACE),
    objectStoreReaders: objectStoreIdentities(objectStoreConsumers(services, teams))
      .filter((identity) => !identity.admin)
      .map((identity) => ({ identity: identity.name, namespace: identity.namespace })),
  };
}

/**
 * Who reads or writes the in-cluster object store of an existing cluster: MLflow when enabled, and every team (its
 * workloads, drift jobs and Feast store, within teams/<team>/ as a team role on EKS). ObjectStore makes one
 * identity for each; MlopsServices delivers each one's keys to its namespace.
 */
export function objectStoreConsumers(services: ServicesConfig, teams: readonly TeamConfig[]): ObjectStoreConsumers {
  return { mlflow: services.mlflow.enabled, teams: teams.map((t) => t.name) };
}
