/**
 * The `observability` section: how long metrics live and where. Prometheus and Alertmanager on persistent volumes
 * (size, class, retention and replicas per tier), and an optional remote write: Amazon Managed Service for
 * Prometheus on EKS, or any HTTPS endpoint. Schema, tier defaults and resolution; rules across fields are in
 * observability-rules.ts.
 */
import { z } from "zod";
import { highlyAvailable, type Environment } from "../domain/environments";
import { quantity } from "./primitives";
import { parseQuantity } from "./quantity";

/** A Prometheus duration as the operator's CRD takes it (`15d`, `2w`, `1y12h`), and not 0 (no limit). */
export const PROMETHEUS_DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;
/** Alertmanager's retention: hours, minutes, seconds, milliseconds only (its CRD's pattern). */
export const ALERTMANAGER_DURATION = /^(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;
/** Prometheus's size limit: base-2 bytes (`40GiB`; Prometheus reads `40GB` as base 2 too). */
export const RETENTION_SIZE = /^([0-9]+)(\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?B$/;

const nonZero = (pattern: RegExp, example: string) =>
  z
    .string()
    .regex(pattern, { message: `is not a duration such as ${example}` })
    .refine((v) => v !== "" && /[1-9]/.test(v), { message: `must be longer than 0 (for example ${example})` });

const storageClassName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { message: "is not a StorageClass name (lower-case DNS subdomain such as gp3)" });

export const volumeSchema = z.strictObject({
  /** The claim's size, a Kubernetes quantity (`50Gi`). */
  size: quantity,
  /** The StorageClass. @default on EKS the platform's gp3 class; on an existing cluster the cluster's default class */
  storageClass: storageClassName.optional(),
});

const workspaceArn = z.string().regex(/^arn:aws(-[a-z]+)*:aps:[a-z]{2}(-gov)?-[a-z]+-\d+:\d{12}:workspace\/ws-[0-9a-zA-Z-]+$/, {
  message: 'is neither "create" nor an Amazon Managed Service for Prometheus workspace ARN (arn:aws:aps:<region>:<account>:workspace/ws-…)',
});

export const remoteWriteSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("amp"),
    /** `create`: a workspace of the stack's own, encrypted with its own key; or the ARN of an existing workspace. */
    workspace: z.union([z.literal("create"), workspaceArn]),
  }),
  z.strictObject({
    kind: z.literal("endpoint"),
    /** The remote-write URL (Mimir, Thanos Receive, a vendor's). HTTPS only: samples carry every label in clear. */
    url: z
      .string()
      .url({ message: "is not a URL" })
      .refine((u) => u.startsWith("https://"), { message: "must be an https:// URL: remote write sends every series and label, so never in clear" }),
    /**
     * HTTP basic auth: the user here, the password only as the Pulumi secret `remoteWritePassword`
     * (config/remote-write-secret.ts). @default no authentication
     */
    basicAuth: z.strictObject({ username: z.string().min(1) }).optional(),
  }),
]);

export const observabilitySchema = z.strictObject({
  prometheus: z
    .strictObject({
      /** Its TSDB volume, one per replica. @default 10Gi local, 20Gi dev, 50Gi staging, 100Gi prod */
      storage: volumeSchema.optional(),
      /** How long samples are kept. @default 7d local and dev, 15d staging, 30d prod */
      retention: nonZero(PROMETHEUS_DURATION, "15d").optional(),
      /** Size limit, oldest blocks dropped first; at most 85 % of the volume. @default 85 % of the volume (whole GiB) */
      retentionSize: z.string().regex(RETENTION_SIZE, { message: "is not a size such as 40GiB" }).optional(),
      /** Identical replicas, each scraping everything into its own volume. @default 2 in staging and prod, 1 elsewhere */
      replicas: z.number().int().min(1).max(5).optional(),
      /** Where samples are copied to as well (`amp` on EKS, or any `endpoint`). @default none: metrics stay in the cluster */
      remoteWrite: remoteWriteSchema.optional(),
    })
    .optional(),
  alertmanager: z
    .strictObject({
      /** Silences and the notification log, so a restart neither forgets a silence nor re-sends. @default 1Gi, 2Gi in prod */
      storage: volumeSchema.optional(),
      /** Alertmanager replicas, gossiping as one cluster. @default 2 in staging and prod, 1 elsewhere */
      replicas: z.number().int().min(1).max(5).optional(),
      /** How long silences and notification records are kept. @default 120h */
      retention: nonZero(ALERTMANAGER_DURATION, "120h").optional(),
    })
    .optional(),
});

