/** EKS sign-in with the company's IdP: eksOidcSignIn from `access`, and the Cluster component's identity provider config under mocks. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Cluster, EKS_IDP_CONFIG_NAME, IDP_CONFIG_TIMEOUT, eksOidcSignIn } from "../../components/cluster";
import { resolveAccess, type AccessInput } from "../../config/access";
import { EKS_VERSIONS } from "../../domain/versions";
import { planMocks } from "../../scripts/plan/mocks";
import { Recorder, type PlannedResource } from "../../scripts/plan/recorder";

const IDP_CONFIG = "aws:eks/identityProviderConfig:IdentityProviderConfig";
const ENDPOINTS = {
  authorization: "https://idp.example.com/oauth2/v1/authorize",
  token: "https://idp.example.com/oauth2/v1/token",
  userInfo: "https://idp.example.com/oauth2/v1/userinfo",
  jwks: "https://idp.example.com/oauth2/v1/keys",
};
const COMPANY: AccessInput = {
  identityProvider: { kind: "oidc", issuer: "https://idp.example.com", clientId: "mlops-platform", kubectlClientId: "mlops-kubectl", endpoints: ENDPOINTS },
  adminGroups: ["ml-platform-admins"],
  domain: "mlops.example.com",
};

describe("eksOidcSignIn", () => {
  it("maps the company IdP's kubectl client (not the gateway's), its claims and prefixes (defaults email, groups, oidc:)", () => {
    expect(eksOidcSignIn(resolveAccess(COMPANY))).toEqual({
      issuerUrl: "https://idp.example.com",
      clientId: "mlops-kubectl",
      groupsClaim: "groups",
      groupsPrefix: "oidc:",
      usernameClaim: "email",
      usernamePrefix: "oidc:",
    });
    const custom = resolveAccess({ ...COMPANY, claims: { username: "sub", groups: "roles" }, groupsPrefix: "idp-group:", usernamePrefix: "idp:" });
    expect(eksOidcSignIn(custom)).toMatchObject({ groupsClaim: "roles", groupsPrefix: "idp-group:", usernameClaim: "sub", usernamePrefix: "idp:" });
  });

  it("makes nothing without access, nor for the platform's Dex (EKS cannot reach a private issuer)", () => {
    expect(eksOidcSignIn(undefined)).toBeUndefined();
    expect(eksOidcSignIn(resolveAccess({ ...COMPANY, identityProvider: { kind: "dex" } }))).toBeUndefined();
  });
});

describe("Cluster component with and without oidc (mocks)", () => {
  const resources: PlannedResource[] = [];
  const options = new Map<string, pulumi.CustomResourceOptions>();
  let withIdp: Cluster;
  let without: Cluster;

  beforeAll(async () => {
    await pulumi.runtime.setMocks(planMocks, "mlops-platform", "test", false);
    const recorder = new Recorder();
    recorder.attach();
    // A transformation on the component sees each child's options as given (the recorder keeps only protect).
    const seeOptions: pulumi.ResourceTransformation = (child) => {
      options.set(`${child.type} ${child.name}`, child.opts);
      return undefined;
    };
    const args = {
      version: "1.35",
      subnetIds: ["subnet-a", "subnet-b"],
      secretsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/secrets",
      logsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/logs",
      admins: ["arn:aws:iam::111122223333:role/platform-admin"],
      addonVersions: EKS_VERSIONS["1.35"].addons,
      region: "us-east-1",
    };
    withIdp = new Cluster("mlops-prod", { ...args, protect: true, oidc: eksOidcSignIn(resolveAccess(COMPANY)) }, { transformations: [seeOptions] });
    without = new Cluster("mlops-dev", args);
    await Recorder.settle();
    resources.push(...recorder.resources);
  });

  const configs = () => resources.filter((r) => r.type === IDP_CONFIG);

  it("makes exactly one identity provider config, for the cluster given oidc", () => {
    expect(configs().map((r) => r.name)).toEqual(["mlops-prod-oidc"]);
    expect(without.identityProvider).toBeUndefined();
    expect(withIdp.identityProvider).toBeDefined();
  });

  it("takes issuer, client id, claims and prefixes from access, under one fixed config name", () => {
    const [config] = configs();
    expect(config.inputs).toEqual({
      clusterName: "mlops-prod",
      oidc: {
        identityProviderConfigName: EKS_IDP_CONFIG_NAME,
        issuerUrl: "https://idp.example.com",
        clientId: "mlops-kubectl",
        groupsClaim: "groups",
        groupsPrefix: "oidc:",
        usernameClaim: "email",
        usernamePrefix: "oidc:",
      },
    });
  });

  it("is the cluster component's child, protected like the cluster, and nothing depends on it", () => {
    const [config] = configs();
    const component = resources.find((r) => r.type === "mlops:cluster:Cluster" && r.name === "mlops-prod");
    expect(config.parent).toBe(component?.urn);
    expect(config.protect).toBe(true);
    // Retaining it would leave the old association in place and fail the replacement's create.
    expect(config.retainOnDelete).toBe(false);
    const dependents = resources.filter((r) => r.dependsOn.includes(config.urn) || JSON.stringify(r.inputs).includes(config.urn));
    expect(dependents.map((r) => r.urn)).toEqual([]);
  });

  it("is replaced delete-first (one config per cluster) with 45-minute create and delete timeouts", () => {
    const opts = options.get(`${IDP_CONFIG} mlops-prod-oidc`);
    expect(opts?.deleteBeforeReplace).toBe(true);
    expect(opts?.customTimeouts).toEqual({ create: IDP_CONFIG_TIMEOUT, delete: IDP_CONFIG_TIMEOUT });
    expect(IDP_CONFIG_TIMEOUT).toBe("45m");
  });
});
