/**
 * The pieces both kinds of platform (platform.ts: EKS and an existing cluster) assemble alike: cost labels, the
 * services' arguments, Kueue and the queue model, cert-manager when needed, the GPU operator and OpenCost.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { EksPlatformConfig, PlatformConfig } from "../config";
import { RecoveryKeys, type RecoveryDataClass } from "./aws/kms";
import type { Access } from "./access";
import { kserveGateway } from "./access/wiring";
import { CertManager } from "./cert-manager";
import { OpenCost, type OpenCostArgs } from "./costs/opencost";
import { GpuOperator } from "./gpu";
import { Queues, type QueuesArgs } from "./queues";
import type { Teams } from "./teams";
import { gpuFlavors } from "../domain/queues";
import { queuePlatform } from "../charts/queues";
import { estimateStack, type Estimate } from "../domain/cost-estimate";
import { CATALOGUE } from "../domain/prices";
import type { ObservabilityCostsArgs } from "./observability";
import { teamCosts, type TeamCost } from "../domain/team-cost";

/** Cost attribution on the objects the platform itself runs. */
export const platformLabels = (cfg: PlatformConfig) => ({ team: "platform", "cost-center": cfg.costCenter });

/**
 * What the money dashboards and cost rules are built from. The shared costs are the estimator's priced lines that no
 * node carries (control plane, NAT gateways, databases, caches, file systems, root disks): OpenCost prices nodes,
 * pods and volumes only, so these reach Grafana as estimates from the price catalogue.
 */
export function observabilityCosts(cfg: PlatformConfig, estimate: Estimate = estimateStack(cfg, CATALOGUE)): ObservabilityCostsArgs {
  const shared = estimate.lines.flatMap((l) =>
    l.key.startsWith("nodes:") || l.monthlyUsd === undefined || l.monthlyUsd === 0 ? [] : [{ item: l.item, monthlyUsd: l.monthlyUsd }],
  );
  return { config: cfg.costs, platformCostCenter: cfg.costCenter, sharedCosts: shared, priceDate: CATALOGUE.asOf };
}

/** What the MLOps services take from the config on either kind of cluster. */
export const servicesArgs = (cfg: PlatformConfig, teams: Teams, certManager: CertManager | undefined, gateway: Access | undefined) => ({
  services: cfg.services,
  teams: cfg.teams,
  environment: cfg.environment,
  labels: platformLabels(cfg),
  teamNamespaces: [teams],
  certManager: certManager && [certManager],
  kserveGateway: kserveGateway(cfg, gateway),
  access: cfg.access,
});

/**
 * Kueue and the queue model. LocalQueues wait for the team namespaces (Kubeflow Pipelines' steps queue on their
 * team's own); Kueue itself waits only for what `dependsOn` names.
 */
export function createQueues(
  cfg: PlatformConfig,
  provider: k8s.Provider,
  teams: Teams,
  placement: Pick<QueuesArgs, "systemPool" | "apiServer">,
  dependsOn: pulumi.Input<pulumi.Resource>[],
): Queues {
  return new Queues(
    "queues",
    {
      cfg,
      labels: platformLabels(cfg),
      ...placement,
      teamNamespaces: [teams],
    },
    { providers: [provider], dependsOn },
  );
}

/**
 * cert-manager when something needs it: KServe's webhook certificates, or the gateway's certificate on an existing
 * cluster. Before both, so neither waits on the other (KServe's controller waits for the gateway's CRDs).
 */
export function createCertManager(cfg: PlatformConfig, onEks: boolean, opts: pulumi.ComponentResourceOptions): CertManager | undefined {
  const needed = cfg.services.kserve.enabled || (cfg.access !== undefined && !onEks);
  return needed ? new CertManager("cert-manager", { labels: platformLabels(cfg) }, opts) : undefined;
}

/** Every GPU pool of the stack: the queue guardrail refuses a node selector on one the namespace has no share of. */
export const stackGpuPools = (cfg: PlatformConfig): string[] => gpuFlavors(queuePlatform(cfg)).map((flavor) => flavor.name);

