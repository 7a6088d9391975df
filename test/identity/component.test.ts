/**
 * The IdentityProvider component under runtime mocks: its children and their order, the chart it deploys with
 * which values, the config Secret Dex reads (generated hashes and client secret in it), and its secret outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEX_CONFIG_SECRET, dexRedirectUris, dexTestUsers } from "../../charts/access/dex";
import { loadValuesFile } from "../../charts/values";
import { IdentityProvider, type TestUserCredentials } from "../../components/identity";
import { DEX_NAMESPACE } from "../../domain/platform-namespaces";
import { CHARTS } from "../../domain/versions";
import { planMocks } from "../../scripts/plan/mocks";
import { Recorder, type PlannedResource } from "../../scripts/plan/recorder";
import { dexAccess, owners } from "./fixtures";

type AnyObj = Record<string, any>;
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** A resource other components would provide (what the platform waits for). */
class Stub extends pulumi.CustomResource {
  constructor(type: string, name: string) {
    super(type, name, {});
  }
}

/** Outputs are read through their internal promise; whether one is secret is part of what is tested. */
const valueOf = <T>(output: pulumi.Output<T>): Promise<T> => (output as unknown as { promise(): Promise<T> }).promise();
const isSecret = (output: pulumi.Output<unknown>): Promise<boolean> => (output as unknown as { isSecret: Promise<boolean> }).isSecret;

const access = dexAccess();
const teams = [
  { name: "recsys", services: ["evidently"], ...owners(["recsys-admins"], ["recsys-devs"]) },
  { name: "nlp", services: [], ...owners(["nlp-admins"], [], ["analysts"]) },
];
const users = dexTestUsers(access, teams);

const resources: PlannedResource[] = [];
const secretInputs: AnyObj[] = [];
let provider: IdentityProvider;
let platform: Stub;

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.type === "kubernetes:core/v1:Secret") secretInputs.push(args.inputs);
        const base = planMocks.newResource(args) as { id: string; state: AnyObj };
        if (args.type === "random:index/randomPassword:RandomPassword")
          return { id: base.id, state: { ...base.state, result: `pw-${args.name}`, bcryptHash: `$2a$10$hash-of-${args.name}` } };
        return base;
      },
      call: (args) => planMocks.call(args),
    },
    "mlops-platform",
    "test",
    false,
  );
  const recorder = new Recorder();
  recorder.attach();
  platform = new Stub("test:index:Monitoring", "monitoring");
  provider = new IdentityProvider("identity", { access, teams, labels: { team: "platform" } }, { dependsOn: [platform] });
  await Recorder.settle();
  resources.push(...recorder.resources);
});

const one = (type: string, name: string): PlannedResource => {
  const hits = resources.filter((r) => r.type === type && r.name === name);
  if (hits.length !== 1) throw new Error(`expected one ${type} ${name}, found ${hits.length}`);
  return hits[0];
};
const chart = () => one("kubernetes:helm.sh/v4:Chart", "dex");
const group = (name: string) => one("kubernetes:yaml/v2:ConfigGroup", name);
const secret = () => one("kubernetes:core/v1:Secret", "identity-config");
const urnOf = (stub: Stub) => valueOf(stub.urn);

describe("IdentityProvider children", () => {
  it("makes the namespace group, a password per test user and the client secret, the config Secret and the chart (its route is the gateway's)", () => {
    const children = resources.filter((r) => r.parent?.endsWith("mlops:identity:IdentityProvider::identity"));
    expect(children.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        "kubernetes:core/v1:Secret identity-config",
        "kubernetes:helm.sh/v4:Chart dex",
        "kubernetes:yaml/v2:ConfigGroup identity-namespace",
        "random:index/randomPassword:RandomPassword identity-client-secret",
        ...users.map((u) => `random:index/randomPassword:RandomPassword identity-user-${u.username}`),
      ].sort(),
    );
    expect(users).toHaveLength(5);
    expect(provider.namespace).toBe(DEX_NAMESPACE);
  });

  it("generates typable passwords: letters and digits, 24 per user and 48 for the client", () => {
    const passwords = resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
    expect(passwords.length).toBe(users.length + 1);
    for (const p of passwords) expect(p.inputs).toMatchObject({ special: false, length: p.name.endsWith("client-secret") ? 48 : 24 });
  });
});

