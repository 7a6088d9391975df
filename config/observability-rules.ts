/** Rules of the `observability` section that need several fields, the cluster kind or the storage section. */
import { arnPartition, regionPartition } from "./partition";
import type { Problem } from "./problems";
import { formatGiB, GIB, parseQuantity } from "./quantity";
import { OBSERVABILITY_DEFAULTS, RETENTION_SIZE_SHARE, retentionSizeBytes, type ObservabilityInput } from "./observability";
import type { Environment } from "../domain/environments";

/** What the rules need of the rest of the config. */
export interface ObservabilityContext {
  readonly environment: Environment;
  readonly onEks: boolean;
  /** The stack's region (EKS); undefined on an existing cluster or when the aws section failed. */
  readonly region?: string;
  /** StorageClasses the platform creates on EKS (gp3, and io2 unless turned off); undefined when unknown. */
  readonly eksClasses?: readonly string[];
}

/** EBS's smallest volume. */
const MIN_VOLUME = GIB;

export function observabilityProblems(input: ObservabilityInput | undefined, ctx: ObservabilityContext): Problem[] {
  const out: Problem[] = [];
  const p = input?.prometheus;
  const volumes = [
    { at: "observability.prometheus.storage", volume: p?.storage },
    { at: "observability.alertmanager.storage", volume: input?.alertmanager?.storage },
  ];
  for (const { at, volume } of volumes) {
    const bytes = volume ? parseQuantity(volume.size) : undefined;
    if (bytes !== undefined && bytes < MIN_VOLUME) out.push({ path: `${at}.size`, message: `is below 1Gi, the smallest volume a claim gets on EBS` });
    if (volume?.storageClass !== undefined && ctx.onEks && ctx.eksClasses !== undefined && !ctx.eksClasses.includes(volume.storageClass))
      out.push({ path: `${at}.storageClass`, message: storageClassMessage(volume.storageClass, ctx.eksClasses) });
  }
  out.push(...retentionSizeProblems(input, ctx.environment));
  const remote = p?.remoteWrite;
  if (remote?.kind === "amp" && !ctx.onEks)
    out.push({
      path: "observability.prometheus.remoteWrite",
      message:
        'kind amp needs an EKS cluster: Prometheus signs its writes with the AWS role EKS Pod Identity gives it, which an existing cluster has not; use kind "endpoint" with the workspace\'s URL behind a proxy that signs, or another remote-write service',
    });
  if (remote?.kind === "amp" && remote.workspace !== "create" && ctx.onEks && ctx.region !== undefined) {
    const partition = regionPartition(ctx.region);
    if (arnPartition(remote.workspace) !== partition)
      out.push({
        path: "observability.prometheus.remoteWrite.workspace",
        message: `is in AWS partition ${arnPartition(remote.workspace)}, but the stack's region (aws.region) is in partition ${partition}; the cluster's role can never write to it`,
      });
  }
  return out;
}

function storageClassMessage(name: string, classes: readonly string[]): string {
  // EFS is NFS, which Prometheus's TSDB does not support (its docs: non-POSIX file systems risk corruption).
  const why = name === "efs" ? "; EFS is NFS, which Prometheus's storage does not support" : "";
  return `${name} is not a block StorageClass the platform creates on EKS (${classes.join(", ")})${why}`;
}

/** The size limit must leave room on the volume: Prometheus compacts into new blocks before it deletes old ones. */
function retentionSizeProblems(input: ObservabilityInput | undefined, environment: Environment): Problem[] {
  const p = input?.prometheus;
  if (p?.retentionSize === undefined) return [];
  const limit = retentionSizeBytes(p.retentionSize);
  const size = p.storage?.size ?? OBSERVABILITY_DEFAULTS[environment].prometheusSize;
  const volume = parseQuantity(size);
  if (limit === undefined || volume === undefined) return [];
  if (limit === 0)
    return [{ path: "observability.prometheus.retentionSize", message: "must be above 0: 0 turns the size limit off, and a full volume stops Prometheus" }];
  const most = volume * RETENTION_SIZE_SHARE;
  if (limit <= most) return [];
  return [
    {
      path: "observability.prometheus.retentionSize",
      message: `${p.retentionSize} does not fit the ${size} volume${p.storage?.size === undefined ? ` (the ${environment} default)` : ""}: keep it at most ${Math.round(RETENTION_SIZE_SHARE * 100)} % of the volume (${formatGiB(most)}), since compaction and the write-ahead log need the rest, or grow observability.prometheus.storage.size`,
    },
  ];
}
