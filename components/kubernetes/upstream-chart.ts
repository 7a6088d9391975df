import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Values } from "../../charts/values";
import type { ChartRef } from "../../domain/versions";

/** helm.v4.Chart's chart reference: `oci://…/<chart>` for OCI registries, otherwise name + repository. */
export function chartSource(ref: ChartRef): { chart: string; repositoryOpts?: { repo: string } } {
  return ref.repo.startsWith("oci://") ? { chart: `${ref.repo}/${ref.chart}` } : { chart: ref.chart, repositoryOpts: { repo: ref.repo } };
}

/**
 * An upstream Helm chart at its catalogue version. helm.v4.Chart, not helm.v3.Release: each rendered object
 * is its own resource, so diffs and CrossGuard policies see them (pulumi-kubernetes #2649 for v3's diffs).
 * v4 does not run Helm hooks; charts whose hooks matter are configured not to need them.
 */
export function createUpstreamChart(name: string, ref: ChartRef, namespace: string, values: Values, opts: pulumi.ComponentResourceOptions): k8s.helm.v4.Chart {
  return new k8s.helm.v4.Chart(name, { ...chartSource(ref), version: ref.version, namespace, values }, opts);
}
