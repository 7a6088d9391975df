/**
 * MLflow's per-team users against a real MLflow server (the pinned release from PyPI, basic-auth app, the
 * platform's auth config and flags): the reconcile script the Job runs makes each team a user confined to its
 * own workspace, is a no-op the second time, resets a changed password, undoes grants made by hand, and deletes
 * the user of a team no longer listed. Needs no API server; runs here because it needs a real server process.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TeamConfig } from "../../config/teams";
import { MLFLOW_TEAM_ROLE, mlflowTeamsInput, sha256 } from "../../charts/services/mlflow-teams";
import { ensureMlflowVenv, MLFLOW_VERSION, runReconcile, startMlflow, type MlflowVenv, type RunningMlflow } from "../../scripts/cluster/mlflow-server";

const ADMIN = randomBytes(16).toString("hex");
const team = (name: string) => ({ name, services: ["mlflow"] }) as unknown as TeamConfig;
const password = () => randomBytes(16).toString("hex");
const PASSWORDS: Record<string, string> = { alpha: password(), beta: password() };

let venv: MlflowVenv;
let server: RunningMlflow;

/** One reconcile run over `teams` with `passwords`; fails the test on a non-zero exit. */
function reconcile(teams: string[], passwords: Record<string, string> = PASSWORDS): string[] {
  const digests = Object.fromEntries(teams.map((t) => [t, sha256(passwords[t])]));
  const input = mlflowTeamsInput(teams.map(team), digests);
  const run = runReconcile(venv, server.url, ADMIN, input, Object.fromEntries(teams.map((t) => [t, passwords[t]])));
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trim().split("\n");
}

type Call = { status: number; body: Record<string, any> };
/** A REST call as `user` (undefined: no credentials) in `workspace` (undefined: no workspace header). */
async function call(user: [string, string] | undefined, method: string, path: string, body?: unknown, workspace?: string): Promise<Call> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (user) headers.Authorization = `Basic ${Buffer.from(`${user[0]}:${user[1]}`).toString("base64")}`;
  if (workspace) headers["X-MLFLOW-WORKSPACE"] = workspace;
  const send = () => fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  // Once more when the server closed an idle kept-alive connection just as it was reused.
  const res = await send().catch(send);
  const text = await res.text();
  return { status: res.status, body: parseBody(text) };
}
/** A call with a plain-text body and response (the artifact proxy's uploads and downloads). */
async function raw(user: [string, string], method: string, path: string, body?: string, workspace?: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { Authorization: `Basic ${Buffer.from(`${user[0]}:${user[1]}`).toString("base64")}` };
  if (workspace) headers["X-MLFLOW-WORKSPACE"] = workspace;
  const res = await fetch(`${server.url}${path}`, { method, headers, body });
  return { status: res.status, text: await res.text() };
}
/** JSON bodies parsed; MLflow's plain-text refusals ("Permission denied") kept as `text`. */
function parseBody(text: string): Record<string, any> {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { text };
  }
}
const admin: [string, string] = ["admin", ADMIN];
const as = (name: string, pw = PASSWORDS[name]): [string, string] => [`team-${name}`, pw];
const createExperiment = (user: [string, string] | undefined, workspace: string | undefined, name: string) =>
  call(user, "POST", "/api/2.0/mlflow/experiments/create", { name }, workspace);

beforeAll(async () => {
  venv = ensureMlflowVenv();
  server = await startMlflow(venv, ADMIN);
  process.stderr.write(
    `MLflow ${MLFLOW_VERSION} up in ${server.startSeconds.toFixed(1)} s (virtualenv: ${venv.installSeconds > 0 ? `installed in ${venv.installSeconds.toFixed(0)} s` : "cached"})\n`,
  );
}, 900_000);
afterAll(async () => {
  await server?.stop();
});

