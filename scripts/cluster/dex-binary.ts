/**
 * Builds Dex (the release charts/values/dex.yaml runs) and the bcrypt tool once per recipe into the real-server
 * tests' cache, and runs Dex on 127.0.0.1 with a given config. A warm cache costs a hash check; a cold one a Go
 * build of a few minutes.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadValuesFile } from "../../charts/values";
import { runTool } from "../cli/run-tool";
import { cacheRoot, cachedRecipe, promoteBuild, stagingDir, writeModuleFiles } from "./binaries";
import { freePort } from "./control-plane";
import { DEX_BINARIES, dexModuleFiles, type DexBinaryName } from "./dex-recipe";

export interface DexBuild {
  readonly release: string;
  readonly paths: Readonly<Record<DexBinaryName, string>>;
  /** Seconds spent building; 0 when the cache was warm. */
  readonly buildSeconds: number;
}

/** The image tag the chart runs (charts/values/dex.yaml): the tests build that release. */
export const dexRelease = (): string => (loadValuesFile("dex") as { image: { tag: string } }).image.tag;

const go = (args: string[], cwd: string): string =>
  runTool("go", args, { cwd, env: { CGO_ENABLED: "0" }, whenMissing: "the Dex real-server tests need Go on the PATH to build Dex" });

export function ensureDexBinaries(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`), release = dexRelease()): DexBuild {
  const root = join(cacheRoot(), `dex-${release}`);
  const bin = join(root, "bin");
  const paths = Object.fromEntries(Object.keys(DEX_BINARIES).map((name) => [name, join(bin, name)])) as Record<DexBinaryName, string>;
  const files = dexModuleFiles(release);
  const { stamp, warm } = cachedRecipe(root, files, Object.values(paths));
  if (warm) return { release, paths, buildSeconds: 0 };
  log(`Building Dex ${release} from Go modules into ${root} (once per release)`);
  const started = Date.now();
  const work = join(root, "module");
  writeModuleFiles(work, files);
  go(["mod", "tidy"], work);
  const staged = stagingDir(root);
  for (const [name, pkg] of Object.entries(DEX_BINARIES)) go(["build", "-trimpath", "-ldflags", files.ldflags, "-o", join(staged, name), pkg], work);
  promoteBuild(root, staged, stamp);
  const buildSeconds = (Date.now() - started) / 1000;
  log(`Built Dex in ${buildSeconds.toFixed(0)} s`);
  return { release, paths, buildSeconds };
}

/** A bcrypt hash of `password` at cost 10, from the Go tool built beside Dex. */
export function bcryptHash(build: DexBuild, password: string): string {
  const result = spawnSync(build.paths["dex-bcrypt"], [], { input: password, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`dex-bcrypt failed: ${result.stderr}`);
  return result.stdout;
}

export interface RunningDex {
  /** http://127.0.0.1:<port>: Dex serves the issuer's path (/dex) below it, whatever host the issuer names. */
  readonly url: string;
  readonly logs: string;
  stop(): Promise<void>;
}

/** Starts Dex with `configYaml` on free local ports and waits until it is ready. */
export async function startDex(build: DexBuild, configYaml: string, issuerPath: string): Promise<RunningDex> {
  const dir = mkdtempSync(join(tmpdir(), "dex-"));
  const config = join(dir, "config.yaml");
  writeFileSync(config, configYaml);
  const [http, telemetry] = [await freePort(), await freePort()];
  const logs = join(dir, "dex.log");
  const out = openSync(logs, "a");
  const child = spawn(build.paths.dex, ["serve", "--web-http-addr", `127.0.0.1:${http}`, "--telemetry-addr", `127.0.0.1:${telemetry}`, config], {
    stdio: ["ignore", out, out],
  });
  const url = `http://127.0.0.1:${http}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const text = readFileSync(logs, "utf8");
      await stop();
      throw new Error(`dex exited with ${child.exitCode}:\n${text}`);
    }
    const ready = await fetch(`${url}${issuerPath}/.well-known/openid-configuration`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, logs, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error("timed out after 30 s waiting for Dex");
}
