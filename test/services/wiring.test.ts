/** What MlopsServices wires, decided as data before anything is created (components/services/wiring.ts). */
import { describe, it, expect } from "vitest";
import { resolveServices } from "../../config/services";
import type { TeamConfig } from "../../config/teams";
import { objectStoreConsumers, serviceWiring } from "../../components/services/wiring";
import { OBJECT_STORE_ADMIN } from "../../domain/object-store-identities";

const team = (name: string, monitors: number) =>
  ({ name, modelMonitors: Array.from({ length: monitors }, (_, i) => ({ name: `m${i}` })) }) as unknown as TeamConfig;
const TEAMS = [team("recsys", 1), team("vision", 0), team("nlp", 2)];
const off = { enabled: false };

describe("serviceWiring", () => {
  it("on AWS: a role per database user, the secret store for every service namespace and Kubeflow, MySQL egress with Pipelines", () => {
    const wiring = serviceWiring(resolveServices(undefined, "prod", true), TEAMS, true);
    expect(wiring.grants.map((g) => g.role)).toEqual(["mlflow", "feast", "evidently"]);
    expect(wiring.grants[0]).toEqual({ role: "mlflow", database: "mlflow", secretName: "mlflow-db" });
    expect(wiring.databaseEgressPorts).toEqual([5432, 3306]);
    expect(wiring.secretStoreNamespaces).toEqual([...wiring.namespaces.map((n) => n.name).filter((n) => n !== "external-secrets"), "kubeflow"]);
    expect(wiring.secretStoreNamespaces).not.toContain("external-secrets");
  });

  it("only the services that are on get roles and readers; without Pipelines no MySQL port", () => {
    const wiring = serviceWiring(resolveServices({ feast: off, pipelines: off }, "dev", true), TEAMS, true);
    expect(wiring.grants.map((g) => g.role)).toEqual(["mlflow", "evidently"]);
    expect(wiring.databaseEgressPorts).toEqual([5432]);
    expect(wiring.secretStoreNamespaces).not.toContain("kubeflow");
  });

  it("on an existing cluster: MLflow, Feast and every team get their own object store identity, each in its own namespace", () => {
    const wiring = serviceWiring(resolveServices(undefined, "local", false), TEAMS, false);
    expect(wiring.objectStoreReaders).toEqual([
      { identity: "mlflow", namespace: "mlflow" },
      { identity: "feast", namespace: "feast" },
      { identity: "team-recsys", namespace: "recsys" },
      { identity: "team-vision", namespace: "vision" },
      { identity: "team-nlp", namespace: "nlp" },
    ]);
    expect(wiring.namespaces.map((n) => n.name)).not.toContain("external-secrets");
    // A team reads its own data whether or not it monitors drift; the admin identity is never a reader.
    const noServices = serviceWiring(resolveServices({ evidently: off, mlflow: off, feast: off }, "local", false), TEAMS, false);
    expect(noServices.objectStoreReaders.map((r) => r.identity)).toEqual(["team-recsys", "team-vision", "team-nlp"]);
    expect(wiring.objectStoreReaders.map((r) => r.identity)).not.toContain(OBJECT_STORE_ADMIN);
  });

  it("objectStoreConsumers names the enabled services and every team", () => {
    expect(objectStoreConsumers(resolveServices({ feast: off }, "local", false), TEAMS)).toEqual({
      mlflow: true,
      feast: false,
      teams: ["recsys", "vision", "nlp"],
    });
  });
});
