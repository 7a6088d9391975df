/** platform.ts gives the Cluster component the stack's IdP: the identity provider config in the fixture plans. */
import { beforeAll, describe, expect, it } from "vitest";
import { EKS_IDP_CONFIG_NAME } from "../../components/cluster";
import type { PlanResult } from "../../scripts/plan/run";
import { ofType, one, plan, T } from "./plan-query";

const IDP_CONFIG = "aws:eks/identityProviderConfig:IdentityProviderConfig";
const plans: Record<string, PlanResult> = {};

beforeAll(async () => {
  for (const stack of ["prod", "dev", "local"]) plans[stack] = await plan(stack);
});

describe.each(["prod", "dev"])("identity provider config (%s, EKS with the company IdP)", (stack) => {
  it("is one, under the cluster component, from the stack's access, protected as the cluster is", () => {
    const p = plans[stack];
    const cfg = p.config;
    const access = cfg?.access;
    if (cfg?.cluster.kind !== "eks" || access?.identityProvider.kind !== "oidc") throw new Error(`${stack}: expected EKS with an oidc IdP`);
    const [config] = ofType(p, IDP_CONFIG);
    expect(ofType(p, IDP_CONFIG)).toHaveLength(1);
    expect(config.parent).toBe(one(p, T.cluster, cfg.cluster.name).urn);
    expect(config.inputs.oidc).toEqual({
      identityProviderConfigName: EKS_IDP_CONFIG_NAME,
      issuerUrl: access.identityProvider.issuer,
      clientId: access.identityProvider.kubectlClientId,
      groupsClaim: access.claims.groups,
      groupsPrefix: access.groupsPrefix,
      usernameClaim: access.claims.username,
      usernamePrefix: access.usernamePrefix,
    });
    expect(config.protect).toBe(one(p, T.eks, cfg.cluster.name).protect);
  });
});

describe("identity provider config (local, an existing cluster)", () => {
  it("is not made: the cluster's own API server settings authenticate", () => {
    expect(plans.local.resources.length).toBeGreaterThan(0);
    expect(ofType(plans.local, IDP_CONFIG)).toEqual([]);
  });
});