describe("the chart", () => {
  it("is the catalogue's Dex chart from charts.dexidp.io, released as dex in dex", () => {
    expect(chart().inputs).toMatchObject({
      chart: "dex",
      repositoryOpts: { repo: "https://charts.dexidp.io" },
      version: CHARTS.dex.version,
      namespace: DEX_NAMESPACE,
    });
  });

  it("takes charts/values/dex.yaml as it is (the config's checksum reaches the pod template through a transform)", () => {
    const values = chart().inputs.values as AnyObj;
    expect(JSON.stringify(values)).not.toContain("pw-identity-");
    expect(values).toEqual(loadValuesFile("dex"));
    expect(values).toMatchObject({ image: { tag: "v2.45.1" }, configSecret: { create: false, name: DEX_CONFIG_SECRET }, rbac: { create: false } });
  });

  it("comes after its namespace, its config Secret and what the platform waits for", async () => {
    expect(chart().dependsOn).toEqual(expect.arrayContaining([group("identity-namespace").urn, secret().urn, await urnOf(platform)]));
    expect(group("identity-namespace").dependsOn).toContain(await urnOf(platform));
  });
});

describe("the config Secret", () => {
  // The mocks see a secret input as the SDK's wrapped value ({<signature key>: <secret signature>, value}).
  const unwrap = (value: AnyObj): AnyObj => (Object.values(value).includes(SECRET_SIGNATURE) ? (value.value as AnyObj) : value);
  const configText = (): string => unwrap(unwrap(secretInputs[0].stringData)["config.yaml"]) as unknown as string;
  const config = () => {
    expect(secretInputs).toHaveLength(1);
    return parse(configText()) as AnyObj;
  };

  it("is dex-config in dex, with its data recorded as secret", () => {
    expect(secret().inputs.metadata).toMatchObject({ name: DEX_CONFIG_SECRET, namespace: DEX_NAMESPACE, labels: { team: "platform" } });
    expect(secret().inputs.stringData).toEqual({ "config.yaml": "[secret]" });
    expect(secret().dependsOn).toContain(group("identity-namespace").urn);
  });

  it("holds each user's generated bcrypt hash, never a password, and the generated client secret", () => {
    const passwords = config().staticPasswords as AnyObj[];
    expect(passwords.map((p) => [p.email, p.groups, p.hash])).toEqual(users.map((u) => [u.email, [u.group], `$2a$10$hash-of-identity-user-${u.username}`]));
    expect(configText()).not.toContain("pw-identity-user-");
    expect(config().staticClients[0]).toMatchObject({ id: "mlops-platform", secret: "pw-identity-client-secret" });
  });

  it("lets the confidential client return to the UIs and Grafana's OAuth callback; kubelogin uses the public client, without a secret", () => {
    expect(config().staticClients[0].redirectURIs).toEqual(dexRedirectUris(access.domain, teams));
    // recsys opted into Evidently: its own instance's host; nlp did not.
    expect(config().staticClients[0].redirectURIs).toContain(`https://evidently-recsys.${access.domain}/oauth2/callback`);
    expect(config().staticClients[0].redirectURIs.filter((uri: string) => uri.includes("evidently"))).toHaveLength(1);
    expect(config().staticClients[0].redirectURIs).toContain(`https://mlflow.${access.domain}/oauth2/callback`);
    expect(config().staticClients[1]).toEqual({
      id: "mlops-kubectl",
      name: "MLOps platform kubectl",
      public: true,
      redirectURIs: ["http://localhost:8000", "http://localhost:18000"],
    });
  });
});

describe("outputs", () => {
  it("clientSecret is the generated client secret, as a secret", async () => {
    expect(await valueOf(provider.clientSecret)).toBe("pw-identity-client-secret");
    expect(await isSecret(provider.clientSecret)).toBe(true);
  });

  it("testUsers lists each user's email, group and password, as a secret", async () => {
    const listed: TestUserCredentials[] = await valueOf(provider.testUsers);
    expect(listed).toEqual(users.map((u) => ({ email: u.email, group: u.group, password: `pw-identity-user-${u.username}` })));
    expect(await isSecret(provider.testUsers)).toBe(true);
  });
});
