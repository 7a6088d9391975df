/**
 * Builds Kueue's controller once per recipe into the real-server tests' cache (cacheRoot(), beside the control
 * plane's binaries) and finds the module's source in Go's module cache, where its CRDs and webhook manifests are
 * read at start. A warm cache costs one `go mod download -json`; a cold one a Go build of a few minutes.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CHARTS } from "../../domain/versions";
import { runTool } from "../cli/run-tool";
import { cacheRoot, cachedRecipe, promoteBuild, stagingDir } from "./binaries";
import { KUEUE_BINARY, KUEUE_MODULE, kueueRecipe, type KueueModuleInfo } from "./kueue-recipe";

export interface KueueBuild {
  readonly version: string;
  readonly binary: string;
  /** The module's source tree (read-only, in Go's module cache): CRDs and webhook manifests. */
  readonly moduleDir: string;
  /** Seconds spent building; 0 when the cache was warm. */
  readonly buildSeconds: number;
}

const run = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string =>
  runTool("go", args, { cwd, env, whenMissing: "the real-server tests need Go on the PATH to build Kueue" });

interface ModuleDownload {
  readonly Dir?: string;
  readonly Sum?: string;
  readonly Origin?: { readonly Hash?: string };
  readonly Error?: string;
}

function downloadModule(version: string, cwd: string): { info: KueueModuleInfo; dir: string } {
  const download = JSON.parse(run(["mod", "download", "-json", `${KUEUE_MODULE}@${version}`], cwd)) as ModuleDownload;
  if (!download.Dir) throw new Error(`go mod download ${KUEUE_MODULE}@${version}: ${download.Error ?? "no source directory"}`);
  return { info: { version, commit: download.Origin?.Hash, sum: download.Sum }, dir: download.Dir };
}

export function ensureKueueBinary(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  version: string = CHARTS.kueue.gitRef,
): KueueBuild {
  const root = join(cacheRoot(), `kueue-${version}`);
  const bin = join(root, "bin");
  const binary = join(bin, KUEUE_BINARY);
  mkdirSync(root, { recursive: true });
  const { info, dir } = downloadModule(version, root);
  const recipe = kueueRecipe(info);
  // The module's hash is part of the recipe: a re-tagged release would rebuild.
  const { stamp, warm } = cachedRecipe(root, recipe, [binary]);
  if (warm) return { version, binary, moduleDir: dir, buildSeconds: 0 };
  log(`Building Kueue ${version} (${KUEUE_MODULE}) into ${root} (once per version)`);
  const started = Date.now();
  const staged = stagingDir(root);
  // Run from the cache directory, outside any module: `go install pkg@version` then uses the release's go.mod alone.
  run([...recipe.goArgs], root, { ...recipe.env, GOBIN: staged });
  promoteBuild(root, staged, stamp);
  const buildSeconds = (Date.now() - started) / 1000;
  log(`Built Kueue in ${buildSeconds.toFixed(0)} s`);
  return { version, binary, moduleDir: dir, buildSeconds };
}
