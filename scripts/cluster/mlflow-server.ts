/**
 * A real MLflow server for the team-users test: the MLflow release the platform's image pins, from PyPI into a
 * virtualenv cached outside the repository (cacheRoot()/mlflow-<version>; about 900 MB and 2 minutes once), run on
 * 127.0.0.1 with SQLite stores and the auth config and server flags the platform generates; and the reconcile
 * script the platform's Job runs, run against it with the same inputs the Job gets as files.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IMAGES } from "../../domain/versions";
import { basicAuthConfig, MLFLOW_SERVER_FLAGS } from "../../charts/services/mlflow";
import { MLFLOW_TEAMS_SCRIPT_FILE, type MlflowTeamsInput } from "../../charts/services/mlflow-teams";
import { runTool } from "../cli/run-tool";
import { cacheRoot } from "./binaries";
import { freePort } from "./control-plane";

/** The image tag v3.17.2-full names the PyPI release 3.17.2. */
export const MLFLOW_VERSION = IMAGES.mlflow.tag.replace(/^v/, "").replace(/-full$/, "");

export interface MlflowVenv {
  readonly python: string;
  readonly mlflow: string;
  /** Seconds spent installing; 0 when the cache was warm. */
  readonly installSeconds: number;
}

/** mlflow[auth] (basic auth needs Flask-WTF) into the cached virtualenv; python3.11 unless MLOPS_TEST_PYTHON says otherwise. */
export function ensureMlflowVenv(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): MlflowVenv {
  const root = join(cacheRoot(), `mlflow-${MLFLOW_VERSION}`);
  const venv = { python: join(root, "bin", "python"), mlflow: join(root, "bin", "mlflow") };
  const stamp = join(root, "installed");
  const requirement = `mlflow[auth]==${MLFLOW_VERSION}`;
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === requirement && existsSync(venv.mlflow)) return { ...venv, installSeconds: 0 };
  log(`Installing ${requirement} from PyPI into ${root} (once per version)`);
  const started = Date.now();
  const python = process.env.MLOPS_TEST_PYTHON ?? "python3.11";
  mkdirSync(root, { recursive: true });
  runTool(python, ["-m", "venv", root], { whenMissing: "the MLflow test needs Python 3.10+ (set MLOPS_TEST_PYTHON to another interpreter)" });
  runTool(venv.python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirement]);
  writeFileSync(stamp, requirement);
  return { ...venv, installSeconds: (Date.now() - started) / 1000 };
}

export interface RunningMlflow {
  readonly url: string;
  readonly startSeconds: number;
  stop(): Promise<void>;
}

/** `mlflow server` with the platform's flags and auth config; the admin is `admin` with `adminPassword`. */
export async function startMlflow(venv: MlflowVenv, adminPassword: string): Promise<RunningMlflow> {
  const dir = mkdtempSync(join(tmpdir(), "mlflow-"));
  const config = join(dir, "basic_auth.ini");
  writeFileSync(config, basicAuthConfig(`sqlite:///${join(dir, "auth.db")}`, adminPassword));
  const port = await freePort();
  const logs = join(dir, "server.log");
  const out = openSync(logs, "a");
  const args = ["server", "--host=127.0.0.1", `--port=${port}`, "--workers=1", `--backend-store-uri=sqlite:///${join(dir, "mlflow.db")}`];
  // Its own process group: the server forks workers, and stop() ends them all.
  const child = spawn(venv.mlflow, [...args, `--artifacts-destination=${join(dir, "artifacts")}`, ...MLFLOW_SERVER_FLAGS], {
    stdio: ["ignore", out, out],
    detached: true,
    env: { ...process.env, MLFLOW_AUTH_CONFIG_PATH: config, MLFLOW_FLASK_SERVER_SECRET_KEY: "test-only", MLFLOW_DISABLE_TELEMETRY: "true" },
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid, "SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const started = Date.now();
  while (Date.now() - started < 240_000) {
    if (child.exitCode !== null) {
      const text = readFileSync(logs, "utf8");
      await stop();
      throw new Error(`mlflow server exited with ${child.exitCode}:\n${text.slice(-4000)}`);
    }
    const ready = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, startSeconds: (Date.now() - started) / 1000, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error("timed out after 240 s waiting for mlflow server");
}

export interface ReconcileRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The Job's script (charts/services/mlflow-teams.py, unchanged) with the Job's inputs as files: the admin's
 * credentials, the input JSON and one password file per team.
 */
export function runReconcile(venv: MlflowVenv, url: string, admin: string, input: MlflowTeamsInput, passwords: Readonly<Record<string, string>>): ReconcileRun {
  const dir = mkdtempSync(join(tmpdir(), "mlflow-teams-"));
  try {
    const [adminDir, passwordDir] = [join(dir, "admin"), join(dir, "passwords")];
    mkdirSync(adminDir);
    mkdirSync(passwordDir);
    writeFileSync(join(adminDir, "admin-username"), "admin");
    writeFileSync(join(adminDir, "admin-password"), admin);
    for (const [team, password] of Object.entries(passwords)) writeFileSync(join(passwordDir, team), password);
    writeFileSync(join(dir, "input.json"), JSON.stringify(input));
    const result = spawnSync(venv.python, [MLFLOW_TEAMS_SCRIPT_FILE], {
      encoding: "utf8",
      env: {
        ...process.env,
        MLFLOW_URL: url,
        MLFLOW_ADMIN_DIR: adminDir,
        MLFLOW_TEAMS_INPUT: join(dir, "input.json"),
        MLFLOW_TEAM_PASSWORDS_DIR: passwordDir,
        MLFLOW_WAIT_SECONDS: "20",
      },
    });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