export type ObservabilityInput = z.infer<typeof observabilitySchema>;
export type RemoteWriteInput = z.infer<typeof remoteWriteSchema>;

export interface VolumeConfig {
  /** The claim size as written (`50Gi`). */
  readonly size: string;
  /** Undefined: the platform's gp3 class on EKS, the default class elsewhere (resolved by the component). */
  readonly storageClass?: string;
}

export interface ObservabilityConfig {
  readonly prometheus: {
    readonly storage: VolumeConfig;
    readonly retention: string;
    readonly retentionSize: string;
    readonly replicas: number;
    readonly remoteWrite?: RemoteWriteInput;
  };
  readonly alertmanager: { readonly storage: VolumeConfig; readonly replicas: number; readonly retention: string };
}

/** Tier defaults of the section, in one table. */
export const OBSERVABILITY_DEFAULTS: Readonly<Record<Environment, { prometheusSize: string; retention: string; alertmanagerSize: string; replicas: number }>> =
  {
    local: { prometheusSize: "10Gi", retention: "7d", alertmanagerSize: "1Gi", replicas: 1 },
    dev: { prometheusSize: "20Gi", retention: "7d", alertmanagerSize: "1Gi", replicas: 1 },
    staging: { prometheusSize: "50Gi", retention: "15d", alertmanagerSize: "1Gi", replicas: highlyAvailable("staging") ? 2 : 1 },
    prod: { prometheusSize: "100Gi", retention: "30d", alertmanagerSize: "2Gi", replicas: highlyAvailable("prod") ? 2 : 1 },
  };

/** Alertmanager's own default (its CRD's). */
export const ALERTMANAGER_RETENTION = "120h";
/** The share of the volume Prometheus may fill: the rest is room for compaction and the WAL's growth between checks. */
export const RETENTION_SIZE_SHARE = 0.85;

const BASE2: Readonly<Record<string, number>> = { "": 1, K: 2 ** 10, Ki: 2 ** 10, M: 2 ** 20, Mi: 2 ** 20, G: 2 ** 30, Gi: 2 ** 30, T: 2 ** 40, Ti: 2 ** 40 };

/** Bytes of a Prometheus size (`40GiB`, `40GB`: both base 2, as Prometheus reads them); undefined when not one. */
export function retentionSizeBytes(text: string): number | undefined {
  const m = RETENTION_SIZE.exec(text);
  return m ? Number(`${m[1]}${m[2] ?? ""}`) * BASE2[m[3] ?? ""] : undefined;
}

/** The default size limit: 85 % of the volume, rounded down to whole GiB (whole MiB below 2Gi). */
export function defaultRetentionSize(volumeBytes: number): string {
  const limit = volumeBytes * RETENTION_SIZE_SHARE;
  return limit >= 2 ** 30 ? `${Math.floor(limit / 2 ** 30)}GiB` : `${Math.floor(limit / 2 ** 20)}MiB`;
}

/** Fills the tier defaults. Call only on a section that passed the schema and the rules. */
export function resolveObservability(input: ObservabilityInput | undefined, environment: Environment): ObservabilityConfig {
  const tier = OBSERVABILITY_DEFAULTS[environment];
  const p = input?.prometheus;
  const a = input?.alertmanager;
  const size = p?.storage?.size ?? tier.prometheusSize;
  return {
    prometheus: {
      storage: { size, storageClass: p?.storage?.storageClass },
      retention: p?.retention ?? tier.retention,
      retentionSize: p?.retentionSize ?? defaultRetentionSize(parseQuantity(size) ?? 0),
      replicas: p?.replicas ?? tier.replicas,
      remoteWrite: p?.remoteWrite,
    },
    alertmanager: {
      storage: { size: a?.storage?.size ?? tier.alertmanagerSize, storageClass: a?.storage?.storageClass },
      replicas: a?.replicas ?? tier.replicas,
      retention: a?.retention ?? ALERTMANAGER_RETENTION,
    },
  };
}
