/** How platform.ts turns the logging section into the Logging component, for both kinds of cluster. */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isEksPlatform, type PlatformConfig } from "../../config";
import { platformLabels } from "../platform-wiring";
import type { ApiServerAddresses } from "../queues/namespace";
import { Logging, type CloudWatchLoggingArgs } from ".";

/** What logging on EKS needs of the foundation and the teams. */
export type EksLoggingParts = Omit<CloudWatchLoggingArgs, "retentionDays" | "protect">;

/** The note an existing cluster without a destination gets: its container logs stay on the nodes. */
export const NO_DESTINATION_NOTE =
  "logging: off on this existing cluster (no logging.destination, or enabled false), so no log shipper is installed and container logs stay on the nodes (kubectl logs) until they rotate";

/** Undefined when logging is off (an existing cluster says so once per plan: its logs stay on the nodes). */
export function createLogging(
  cfg: PlatformConfig,
  provider: k8s.Provider,
  parts: { readonly eks?: EksLoggingParts; readonly apiServer?: ApiServerAddresses; readonly awsProvider?: pulumi.ProviderResource },
  dependsOn: pulumi.Input<pulumi.Resource>[],
): Logging | undefined {
  const { enabled, sink } = cfg.logging;
  if (!enabled || sink === undefined) {
    if (!isEksPlatform(cfg)) void pulumi.log.info(NO_DESTINATION_NOTE);
    return undefined;
  }
  const teams = cfg.teams.map((t) => t.name);
  const teamCostCenters = Object.fromEntries(cfg.teams.map((t) => [t.name, t.costCenter]));
  const common = { clusterName: cfg.cluster.name, teams, teamCostCenters, apiServer: parts.apiServer, labels: platformLabels(cfg) };
  const providers = parts.awsProvider ? [provider, parts.awsProvider] : [provider];
  if (sink.kind === "site") return new Logging("logging", { ...common, destination: sink.destination }, { providers, dependsOn });
  if (!isEksPlatform(cfg) || parts.eks === undefined) throw new Error("logging: CloudWatch Logs needs an EKS cluster and its AWS parts");
  const cloudwatch: CloudWatchLoggingArgs = { ...parts.eks, retentionDays: sink.retentionDays, protect: cfg.cluster.protect };
  return new Logging("logging", { ...common, cloudwatch }, { providers, dependsOn });
}
