/** Values for the upstream Fluent Bit chart: our static overrides plus the stack's pipeline and labels. */
import { loadValuesFile, mergeValues, type Values } from "../../charts/values";
import { fluentBitPipeline, renderSections, type FluentBitSink } from "../../charts/logging/fluent-bit-config";

/** The Helm release name: the chart names its DaemonSet, ServiceAccount and ClusterRole after it ("fluent-bit"). */
export const FLUENT_BIT_RELEASE = "fluent-bit";
/** The service account the Pod Identity association names (the chart's fullname for this release). */
export const FLUENT_BIT_SERVICE_ACCOUNT = FLUENT_BIT_RELEASE;
/** The chart's selector labels of the Fluent Bit pods (its `fluent-bit.selectorLabels` for this release). */
export const FLUENT_BIT_POD_LABELS = { "app.kubernetes.io/name": "fluent-bit", "app.kubernetes.io/instance": FLUENT_BIT_RELEASE } as const;
/** The HTTP server: health checks and /api/v2/metrics/prometheus (the chart's `metricsPort`). */
export const FLUENT_BIT_METRICS_PORT = 2020;
/** The tail offsets' host directory (charts/values/fluent-bit.yaml mounts it read-write). */
export const FLUENT_BIT_STATE_DIR = "/var/lib/fluent-bit";

export interface FluentBitValuesArgs {
  readonly teams: readonly string[];
  readonly sink: FluentBitSink;
  /** Labels on the Fluent Bit pods (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

export function fluentBitValues(args: FluentBitValuesArgs): Values {
  const pipeline = fluentBitPipeline({ teams: args.teams, sink: args.sink, stateDir: FLUENT_BIT_STATE_DIR, metricsPort: FLUENT_BIT_METRICS_PORT });
  return mergeValues(loadValuesFile("fluent-bit"), {
    podLabels: { ...args.labels },
    metricsPort: FLUENT_BIT_METRICS_PORT,
    config: {
      service: renderSections(pipeline.service),
      inputs: renderSections(pipeline.inputs),
      filters: renderSections(pipeline.filters),
      outputs: renderSections(pipeline.outputs),
    },
  });
}
