/**
 * The `logging` section: container logs shipped by Fluent Bit. On EKS to CloudWatch Logs (a group per team and one
 * for the platform, with retention and the platform's logs key); on an existing cluster to a destination the site
 * already runs (a Fluentd/Fluent Bit aggregator, Loki or OpenSearch). Schema, defaults and the rules that need the
 * cluster kind and tier.
 */
import { z } from "zod";
import type { Environment } from "../domain/environments";
import { retentionDays } from "./primitives";
import type { Problem } from "./problems";

/** A DNS name or an IP address, as Fluent Bit's outputs take a host (no scheme, no path). */
const host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, { message: "is not a host name or IP address (no scheme, port or path: those are separate fields)" });
const tcpPort = z.number().int().min(1).max(65535);

/** A Fluentd or Fluent Bit aggregator, over the Forward protocol. */
export const forwardDestinationSchema = z.strictObject({
  kind: z.literal("forward"),
  host,
  /** @default 24224 */
  port: tcpPort.optional(),
  /** TLS to the aggregator, verifying its certificate; off is refused in prod. @default true */
  tls: z.boolean().optional(),
});

/** Grafana Loki's push API (`/loki/api/v1/push`). */
export const lokiDestinationSchema = z.strictObject({
  kind: z.literal("loki"),
  host,
  /** @default 443 with TLS, 3100 without */
  port: tcpPort.optional(),
  /** TLS to Loki, verifying its certificate; off is refused in prod. @default true */
  tls: z.boolean().optional(),
  /** The X-Scope-OrgID of a multi-tenant Loki. @default none (single-tenant Loki) */
  tenant: z
    .string()
    .regex(/^[A-Za-z0-9!._*'()-]{1,150}$/, { message: "is not a Loki tenant ID (up to 150 letters, digits and !-_.*'())" })
    .optional(),
});

/** An OpenSearch cluster's bulk API. */
export const opensearchDestinationSchema = z.strictObject({
  kind: z.literal("opensearch"),
  host,
  /** @default 443 with TLS, 9200 without */
  port: tcpPort.optional(),
  /** TLS to OpenSearch, verifying its certificate; off is refused in prod. @default true */
  tls: z.boolean().optional(),
  /** The index the records go to. @default "mlops-logs" */
  index: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,254}$/, {
      message: "is not an OpenSearch index name (lower case letters, digits, '.', '_' and '-', not starting with '.', '_' or '-')",
    })
    .optional(),
});

export const logDestinationSchema = z.discriminatedUnion("kind", [forwardDestinationSchema, lokiDestinationSchema, opensearchDestinationSchema]);

export const loggingSchema = z.strictObject({
  /** Ship container logs. @default true on EKS; on an existing cluster, true when a destination is given */
  enabled: z.boolean().optional(),
  /** Days CloudWatch Logs keeps the groups (EKS only; a site's own destination keeps its own retention). @default the tier's (7 local, 30 dev, 90 staging, 365 prod) */
  retentionDays: retentionDays.optional(),
  /** Where an existing cluster's logs go (required there to ship logs; refused on EKS, whose logs go to CloudWatch Logs). @default none */
  destination: logDestinationSchema.optional(),
});

export type LoggingInput = z.infer<typeof loggingSchema>;
export type LogDestinationInput = z.infer<typeof logDestinationSchema>;

export const DEFAULT_FORWARD_PORT = 24224;
export const DEFAULT_OPENSEARCH_INDEX = "mlops-logs";

/** A destination with every default filled in. */
export type LogDestination =
  | { readonly kind: "forward"; readonly host: string; readonly port: number; readonly tls: boolean }
  | { readonly kind: "loki"; readonly host: string; readonly port: number; readonly tls: boolean; readonly tenant?: string }
  | { readonly kind: "opensearch"; readonly host: string; readonly port: number; readonly tls: boolean; readonly index: string };

/** Where the logs go: CloudWatch Logs (EKS) or the site's destination (existing cluster). */
export type LogSink = { readonly kind: "cloudwatch"; readonly retentionDays: number } | { readonly kind: "site"; readonly destination: LogDestination };

export interface LoggingConfig {
  readonly enabled: boolean;
  /** Undefined when logging is off. */
  readonly sink?: LogSink;
}

export function resolveDestination(input: LogDestinationInput): LogDestination {
  const tls = input.tls ?? true;
  switch (input.kind) {
    case "forward":
      return { kind: "forward", host: input.host, port: input.port ?? DEFAULT_FORWARD_PORT, tls };
    case "loki":
      return { kind: "loki", host: input.host, port: input.port ?? (tls ? 443 : 3100), tls, tenant: input.tenant };
    case "opensearch":
      return { kind: "opensearch", host: input.host, port: input.port ?? (tls ? 443 : 9200), tls, index: input.index ?? DEFAULT_OPENSEARCH_INDEX };
  }
}

/** `tierRetentionDays`: the tier's default (config/defaults.ts, containerLogRetentionDays). */
export function resolveLogging(input: LoggingInput | undefined, tierRetentionDays: number, onEks: boolean): LoggingConfig {
  if (onEks) {
    const enabled = input?.enabled ?? true;
    return enabled ? { enabled, sink: { kind: "cloudwatch", retentionDays: input?.retentionDays ?? tierRetentionDays } } : { enabled };
  }
  // An existing cluster has nowhere of its own to send logs: without a destination, logging stays off.
  const destination = input?.destination;
  if (destination === undefined || input?.enabled === false) return { enabled: false };
  return { enabled: true, sink: { kind: "site", destination: resolveDestination(destination) } };
}

/** Rules across sections: CloudWatch only on EKS, a destination only (and then required) on an existing cluster, TLS in prod. */
export function containerLoggingProblems(input: LoggingInput | undefined, ctx: { readonly onEks: boolean; readonly environment: Environment }): Problem[] {
  const out: Problem[] = [];
  if (ctx.onEks && input?.destination !== undefined)
    out.push({
      path: "logging.destination",
      message: "is for existing clusters; on EKS container logs go to CloudWatch Logs (a log group per team and one for the platform)",
    });
  if (!ctx.onEks) {
    if (input?.retentionDays !== undefined)
      out.push({
        path: "logging.retentionDays",
        message: "is CloudWatch Logs' retention (EKS only); on an existing cluster the destination keeps logs as long as it is configured to",
      });
    if (input?.enabled === true && input.destination === undefined)
      out.push({
        path: "logging.destination",
        message:
          "is required to ship logs from an existing cluster: name the site's aggregator (kind forward), Loki (kind loki) or OpenSearch (kind opensearch)",
      });
  }
  if (!ctx.onEks && ctx.environment === "prod" && input?.destination?.tls === false)
    out.push({ path: "logging.destination.tls", message: "is off, which sends prod's container logs unencrypted: turn TLS on at the destination and here" });
  return out;
}
