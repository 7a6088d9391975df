/**
 * A catalogue bump is complete only when every field that spells the version moves with it: the entry's gitRef,
 * valuesUrl and values-template image, and the header of charts/values/<chart>.yaml. (The chart inventory is
 * held to the pinned versions by test/inventory/fresh.test.ts, which names `npm run charts:inventory`.)
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { VALUES_DIR } from "../../charts/values";
import { CHARTS, EKS_VERSIONS, type ChartRef } from "../../domain/versions";
import { chartEntryProblems, eksVersionGaps, headerChart, tagNamesVersion, valuesHeaderProblems } from "./catalogue-rules";

const charts = Object.entries(CHARTS) as [string, ChartRef][];
const valuesFiles = readdirSync(VALUES_DIR)
  .filter((f) => f.endsWith(".yaml"))
  .map((file) => ({ file, text: readFileSync(join(VALUES_DIR, file), "utf8") }));
const byChart = new Map(charts.map(([, ref]) => [ref.chart, ref]));

/** The next patch release, spelled as the catalogue spells the version. */
const nextPatch = (version: string): string => version.replace(/(\d+)$/, (patch) => String(Number(patch) + 1));

describe("tagNamesVersion", () => {
  it("accepts a tag that contains the version, or the version without its .0 patch", () => {
    expect(tagNamesVersion("helm-chart-2.9.0", "2.9.0")).toBe(true);
    expect(tagNamesVersion("knative-v1.23.0", "v1.23.0")).toBe(true);
    expect(tagNamesVersion("4.44", "4.44.0")).toBe(true);
  });

  it("rejects a tag of another release", () => {
    expect(tagNamesVersion("helm-chart-2.9.0", "2.10.0")).toBe(false);
    expect(tagNamesVersion("4.44", "4.45.0")).toBe(false);
    expect(tagNamesVersion("4.44", "4.44.1")).toBe(false);
  });
});

describe("the catalogue's charts", () => {
  it.each(charts)("%s: gitRef, valuesUrl and values-template images agree with the version", (key, ref) => {
    expect(chartEntryProblems(key, ref)).toEqual([]);
  });

  it.each(charts)("%s: a bump of `version` alone fails, naming what else to change", (key, ref) => {
    const bumped = { ...ref, version: nextPatch(ref.version) };
    const problems = chartEntryProblems(key, bumped);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join("\n")).toMatch(
      ref.gitRef === undefined ? /valuesUrl is at tag ".*"; point it at the upstream values file of/ : /gitRef ".*" names another release/,
    );
    expect(problems.every((p) => p.startsWith(`CHARTS.${key} (${ref.chart} ${bumped.version})`))).toBe(true);
  });

  it("a values-template image left at the old version is named", () => {
    const ref: ChartRef = CHARTS.envoyGateway;
    const version = nextPatch(ref.version);
    const moved = { ...ref, version, valuesUrl: ref.valuesUrl.replace(ref.version, version) };
    expect(chartEntryProblems("envoyGateway", moved)).toEqual([
      `CHARTS.envoyGateway (gateway-helm ${version}): valuesTemplate.GatewayImage docker.io/envoyproxy/gateway:${ref.version} is not the image of ${version}; set its tag to ${version}`,
    ]);
  });
});

describe("the values files' headers", () => {
  it("every values file names a catalogue chart in its header", () => {
    expect(valuesFiles.length).toBeGreaterThan(10);
    for (const { file, text } of valuesFiles) expect(byChart.has(headerChart(text) ?? ""), file).toBe(true);
  });

  it.each(valuesFiles.map((v) => [v.file, v.text]))("%s: its header names the pinned version and valuesUrl", (file, text) => {
    const ref = byChart.get(headerChart(text) ?? "");
    if (!ref) throw new Error(`${file}: no catalogue chart in its header`);
    expect(valuesHeaderProblems(file, text, ref)).toEqual([]);
  });

  it("a catalogue bump that left the header behind fails, naming both lines", () => {
    const { file, text } = valuesFiles[0];
    const ref = byChart.get(headerChart(text) ?? "");
    if (!ref) throw new Error(`${file}: no catalogue chart in its header`);
    const version = nextPatch(ref.version);
    const bumped = { ...ref, version, valuesUrl: ref.valuesUrl.replace(ref.gitRef ?? ref.version, nextPatch(ref.gitRef ?? ref.version)) };
    const problems = valuesHeaderProblems(file, text, bumped);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(`chart ${ref.chart} ${version}`);
    expect(problems[1]).toContain(bumped.valuesUrl);
  });
});

describe("EKS_VERSIONS", () => {
  it("holds consecutive minors, so every stack can upgrade one minor at a time to the newest", () => {
    expect(Object.keys(EKS_VERSIONS).length).toBeGreaterThan(1);
    expect(eksVersionGaps(Object.keys(EKS_VERSIONS))).toEqual([]);
  });

  it("a gap is named", () => {
    expect(eksVersionGaps(["1.34", "1.36"])).toEqual(["EKS_VERSIONS jumps from 1.34 to 1.36; EKS upgrades one minor at a time, so add the ones between"]);
    expect(eksVersionGaps(["1.35", "1.34", "1.36"])).toEqual([]);
  });
});
