/**
 * Signing in to kubectl by IdP group, for real: the API server trusts ID tokens of the access fixture's identity
 * provider through its structured authentication configuration (claims and prefixes as the fixture's access
 * section says; see global-setup.ts), and the team roles and admin binding the fixture plans decide what a token
 * holder may do. Tokens are minted here with the issuer's key, as the IdP would after a sign-in, and sent as
 * kubectl sends them (Authorization: Bearer): no impersonation anywhere in this file.
 */
import { Agent, request as httpsRequest } from "node:https";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { refusal, type KubeResponse } from "../../scripts/cluster/kube-client";
import { idTokenClaims, newSigningKey, signJwt, type SigningKey } from "../../scripts/cluster/oidc-token";
import type { KubeObject } from "../../scripts/plan/extract";
import { applyOrder, adminClient, describeObject, eventually, writtenPlan } from "./planned";

const admin = adminClient();
const { access, signingKey } = inject("oidc");
const agent = new Agent({ ca: admin.connection.ca, keepAlive: true });
const TEAMS = ["recsys", "fraud"];

/** The API server's answer to a request carrying `token`, as kubectl with an OIDC kubeconfig sends it. */
function asBearer(token: string, method: string, path: string, body?: unknown): Promise<KubeResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: "application/json", Authorization: `Bearer ${token}` };
    if (payload) headers["Content-Type"] = "application/json";
    const req = httpsRequest(new URL(path, admin.connection.server), { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // A 401 answers in plain text or JSON depending on the path.
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, warnings: [] });
      });
    });
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

interface TokenOptions {
  readonly key?: SigningKey;
  readonly issuer?: string;
  readonly audience?: string;
  readonly expiresIn?: number;
}

/** An ID token of the fixture's IdP for `email` in `groups` (raw IdP group names, as the IdP sends them). */
function idToken(email: string, groups: readonly string[], opts: TokenOptions = {}): string {
  const claims = idTokenClaims({
    issuer: opts.issuer ?? access.identityProvider.issuer,
    audience: opts.audience ?? access.identityProvider.kubectlClientId,
    email,
    groups,
    claims: access.claims,
    expiresIn: opts.expiresIn,
  });
  return signJwt(opts.key ?? signingKey, claims);
}

/** Who the API server says the token holder is (kubectl auth whoami). */
async function whoami(token: string): Promise<{ username: string; groups: string[] }> {
  const review = await asBearer(token, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
    apiVersion: "authentication.k8s.io/v1",
    kind: "SelfSubjectReview",
  });
  expect(review.status, JSON.stringify(review.body)).toBe(201);
  return review.body.status.userInfo;
}

const configMap = (namespace: string, name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data: { a: "b" } });
const dryRunCreate = (token: string, namespace: string) =>
  asBearer(token, "POST", `/api/v1/namespaces/${namespace}/configmaps?dryRun=All`, configMap(namespace, "signed-in"));
const listPods = (token: string, namespace: string) => asBearer(token, "GET", `/api/v1/namespaces/${namespace}/pods`);
const listRoleBindings = (token: string, namespace: string) =>
  asBearer(token, "GET", `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`);

/** The team namespaces, their roles and bindings, and the cluster bindings of IdP groups: what sign-in needs, nothing shared. */
function signInObjects(objects: readonly KubeObject[]): KubeObject[] {
  const meta = (o: KubeObject) => o.metadata ?? {};
  const idpSubject = (o: KubeObject) =>
    ((o as { subjects?: { kind: string; name: string }[] }).subjects ?? []).some((s) => s.kind === "Group" && s.name.startsWith(access.groupsPrefix));
  return objects.filter(
    (o) =>
      (o.kind === "Namespace" && TEAMS.includes(meta(o).name ?? "")) ||
      (["Role", "RoleBinding"].includes(o.kind) && TEAMS.includes(meta(o).namespace ?? "")) ||
      (o.kind === "ClusterRoleBinding" && idpSubject(o)),
  );
}

let applied: KubeObject[] = [];

beforeAll(async () => {
  applied = signInObjects((await writtenPlan("access")).objects).sort(applyOrder);
  for (const object of applied) {
    const response = await admin.apply(object, "mlops-oidc-signin-test");
    if (response.status >= 300) throw new Error(`${describeObject(object)}: ${response.status} ${refusal(response)}`);
  }
});
afterAll(async () => {
  // Namespaces take their roles with them; the cluster bindings go one by one.
  const removed = applied.filter((o) => o.kind === "Namespace" || o.kind === "ClusterRoleBinding");
  for (const object of removed) await admin.remove(object);
  // Gone before the next file, which may plan the same namespaces (access.test.ts does).
  await eventually(async () => {
    for (const object of removed) if ((await admin.get(object)).status !== 404) return undefined;
    return true;
  }, 120);
  admin.close();
  agent.destroy();
}, 180_000);

