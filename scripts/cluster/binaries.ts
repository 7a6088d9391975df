/**
 * Builds the test control plane's binaries once per recipe and keeps them in a cache outside the repository:
 * $MLOPS_TEST_CACHE, else $XDG_CACHE_HOME/mlops-platform, else ~/.cache/mlops-platform. A warm cache costs a
 * hash check; a cold one a Go build (about 12 CPU-minutes, 2 GB of memory). Needs Go (1.25 or newer) and the
 * Go module proxy.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { TEST_CONTROL_PLANE } from "../../domain/versions";
import { runTool } from "../cli/run-tool";
import { BINARIES, type BinaryName, controlPlaneGoMod, ETCD_MAIN, toolsFile, versionLdflags, type ControlPlaneVersions } from "./go-module";

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MLOPS_TEST_CACHE) return env.MLOPS_TEST_CACHE;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "mlops-platform");
}

/** The real-server tests' Go steps: a missing Go says what it is needed for. */
const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string =>
  runTool(command, args, { cwd, env, whenMissing: "the real-server tests need Go on the PATH" });

/** The k8s.io/kubernetes go.mod, from the module proxy (or Go's module cache). */
function kubernetesGoMod(versions: ControlPlaneVersions, scratch: string): string {
  const info = JSON.parse(run("go", ["mod", "download", "-json", `k8s.io/kubernetes@${versions.kubernetes}`], scratch)) as { GoMod?: string; Error?: string };
  if (!info.GoMod) throw new Error(`go mod download k8s.io/kubernetes@${versions.kubernetes}: ${info.Error ?? "no go.mod"}`);
  return readFileSync(info.GoMod, "utf8");
}

/** The hash of what a cached build was made from, and whether the cache under `root` still holds that build. */
export function cachedRecipe(root: string, recipe: unknown, binaries: readonly string[]): { stamp: string; warm: boolean } {
  const stamp = createHash("sha256").update(JSON.stringify(recipe)).digest("hex");
  const stampFile = join(root, "recipe.sha256");
  return { stamp, warm: existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp && binaries.every((path) => existsSync(path)) };
}

/** Writes a generated Go module's files into `work`, emptied first. */
export function writeModuleFiles(work: string, files: Readonly<Record<string, string>>): void {
  rmSync(work, { recursive: true, force: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(work, file, ".."), { recursive: true });
    writeFileSync(join(work, file), text);
  }
}

/** A fresh, empty folder beside `bin` to build into: `bin` changes only once a whole build succeeded. */
export function stagingDir(root: string): string {
  const staged = join(root, "bin.new");
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(staged);
  return staged;
}

/** Moves a finished build into `root`/bin and records the recipe that made it. */
export function promoteBuild(root: string, staged: string, stamp: string): void {
  const bin = join(root, "bin");
  rmSync(bin, { recursive: true, force: true });
  renameSync(staged, bin);
  writeFileSync(join(root, "recipe.sha256"), stamp);
}

export interface ControlPlaneBinaries {
  readonly dir: string;
  readonly paths: Readonly<Record<BinaryName, string>>;
  /** Seconds spent building; 0 when the cache was warm. */
  readonly buildSeconds: number;
}

/** The files of the generated module; their hash keys the cache, so a changed recipe rebuilds. */
function moduleFiles(versions: ControlPlaneVersions, goMod: string): Record<string, string> {
  return { "go.mod": controlPlaneGoMod(versions, goMod), "etcd/main.go": ETCD_MAIN, "tools.go": toolsFile(), ldflags: versionLdflags(versions.kubernetes) };
}

export function ensureControlPlaneBinaries(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  versions = TEST_CONTROL_PLANE,
): ControlPlaneBinaries {
  const root = join(cacheRoot(), `control-plane-${versions.kubernetes}-etcd-${versions.etcd}`);
  const bin = join(root, "bin");
  const paths = Object.fromEntries(Object.keys(BINARIES).map((name) => [name, join(bin, name)])) as Record<BinaryName, string>;
  mkdirSync(root, { recursive: true });
  const files = moduleFiles(versions, kubernetesGoMod(versions, root));
  const { stamp, warm } = cachedRecipe(root, files, Object.values(paths));
  if (warm) return { dir: bin, paths, buildSeconds: 0 };
  log(`Building kube-apiserver, kube-controller-manager ${versions.kubernetes} and etcd ${versions.etcd} from Go modules into ${root} (once per version)`);
  const started = Date.now();
  const work = join(root, "module");
  writeModuleFiles(work, files);
  const goEnv = { CGO_ENABLED: "0" };
  run("go", ["mod", "tidy"], work, goEnv);
  const staged = stagingDir(root);
  run("go", ["build", "-trimpath", "-ldflags", files.ldflags, "-o", `${staged}/`, ...Object.values(BINARIES)], work, goEnv);
  promoteBuild(root, staged, stamp);
  const buildSeconds = (Date.now() - started) / 1000;
  log(`Built in ${buildSeconds.toFixed(0)} s`);
  return { dir: bin, paths, buildSeconds };
}
