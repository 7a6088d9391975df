/**
 * Where the inventory reads a chart from: `--charts <dir>` holding `<chart>-<version>/` folders (charts obtained
 * for reading, e.g. `helm pull --untar`), or else `helm pull` from the catalogue's repository into the cache.
 * Charts are never copied into the repository; only the facts derived from them are.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { cacheRoot } from "../cluster/binaries";
import { runTool } from "../cli/run-tool";
import { chartName } from "./store";

export { chartName } from "./store";

export interface ChartCoordinates {
  readonly repo?: string;
  /** The chart name, or `oci://registry/path/name` for OCI charts. */
  readonly chart: string;
  readonly version: string;
}

export const chartFolder = (ref: ChartCoordinates): string => `${chartName(ref.chart)}-${ref.version}`;

/** Helm matches versions as semver, so "v1.23.0" asks for a chart whose Chart.yaml says 1.23.0 (knative's does). */
export const sameVersion = (left: string, right: string): boolean => left.replace(/^v/, "") === right.replace(/^v/, "");

/** Fails unless the folder holds the chart and version asked for. */
export function assertChart(dir: string, ref: ChartCoordinates): void {
  const file = join(dir, "Chart.yaml");
  if (!existsSync(file)) throw new Error(`${dir} holds no Chart.yaml (expected chart ${chartName(ref.chart)} ${ref.version})`);
  const meta = parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
  if (meta.name !== chartName(ref.chart) || !sameVersion(String(meta.version), ref.version))
    throw new Error(`${dir} holds chart ${meta.name} ${meta.version}, not ${chartName(ref.chart)} ${ref.version}`);
}

/** `helm pull` arguments for a repository or OCI chart, untarred into `into`. */
export function pullArgs(ref: ChartCoordinates, into: string): string[] {
  const source = ref.chart.startsWith("oci://") ? [ref.chart] : [ref.chart, "--repo", ref.repo ?? ""];
  return ["pull", ...source, "--version", ref.version, "--untar", "--untardir", into];
}

export function chartDirectory(ref: ChartCoordinates, helm: string, chartsDir?: string): string {
  if (chartsDir) {
    const dir = join(chartsDir, chartFolder(ref));
    assertChart(dir, ref);
    return dir;
  }
  const dir = join(cacheRoot(), "charts", chartFolder(ref));
  if (!existsSync(dir)) {
    mkdirSync(join(cacheRoot(), "charts"), { recursive: true });
    const scratch = mkdtempSync(join(cacheRoot(), "pull-"));
    try {
      runTool(helm, pullArgs(ref, scratch));
      renameSync(join(scratch, chartName(ref.chart)), dir);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  assertChart(dir, ref);
  return dir;
}

/** The subcharts vendored under a chart folder, `name@version`, nested ones included, sorted. */
export function chartDependencies(dir: string): string[] {
  const charts = join(dir, "charts");
  if (!existsSync(charts)) return [];
  return readdirSync(charts, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(charts, entry.name, "Chart.yaml")))
    .flatMap((entry) => {
      const meta = parse(readFileSync(join(charts, entry.name, "Chart.yaml"), "utf8")) as { name?: string; version?: string };
      return [`${meta.name}@${meta.version}`, ...chartDependencies(join(charts, entry.name))];
    })
    .sort();
}
