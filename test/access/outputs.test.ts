/** The stack outputs access adds (index.ts): the UIs' URLs as plain data, and Dex's test users only as a secret. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { accessOutputs, type StackIdentity } from "../../components/access/wiring";
import type { IdentityProvider, TestUserCredentials } from "../../components/identity";
import type { PlatformConfig } from "../../config";
import type { PlanResult } from "../../scripts/plan/run";
import { plan } from "../components/plan-query";

const isSecret = (output: pulumi.Output<unknown>): Promise<boolean> => (output as unknown as { isSecret: Promise<boolean> }).isSecret;

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  for (const stack of ["local", "dev"]) plans[stack] = await plan(stack);
});
const config = (stack: string): PlatformConfig => {
  const cfg = plans[stack].config;
  if (!cfg?.access) throw new Error(`${stack}: no access in the fixture`);
  return cfg;
};

describe("accessOutputs", () => {
  it("lists each UI the gateway serves with its https URL (Grafana always)", () => {
    const cfg = config("dev");
    const identity: StackIdentity = { access: cfg.access!, clientSecret: pulumi.secret("s") };
    const { gatewayUrls, localTestUsers } = accessOutputs(cfg, identity);
    expect(gatewayUrls?.grafana).toBe(`https://grafana.${cfg.access!.domain}/`);
    for (const [app, url] of Object.entries(gatewayUrls ?? {})) expect(url).toBe(`https://${app}.${cfg.access!.domain}/`);
    expect(Object.keys(gatewayUrls ?? {}).length).toBeGreaterThan(1);
    // The company IdP's users are its own: no test users.
    expect(localTestUsers).toBeUndefined();
  });

  it("hands Dex's test users over as they are: a secret Output", async () => {
    const cfg = config("local");
    const users: TestUserCredentials[] = [{ email: "platform-admins@mlops.localhost", group: "platform-admins", password: "pw" }];
    const provider = { testUsers: pulumi.secret(users) } as unknown as IdentityProvider;
    const { localTestUsers } = accessOutputs(cfg, { access: cfg.access!, provider, clientSecret: pulumi.secret("s") });
    expect(localTestUsers).toBe(provider.testUsers);
    expect(await isSecret(localTestUsers as pulumi.Output<unknown>)).toBe(true);
  });

  it("is empty without access", () => {
    expect(accessOutputs(config("dev"), undefined)).toEqual({});
  });
});