describe("MLflow team users on a real server (the Job's reconcile script)", () => {
  const ids: Record<string, string> = {};

  it("the first run makes each team its workspace, the platform role and a user with the generated password", () => {
    const lines = reconcile(["alpha", "beta"]);
    for (const name of ["alpha", "beta"]) {
      expect(lines).toContain(`created workspace ${name}`);
      expect(lines).toContain(`created role ${MLFLOW_TEAM_ROLE} in workspace ${name}`);
      expect(lines).toContain(`created user team-${name}`);
    }
    expect(lines.at(-1)).toMatch(/^\d+ changes for 2 teams$/);
    // The server's first signed-in requests are slow (lazy imports, scrypt under load).
  }, 180_000);

  it("a team's user creates and reads experiments, runs and models in its workspace", async () => {
    for (const name of ["alpha", "beta"]) {
      const created = await createExperiment(as(name), name, `${name}-exp`);
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      ids[name] = created.body.experiment_id;
    }
    const run = await call(as("alpha"), "POST", "/api/2.0/mlflow/runs/create", { experiment_id: ids.alpha }, "alpha");
    expect(run.status).toBe(200);
    const runId = run.body.run.info.run_id;
    const metric = { run_id: runId, key: "auc", value: 0.9, timestamp: Date.now(), step: 0 };
    expect((await call(as("alpha"), "POST", "/api/2.0/mlflow/runs/log-metric", metric, "alpha")).status).toBe(200);
    const read = await call(as("alpha"), "GET", `/api/2.0/mlflow/runs/get?run_id=${runId}`, undefined, "alpha");
    expect(read.body.run.data.metrics[0]).toMatchObject({ key: "auc", value: 0.9 });
    expect((await call(as("alpha"), "POST", "/api/2.0/mlflow/registered-models/create", { name: "alpha-model" }, "alpha")).status).toBe(200);
    const search = await call(as("alpha"), "POST", "/api/2.0/mlflow/experiments/search", { max_results: 100 }, "alpha");
    expect(search.body.experiments.map((e: { name: string }) => e.name)).toEqual(["alpha-exp"]);
  });

  it("cannot read or write another team's workspace, nor the default one", async () => {
    expect((await createExperiment(as("alpha"), "beta", "intrusion")).status).toBe(403);
    expect((await createExperiment(as("alpha"), undefined, "no-workspace")).status).toBe(403);
    expect((await call(as("alpha"), "GET", `/api/2.0/mlflow/experiments/get?experiment_id=${ids.beta}`, undefined, "alpha")).status).toBe(403);
    expect((await call(as("alpha"), "GET", `/api/2.0/mlflow/experiments/get?experiment_id=${ids.beta}`, undefined, "beta")).status).toBe(403);
    const run = { experiment_id: ids.beta };
    expect((await call(as("alpha"), "POST", "/api/2.0/mlflow/runs/create", run, "beta")).status).toBe(403);
    const search = await call(as("alpha"), "POST", "/api/2.0/mlflow/experiments/search", { max_results: 100 }, "beta");
    expect(search.body.experiments ?? []).toEqual([]);
    const workspaces = await call(as("alpha"), "GET", "/api/3.0/mlflow/workspaces");
    expect(workspaces.body.workspaces.map((w: { name: string }) => w.name)).toEqual(["alpha"]);
    expect((await call(as("beta"), "GET", `/api/2.0/mlflow/registered-models/get?name=alpha-model`, undefined, "alpha")).status).toBe(403);
  });

  it("artifacts proxied through the server stay in the team's workspace: another team can neither read, list, write nor delete them", async () => {
    const run = await call(as("alpha"), "POST", "/api/2.0/mlflow/runs/create", { experiment_id: ids.alpha }, "alpha");
    const uri: string = run.body.run.info.artifact_uri;
    // Proxied artifacts live under the workspace (mlflow-artifacts:/workspaces/<workspace>/<experiment>/<run>/artifacts).
    expect(uri).toMatch(/^mlflow-artifacts:\/workspaces\/alpha\//);
    const file = `/api/2.0/mlflow-artifacts/artifacts/${uri.replace(/^mlflow-artifacts:\//, "")}/model.txt`;
    const upload = (user: [string, string], workspace?: string) => raw(user, "PUT", file, "weights", workspace);
    expect((await upload(as("alpha"), "alpha")).status).toBe(200);
    expect((await raw(as("alpha"), "GET", file, undefined, "alpha")).text).toBe("weights");
    for (const workspace of ["beta", "alpha", undefined]) {
      expect((await raw(as("beta"), "GET", file, undefined, workspace)).status, `read in ${workspace}`).toBe(403);
      expect((await upload(as("beta"), workspace)).status, `write in ${workspace}`).toBe(403);
      expect((await raw(as("beta"), "DELETE", file, undefined, workspace)).status, `delete in ${workspace}`).toBe(403);
      const listing = `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(uri.replace(/^mlflow-artifacts:\//, ""))}`;
      expect((await raw(as("beta"), "GET", listing, undefined, workspace)).status, `list in ${workspace}`).toBe(403);
    }
    expect((await raw(as("alpha"), "GET", file, undefined, "alpha")).text).toBe("weights");
  });

  it("refuses unknown users, wrong passwords and anonymous calls", async () => {
    expect((await createExperiment(["team-gamma", password()], "alpha", "x")).status).toBe(401);
    expect((await createExperiment(as("alpha", "wrong"), "alpha", "x")).status).toBe(401);
    expect((await createExperiment(undefined, "alpha", "x")).status).toBe(401);
  });

  it("a second run with the same input changes nothing", () => {
    expect(reconcile(["alpha", "beta"])).toEqual(["0 changes for 2 teams"]);
  });

  it("resets a password to the generated one, and undoes roles and admin rights granted by hand", async () => {
    const users = (await call(admin, "GET", "/api/2.0/mlflow/users/list")).body.users as { username: string; roles: { id: number; workspace: string }[] }[];
    const betaRole = users.find((u) => u.username === "team-beta")?.roles[0];
    expect(betaRole?.workspace).toBe("beta");
    expect((await call(admin, "POST", "/api/3.0/mlflow/roles/assign", { username: "team-alpha", role_id: betaRole?.id })).status).toBe(200);
    expect((await call(admin, "PATCH", "/api/2.0/mlflow/users/update-admin", { username: "team-alpha", is_admin: true })).status).toBe(200);
    const handMade = await createExperiment(as("alpha"), "beta", "now-allowed");
    expect(handMade.status).toBe(200);

    const rotated = { ...PASSWORDS, alpha: password() };
    const lines = reconcile(["alpha", "beta"], rotated);
    expect(lines).toEqual(
      expect.arrayContaining([
        "set the generated password of team-alpha",
        "removed admin from team-alpha",
        `unassigned role ${MLFLOW_TEAM_ROLE} in beta from team-alpha`,
      ]),
    );
    expect((await createExperiment(as("alpha"), "alpha", "old-password")).status).toBe(401);
    expect((await createExperiment(as("alpha", rotated.alpha), "beta", "again")).status).toBe(403);
    // Not even what it made there while the hand-made grant lasted (MLflow's creator grant went with it).
    const made = `/api/2.0/mlflow/experiments/get?experiment_id=${handMade.body.experiment_id}`;
    expect((await call(as("alpha", rotated.alpha), "GET", made, undefined, "beta")).status).toBe(403);
    expect((await createExperiment(as("alpha", rotated.alpha), "alpha", "new-password")).status).toBe(200);
    expect(reconcile(["alpha", "beta"], rotated)).toEqual(["0 changes for 2 teams"]);
    PASSWORDS.alpha = rotated.alpha;
  });

  it("deletes the user of a team no longer listed, keeps its data and users the platform does not own", async () => {
    expect((await call(admin, "POST", "/api/2.0/mlflow/users/create", { username: "alice", password: password() })).status).toBe(200);
    const lines = reconcile(["alpha"]);
    expect(lines).toEqual(expect.arrayContaining(["deleted user team-beta", `deleted role ${MLFLOW_TEAM_ROLE} in workspace beta`]));
    expect(lines.join("\n")).not.toContain("alice");
    expect((await createExperiment(as("beta"), "beta", "gone")).status).toBe(401);
    expect((await call(as("alpha"), "GET", "/api/2.0/mlflow/users/current")).status).toBe(200);
    expect((await call(admin, "GET", `/api/2.0/mlflow/experiments/get?experiment_id=${ids.beta}`, undefined, "beta")).body.experiment.name).toBe("beta-exp");
    const users = (await call(admin, "GET", "/api/2.0/mlflow/users/list")).body.users.map((u: { username: string }) => u.username);
    expect(users.sort()).toEqual(["admin", "alice", "team-alpha"]);
    expect(reconcile(["alpha"])).toEqual(["0 changes for 1 teams"]);
  });
});
