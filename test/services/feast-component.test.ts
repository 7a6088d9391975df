/**
 * Feast per team in the local stack under runtime mocks (the real program, generated values as known strings), with
 * two teams opted into feast: each team's store gets its own registry role and database, the team's own object-store
 * keys (a copy in the feast namespace), the stack's issuer, the permissions Job and a client config in the team's
 * namespace; nothing of one team's reaches another's. The offline plans of the fixtures: component.plan.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fixtureStackConfig } from "../helpers/stack";
import { runUnderRuntimeMocks, type SecretSeen } from "../helpers/runtime-mocks";

type AnyObj = Record<string, any>;
let secrets: SecretSeen[] = [];
let objects: AnyObj[] = [];
const TEAMS = ["sandbox", "vision-core"];
let issuer = "";
let kubectlClient = "";

beforeAll(async () => {
  const stack = fixtureStackConfig("local");
  const fixtureTeams = JSON.parse(stack.values["mlops-platform:teams"]) as AnyObj[];
  const withFeast = (t: AnyObj) => ({ ...t, services: [...(t.services ?? []), "feast"], modelMonitors: [] });
  const teams = [withFeast(fixtureTeams[0]), { ...withFeast(fixtureTeams[0]), name: "vision-core", modelEndpoints: undefined }];
  const services = { ...JSON.parse(stack.values["mlops-platform:services"]), feast: { enabled: true } };
  const values = { ...stack.values, "mlops-platform:teams": JSON.stringify(teams), "mlops-platform:services": JSON.stringify(services) };
  const seen = await runUnderRuntimeMocks("local", values, stack.secretKeys);
  ({ secrets, objects } = seen);
  expect(seen.config.teams.map((t) => t.name)).toEqual(TEAMS);
  issuer = seen.config.access?.identityProvider.issuer ?? "";
  kubectlClient = seen.config.access?.identityProvider.kubectlClientId ?? "";
}, 120_000);

const secret = (namespace: string, name: string) => {
  const hit = secrets.find((s) => s.namespace === namespace && s.name === name);
  if (!hit) throw new Error(`no Secret ${namespace}/${name}: ${secrets.map((s) => `${s.namespace}/${s.name}`).join(", ")}`);
  return hit.data;
};
const object = (kind: string, name: string, namespace?: string) => {
  const hit = objects.find((o) => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));
  if (!hit) throw new Error(`no ${kind} ${name}`);
  return hit;
};

describe("Feast per team on the local stack (runtime mocks)", () => {
  it("one FeatureStore per team, its project the team's name with - as _, oidc against the stack's issuer", () => {
    const stores = objects.filter((o) => o.kind === "FeatureStore");
    expect(stores.map((s) => [s.metadata.name, s.metadata.namespace, s.spec.feastProject])).toEqual([
      ["sandbox", "feast", "sandbox"],
      ["vision-core", "feast", "vision_core"],
    ]);
    for (const s of stores) expect(s.spec.authz.oidc.issuerUrl).toBe(issuer);
  });

  it("each team's data-store Secret: its own database role and password, the shared Redis, the IdP's audience and issuer", () => {
    for (const team of TEAMS) {
      const data = secret("feast", `feast-${team}-data-stores`);
      const db = `feast_${team.replace(/-/g, "_")}`;
      expect(parse(data.sql).path).toMatch(new RegExp(`^postgresql\\+psycopg://${db}@[^/]+/${db}\\?sslmode=require$`));
      expect(data["pg_service.conf"]).toBe(`[feast]\npassword=pw-services-feast-${team}-database\n`);
      expect(secret("databases", `feast-${team}-db`)).toEqual({ username: db, password: `pw-services-feast-${team}-database` });
      expect(data["redis-password"]).toBe("pw-services-feast-redis");
      expect(parse(data.oidc)).toEqual({ audience: kubectlClient, issuer });
    }
  });

  it("each team's registry is its own CloudNativePG role and database", () => {
    const cluster = object("Cluster", "platform-postgres");
    const roles = cluster.spec.managed.roles.map((r: AnyObj) => [r.name, r.passwordSecret.name]);
    expect(roles).toEqual(
      expect.arrayContaining([
        ["feast_sandbox", "feast-sandbox-db"],
        ["feast_vision_core", "feast-vision-core-db"],
      ]),
    );
    expect(object("Database", "feast-vision-core").spec).toMatchObject({ name: "feast_vision_core", owner: "feast_vision_core" });
  });

  it("each store reads object storage with its own team's keys, and no Feast-wide key exists any more", () => {
    const teamKeys = (team: string) => secret(team, "object-store-credentials");
    for (const team of TEAMS) {
      const copy = secret("feast", `feast-${team}-object-store`);
      expect(copy.AWS_ACCESS_KEY_ID).toBe(`pw-object-store-team-${team}-access-key`);
      expect(copy).toEqual(teamKeys(team));
      const store = object("FeatureStore", team);
      const env = store.spec.services.offlineStore.server.env;
      expect(env.filter((e: AnyObj) => e.valueFrom?.secretKeyRef?.name === `feast-${team}-object-store`).map((e: AnyObj) => e.name)).toEqual([
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
      ]);
    }
    expect(secrets.filter((s) => s.namespace === "feast" && s.name === "object-store-credentials")).toEqual([]);
  });

  it("a permissions Job per team, over its own data-store Secret; a client config in each team's namespace naming its own store", () => {
    for (const team of TEAMS) {
      const jobs = objects.filter(
        (o) =>
          o.kind === "Job" &&
          o.metadata.labels?.["app.kubernetes.io/name"] === "feast-permissions" &&
          o.metadata.labels?.["app.kubernetes.io/instance"] === team,
      );
      expect(jobs).toHaveLength(1);
      const volume = jobs[0].spec.template.spec.volumes.find((v: AnyObj) => v.name === "registry");
      expect(volume.secret.secretName).toBe(`feast-${team}-data-stores`);
      const client = parse(object("ConfigMap", "feast-client", team).data["feature_store.yaml"]);
      expect(client.registry.path).toBe(`feast-${team}-registry.feast.svc.cluster.local:80`);
      expect(client.auth).toEqual({ type: "oidc" });
    }
  });
});