/** The stack's cost estimate from the price catalogue, made once for the dashboards and the teams' annotations. */
export const stackEstimate = (cfg: PlatformConfig): Estimate => estimateStack(cfg, CATALOGUE);

/** Each team's quota ceiling (the estimate `npm run check` prints) and its cost center's budget, for its Namespace's annotations. */
export const stackTeamCosts = (cfg: PlatformConfig, estimate: Estimate = estimateStack(cfg, CATALOGUE)): Record<string, TeamCost> =>
  teamCosts(estimate, cfg.teams, cfg.costs.budgets);

export function createGpuOperator(cfg: PlatformConfig, provider: k8s.Provider, onEks: boolean, dependsOn: pulumi.Resource[]): GpuOperator | undefined {
  if (!cfg.gpu.enabled) return undefined;
  const gpuPools = cfg.nodePools.filter((p) => p.role === "gpu");
  return new GpuOperator(
    "gpu-operator",
    {
      driver: cfg.gpu.driver,
      toolkit: cfg.gpu.toolkit,
      migStrategy: cfg.gpu.migStrategy,
      migManager: cfg.gpu.migStrategy !== "none",
      dcgmExporter: cfg.gpu.dcgmExporter,
      systemPool: onEks,
      defaultSharing: cfg.gpu.defaultSharing,
      poolSharing: Object.fromEntries(gpuPools.map((p) => [p.name, p.gpuSharing])),
      labels: platformLabels(cfg),
    },
    { providers: [provider], dependsOn },
  );
}

/**
 * OpenCost when `costs.allocation.enabled`: priced from AWS's public price list on EKS, from the stack's own prices
 * on an existing cluster (the config refuses allocation there without them). Pass the Observability component in
 * `dependsOn` (the chart's ServiceMonitor needs its CRDs).
 */
export function createOpenCost(
  cfg: PlatformConfig,
  provider: k8s.Provider,
  onEks: boolean,
  placement: Pick<OpenCostArgs, "systemPool" | "apiServer">,
  dependsOn: pulumi.Input<pulumi.Resource>[],
): OpenCost | undefined {
  const { enabled, prices } = cfg.costs.allocation;
  if (!enabled) return undefined;
  if (!onEks && prices === undefined) throw new Error("costs.allocation.prices: required for cost allocation on an existing cluster");
  const pricing: OpenCostArgs["pricing"] = onEks || prices === undefined ? { kind: "aws" } : { kind: "custom", prices };
  return new OpenCost("opencost", { clusterName: cfg.cluster.name, pricing, labels: platformLabels(cfg), ...placement }, { providers: [provider], dependsOn });
}

/** The recovery region and the keys something there needs: the backup copy, the RDS backups' replica, the models replica. */
export function recoveryKeyPlan(cfg: EksPlatformConfig): { readonly region: string; readonly classes: RecoveryDataClass[] } | undefined {
  const db = cfg.services.database;
  const wanted: [RecoveryDataClass, string | undefined][] = [
    ["backup", cfg.storage.backup.copy?.region],
    ["databases", db?.kind === "rds" ? db.backupReplication?.region : undefined],
    ["s3", cfg.storage.modelsReplication?.region],
  ];
  const used = wanted.filter(([, region]) => region !== undefined);
  if (used.length === 0) return undefined;
  // config/recovery.ts resolves all three from the one storage.backup.recoveryRegion.
  return { region: used[0][1] as string, classes: used.map(([dataClass]) => dataClass) };
}

/** The recovery region's keys, or none when nothing goes there. */
export function createRecoveryKeys(cfg: EksPlatformConfig, accountId: pulumi.Input<string>, opts: pulumi.ComponentResourceOptions): RecoveryKeys | undefined {
  const plan = recoveryKeyPlan(cfg);
  if (!plan) return undefined;
  return new RecoveryKeys(
    cfg.cluster.name,
    { accountId, region: plan.region, classes: plan.classes, deletionWindowInDays: cfg.environment === "prod" ? 30 : 7, protect: cfg.cluster.protect },
    opts,
  );
}
