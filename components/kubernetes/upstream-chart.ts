import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Values } from "../../charts/values";
import type { ChartRef } from "../versions";

/**
 * An upstream Helm chart at its catalogue version. helm.v4.Chart, not helm.v3.Release: each rendered object
 * is its own resource, so diffs and CrossGuard policies see them (pulumi-kubernetes #2649 for v3's diffs).
 */
export function createUpstreamChart(name: string, ref: ChartRef, namespace: string, values: Values, opts: pulumi.ComponentResourceOptions): k8s.helm.v4.Chart {
  return new k8s.helm.v4.Chart(name, { chart: ref.chart, version: ref.version, repositoryOpts: { repo: ref.repo }, namespace, values }, opts);
}
