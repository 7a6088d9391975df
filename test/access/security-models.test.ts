import { describe, expect, it } from "vitest";
import { eksServiceAccountIssuer, securityPolicyObjects, serviceAccountIssuerOf } from "../../charts/access/security";
import { MODEL_TOKEN_AUDIENCE, teamIdpGroups } from "../../domain/access";
import { ADMINS, body, oidcAccess, team } from "./fixtures";

const access = oidcAccess();
const vision = team("vision", ["kserve"], {
  modelEndpoints: {
    callers: [
      { namespace: "vision", serviceAccount: "team-workload" },
      { namespace: "apps", serviceAccount: "checkout" },
    ],
  },
});
const nlp = team("nlp", ["kserve"]);
const recsys = team("recsys", ["kserve"], { modelEndpoints: { callers: [{ namespace: "recsys", serviceAccount: "team-workload" }] } });
const teams = [vision, nlp, recsys];
const eks = eksServiceAccountIssuer("https://oidc.eks.us-east-1.amazonaws.com/id/ABC");
const modelPolicies = (issuer: Parameters<typeof securityPolicyObjects>[0]["serviceAccountIssuer"]) =>
  securityPolicyObjects({ access, routes: [], teams, serviceAccountIssuer: issuer }).filter((o) => body(o).metadata.name === "model-endpoints");

describe("security: (c) a policy per team that serves models", () => {
  it("exists in exactly the namespaces of teams with modelEndpoints", () => {
    const policies = modelPolicies(eks);
    expect(policies.length).toBeGreaterThan(0);
    expect(policies.map((p) => body(p).metadata.namespace)).toEqual(["vision", "recsys"]);
  });

  it("selects every HTTPRoute of the team namespace (no label: KServe's routes carry only the InferenceService's labels)", () => {
    for (const policy of modelPolicies(eks)) {
      expect(body(policy).spec.targetSelectors).toEqual([{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }]);
      expect(body(policy).spec).not.toHaveProperty("targetRefs");
      expect(body(policy).spec).not.toHaveProperty("oidc");
    }
  });

  it("accepts bearer IdP tokens of the team's groups and the admins, and the listed callers' service-account tokens", () => {
    const [policy] = modelPolicies(eks);
    const { spec } = body(policy);
    expect(spec.jwt.providers).toEqual([
      {
        name: "idp",
        issuer: "https://idp.example.com",
        // What kubelogin gets: the kubectl client's ID token; the gateway's session token is not a model credential.
        audiences: ["mlops-kubectl"],
        remoteJWKS: { uri: "https://idp.example.com/keys" },
        // No cookie: a browser session must not call a model on a page's behalf.
        extractFrom: { headers: [{ name: "Authorization", valuePrefix: "Bearer " }] },
      },
      {
        name: "cluster",
        issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
        audiences: [MODEL_TOKEN_AUDIENCE],
        remoteJWKS: { uri: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC/keys" },
        extractFrom: { headers: [{ name: "Authorization", valuePrefix: "Bearer " }] },
      },
    ]);
    expect(spec.authorization).toEqual({
      defaultAction: "Deny",
      rules: [
        {
          name: "groups",
          action: "Allow",
          principal: { jwt: { provider: "idp", claims: [{ name: "groups", valueType: "StringArray", values: [...ADMINS, ...teamIdpGroups(vision)] }] } },
        },
        {
          name: "callers",
          action: "Allow",
          principal: {
            jwt: {
              provider: "cluster",
              claims: [{ name: "sub", valueType: "String", values: ["system:serviceaccount:vision:team-workload", "system:serviceaccount:apps:checkout"] }],
            },
          },
        },
      ],
    });
  });

  it("never lets another team's groups in", () => {
    const recsysPolicy = modelPolicies(eks).find((p) => body(p).metadata.namespace === "recsys");
    const groups = body(recsysPolicy ?? {}).spec.authorization.rules[0].principal.jwt.claims[0].values;
    expect(groups).toContain("recsys-leads");
    expect(groups).not.toContain("vision-leads");
  });

  it("an existing cluster's issuer: its keys inline", () => {
    const [policy] = modelPolicies({ issuer: "https://kubernetes.default.svc", jwks: '{"keys":[]}' });
    expect(body(policy).spec.jwt.providers[1]).toMatchObject({
      name: "cluster",
      issuer: "https://kubernetes.default.svc",
      localJWKS: { type: "Inline", inline: '{"keys":[]}' },
    });
    expect(body(policy).spec.jwt.providers[1]).not.toHaveProperty("remoteJWKS");
  });

  it("without an issuer: IdP tokens only, and no rule names the missing provider", () => {
    for (const policy of modelPolicies(undefined)) {
      const { spec } = body(policy);
      expect(spec.jwt.providers.map((p: { name: string }) => p.name)).toEqual(["idp"]);
      expect(spec.authorization.rules.map((r: any) => r.principal.jwt.provider)).toEqual(["idp"]);
    }
  });
});

describe("security: which service-account issuer model endpoints trust", () => {
  const existing = { issuer: "https://kubernetes.default.svc", jwks: '{"keys":[]}' };
  it("on EKS the cluster's OIDC issuer with remote keys, even where the section names one", () => {
    expect(serviceAccountIssuerOf({ serviceAccountIssuer: existing }, "https://oidc.eks.us-east-1.amazonaws.com/id/ABC")).toEqual(eks);
  });
  it("elsewhere access.serviceAccountIssuer with its keys inline, or none", () => {
    expect(serviceAccountIssuerOf({ serviceAccountIssuer: existing })).toEqual(existing);
    expect(serviceAccountIssuerOf({})).toBeUndefined();
  });
});
