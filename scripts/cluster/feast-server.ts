/**
 * A real Feast registry server for the per-team permission test: the Feast release of the operator's feature server
 * image (IMAGES.feastFeatureServer), from PyPI into a virtualenv cached outside the repository
 * (cacheRoot()/feast-<version>; about 400 MB and 2 minutes once), run on 127.0.0.1 with a SQL registry (SQLite here,
 * Postgres in the cluster) and the `oidc` authentication the platform's FeatureStores get. Its TokenReview calls go
 * to the test's API server: Feast loads the in-cluster config, which a test has no file for, so the wrapper points
 * the Kubernetes client at a kubeconfig instead (the only change to Feast's path). Beside it: a tiny HTTPS issuer
 * that publishes a discovery document with the endpoints Feast asks for, and the permissions script the platform's
 * Job runs, run against the same registry with the same inputs. Clients are Feast's own SDK (feast-client.py).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IMAGES } from "../../domain/versions";
import { FEAST_PERMISSIONS_SCRIPT_FILE, type FeastPermissionsInput } from "../../charts/services/feast-permissions";
import { runTool } from "../cli/run-tool";
import { cacheRoot } from "./binaries";
import { freePort } from "./control-plane";
import type { KubeConnection } from "./kube-client";
import { startOidcIssuer, type RunningIssuer } from "./oidc-issuer";

export const FEAST_VERSION = IMAGES.feastFeatureServer.tag;
const CLIENT_SCRIPT = join(__dirname, "feast-client.py");

export interface FeastVenv {
  readonly python: string;
  /** Seconds spent installing; 0 when the cache was warm. */
  readonly installSeconds: number;
}

/**
 * grpcio: the registry server and the remote-registry client; k8s: TokenReview; redis: the online store type ours use.
 * pyjwt[crypto]: Feast's own dependencies leave out `cryptography`, without which PyJWT cannot check an RS256 ID token
 * ("RS256 requires 'cryptography' to be installed"); the feature server image has it through feast[minimal]
 * (sdk/python/feast/infra/feature_servers/multicloud/requirements.txt: its snowflake extra's connector requires it).
 */
export function ensureFeastVenv(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): FeastVenv {
  const root = join(cacheRoot(), `feast-${FEAST_VERSION}`);
  const python = join(root, "bin", "python");
  const stamp = join(root, "installed");
  const requirements = [`feast[grpcio,k8s,redis]==${FEAST_VERSION}`, "pyjwt[crypto]"];
  const requirement = requirements.join(" ");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === requirement && existsSync(python)) return { python, installSeconds: 0 };
  log(`Installing ${requirement} from PyPI into ${root} (once per version)`);
  const started = Date.now();
  const interpreter = process.env.MLOPS_TEST_PYTHON ?? "python3.11";
  mkdirSync(root, { recursive: true });
  runTool(interpreter, ["-m", "venv", root], { whenMissing: "the Feast test needs Python 3.10+ (set MLOPS_TEST_PYTHON to another interpreter)" });
  runTool(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...requirements]);
  writeFileSync(stamp, requirement);
  return { python, installSeconds: (Date.now() - started) / 1000 };
}

/** The issuer Feast trusts: served on 127.0.0.1 with a throw-away CA, naming its own address (oidc-issuer.ts). */
export type FeastIssuer = RunningIssuer;
export const startFeastIssuer = (): Promise<FeastIssuer> => startOidcIssuer();

/** A kubeconfig holding the connection's certificates inline. */
function kubeconfig(connection: KubeConnection): string {
  const b64 = (pem: string) => Buffer.from(pem).toString("base64");
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "test", cluster: { server: connection.server, "certificate-authority-data": b64(connection.ca) } }],
    users: [{ name: "feast", user: { "client-certificate-data": b64(connection.cert), "client-key-data": b64(connection.key) } }],
    contexts: [{ name: "test", context: { cluster: "test", user: "feast" } }],
    "current-context": "test",
  });
}

export interface RunningRegistry {
  /** host:port of the gRPC registry. */
  readonly address: string;
  /** The registry's parameters as the data-store Secret's `sql` key holds them (the permissions Job's input). */
  readonly sqlConfigFile: string;
  readonly logs: () => string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  readonly project: string;
  readonly issuer: FeastIssuer;
  /** The `aud` people's tokens must carry (the platform: the kubectl client id). */
  readonly audience: string;
  /** Where TokenReview goes, and as whom (in the cluster: the store's ServiceAccount with tokenreviews/create). */
  readonly kube: KubeConnection;
}

/**
 * `feast serve_registry` (gRPC) with the feature_store.yaml the operator writes for an `oidc` FeatureStore: a SQL
 * registry and auth {type: oidc, auth_discovery_url, audience, issuer} (repo_config.go getBaseServiceRepoConfig).
 */