describe("the planned sign-in objects", () => {
  it("bind each team role and the platform admins to IdP groups with the access section's prefix", () => {
    const bindings = applied.filter((o) => o.kind.endsWith("RoleBinding"));
    expect(bindings.length).toBeGreaterThan(0);
    const groups = bindings.flatMap((o) =>
      ((o as { subjects?: { kind: string; name: string }[] }).subjects ?? []).filter((s) => s.kind === "Group").map((s) => s.name),
    );
    expect(groups).toEqual(expect.arrayContaining(["recsys-leads", "recsys-devs", "fraud-leads"].map((g) => `${access.groupsPrefix}${g}`)));
    expect(groups).toContain(`${access.groupsPrefix}${access.adminGroups[0]}`);
  });
});

describe("kubectl with an ID token of the company IdP", () => {
  it("is the IdP's user and groups with the access section's prefixes, as the role bindings name them", async () => {
    const me = await whoami(idToken("lead@recsys.example", ["recsys-leads"]));
    expect(me.username).toBe(`${access.usernamePrefix}lead@recsys.example`);
    expect(me.groups).toContain(`${access.groupsPrefix}recsys-leads`);
    expect(me.groups).not.toContain("recsys-leads");
  });

  it("lets a member of the team's admin group do what team-admin allows in the team's namespace", async () => {
    const token = idToken("lead@recsys.example", ["recsys-leads"]);
    expect((await listPods(token, "recsys")).status).toBe(200);
    expect((await listRoleBindings(token, "recsys")).status).toBe(200);
    const created = await dryRunCreate(token, "recsys");
    expect(created.status, refusal(created)).toBe(201);
  });

  it("lets the same person do nothing in another team's namespace, nor cluster-wide", async () => {
    const token = idToken("lead@recsys.example", ["recsys-leads"]);
    for (const response of [await listPods(token, "fraud"), await dryRunCreate(token, "fraud"), await asBearer(token, "GET", "/api/v1/namespaces")]) {
      expect(response.status, refusal(response)).toBe(403);
      expect(refusal(response)).toContain(`"${access.usernamePrefix}lead@recsys.example" cannot`);
    }
  });

  it("gives an editor of the team edit but not admin rights (role bindings are not theirs to read)", async () => {
    const token = idToken("dev@recsys.example", ["recsys-devs"]);
    const created = await dryRunCreate(token, "recsys");
    expect(created.status, refusal(created)).toBe(201);
    expect((await listRoleBindings(token, "recsys")).status).toBe(403);
  });

  it("refuses a signed-in person whose groups own no team: authenticated, allowed nothing", async () => {
    const token = idToken("someone@example.com", ["marketing", "recsys-leads-old"]);
    expect((await whoami(token)).username).toBe(`${access.usernamePrefix}someone@example.com`);
    for (const team of TEAMS) expect((await listPods(token, team)).status, team).toBe(403);
  });

  it("does not take an unprefixed team group for the IdP's: a token's group is always prefixed", async () => {
    // A group claim already carrying the prefix becomes prefix+prefix+name, which nothing binds.
    const token = idToken("sly@example.com", [`${access.groupsPrefix}recsys-leads`]);
    expect((await listPods(token, "recsys")).status).toBe(403);
  });

  it("makes a platform admin cluster-admin: any namespace, cluster-scoped objects", async () => {
    const token = idToken("admin@example.com", [access.adminGroups[0] ?? ""]);
    expect((await asBearer(token, "GET", "/api/v1/namespaces")).status).toBe(200);
    expect((await listPods(token, "fraud")).status).toBe(200);
    const clusterRole = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "signed-in-admin-probe" }, rules: [] };
    const created = await asBearer(token, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles?dryRun=All", clusterRole);
    expect(created.status, refusal(created)).toBe(201);
  });
});

describe("the API server refuses, unauthenticated (401)", () => {
  const lead = (opts: TokenOptions) => idToken("lead@recsys.example", ["recsys-leads"], opts);

  it("a token signed by a key the issuer does not publish", async () => {
    expect((await listPods(lead({ key: newSigningKey() }), "recsys")).status).toBe(401);
  });

  it("a token for another client (audience)", async () => {
    expect((await listPods(lead({ audience: "some-other-app" }), "recsys")).status).toBe(401);
  });

  it("a token for the gateway's and Grafana's client: their session token is no kubectl credential", async () => {
    expect(access.identityProvider.clientId).not.toBe(access.identityProvider.kubectlClientId);
    expect((await listPods(lead({ audience: access.identityProvider.clientId }), "recsys")).status).toBe(401);
  });

  it("a token of another issuer", async () => {
    expect((await listPods(lead({ issuer: "https://idp.elsewhere.example" }), "recsys")).status).toBe(401);
  });

  it("an expired token", async () => {
    expect((await listPods(lead({ expiresIn: -120 }), "recsys")).status).toBe(401);
  });

  it("while the same token unaltered is accepted (the control)", async () => {
    expect((await listPods(lead({}), "recsys")).status).toBe(200);
  });
});
