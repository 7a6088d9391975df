/**
 * A team's Feast project under Feast's own authentication and the permissions the platform generates, on real
 * processes: the pinned Feast release's registry server (`feast serve_registry`, auth oidc, SQL registry) whose
 * TokenReview calls go to the suite's kube-apiserver, an HTTPS issuer for people's tokens, and the permissions
 * script the platform's Job runs. Service-account tokens are minted by the API server (TokenRequest); ID tokens are
 * signed with the issuer's key, as the IdP would after a sign-in. Clients are Feast's SDK (remote registry, gRPC).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { TeamConfig } from "../../config/teams";
import { feastPermissionsInput } from "../../charts/services/feast-permissions";
import { feastProject } from "../../domain/feast";
import {
  ensureFeastVenv,
  FEAST_VERSION,
  feastClient,
  runFeastPermissions,
  startFeastIssuer,
  startFeastRegistry,
  type ClientAction,
  type FeastIssuer,
  type FeastVenv,
  type RunningRegistry,
} from "../../scripts/cluster/feast-server";
import { newSigningKey, signJwt } from "../../scripts/cluster/oidc-token";
import { adminClient } from "./planned";

/** How the registry answers a token it does not authenticate: its interceptor raises, gRPC reports the handler's error. */
const AUTH_REFUSED = /Error in service handler/;
const ALPHA = "ft-alpha";
const BETA = "ft-beta";
const AUDIENCE = "mlops-kubectl";
const ADMINS = ["platform-admins"];
const team = (name: string) =>
  ({
    name,
    owners: { view: { groups: [`${name}-view`] }, edit: { groups: [`${name}-edit`] }, admin: { groups: [`${name}-admin`] } },
  }) as unknown as TeamConfig;

let venv: FeastVenv;
let issuer: FeastIssuer;
let registry: RunningRegistry;
const saToken: Record<string, string> = {};

