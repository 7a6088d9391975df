/**
 * The `alerting` section: where Alertmanager sends the platform's alerts. Typed receivers (Slack, PagerDuty, email, a
 * generic webhook), the platform's route (and its pager for critical alerts), and grouping. A team names its own
 * receiver in `teams[].alerts`. Credentials never live here: each receiver that needs one reads it from the secret key
 * alertingSecrets (alerting-secrets.ts). Schema, defaults and the rules that need other sections.
 */
import { z } from "zod";
import { dnsLabel } from "./primitives";
import type { Problem } from "./problems";

/** The receiver that drops what nobody should be told of (the chart's Watchdog and InfoInhibitor). */
export const NULL_RECEIVER = "null";

export const RECEIVER_KINDS = ["slack", "pagerduty", "email", "webhook"] as const;
export type ReceiverKind = (typeof RECEIVER_KINDS)[number];

/** A receiver's name: a key of the receivers' Kubernetes Secret and a file name, so a DNS label. */
export const receiverName = dnsLabel(63).refine((n) => n !== NULL_RECEIVER, {
  message: `"${NULL_RECEIVER}" is reserved for the receiver that drops the chart's Watchdog and InfoInhibitor alerts`,
});

const email = z.string().regex(/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/, { message: "is not an email address" });
/** Alertmanager's durations, one unit: 30s, 5m, 4h, 1d. */
export const alertDuration = z.string().regex(/^[1-9]\d*(s|m|h|d)$/, { message: 'is not a duration such as "30s", "5m", "4h" or "1d"' });

const common = {
  name: receiverName,
  /** Also notify when the alert resolves. @default true: an on-call wants to know a page is over */
  sendResolved: z.boolean().optional(),
};

