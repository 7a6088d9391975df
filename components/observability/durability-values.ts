/**
 * kube-prometheus-stack values that make metrics and Alertmanager's state outlive a pod: a volume per replica
 * (prometheusSpec.storageSpec, alertmanagerSpec.storage), retention by time and size, replicas behind a disruption
 * budget, and the optional remote write. Value paths: kube-prometheus-stack 88.5.3 values.yaml (domain/versions.ts).
 * Pure: the component resolves the workspace URL and the Secret's name and passes them in.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Values } from "../../charts/values";
import type { ObservabilityConfig, VolumeConfig } from "../../config/observability";

/**
 * Prometheus's ServiceAccount as the chart names it for our release (`monitoring`): `<release>-kube-prometheus-prometheus`
 * (test/observability/durability-plan.test.ts checks it against the chart inventory).
 */
export const PROMETHEUS_SERVICE_ACCOUNT = "monitoring-kube-prometheus-prometheus";
/** The Secret in monitoring that holds the remote-write endpoint's basic-auth user and password. */
export const REMOTE_WRITE_SECRET = "prometheus-remote-write";
export const REMOTE_WRITE_SECRET_KEYS = { username: "username", password: "password" } as const;
/**
 * The external labels a remote side deduplicates an HA pair by: Amazon Managed Service for Prometheus (and Mimir's
 * HA tracker) keep one replica's samples per `cluster`, telling replicas apart by `__replica__`, which they drop.
 */
export const HA_LABELS = { cluster: "cluster", replica: "__replica__" } as const;

/** Where Prometheus writes, as the component resolved it. */
export type RemoteWriteTarget =
  /** Amazon Managed Service for Prometheus: requests signed with the Pod Identity role (sigv4). */
  | { readonly kind: "amp"; readonly url: pulumi.Input<string>; readonly region: string }
  /** Any endpoint; with `basicAuth`, user and password come from REMOTE_WRITE_SECRET. */
  | { readonly kind: "endpoint"; readonly url: string; readonly basicAuth: boolean };

export interface DurabilityValuesArgs {
  readonly config: ObservabilityConfig;
  /** The class a volume gets when the config names none: the platform's gp3 on EKS; undefined uses the cluster's default. */
  readonly defaultStorageClass?: string;
  /** The value of the `cluster` external label the remote side groups replicas by. */
  readonly clusterName: string;
  /** @default none: metrics stay in the cluster */
  readonly remoteWrite?: RemoteWriteTarget;
}

/** A claim template per replica; the StatefulSet keeps the claims when pods go (the operator's default retention policy). */
function claim(volume: VolumeConfig, defaultClass: string | undefined): Values {
  const storageClassName = volume.storageClass ?? defaultClass;
  return {
    volumeClaimTemplate: {
      spec: {
        ...(storageClassName === undefined ? {} : { storageClassName }),
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: volume.size } },
      },
    },
  };
}

function remoteWriteEntry(target: RemoteWriteTarget): Values {
  if (target.kind === "amp") return { url: target.url, sigv4: { region: target.region } };
  const secret = (key: string) => ({ name: REMOTE_WRITE_SECRET, key });
  return {
    url: target.url,
    ...(target.basicAuth ? { basicAuth: { username: secret(REMOTE_WRITE_SECRET_KEYS.username), password: secret(REMOTE_WRITE_SECRET_KEYS.password) } } : {}),
  };
}

/** With two replicas or more: at most one down at a time during a drain. */
const disruptionBudget = (replicas: number): Values => (replicas > 1 ? { podDisruptionBudget: { enabled: true, minAvailable: 1 } } : {});

export function durabilityValues(args: DurabilityValuesArgs): Values {
  const { prometheus, alertmanager } = args.config;
  const remote = args.remoteWrite;
  return {
    prometheus: {
      ...disruptionBudget(prometheus.replicas),
      // Replicas scrape alike but not in step: one client stays on one replica, so a dashboard does not flicker.
      ...(prometheus.replicas > 1 ? { service: { sessionAffinity: "ClientIP" } } : {}),
      prometheusSpec: {
        replicas: prometheus.replicas,
        retention: prometheus.retention,
        retentionSize: prometheus.retentionSize,
        storageSpec: claim(prometheus.storage, args.defaultStorageClass),
        ...(remote
          ? {
              remoteWrite: [remoteWriteEntry(remote)],
              externalLabels: { [HA_LABELS.cluster]: args.clusterName },
              replicaExternalLabelName: HA_LABELS.replica,
            }
          : {}),
      },
    },
    alertmanager: {
      ...disruptionBudget(alertmanager.replicas),
      alertmanagerSpec: {
        replicas: alertmanager.replicas,
        retention: alertmanager.retention,
        storage: claim(alertmanager.storage, args.defaultStorageClass),
      },
    },
  };
}
