/**
 * The rules a catalogue bump must satisfy beyond the version itself: every field that spells a version agrees
 * with it. Each problem says what else to change, so a bump that moved only `version` (by hand or by Renovate)
 * fails with the list of what is left.
 */
import type { ChartRef } from "../../domain/versions";

const bare = (version: string): string => version.replace(/^v/, "");

/**
 * Whether a git tag names the chart version: it contains the version (`helm-chart-2.9.0`, `knative-v1.23.0`),
 * or it is the version without a `.0` patch (SeaweedFS tags its chart 4.44.0 as `4.44`).
 */
export function tagNamesVersion(tag: string, version: string): boolean {
  return tag.includes(bare(version)) || `${bare(tag)}.0` === bare(version);
}

/** What disagrees with `ref.version` inside one CHARTS entry. */
export function chartEntryProblems(key: string, ref: ChartRef): string[] {
  const at = `CHARTS.${key} (${ref.chart} ${ref.version})`;
  const out: string[] = [];
  const urlTag = /\/blob\/([^/]+)\//.exec(ref.valuesUrl)?.[1] ?? "";
  if (ref.gitRef !== undefined && !tagNamesVersion(ref.gitRef, ref.version)) {
    out.push(`${at}: gitRef "${ref.gitRef}" names another release; set it to the upstream git tag of ${ref.version}, and valuesUrl to that tag`);
  }
  if (ref.gitRef !== undefined ? urlTag !== ref.gitRef : !tagNamesVersion(urlTag, ref.version)) {
    out.push(`${at}: valuesUrl is at tag "${urlTag}"; point it at the upstream values file of ${ref.gitRef ?? ref.version} (/blob/<tag>/)`);
  }
  for (const [variable, value] of Object.entries(ref.valuesTemplate ?? {})) {
    if (value.includes(":") && !value.endsWith(`:${ref.version}`)) {
      out.push(`${at}: valuesTemplate.${variable} ${value} is not the image of ${ref.version}; set its tag to ${ref.version}`);
    }
  }
  return out;
}

/**
 * What disagrees with the catalogue in a charts/values/ file's header: its first line names the chart and the
 * version it was written for, its second the upstream values URL it was read against.
 */
export function valuesHeaderProblems(file: string, text: string, ref: ChartRef): string[] {
  const [first = "", second = ""] = text.split("\n", 2);
  const out: string[] = [];
  if (!first.includes(`chart ${ref.chart} ${ref.version} `)) {
    out.push(
      `charts/values/${file}: its first line does not say "chart ${ref.chart} ${ref.version}"; re-read the upstream values diff, then update the header`,
    );
  }
  if (!second.includes(ref.valuesUrl)) {
    out.push(`charts/values/${file}: its second line does not name ${ref.valuesUrl}; copy the catalogue's valuesUrl there`);
  }
  return out;
}

/** The chart a values file's header names (`# <title>, chart <chart> <version> (domain/versions.ts) ...`). */
export const headerChart = (text: string): string | undefined => /, chart (\S+) \S+ \(domain\/versions\.ts\)/.exec(text.split("\n", 1)[0])?.[1];

/**
 * EKS_VERSIONS holds consecutive minors: EKS upgrades a control plane one minor at a time, so a stack can step
 * from any entry to the newest through entries the catalogue pins add-ons for.
 */
export function eksVersionGaps(versions: readonly string[]): string[] {
  const minors = versions.map((v) => v.split(".").map(Number)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: string[] = [];
  for (let i = 1; i < minors.length; i++) {
    const [prev, next] = [minors[i - 1], minors[i]];
    if (next[0] !== prev[0] || next[1] !== prev[1] + 1) {
      out.push(`EKS_VERSIONS jumps from ${prev.join(".")} to ${next.join(".")}; EKS upgrades one minor at a time, so add the ones between`);
    }
  }
  return out;
}