export const receiverSchema = z.discriminatedUnion("kind", [
  /** Slack through an incoming webhook (its URL is the receiver's secret). */
  z.strictObject({
    kind: z.literal("slack"),
    ...common,
    /** The channel to post to, if the webhook may post to others. @default the webhook's own channel */
    channel: z
      .string()
      .regex(/^[#@]?[a-z0-9][a-z0-9._-]{0,79}$/, { message: 'is not a Slack channel such as "#ml-platform-alerts"' })
      .optional(),
  }),
  /** PagerDuty's Events API v2 (the integration's routing key is the receiver's secret). */
  z.strictObject({ kind: z.literal("pagerduty"), ...common }),
  /** Email through an SMTP relay (the password, when `authUsername` is set, is the receiver's secret). */
  z.strictObject({
    kind: z.literal("email"),
    ...common,
    to: z.array(email).min(1, { message: "needs at least one address" }),
    from: email,
    /** The relay as host:port, e.g. email-smtp.us-east-1.amazonaws.com:587. TLS is required (Alertmanager's default). */
    smarthost: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?:\d{1,5}$/, { message: 'is not "<host>:<port>" such as "smtp.example.com:587"' }),
    /** The SMTP user; with it, the receiver's secret is its password. @default no authentication (a relay that trusts the cluster) */
    authUsername: z.string().min(1).optional(),
  }),
  /** Any HTTP endpoint taking Alertmanager's webhook payload (the URL, which often carries a token, is the receiver's secret). */
  z.strictObject({
    kind: z.literal("webhook"),
    ...common,
    /** Alerts per message, 0 for all. @default 0 */
    maxAlerts: z.number().int().min(0).optional(),
  }),
]);

export const alertingSchema = z.strictObject({
  /** Where alerts can go. */
  receivers: z.array(receiverSchema).min(1, { message: "needs at least one receiver" }),
  platform: z.strictObject({
    /** Every alert without a team's route: the platform's own, and teams that name no receiver. */
    receiver: receiverName,
    /** Also told of the platform's critical alerts (a pager). @default none: they go to `receiver` like the rest */
    critical: receiverName.optional(),
  }),
  /** How alerts are batched into notifications. */
  grouping: z
    .strictObject({
      /** Wait before the first notification of a new group, to collect its siblings. @default "30s" */
      groupWait: alertDuration.optional(),
      /** Wait before notifying of alerts added to a group already notified. @default "5m" */
      groupInterval: alertDuration.optional(),
      /** Re-send a group still firing after this long. @default "4h" */
      repeatInterval: alertDuration.optional(),
    })
    .optional(),
});

export type ReceiverInput = z.infer<typeof receiverSchema>;
export type AlertingInput = z.infer<typeof alertingSchema>;

/** A receiver with its defaults filled. */
export type ReceiverConfig = ReceiverInput & { readonly sendResolved: boolean };

export interface AlertingConfig {
  readonly receivers: readonly ReceiverConfig[];
  readonly platform: { readonly receiver: string; readonly critical?: string };
  readonly grouping: { readonly groupWait: string; readonly groupInterval: string; readonly repeatInterval: string };
}

export const DEFAULT_GROUPING = { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" } as const;

export function resolveAlerting(input: AlertingInput | undefined): AlertingConfig | undefined {
  if (input === undefined) return undefined;
  return {
    receivers: input.receivers.map((r) => ({ ...r, sendResolved: r.sendResolved ?? true })),
    platform: input.platform,
    grouping: { ...DEFAULT_GROUPING, ...input.grouping },
  };
}

/** What a receiver reads from its secret, or undefined when it needs none (email without authentication). */
export function receiverSecretKind(receiver: Pick<ReceiverInput, "kind"> & { readonly authUsername?: string }): string | undefined {
  switch (receiver.kind) {
    case "slack":
      return "the Slack incoming webhook URL";
    case "pagerduty":
      return "the PagerDuty Events API v2 integration key";
    case "email":
      return receiver.authUsername === undefined ? undefined : "the SMTP password";
    case "webhook":
      return "the webhook URL";
  }
}

const SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };
const seconds = (duration: string): number => Number(duration.slice(0, -1)) * SECONDS[duration.slice(-1)];

/** What the alerting rules need of the rest of the config. */
export interface AlertingContext {
  readonly environment: string;
  /** Each team's receiver, where its `alerts` parsed; undefined entries are skipped. */
  readonly teams: readonly ({ readonly name?: string; readonly alerts?: { readonly receiver: string } } | undefined)[];
  /** The alerting section failed its schema: then no team's receiver is called unknown. */
  readonly unparsed: boolean;
}

/** Rules across fields and sections: unique names, every named receiver exists and is used, prod alerts reach someone. */
export function alertingProblems(input: AlertingInput | undefined, ctx: AlertingContext): Problem[] {
  if (ctx.unparsed) return [];
  const out: Problem[] = [];
  if (input === undefined) {
    if (ctx.environment === "prod")
      out.push({
        path: "alerting",
        message: "is required in prod: without receivers Alertmanager tells nobody of a GPU fault, a full volume or a down controller",
      });
    ctx.teams.forEach((t, i) => {
      if (t?.alerts) out.push({ path: `teams[${i}].alerts.receiver`, message: "needs an alerting section whose receivers include it" });
    });
    return out;
  }
  const names = input.receivers.map((r) => r.name);
  const known = `alerting.receivers (${names.join(", ")})`;
  const seen = new Set<string>();
  input.receivers.forEach((r, i) => {
    if (seen.has(r.name)) out.push({ path: `alerting.receivers[${i}].name`, message: `${r.name} is a receiver already: receiver names are unique` });
    seen.add(r.name);
  });
  const used = new Set<string>();
  const refer = (path: string, name: string) => {
    used.add(name);
    if (!seen.has(name)) out.push({ path, message: `${name} is not one of ${known}` });
  };
  refer("alerting.platform.receiver", input.platform.receiver);
  if (input.platform.critical !== undefined) refer("alerting.platform.critical", input.platform.critical);
  ctx.teams.forEach((t, i) => t?.alerts && refer(`teams[${i}].alerts.receiver`, t.alerts.receiver));
  input.receivers.forEach((r, i) => {
    if (!used.has(r.name))
      out.push({
        path: `alerting.receivers[${i}]`,
        message: `${r.name} is used by no route: name it in alerting.platform or in a team's alerts.receiver, or remove it`,
      });
  });
  const g = { ...DEFAULT_GROUPING, ...input.grouping };
  if (seconds(g.repeatInterval) < seconds(g.groupInterval))
    out.push({
      path: "alerting.grouping.repeatInterval",
      message: `${g.repeatInterval} is shorter than groupInterval (${g.groupInterval}): Alertmanager re-sends a group at most once per group interval`,
    });
  return out;
}
