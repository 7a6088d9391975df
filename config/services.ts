/**
 * The `services` section: which MLOps services a stack runs and the data stores behind them. Field rules
 * here; rules that need the tier, the cluster kind or the teams live in serviceProblems().
 */
import { z } from "zod";
import type { Problem } from "./problems";
import type { Environment } from "../domain/environments";
import { databaseReplicationSchema, resolveDatabaseReplication, type DatabaseReplicationConfig } from "./recovery";

const enabled = z.boolean().optional();

export const KSERVE_MODES = ["standard", "serverless"] as const;
export type KserveMode = (typeof KSERVE_MODES)[number];

export const servicesSchema = z.strictObject({
  /**
   * The databases behind MLflow, Feast's registry, Evidently and Kubeflow Pipelines. On EKS RDS instances (Postgres,
   * and MySQL for Pipelines) sized by the keys below but `instances`; on an existing cluster a CloudNativePG
   * cluster (`instances`, `storageGiB`) and Pipelines' own in-cluster MySQL.
   */
  database: z
    .strictObject({
      instanceClass: z
        .string()
        .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { message: "is not an RDS instance class such as db.t4g.medium" })
        .optional(),
      storageGiB: z.number().int().min(1).max(65536).optional(),
      /** Storage autoscaling ceiling. */
      maxStorageGiB: z.number().int().min(20).max(65536).optional(),
      multiAz: z.boolean().optional(),
      backupRetentionDays: z.number().int().min(1).max(35).optional(),
      /** RDS automated backups replicated to storage.backup.recoveryRegion (EKS). @default on in prod */
      backupReplication: databaseReplicationSchema.optional(),
      /** CloudNativePG instances (existing clusters). */
      instances: z.number().int().min(1).max(9).optional(),
    })
    .optional(),
  /** MLflow tracking server and model registry. */
  mlflow: z.strictObject({ enabled, replicas: z.number().int().min(1).max(10).optional() }).optional(),
  /** Feast: registry, offline store on object storage, Redis online store, feature server. */
  feast: z
    .strictObject({
      enabled,
      onlineStore: z
        .strictObject({
          /** ElastiCache node type (EKS). */
          nodeType: z
            .string()
            .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { message: "is not an ElastiCache node type such as cache.t4g.small" })
            .optional(),
          /** Nodes in the replication group: 1 primary plus replicas; automatic failover needs 2 or more. */
          nodes: z.number().int().min(1).max(6).optional(),
        })
        .optional(),
    })
    .optional(),
  /** Kubeflow Pipelines, standalone (no Istio). */
  pipelines: z.strictObject({ enabled }).optional(),
  /** KServe; `standard` (raw Deployments, no Knative or Istio) or `serverless` (Knative with Kourier). */
  kserve: z.strictObject({ enabled, mode: z.enum(KSERVE_MODES).optional() }).optional(),
  /** Evidently's monitoring service and the Pushgateway the teams' drift reports push to. */
  evidently: z.strictObject({ enabled }).optional(),
});
export type ServicesInput = z.infer<typeof servicesSchema>;

/** The managed Postgres on EKS (RDS). */
export interface RdsConfig {
  readonly kind: "rds";
  readonly instanceClass: string;
  readonly storageGiB: number;
  readonly maxStorageGiB: number;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  /** Automated backups replicated to the recovery region. */
  readonly backupReplication?: DatabaseReplicationConfig;
}

/** The in-cluster Postgres on an existing cluster (CloudNativePG). */
export interface InClusterDatabaseConfig {
  readonly kind: "in-cluster";
  readonly instances: number;
  readonly storageGiB: number;
}

export interface ServicesConfig {
  /** Present when a service that keeps state in a database is enabled (all five but KServe). */
  readonly database?: RdsConfig | InClusterDatabaseConfig;
  readonly mlflow: { readonly enabled: boolean; readonly replicas: number };
  readonly feast: { readonly enabled: boolean; readonly onlineStore: { readonly nodeType: string; readonly nodes: number } };
  readonly pipelines: { readonly enabled: boolean };
  readonly kserve: { readonly enabled: boolean; readonly mode: KserveMode };
  readonly evidently: { readonly enabled: boolean };
}

interface ServiceTier {
  readonly instanceClass: string;
  readonly storageGiB: number;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  readonly replicas: number;
  readonly cacheNodeType: string;
  readonly cacheNodes: number;
}

/** Defaults per tier: small and single-AZ in dev, Multi-AZ and two of everything from staging on. */
export const SERVICE_TIER_DEFAULTS: Readonly<Record<Environment, ServiceTier>> = {
  local: { instanceClass: "", storageGiB: 20, multiAz: false, backupRetentionDays: 1, replicas: 1, cacheNodeType: "", cacheNodes: 1 },
  dev: { instanceClass: "db.t4g.medium", storageGiB: 20, multiAz: false, backupRetentionDays: 7, replicas: 1, cacheNodeType: "cache.t4g.small", cacheNodes: 1 },
  staging: {
    instanceClass: "db.t4g.large",
    storageGiB: 50,
    multiAz: true,
    backupRetentionDays: 7,
    replicas: 2,
    cacheNodeType: "cache.t4g.medium",
    cacheNodes: 2,
  },
  prod: {
    instanceClass: "db.r7g.large",
    storageGiB: 100,
    multiAz: true,
    backupRetentionDays: 14,
    replicas: 2,
    cacheNodeType: "cache.r7g.large",
    cacheNodes: 2,
  },
};

