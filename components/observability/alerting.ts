/**
 * Alertmanager's routing from the stack config: the generated `alertmanager.config` (charts/observability), and the
 * Secret of the receivers' credentials, mounted through `alertmanagerSpec.secrets` and read by Alertmanager as files.
 * Chart values name only file paths; the credentials stay Pulumi secrets from the config key to the Secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ALERTMANAGER_RECEIVER_SECRET, alertmanagerConfig, type AlertmanagerInputs } from "../../charts/observability/alertmanager-config";
import { MONITORING_NAMESPACE } from "../../charts/observability";
import type { Values } from "../../charts/values";
import { alertingSecrets } from "../../config/alerting-secrets";
import type { PlatformConfig } from "../../config/defaults";

export interface ObservabilityAlertingArgs {
  /** The alerting section and the teams whose routes it generates. */
  readonly config: AlertmanagerInputs;
  /** Each receiver's credential by receiver name, a secret; undefined when no receiver takes one. @default none */
  readonly secrets?: pulumi.Output<Record<string, string>>;
}

/** What platform.ts hands the observability component: the config, and the credentials from the secret key. */
export function stackAlerting(cfg: Pick<PlatformConfig, "alerting" | "teams">): ObservabilityAlertingArgs {
  return { config: { alerting: cfg.alerting, teams: cfg.teams }, secrets: alertingSecrets(cfg.alerting) };
}

/** kube-prometheus-stack values of the routing: the whole config, and the credentials' Secret mounted (or none). */
export function alertmanagerValues(args: ObservabilityAlertingArgs): Values {
  return {
    alertmanager: {
      config: alertmanagerConfig(args.config),
      alertmanagerSpec: { secrets: args.secrets ? [ALERTMANAGER_RECEIVER_SECRET] : [] },
    },
  };
}

/** The receivers' credentials, one key per receiver: a Pulumi secret end to end. */
export function receiverSecret(
  name: string,
  secrets: pulumi.Output<Record<string, string>>,
  labels: Readonly<Record<string, string>> | undefined,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    `${name}-alertmanager-receivers`,
    {
      metadata: { name: ALERTMANAGER_RECEIVER_SECRET, namespace: MONITORING_NAMESPACE, labels: { ...labels } },
      type: "Opaque",
      stringData: pulumi.secret(secrets),
    },
    { ...opts, additionalSecretOutputs: ["stringData", "data"] },
  );
}