/** A service-account token of the team's namespace, as a projected token carries it (the API server's audience). */
async function serviceAccountToken(namespace: string): Promise<string> {
  const admin = adminClient();
  for (const object of [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "team-workload", namespace } },
  ])
    expect((await admin.apply(object)).status).toBeLessThan(300);
  const minted = await admin.request("POST", `/api/v1/namespaces/${namespace}/serviceaccounts/team-workload/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { expirationSeconds: 3600 },
  });
  expect(minted.status).toBe(201);
  return minted.body.status.token as string;
}

/** An ID token as the IdP signs it, with `groups` in the claim Feast reads. */
const idToken = (groups: string[], over: Record<string, unknown> = {}, key = issuer.signingKey) => {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(key, {
    iss: issuer.issuer,
    aud: AUDIENCE,
    sub: "u1",
    preferred_username: "person@example.com",
    groups,
    iat: now - 5,
    exp: now + 600,
    ...over,
  });
};
const project = feastProject(ALPHA);
const call = (token: string, action: ClientAction, name?: string) => feastClient(venv, registry, project, token, action, name);
const refused = async (token: string, action: ClientAction, name?: string) => {
  const result = await call(token, action, name);
  expect(result.ok, JSON.stringify(result)).toBe(false);
  return result.error ?? "";
};

beforeAll(async () => {
  venv = ensureFeastVenv();
  issuer = await startFeastIssuer();
  saToken[ALPHA] = await serviceAccountToken(ALPHA);
  saToken[BETA] = await serviceAccountToken(BETA);
  registry = await startFeastRegistry(venv, { project, issuer, audience: AUDIENCE, kube: inject("kube") });
  process.stderr.write(
    `Feast ${FEAST_VERSION} registry up (virtualenv: ${venv.installSeconds > 0 ? `installed in ${venv.installSeconds.toFixed(0)} s` : "cached"})\n`,
  );
}, 900_000);
afterAll(async () => {
  await registry?.stop();
  await issuer?.stop();
});

describe("a team's Feast project on a real registry server (auth oidc, the Job's permissions)", () => {
  it("the Job's script writes the team's permissions, and the second run changes nothing", () => {
    const input = feastPermissionsInput(team(ALPHA), ADMINS);
    const first = runFeastPermissions(venv, registry, input);
    expect(first.status, first.stderr).toBe(0);
    for (const p of input.permissions) expect(first.stdout).toContain(`created permission ${p.name}`);
    const second = runFeastPermissions(venv, registry, input);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout.trim().split("\n").pop()).toBe(`project ${project}: ${input.permissions.length} permissions, 0 changed`);
  });

  it("the team's own service account writes and reads its project", async () => {
    expect(await call(saToken[ALPHA], "apply-entity", "driver")).toEqual({ ok: true, names: ["driver"] });
    expect(await call(saToken[ALPHA], "list-entities")).toEqual({ ok: true, names: ["driver"] });
  });

  it("another team's service account can neither write nor see the project's objects", async () => {
    expect(await refused(saToken[BETA], "apply-entity", "intruder")).toMatch(/[Pp]ermission/);
    const listed = await call(saToken[BETA], "list-entities");
    expect(listed.names ?? []).not.toContain("driver");
  });

  it("an unsigned token claiming the team's service account is refused (TokenReview), and so is one without that claim (JWKS)", async () => {
    const unsigned = (claims: Record<string, unknown>) =>
      `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
    const now = Math.floor(Date.now() / 1000);
    const forgedSa = unsigned({
      iss: "https://kubernetes.default.svc.cluster.local",
      sub: `system:serviceaccount:${ALPHA}:team-workload`,
      exp: now + 600,
      "kubernetes.io": { namespace: ALPHA, serviceaccount: { name: "team-workload", uid: "0" } },
    });
    expect(await refused(forgedSa, "list-entities")).toMatch(AUTH_REFUSED);
    expect(await refused(forgedSa, "apply-entity", "forged")).toMatch(AUTH_REFUSED);
    const forgedPerson = unsigned({ iss: issuer.issuer, aud: AUDIENCE, sub: "u", groups: [`${ALPHA}-edit`], exp: now + 600 });
    expect(await refused(forgedPerson, "apply-entity", "forged")).toMatch(AUTH_REFUSED);
  });

  it("people by IdP group: edit writes, view only reads, another team's group is refused", async () => {
    const edit = await call(idToken([`${ALPHA}-edit`]), "apply-entity", "customer");
    expect(edit, registry.logs().slice(-4000)).toEqual({ ok: true, names: ["customer"] });
    expect(await call(idToken([`${ALPHA}-view`]), "list-entities")).toEqual({ ok: true, names: ["customer", "driver"] });
    expect(await refused(idToken([`${ALPHA}-view`]), "apply-entity", "viewer")).toMatch(/[Pp]ermission/);
    expect(await refused(idToken([`${BETA}-admin`]), "apply-entity", "intruder")).toMatch(/[Pp]ermission/);
  });

  it("ID tokens signed by another key, for another audience or expired are refused", async () => {
    expect(await refused(idToken([`${ALPHA}-edit`], {}, newSigningKey()), "list-entities")).toMatch(AUTH_REFUSED);
    expect(await refused(idToken([`${ALPHA}-edit`], { aud: "mlops-platform" }), "list-entities")).toMatch(AUTH_REFUSED);
    const past = Math.floor(Date.now() / 1000) - 3600;
    expect(await refused(idToken([`${ALPHA}-edit`], { iat: past - 600, exp: past }), "list-entities")).toMatch(AUTH_REFUSED);
  });

  it("Permission objects: the team sees none and may create none; the platform admins see them all", async () => {
    expect(await call(saToken[ALPHA], "list-permissions")).toEqual({ ok: true, names: [] });
    expect(await refused(idToken([`${ALPHA}-admin`]), "apply-permission", "team-wide-open")).toMatch(/[Pp]ermission/);
    const all = await call(idToken(ADMINS), "list-permissions");
    expect(all.names).toEqual([...feastPermissionsInput(team(ALPHA), ADMINS).permissions.map((p) => p.name)].sort());
  });

  it("nobody of the team deletes the project (it would take the permissions with it); it and its permissions stay", async () => {
    expect(await refused(idToken([`${ALPHA}-admin`]), "delete-project")).toMatch(/[Pp]ermission/);
    expect(await refused(saToken[ALPHA], "delete-project")).toMatch(/[Pp]ermission/);
    expect(await call(saToken[ALPHA], "list-entities")).toEqual({ ok: true, names: ["customer", "driver"] });
    expect((await call(idToken(ADMINS), "list-permissions")).names).toContain(`${ALPHA}-write`);
  });

  it("a permission the platform did not make (by hand, or before the first run) goes on the Job's next run", async () => {
    expect(await call(idToken(ADMINS), "apply-permission", "by-hand")).toEqual({ ok: true, names: ["by-hand"] });
    const run = runFeastPermissions(venv, registry, feastPermissionsInput(team(ALPHA), ADMINS));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("deleted permission by-hand");
    const all = await call(idToken(ADMINS), "list-permissions");
    expect(all.names).not.toContain("by-hand");
  });
});
