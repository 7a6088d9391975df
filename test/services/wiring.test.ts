/** What MlopsServices wires, decided as data before anything is created (components/services/wiring.ts). */
import { describe, it, expect } from "vitest";
import { resolveServices } from "../../config/services";
import type { TeamConfig } from "../../config/teams";
import { databaseGrants, objectStoreConsumers, serviceWiring } from "../../components/services/wiring";
import { evidentlyGrant } from "../../components/services/context";
import { evidentlyDatabase } from "../../domain/evidently";
import { OBJECT_STORE_ADMIN } from "../../domain/object-store-identities";

const team = (name: string, monitors: number, services: string[] = ["evidently"]) =>
  ({ name, services, modelMonitors: Array.from({ length: monitors }, (_, i) => ({ name: `m${i}` })) }) as unknown as TeamConfig;
const TEAMS = [team("recsys", 1, ["evidently", "feast"]), team("vision", 0, ["mlflow"]), team("nlp-text", 2, ["evidently", "feast", "mlflow"])];
const off = { enabled: false };

describe("Evidently's database grants: one role and database per team that opted in", () => {
  it("names each evidently_<team> (- as _), its password Secret evidently-<team>-db; no shared evidently role", () => {
    const grants = databaseGrants(resolveServices(undefined, "prod", true), TEAMS).filter((g) => g.role.startsWith("evidently"));
    expect(grants).toEqual([
      { role: "evidently_recsys", database: "evidently_recsys", secretName: "evidently-recsys-db" },
      { role: "evidently_nlp_text", database: "evidently_nlp_text", secretName: "evidently-nlp-text-db" },
    ]);
    expect(grants.map((g) => g.role)).not.toContain("evidently");
  });

  it("gives every team a plain lower-case Postgres identifier within 63 bytes, distinct for every two teams", () => {
    // Team names are DNS labels of at most 40 characters (config/team-schema.ts): the longest, and two that differ only where `-` is.
    const names = ["a".repeat(40), "a-b", "ab", "a-b-c", "x9-0"];
    const roles = names.map(evidentlyDatabase);
    for (const role of roles) expect(role, role).toMatch(/^[a-z_][a-z0-9_]{0,62}$/);
    expect(new Set(roles).size).toBe(names.length);
    expect(evidentlyGrant("a".repeat(40)).secretName).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it("makes no grant when no team opted in, and none with Evidently off", () => {
    // Feast's registries are per team as well (feast_<team>): none without a team that opted into feast.
    expect(databaseGrants(resolveServices(undefined, "prod", true), [team("vision", 0, ["mlflow"])]).map((g) => g.role)).toEqual(["mlflow"]);
    expect(databaseGrants(resolveServices({ evidently: off }, "prod", true), TEAMS).map((g) => g.role)).toEqual(["mlflow", "feast_recsys", "feast_nlp_text"]);
  });
});

describe("serviceWiring", () => {
  it("on AWS: a role per database user (Feast: one per team with feast), the secret store for every service namespace (not Kubeflow: team namespaces by label), MySQL egress with Pipelines", () => {
    const wiring = serviceWiring(resolveServices(undefined, "prod", true), TEAMS, true);
    expect(wiring.grants.map((g) => g.role)).toEqual(["mlflow", "feast_recsys", "feast_nlp_text", "evidently_recsys", "evidently_nlp_text"]);
    expect(wiring.grants[0]).toEqual({ role: "mlflow", database: "mlflow", secretName: "mlflow-db" });
    // Postgres identifiers without quoting (`-` as `_`); the password Secret keeps the team's DNS name.
    expect(wiring.grants[2]).toEqual({ role: "feast_nlp_text", database: "feast_nlp_text", secretName: "feast-nlp-text-db" });
    expect(wiring.databaseEgressPorts).toEqual([5432, 3306]);
    expect(wiring.secretStoreNamespaces).toEqual(wiring.namespaces.map((n) => n.name).filter((n) => n !== "external-secrets"));
    expect(wiring.secretStoreNamespaces).not.toContain("external-secrets");
  });

  it("only the services that are on get roles and readers; without Pipelines no MySQL port", () => {
    const wiring = serviceWiring(resolveServices({ feast: off, pipelines: off }, "dev", true), TEAMS, true);
    expect(wiring.grants.map((g) => g.role)).toEqual(["mlflow", "evidently_recsys", "evidently_nlp_text"]);
    expect(wiring.databaseEgressPorts).toEqual([5432]);
    expect(wiring.secretStoreNamespaces).not.toContain("kubeflow");
  });

  it("on an existing cluster: MLflow and every team get their own object store identity, each in its own namespace (Feast stores use their team's)", () => {
    const wiring = serviceWiring(resolveServices(undefined, "local", false), TEAMS, false);
    expect(wiring.objectStoreReaders).toEqual([
      { identity: "mlflow", namespace: "mlflow" },
      { identity: "team-recsys", namespace: "recsys" },
      { identity: "team-vision", namespace: "vision" },
      { identity: "team-nlp-text", namespace: "nlp-text" },
    ]);
    expect(wiring.namespaces.map((n) => n.name)).not.toContain("external-secrets");
    // A team reads its own data whether or not it monitors drift; the admin identity is never a reader.
    const noServices = serviceWiring(resolveServices({ evidently: off, mlflow: off, feast: off }, "local", false), TEAMS, false);
    expect(noServices.objectStoreReaders.map((r) => r.identity)).toEqual(["team-recsys", "team-vision", "team-nlp-text"]);
    expect(wiring.objectStoreReaders.map((r) => r.identity)).not.toContain(OBJECT_STORE_ADMIN);
  });

  it("objectStoreConsumers names the enabled services and every team", () => {
    expect(objectStoreConsumers(resolveServices({ feast: off }, "local", false), TEAMS)).toEqual({
      mlflow: true,
      teams: ["recsys", "vision", "nlp-text"],
    });
  });
});
