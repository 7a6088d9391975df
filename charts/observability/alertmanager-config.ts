/**
 * Alertmanager's whole configuration (kube-prometheus-stack's `alertmanager.config`) from the stack's alerting
 * section and teams: receivers whose credentials are files of a mounted Secret (never values), the route tree and
 * the inhibitions a platform on-call wants. Pure data; components/observability mounts the Secret.
 */
import { stringify } from "yaml";
import { NULL_RECEIVER, type ReceiverConfig } from "../../config/alerting";
import { receiverRoutes } from "./alertmanager-routes";
import type { AlertmanagerInputs, AlertmanagerRoute } from "./alertmanager-types";

/** The Secret (namespace monitoring) holding one key per receiver credential, named after the receiver. */
export const ALERTMANAGER_RECEIVER_SECRET = "alertmanager-receivers";
/** Where the operator mounts each Secret of alertmanagerSpec.secrets: <dir>/<secret>/<key>. */
export const ALERTMANAGER_SECRETS_DIR = "/etc/alertmanager/secrets";

/** The file a receiver's credential is read from inside the Alertmanager pod. */
export const receiverSecretFile = (receiver: string): string => `${ALERTMANAGER_SECRETS_DIR}/${ALERTMANAGER_RECEIVER_SECRET}/${receiver}`;

export type { AlertmanagerInputs, AlertmanagerRoute } from "./alertmanager-types";

export interface AlertmanagerConfig {
  readonly global: { readonly resolve_timeout: string };
  readonly route: {
    readonly receiver: string;
    readonly group_by: readonly string[];
    readonly group_wait: string;
    readonly group_interval: string;
    readonly repeat_interval: string;
    readonly routes: readonly AlertmanagerRoute[];
  };
  readonly receivers: readonly Record<string, unknown>[];
  readonly inhibit_rules: readonly InhibitRule[];
  readonly templates: readonly string[];
}

export interface InhibitRule {
  readonly source_matchers: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal: readonly string[];
}

/**
 * One notification per kind of problem, per namespace, per team: one XID alert on ten nodes arrives as one message
 * (node-level alerts have no namespace), and two teams sharing a namespace (Kueue's alerts live in kueue-system)
 * never see each other's alerts in one message.
 */
export const GROUP_BY = ["alertname", "namespace", "team"] as const;

/** Without an alerting section every alert goes to the null receiver, as the chart did; its grouping stays sane. */
const NO_ALERTING_GROUPING = { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" } as const;

/** Alerts a node that is gone would raise again about itself; matched by its `node` label (DCGM alerts set it from `hostname`; alerts without one are kept). */
export const NODE_SCOPED_ALERTS = [
  "GpuXidError",
  "GpuThermalOrPowerThrottling",
  "GpuMemoryPressure",
  "GpuEccDoubleBitErrors",
  "GpuRowRemapFailure",
  "GpuNvlinkErrors",
  "GpuNodeAcceleratorUnhealthy",
  "NodeHealthConditionFailing",
  "ScrapeTargetDown",
  "KubeNodeNotReady",
  "KubeNodeUnreachable",
  "KubeNodeReadinessFlapping",
] as const;

/**
 * What an on-call is not woken for twice. `equal` compares a label of the same name on both alerts, a missing label
 * counting as empty: two alerts that both lack every `equal` label match. The node rule's sources always carry `node`
 * (kube-state-metrics), so it silences only alerts that name the same node.
 */
export const INHIBIT_RULES: readonly InhibitRule[] = [
  // The same problem at two severities: the critical one speaks for both (the chart's rule, per team too).
  { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ["alertname", "namespace", "team"] },
  { source_matchers: ['severity="warning"'], target_matchers: ['severity="info"'], equal: ["alertname", "namespace", "team"] },
  // A node that is not Ready explains its GPUs' and targets' alerts.
  { source_matchers: ['alertname="NodeNotReady"'], target_matchers: [`alertname=~"${NODE_SCOPED_ALERTS.join("|")}"`], equal: ["node"] },
  // Kueue down: no team is admitted, and its own scrape target is down; the controller alert is the one to act on.
  { source_matchers: ['alertname="KueueControllerDown"'], target_matchers: ['alertname="KueueTeamStarving"'], equal: [] },
  { source_matchers: ['alertname="KueueControllerDown"'], target_matchers: ['alertname="ScrapeTargetDown"'], equal: ["job", "namespace"] },
  // The chart's InfoInhibitor fires while a namespace has info alerts only: those stay quiet (the chart's rule).
  { source_matchers: ['alertname="InfoInhibitor"'], target_matchers: ['severity="info"'], equal: ["namespace"] },
];

/** One receiver in Alertmanager's terms; credentials only as *_file paths. */
export function receiverConfig(receiver: ReceiverConfig): Record<string, unknown> {
  const base = { send_resolved: receiver.sendResolved };
  switch (receiver.kind) {
    case "slack":
      return {
        name: receiver.name,
        slack_configs: [{ ...base, api_url_file: receiverSecretFile(receiver.name), ...(receiver.channel ? { channel: receiver.channel } : {}) }],
      };
    case "pagerduty":
      return { name: receiver.name, pagerduty_configs: [{ ...base, routing_key_file: receiverSecretFile(receiver.name) }] };
    case "email":
      return {
        name: receiver.name,
        email_configs: [
          {
            ...base,
            // Alertmanager's `to` is one header: addresses separated by commas.
            to: receiver.to.join(", "),
            from: receiver.from,
            smarthost: receiver.smarthost,
            ...(receiver.authUsername === undefined ? {} : { auth_username: receiver.authUsername, auth_password_file: receiverSecretFile(receiver.name) }),
          },
        ],
      };
    case "webhook":
      return { name: receiver.name, webhook_configs: [{ ...base, url_file: receiverSecretFile(receiver.name), max_alerts: receiver.maxAlerts ?? 0 }] };
  }
}

/**
 * The whole `alertmanager.config`. Helm merges maps of our values into the chart's default config, so every key the
 * default has is set here (lists replace the chart's, maps are complete): nothing of the chart's routing leaks in.
 */
export function alertmanagerConfig(inputs: AlertmanagerInputs): AlertmanagerConfig {
  const alerting = inputs.alerting;
  const grouping = alerting?.grouping ?? NO_ALERTING_GROUPING;
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: alerting?.platform.receiver ?? NULL_RECEIVER,
      group_by: [...GROUP_BY],
      group_wait: grouping.groupWait,
      group_interval: grouping.groupInterval,
      repeat_interval: grouping.repeatInterval,
      routes: receiverRoutes(alerting, inputs.teams),
    },
    receivers: [{ name: NULL_RECEIVER }, ...(alerting?.receivers ?? []).map(receiverConfig)],
    inhibit_rules: INHIBIT_RULES,
    // The chart's own template folder (alertmanager.templateFiles land there); we ship no templates.
    templates: ["/etc/alertmanager/config/*.tmpl"],
  };
}

/** The generated configuration as Alertmanager reads it, for `amtool check-config` and `amtool config routes test`. */
export function alertmanagerConfigYaml(inputs: AlertmanagerInputs): string {
  return stringify(alertmanagerConfig(inputs));
}
