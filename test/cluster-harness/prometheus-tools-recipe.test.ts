/** The promtool and amtool build recipes (pure): the releases the monitoring chart runs, their module versions and go.mod. */
import { describe, expect, it } from "vitest";
import { CHARTS, PROMETHEUS_TOOLS } from "../../domain/versions";
import {
  amtoolGoArgs,
  carriedDirectives,
  prometheusModuleVersion,
  promtoolGoMod,
  promtoolModuleFiles,
  toolLdflags,
} from "../../scripts/cluster/prometheus-tools-recipe";

const PROMETHEUS_GO_MOD = `module github.com/prometheus/prometheus

go 1.25.8

require (
\tgithub.com/linode/linodego v1.69.1 // indirect
)

// Exclude linodego v1.0.0 as it is no longer published on github.
exclude github.com/linode/linodego v1.0.0

exclude (
\tgithub.com/grpc-ecosystem/grpc-gateway v1.14.7 // breaking changes
\tgoogle.golang.org/api v0.30.0
)

replace cloud.google.com/go => cloud.google.com/go v0.123.0
`;

describe("the promtool and amtool recipes", () => {
  it("build the releases of the catalogue's kube-prometheus-stack: a chart bump must look up its releases anew", () => {
    expect(PROMETHEUS_TOOLS.chart).toBe(CHARTS.kubePrometheusStack.version);
    for (const release of [PROMETHEUS_TOOLS.prometheus, PROMETHEUS_TOOLS.alertmanager]) expect(release).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  it("name a Prometheus 3.x release by its Go module version", () => {
    expect(prometheusModuleVersion("v3.14.0")).toBe("v0.314.0");
    expect(prometheusModuleVersion("v3.5.2")).toBe("v0.305.2");
    expect(() => prometheusModuleVersion("v2.53.0")).toThrow(/not a Prometheus 3.x release: v2.53.0/);
    expect(() => prometheusModuleVersion("3.14.0")).toThrow(/not a Prometheus 3.x release/);
  });

  it("carry the release's go directive, excludes and replaces (single lines and blocks, comments dropped) into the wrapper", () => {
    expect(carriedDirectives(PROMETHEUS_GO_MOD)).toEqual({
      go: "1.25.8",
      directives: [
        "exclude github.com/linode/linodego v1.0.0",
        "exclude github.com/grpc-ecosystem/grpc-gateway v1.14.7",
        "exclude google.golang.org/api v0.30.0",
        "replace cloud.google.com/go => cloud.google.com/go v0.123.0",
      ],
    });
    expect(promtoolGoMod("v3.14.0", PROMETHEUS_GO_MOD)).toBe(
      [
        "module mlops-platform.test/promtool",
        "",
        "go 1.25.8",
        "",
        "require github.com/prometheus/prometheus v0.314.0",
        "",
        "exclude github.com/linode/linodego v1.0.0",
        "exclude github.com/grpc-ecosystem/grpc-gateway v1.14.7",
        "exclude google.golang.org/api v0.30.0",
        "replace cloud.google.com/go => cloud.google.com/go v0.123.0",
        "",
      ].join("\n"),
    );
  });

  it("refuse a release whose go.mod replaces a module by a directory, or has no go directive", () => {
    expect(() => carriedDirectives(`${PROMETHEUS_GO_MOD}\nreplace example.com/x => ./x\n`)).toThrow(/replaces a module by a directory/);
    expect(() => carriedDirectives("module m\n")).toThrow(/no go directive/);
  });

  it("stamp the release into both tools, and hash the whole recipe", () => {
    expect(toolLdflags("v3.14.0")).toBe("-s -w -X github.com/prometheus/common/version.Version=3.14.0");
    expect(Object.keys(promtoolModuleFiles("v3.14.0", PROMETHEUS_GO_MOD)).sort()).toEqual(["go.mod", "ldflags", "tools.go"]);
    expect(promtoolModuleFiles("v3.14.0", PROMETHEUS_GO_MOD)["tools.go"]).toContain('import _ "github.com/prometheus/prometheus/cmd/promtool"');
    expect(amtoolGoArgs("v0.34.0")).toEqual([
      "install",
      "-trimpath",
      "-ldflags",
      "-s -w -X github.com/prometheus/common/version.Version=0.34.0",
      "github.com/prometheus/alertmanager/cmd/amtool@v0.34.0",
    ]);
    expect(() => amtoolGoArgs("latest")).toThrow(/not an Alertmanager release/);
  });
});