export async function startFeastRegistry(venv: FeastVenv, options: RegistryOptions): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "feast-registry-"));
  const port = await freePort();
  const sqlConfigFile = join(dir, "sql.yaml");
  writeFileSync(sqlConfigFile, `path: sqlite:///${join(dir, "registry.db")}\ncache_ttl_seconds: 60\n`);
  writeFileSync(join(dir, "kubeconfig"), kubeconfig(options.kube));
  writeFileSync(
    join(dir, "feature_store.yaml"),
    [
      `project: ${options.project}`,
      "provider: local",
      "registry:",
      "  registry_type: sql",
      `  path: sqlite:///${join(dir, "registry.db")}`,
      "  cache_ttl_seconds: 0",
      "online_store:",
      "  type: redis",
      '  connection_string: "127.0.0.1:1"',
      "auth:",
      "  type: oidc",
      `  auth_discovery_url: ${options.issuer.discoveryUrl}`,
      `  ca_cert_path: ${options.issuer.caCertFile}`,
      `  audience: ${JSON.stringify(options.audience)}`,
      `  issuer: ${JSON.stringify(options.issuer.issuer)}`,
      "entity_key_serialization_version: 3",
      "",
    ].join("\n"),
  );
  // Feast's TokenReview client loads the in-cluster config (oidc_token_parser.py); here: the test's kubeconfig.
  const wrapper = [
    "import os, sys",
    "from kubernetes import config",
    "config.load_incluster_config = lambda: config.load_kube_config(config_file=os.environ['FEAST_TEST_KUBECONFIG'])",
    "from feast.cli.cli import cli",
    "sys.exit(cli())",
  ].join("\n");
  const logs = join(dir, "server.log");
  const out = openSync(logs, "a");
  const child = spawn(venv.python, ["-c", wrapper, "--chdir", dir, "serve_registry", "--port", String(port), "--grpc"], {
    stdio: ["ignore", out, out],
    detached: true,
    env: { ...process.env, FEAST_TEST_KUBECONFIG: join(dir, "kubeconfig"), REQUESTS_CA_BUNDLE: options.issuer.caCertFile, FEAST_USAGE: "False" },
  });
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid, "SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const listening = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
  const started = Date.now();
  while (Date.now() - started < 120_000) {
    if (child.exitCode !== null) {
      const text = readFileSync(logs, "utf8");
      await stop();
      throw new Error(`feast serve_registry exited with ${child.exitCode}:\n${text.slice(-4000)}`);
    }
    if (await listening()) return { address: `127.0.0.1:${port}`, sqlConfigFile, logs: () => readFileSync(logs, "utf8"), stop };
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error("timed out after 120 s waiting for feast serve_registry");
}

export interface ScriptRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The Job's script (charts/services/feast-permissions.py, unchanged) with the Job's inputs as files. */
export function runFeastPermissions(venv: FeastVenv, registry: RunningRegistry, input: FeastPermissionsInput): ScriptRun {
  const dir = mkdtempSync(join(tmpdir(), "feast-permissions-"));
  try {
    writeFileSync(join(dir, "input.json"), JSON.stringify(input));
    const result = spawnSync(venv.python, [FEAST_PERMISSIONS_SCRIPT_FILE], {
      encoding: "utf8",
      env: { ...process.env, FEAST_PERMISSIONS_INPUT: join(dir, "input.json"), FEAST_REGISTRY_CONFIG: registry.sqlConfigFile, FEAST_USAGE: "False" },
    });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type ClientAction = "list-entities" | "apply-entity" | "apply-permission" | "list-permissions" | "delete-project";
export interface ClientResult {
  readonly ok: boolean;
  readonly names?: string[];
  readonly error?: string;
}

/**
 * Feast's SDK against the remote registry as a client of the team's project would call it, with `token` (auth oidc).
 * Asynchronous: the issuer answering the server's discovery and JWKS requests runs in this process's event loop.
 */
export async function feastClient(
  venv: FeastVenv,
  registry: RunningRegistry,
  project: string,
  token: string,
  action: ClientAction,
  name = "driver",
): Promise<ClientResult> {
  const child = spawn(venv.python, [CLIENT_SCRIPT], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      FEAST_REGISTRY: registry.address,
      FEAST_PROJECT: project,
      FEAST_TOKEN: token,
      FEAST_ACTION: action,
      FEAST_NAME: name,
      FEAST_USAGE: "False",
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.once("close", resolve));
  const line = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as ClientResult;
  } catch {
    throw new Error(`feast-client.py printed no result (exit ${status}):\n${stdout}\n${stderr.slice(-3000)}`);
  }
}
