/**
 * Builds promtool and amtool (the releases kube-prometheus-stack runs: PROMETHEUS_TOOLS) once per recipe into the
 * real-server tests' cache, beside the control plane's binaries. A warm cache costs one `go mod download -json`
 * and a hash check; a cold one a Go build: promtool about 7 minutes on two cores (3 GB of memory at its peak),
 * amtool about 2.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROMETHEUS_TOOLS } from "../../domain/versions";
import { runTool } from "../cli/run-tool";
import { cacheRoot, cachedRecipe, promoteBuild, stagingDir, writeModuleFiles } from "./binaries";
import { amtoolGoArgs, PROMETHEUS_MODULE, PROMTOOL_MAIN, prometheusModuleVersion, promtoolModuleFiles } from "./prometheus-tools-recipe";

export interface ToolBuild {
  readonly release: string;
  readonly binary: string;
  /** Seconds spent building; 0 when the cache was warm. */
  readonly buildSeconds: number;
}

const ENV = { CGO_ENABLED: "0" };
const go = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string =>
  runTool("go", args, { cwd, env: { ...ENV, ...env }, whenMissing: "the alert tests need Go on the PATH to build promtool and amtool" });

type Log = (line: string) => void;
const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);

/** The release's go.mod, from the module proxy (or Go's module cache): its replace and exclude directives are carried over. */
function prometheusGoMod(release: string, cwd: string): string {
  const version = prometheusModuleVersion(release);
  const info = JSON.parse(go(["mod", "download", "-json", `${PROMETHEUS_MODULE}@${version}`], cwd)) as { GoMod?: string; Error?: string };
  if (!info.GoMod) throw new Error(`go mod download ${PROMETHEUS_MODULE}@${version}: ${info.Error ?? "no go.mod"}`);
  return readFileSync(info.GoMod, "utf8");
}

function build(name: string, root: string, recipe: unknown, make: (staged: string) => void, log: Log, release: string): ToolBuild {
  const binary = join(root, "bin", name);
  const { stamp, warm } = cachedRecipe(root, recipe, [binary]);
  if (warm) return { release, binary, buildSeconds: 0 };
  log(`Building ${name} ${release} from Go modules into ${root} (once per release)`);
  const started = Date.now();
  const staged = stagingDir(root);
  make(staged);
  promoteBuild(root, staged, stamp);
  const buildSeconds = (Date.now() - started) / 1000;
  log(`Built ${name} in ${buildSeconds.toFixed(0)} s`);
  return { release, binary, buildSeconds };
}

export function ensurePromtool(log: Log = stderrLog, release: string = PROMETHEUS_TOOLS.prometheus): ToolBuild {
  const root = join(cacheRoot(), `promtool-${release}`);
  mkdirSync(root, { recursive: true });
  const files = promtoolModuleFiles(release, prometheusGoMod(release, root));
  return build(
    "promtool",
    root,
    files,
    (staged) => {
      const work = join(root, "module");
      writeModuleFiles(work, files);
      go(["mod", "tidy"], work);
      go(["build", "-trimpath", "-ldflags", files.ldflags, "-o", join(staged, "promtool"), PROMTOOL_MAIN], work);
    },
    log,
    release,
  );
}

export function ensureAmtool(log: Log = stderrLog, release: string = PROMETHEUS_TOOLS.alertmanager): ToolBuild {
  const root = join(cacheRoot(), `amtool-${release}`);
  mkdirSync(root, { recursive: true });
  const recipe = { goArgs: amtoolGoArgs(release), env: ENV };
  // Run from the cache directory, outside any module: `go install pkg@version` then uses the release's go.mod alone.
  return build("amtool", root, recipe, (staged) => go(recipe.goArgs, root, { GOBIN: staged }), log, release);
}
