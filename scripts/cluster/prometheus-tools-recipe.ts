/**
 * How the alert tests build promtool and amtool (pure, so the recipe is unit-tested and its hash keys the cache).
 *
 * Prometheus 3.x publishes its Go module as v0.3MM.P for release v3.MM.P, and its go.mod carries a replace (and
 * excludes) that `go install …@version` refuses: a wrapper module requiring the release takes those directives
 * over, so promtool builds against the dependency graph the release itself was built with. Alertmanager's go.mod
 * has none: `go install` of amtool at the release tag.
 */

export const PROMETHEUS_MODULE = "github.com/prometheus/prometheus";
export const PROMTOOL_MAIN = `${PROMETHEUS_MODULE}/cmd/promtool`;
export const PROMTOOL_WRAPPER_MODULE = "mlops-platform.test/promtool";
export const ALERTMANAGER_MODULE = "github.com/prometheus/alertmanager";
export const AMTOOL_MAIN = `${ALERTMANAGER_MODULE}/cmd/amtool`;

const RELEASE = /^v(\d+)\.(\d+)\.(\d+)$/;

/** v3.14.0 → v0.314.0: the Go module version of a Prometheus 3.x release. */
export function prometheusModuleVersion(release: string): string {
  const match = RELEASE.exec(release);
  if (!match || match[1] !== "3") throw new Error(`not a Prometheus 3.x release: ${release}`);
  return `v0.3${match[2].padStart(2, "0")}.${match[3]}`;
}

/** Both tools print this with --version (a plain module build says 0.0.0 or "(devel)"). */
export const toolLdflags = (release: string): string => `-s -w -X github.com/prometheus/common/version.Version=${release.replace(/^v/, "")}`;

/** The `go` directive and the replace and exclude directives (single lines or blocks) of a go.mod, as text. */
export function carriedDirectives(goMod: string): { go: string; directives: string[] } {
  const go = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(goMod);
  if (!go) throw new Error("the Prometheus go.mod has no go directive");
  const directives: string[] = [];
  const lines = goMod.split("\n");
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at].replace(/\/\/.*$/, "").trim();
    const keyword = /^(replace|exclude)\b\s*(.*)$/.exec(line);
    if (!keyword) continue;
    if (keyword[2] !== "(") {
      directives.push(`${keyword[1]} ${keyword[2]}`);
      continue;
    }
    for (at++; at < lines.length && lines[at].trim() !== ")"; at++) {
      const entry = lines[at].replace(/\/\/.*$/, "").trim();
      if (entry !== "") directives.push(`${keyword[1]} ${entry}`);
    }
  }
  // A replace by a directory exists only in Prometheus's own repository; the wrapper could not follow it.
  const local = directives.find((d) => /=>\s*\.{0,2}\//.test(d));
  if (local) throw new Error(`the Prometheus go.mod replaces a module by a directory (${local}): the promtool recipe no longer fits this release`);
  return { go: go[1], directives };
}

export function promtoolGoMod(release: string, prometheusGoMod: string): string {
  const { go, directives } = carriedDirectives(prometheusGoMod);
  return [
    `module ${PROMTOOL_WRAPPER_MODULE}`,
    "",
    `go ${go}`,
    "",
    `require ${PROMETHEUS_MODULE} ${prometheusModuleVersion(release)}`,
    "",
    ...directives,
    "",
  ].join("\n");
}

/** Keeps `go mod tidy` from dropping promtool's dependencies; never compiled into anything. */
export const PROMTOOL_TOOLS_FILE = ["//go:build tools", "", "package tools", "", `import _ "${PROMTOOL_MAIN}"`, ""].join("\n");

/** The wrapper module's files and the build flags; their hash keys the cache. */
export function promtoolModuleFiles(release: string, prometheusGoMod: string): Record<string, string> {
  return { "go.mod": promtoolGoMod(release, prometheusGoMod), "tools.go": PROMTOOL_TOOLS_FILE, ldflags: toolLdflags(release) };
}

/** `go install` of amtool at the release, run outside any module (GOBIN picks where it lands). */
export function amtoolGoArgs(release: string): string[] {
  if (!RELEASE.test(release)) throw new Error(`not an Alertmanager release: ${release}`);
  return ["install", "-trimpath", "-ldflags", toolLdflags(release), `${AMTOOL_MAIN}@${release}`];
}
