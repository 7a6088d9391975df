/** What the Observability component takes of the stack's config for metrics on either kind of cluster (platform.ts). */
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import { remoteWritePassword } from "../../config/remote-write-secret";
import { STORAGE_CLASSES } from "../../charts/storage";
import type { ObservabilityMetricsArgs } from "./index";

/** The EKS cluster as it exists only once created. */
export interface EksMetricsContext {
  readonly eksClusterName: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
}

/**
 * On EKS, volumes go to the platform's gp3 class and an AMP remote write gets the AWS context; on an existing cluster
 * the cluster's default class unless the config names one.
 */
export function observabilityMetrics(cfg: PlatformConfig, eks?: EksMetricsContext): ObservabilityMetricsArgs {
  const remote = cfg.observability.prometheus.remoteWrite;
  const common = { config: cfg.observability, clusterName: cfg.cluster.name, remoteWritePassword: remoteWritePassword(remote) };
  if (cfg.cluster.kind !== "eks" || cfg.aws === undefined || eks === undefined) return common;
  const protect = cfg.cluster.protect;
  return {
    ...common,
    defaultStorageClass: STORAGE_CLASSES.gp3,
    aws: {
      eksClusterName: eks.eksClusterName,
      clusterName: cfg.cluster.name,
      region: cfg.aws.region,
      accountId: eks.accountId,
      protect,
      // As the platform's other keys (platform.ts): a month to cancel a mistaken deletion in prod.
      deletionWindowInDays: cfg.environment === "prod" ? 30 : 7,
    },
  };
}
