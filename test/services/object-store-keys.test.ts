/**
 * The local stack's object store keys under runtime mocks (the real program, keys generated as known strings):
 * one identity per consumer in SeaweedFS's identities file, and each consumer's keys only in its own namespace.
 * The offline plan masks every key; here the mocks see them, so the test can follow each key to its Secret.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { IDENTITIES_CHECKSUM_ANNOTATION, OBJECT_STORE_CONFIG_SECRET } from "../../components/storage/object-store";
import { OBJECT_STORE_CREDENTIALS_SECRET } from "../../components/storage/local-buckets";
import { identityActions, OBJECT_STORE_ADMIN, objectStoreIdentities } from "../../domain/object-store-identities";
import { OBJECT_STORE_NAMESPACE } from "../../domain/platform-namespaces";
import { fixtureStackConfig } from "../helpers/stack";
import { runUnderRuntimeMocks, type SecretSeen } from "../helpers/runtime-mocks";

type AnyObj = Record<string, any>;
let secrets: SecretSeen[] = [];
let charts: AnyObj[] = [];
let teams: string[] = [];

beforeAll(async () => {
  // The local fixture with a second team, so one team's keys can be told from another's.
  const stack = fixtureStackConfig("local");
  const fixtureTeams = JSON.parse(stack.values["mlops-platform:teams"]) as AnyObj[];
  const values = { ...stack.values, "mlops-platform:teams": JSON.stringify([...fixtureTeams, { ...fixtureTeams[0], name: "vision", modelMonitors: [] }]) };
  const seen = await runUnderRuntimeMocks("local", values, stack.secretKeys);
  ({ secrets, charts } = seen);
  teams = seen.config.teams.map((t) => t.name);
}, 120_000);

const identitiesFile = () => {
  const file = secrets.filter((s) => s.name === OBJECT_STORE_CONFIG_SECRET);
  expect(file.map((s) => s.namespace)).toEqual([OBJECT_STORE_NAMESPACE]);
  return JSON.parse(file[0].data.seaweedfs_s3_config) as {
    identities: { name: string; credentials: { accessKey: string; secretKey: string }[]; actions: string[] }[];
  };
};
const credentialSecrets = () => secrets.filter((s) => s.name === OBJECT_STORE_CREDENTIALS_SECRET);

describe("object store keys on the local stack", () => {
  it("the identities file holds the admin, MLflow and each team (Feast stores use their team's), each with its own scoped actions and keys", () => {
    expect(teams).toEqual(["sandbox", "vision"]);
    const expected = objectStoreIdentities({ mlflow: true, teams });
    const file = identitiesFile();
    expect(file.identities.map((i) => [i.name, i.actions])).toEqual(expected.map((i) => [i.name, identityActions(i)]));
    const accessKeys = file.identities.map((i) => i.credentials[0].accessKey);
    expect(new Set(accessKeys).size).toBe(accessKeys.length);
    // The admin's keys keep their first resource names; each consumer's are its own.
    expect(file.identities[0].credentials[0]).toEqual({ accessKey: "pw-object-store-access-key", secretKey: "pw-object-store-secret-key" });
    expect(file.identities[1].credentials[0]).toEqual({ accessKey: "pw-object-store-mlflow-access-key", secretKey: "pw-object-store-mlflow-secret-key" });
  });

  it("one credentials Secret per consumer namespace, each holding only that namespace's identity's keys", () => {
    const file = identitiesFile();
    const owner = new Map(file.identities.map((i) => [i.credentials[0].accessKey, i]));
    const expected = objectStoreIdentities({ mlflow: true, teams });
    const found = credentialSecrets();
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((s) => s.namespace).sort()).toEqual(expected.map((i) => i.namespace).sort());
    for (const secret of found) {
      const identity = expected.find((i) => i.namespace === secret.namespace);
      const held = owner.get(secret.data.AWS_ACCESS_KEY_ID);
      expect(held?.name, secret.namespace).toBe(identity?.name);
      expect(secret.data.AWS_SECRET_ACCESS_KEY).toBe(held?.credentials[0].secretKey);
      expect(secret.data.credentials).toBe(
        `[default]\naws_access_key_id = ${secret.data.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${secret.data.AWS_SECRET_ACCESS_KEY}\n`,
      );
    }
  });

  it("the admin's keys are nowhere but the object store's namespace", () => {
    const admin = identitiesFile().identities.find((i) => i.name === OBJECT_STORE_ADMIN);
    const holders = secrets.filter((s) => Object.values(s.data).some((v) => v.includes(admin?.credentials[0].secretKey ?? "none")));
    expect(holders.map((s) => `${s.namespace}/${s.name}`).sort()).toEqual([
      `${OBJECT_STORE_NAMESPACE}/${OBJECT_STORE_CREDENTIALS_SECRET}`,
      `${OBJECT_STORE_NAMESPACE}/${OBJECT_STORE_CONFIG_SECRET}`,
    ]);
  });

  it("the chart's values hold no hash of the identities file: adding a team needs no new chart inventory (the hash reaches the gateway's pods through a transform)", () => {
    const chart = charts.find((c) => c.name === "object-store");
    expect(chart?.values.s3.existingConfigSecret).toBe(OBJECT_STORE_CONFIG_SECRET);
    expect(JSON.stringify(chart?.values)).not.toContain(IDENTITIES_CHECKSUM_ANNOTATION);
  });
});
