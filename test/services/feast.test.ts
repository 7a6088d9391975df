/**
 * Feast per team, the pure builders: names (domain/feast.ts), each team's FeatureStore and client config
 * (charts/services/feast.ts) and the permissions the Job writes into the team's project
 * (charts/services/feast-permissions.ts). The same permissions against a real registry server:
 * test/cluster/feast-permissions.test.ts.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { TeamConfig } from "../../config/teams";
import { feastClientConfig, feastClientObjects, feastOidcSettings, featureStore, FEAST_CLIENT_CONFIG } from "../../charts/services/feast";
import {
  FEAST_ALL_TYPES,
  FEAST_PERMISSION_TAGS,
  FEAST_READ_ACTIONS,
  FEAST_TEAM_TYPES,
  FEAST_WRITE_ACTIONS,
  feastPermissionsInput,
  feastPermissionsJobName,
  feastPermissionsObjects,
  feastFeatureServerImage,
} from "../../charts/services/feast-permissions";
import { feastDatabase, feastDataPrefix, feastEndpoints, feastProject, feastServiceAccount } from "../../domain/feast";
import { teamsUsing } from "../../domain/team-services";
import { IMAGES, MANIFESTS } from "../../domain/versions";
import { containersOf, find, type Obj } from "./chart-fixtures";

const OIDC = { issuer: "https://idp.example.com", audience: "mlops-kubectl" };
const team = (name: string, groups: Partial<Record<"view" | "edit" | "admin", string[]>> = {}) =>
  ({
    name,
    services: ["feast"],
    owners: { view: { groups: groups.view ?? [] }, edit: { groups: groups.edit ?? [] }, admin: { groups: groups.admin ?? [] } },
  }) as unknown as TeamConfig;

describe("per-team names", () => {
  it("a store per team that opted in, named after it; objects feast-<team>", () => {
    expect(teamsUsing([team("recsys"), { name: "vision", services: ["mlflow"] }, team("nlp-core")], "feast").map((t) => t.name)).toEqual([
      "recsys",
      "nlp-core",
    ]);
    expect(feastServiceAccount("nlp-core")).toBe("feast-nlp-core");
    expect(feastEndpoints("nlp-core")).toEqual({
      registry: "feast-nlp-core-registry.feast.svc.cluster.local:80",
      online: "http://feast-nlp-core-online.feast.svc.cluster.local:80",
      offline: "feast-nlp-core-offline.feast.svc.cluster.local",
    });
  });

  it("the project and the database are the team's name with - as _ (Feast 0.66.0 refuses - in any project; Postgres identifiers)", () => {
    expect(feastProject("nlp-core")).toBe("nlp_core");
    expect(feastProject("recsys")).toBe("recsys");
    expect(feastDatabase("nlp-core")).toBe("feast_nlp_core");
    // Team names are DNS labels of at most 40: the longest database name fits Postgres' 63.
    const longest = feastDatabase("a".repeat(40));
    expect(longest).toMatch(/^[a-z_][a-z0-9_]*$/);
    expect(longest.length).toBeLessThanOrEqual(63);
    // The CRD's feastProject pattern.
    expect(feastProject("a-b-c")).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]*$/);
  });

  it("the offline data lives under the team's own prefix", () => {
    expect(feastDataPrefix("recsys")).toBe("teams/recsys/feast/");
  });
});

describe("a team's FeatureStore", () => {
  const fs = () => featureStore({ team: "nlp-core", oidc: OIDC, labels: { "cost-center": "cc" } }) as Obj;

  it("serves the team's project in the feast namespace, protected from the operator's shared registry ConfigMap", () => {
    const store = fs();
    expect(store.metadata).toMatchObject({ name: "nlp-core", namespace: "feast", annotations: { "feast.dev/protected-project": "true" } });
    expect(store.spec.feastProject).toBe("nlp_core");
  });

  it("authenticates with oidc against the stack's issuer, audience and issuer from the team's data-store Secret; never noAuth or kubernetes", () => {
    const authz = fs().spec.authz;
    expect(authz).toEqual({ oidc: { issuerUrl: OIDC.issuer, secretRef: { name: "feast-nlp-core-data-stores" }, secretKeyName: "oidc" } });
    expect(parse(feastOidcSettings(OIDC))).toEqual({ audience: "mlops-kubectl", issuer: "https://idp.example.com" });
  });

  it("never runs the operator's feast apply at pod start (a full sync that would delete the team's objects and the platform's permissions)", () => {
    expect(fs().spec.services.runFeastApplyOnInit).toBe(false);
  });
});

describe("a team's client config", () => {
  it("names only the team's own project and servers, with auth oidc", () => {
    const config = parse(feastClientConfig("nlp-core"));
    expect(config).toEqual({
      project: "nlp_core",
      provider: "local",
      registry: { registry_type: "remote", path: "feast-nlp-core-registry.feast.svc.cluster.local:80" },
      online_store: { type: "remote", path: "http://feast-nlp-core-online.feast.svc.cluster.local:80" },
      offline_store: { type: "remote", host: "feast-nlp-core-offline.feast.svc.cluster.local", port: 80 },
      auth: { type: "oidc" },
      entity_key_serialization_version: 3,
    });
    const cm = feastClientObjects("nlp-core") as Obj;
    expect(cm.metadata).toMatchObject({ name: FEAST_CLIENT_CONFIG, namespace: "nlp-core" });
    expect(cm.data?.["feature_store.yaml"]).toBe(feastClientConfig("nlp-core"));
  });
});

describe("the team project's permissions", () => {
  const input = feastPermissionsInput(team("recsys", { view: ["rs-view"], edit: ["rs-edit"], admin: ["rs-admin", "rs-edit"] }), ["platform-admins"]);
  const byName = (name: string) => {
    const hit = input.permissions.find((p) => p.name === name);
    if (!hit) throw new Error(`no permission ${name}`);
    return hit;
  };

  it("read: every type but Permission, describe and read, for the team's namespace and all its groups", () => {
    expect(byName("recsys-read")).toEqual({
      name: "recsys-read",
      types: FEAST_TEAM_TYPES,
      namePatterns: [],
      actions: FEAST_READ_ACTIONS,
      groups: ["rs-view", "rs-edit", "rs-admin"],
      namespaces: ["recsys"],
    });
  });

  it("write: every type but Permission and Project, CRUD and write, for the team's namespace and its edit and admin groups", () => {
    expect(byName("recsys-write")).toMatchObject({
      types: FEAST_TEAM_TYPES.filter((t) => t !== "Project"),
      actions: FEAST_WRITE_ACTIONS,
      groups: ["rs-edit", "rs-admin"],
      namespaces: ["recsys"],
    });
  });

  it("the Project itself: created, described and updated by the writers, deleted by nobody of the team (it would take the permissions with it)", () => {
    expect(byName("recsys-project")).toMatchObject({
      types: ["Project"],
      actions: ["CREATE", "DESCRIBE", "UPDATE"],
      groups: ["rs-edit", "rs-admin"],
      namespaces: ["recsys"],
    });
    const deleters = input.permissions.filter((p) => p.types.includes("Project") && p.actions.includes("DELETE"));
    expect(deleters.map((p) => p.name)).toEqual(["platform-admins"]);
  });

  it("Permission objects only for the admins' groups, with a name pattern (a team's listing filters instead of failing)", () => {
    const onPermissions = input.permissions.filter((p) => p.types.includes("Permission"));
    expect(onPermissions.map((p) => p.name)).toEqual(["platform-admins-permissions"]);
    expect(onPermissions[0]).toMatchObject({ namePatterns: [".*"], groups: ["platform-admins"], namespaces: [] });
    expect(byName("platform-admins")).toMatchObject({ types: FEAST_TEAM_TYPES, groups: ["platform-admins"], namespaces: [] });
    expect([...FEAST_ALL_TYPES].sort()).toEqual([...FEAST_TEAM_TYPES, "Permission"].sort());
  });

  it("the project and the managed-by tag on the platform's permissions", () => {
    expect(input.project).toBe("recsys");
    expect(input.tags).toEqual(FEAST_PERMISSION_TAGS);
  });

  it("the Job's name changes with its input", () => {
    const other = feastPermissionsInput(team("recsys", { view: ["rs-view"], edit: ["rs-edit"] }), ["platform-admins"]);
    expect(feastPermissionsJobName("recsys", input)).toMatch(/^feast-perm-[0-9a-f]{12}$/);
    // The Job's name is a pod label value of at most 63 characters, whatever the team's name (40 at most).
    expect(feastPermissionsJobName("a".repeat(40), input).length).toBeLessThanOrEqual(63);
    expect(feastPermissionsJobName("other", input)).not.toBe(feastPermissionsJobName("recsys", input));
    expect(feastPermissionsJobName("recsys", other)).not.toBe(feastPermissionsJobName("recsys", input));
  });
});

describe("the permissions Job", () => {
  const input = feastPermissionsInput(team("recsys", { edit: ["rs-edit"] }), ["platform-admins"]);
  const objects = feastPermissionsObjects({
    team: "recsys",
    input,
    namespace: "feast",
    image: feastFeatureServerImage(),
    registry: { secretName: "feast-recsys-data-stores", sqlKey: "sql", pgService: "feast" },
  }) as Obj[];

  it("runs the feature server image the operator runs, as the store's own account, from a ConfigMap of the same hashed name", () => {
    const job = find(objects, "Job");
    const name = feastPermissionsJobName("recsys", input);
    expect(job.metadata?.name).toBe(name);
    expect(find(objects, "ConfigMap").metadata?.name).toBe(name);
    expect(JSON.parse(find(objects, "ConfigMap").data?.["input.json"] ?? "")).toEqual(input);
    expect(job.spec.template.spec.serviceAccountName).toBe("feast-recsys");
    const [container] = containersOf(job);
    expect(container.image).toBe(`${IMAGES.feastFeatureServer.repository}:${IMAGES.feastFeatureServer.tag}`);
    // The operator's own default image is the feature server at the operator's tag.
    expect(`v${IMAGES.feastFeatureServer.tag}`).toBe(MANIFESTS.feastOperator.version);
  });

  it("reads the registry's parameters and libpq's service file from the team's data-store Secret, no password in env", () => {
    const [container] = containersOf(find(objects, "Job"));
    const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(env.FEAST_REGISTRY_CONFIG).toBe("/etc/feast-permissions/secrets/sql");
    expect(env.PGSERVICEFILE).toBe("/etc/feast-permissions/secrets/pg_service.conf");
    expect(container.env.filter((e: { valueFrom?: unknown }) => e.valueFrom)).toEqual([]);
    const volume = find(objects, "Job").spec.template.spec.volumes.find((v: { name: string }) => v.name === "registry");
    expect(volume.secret.secretName).toBe("feast-recsys-data-stores");
    expect(volume.secret.items.map((i: { key: string }) => i.key)).toEqual(["sql", "pg_service.conf"]);
  });
});