/** `recoveryRegion`: storage.backup.recoveryRegion, where the RDS backups are replicated to. */
export function resolveServices(input: ServicesInput | undefined, environment: Environment, onEks: boolean, recoveryRegion?: string): ServicesConfig {
  const tier = SERVICE_TIER_DEFAULTS[environment];
  const on = (section: { enabled?: boolean } | undefined) => section?.enabled ?? true;
  const mlflow = { enabled: on(input?.mlflow), replicas: input?.mlflow?.replicas ?? tier.replicas };
  const feast = {
    enabled: on(input?.feast),
    onlineStore: { nodeType: input?.feast?.onlineStore?.nodeType ?? tier.cacheNodeType, nodes: input?.feast?.onlineStore?.nodes ?? tier.cacheNodes },
  };
  const pipelines = { enabled: on(input?.pipelines) };
  const d = input?.database;
  const evidently = { enabled: on(input?.evidently) };
  const needsDatabase = mlflow.enabled || feast.enabled || pipelines.enabled || evidently.enabled;
  const storageGiB = d?.storageGiB ?? tier.storageGiB;
  const backupRetentionDays = d?.backupRetentionDays ?? tier.backupRetentionDays;
  const database: ServicesConfig["database"] = !needsDatabase
    ? undefined
    : onEks
      ? {
          kind: "rds",
          instanceClass: d?.instanceClass ?? tier.instanceClass,
          storageGiB,
          maxStorageGiB: d?.maxStorageGiB ?? storageGiB * 4,
          multiAz: d?.multiAz ?? tier.multiAz,
          backupRetentionDays,
          backupReplication: resolveDatabaseReplication(recoveryRegion, d?.backupReplication, environment === "prod", backupRetentionDays),
        }
      : { kind: "in-cluster", instances: d?.instances ?? (environment === "prod" ? 3 : 1), storageGiB };
  return {
    database,
    mlflow,
    feast,
    pipelines,
    kserve: { enabled: on(input?.kserve), mode: input?.kserve?.mode ?? "standard" },
    evidently,
  };
}

const RDS_ONLY = ["instanceClass", "maxStorageGiB", "multiAz", "backupRetentionDays", "backupReplication"] as const;

/** Rules over the services section that need the tier or the cluster kind. */
export function serviceProblems(input: ServicesInput | undefined, environment: Environment, onEks: boolean): Problem[] {
  const out: Problem[] = [];
  const d = input?.database;
  if (d) {
    if (!onEks) {
      for (const key of RDS_ONLY)
        if (d[key] !== undefined)
          out.push({
            path: `services.database.${key}`,
            message: "is an RDS setting (EKS); an existing cluster runs CloudNativePG: set instances and storageGiB",
          });
    }
    if (onEks && d.instances !== undefined)
      out.push({ path: "services.database.instances", message: "is a CloudNativePG setting (existing clusters); RDS uses multiAz" });
    if (onEks && d.storageGiB !== undefined && d.storageGiB < 20)
      out.push({ path: "services.database.storageGiB", message: `${d.storageGiB} GiB is below RDS's minimum of 20 GiB for gp3` });
    if (d.maxStorageGiB !== undefined && d.maxStorageGiB < (d.storageGiB ?? SERVICE_TIER_DEFAULTS[environment].storageGiB)) {
      out.push({
        path: "services.database.maxStorageGiB",
        message: `${d.maxStorageGiB} is below storageGiB; the autoscaling ceiling must be at least the allocated storage`,
      });
    }
    if (environment === "prod" && d.multiAz === false) out.push({ path: "services.database.multiAz", message: "prod runs the database Multi-AZ (DB-05)" });
    if (environment === "prod" && d.backupRetentionDays !== undefined && d.backupRetentionDays < 7) {
      out.push({ path: "services.database.backupRetentionDays", message: `${d.backupRetentionDays} is below the 7 days prod keeps database backups (DB-03)` });
    }
    if (environment === "prod" && d.instances !== undefined && d.instances < 2)
      out.push({ path: "services.database.instances", message: "prod runs at least 2 Postgres instances" });
  }
  const store = input?.feast?.onlineStore;
  if (store) {
    if (!onEks && store.nodeType !== undefined)
      out.push({ path: "services.feast.onlineStore.nodeType", message: "is an ElastiCache setting (EKS); an existing cluster runs Redis in-cluster" });
    if (environment === "prod" && store.nodes !== undefined && store.nodes < 2) {
      out.push({ path: "services.feast.onlineStore.nodes", message: "prod needs at least 2 nodes for automatic failover across AZs (DB-05)" });
    }
  }
  if (environment === "prod" && input?.mlflow?.replicas === 1) out.push({ path: "services.mlflow.replicas", message: "prod runs at least 2 MLflow replicas" });
  if (input?.kserve?.mode !== undefined && input.kserve.enabled === false) out.push({ path: "services.kserve.mode", message: "is set but KServe is disabled" });
  return out;
}

/** Whether a service a team may opt into runs in this stack. */
export function serviceEnabled(services: ServicesConfig, name: string): boolean {
  const entry = (services as unknown as Record<string, { enabled?: boolean } | undefined>)[name];
  return entry?.enabled === true;
}
