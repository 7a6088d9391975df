/** Shared inputs of the identity tests: a Dex access section and teams whose owners name IdP groups. */
import { resolveAccess, type AccessConfig } from "../../config/access";
import type { TeamConfig } from "../../config/teams";

export const DOMAIN = "mlops.example.test";

export function dexAccess(adminGroups: string[] = ["platform-admins"]): AccessConfig {
  const access = resolveAccess({ identityProvider: { kind: "dex" }, adminGroups, domain: DOMAIN });
  if (!access) throw new Error("resolveAccess returned nothing for a given section");
  return access;
}

export function oidcAccess(): AccessConfig {
  const issuer = "https://idp.example.com";
  const access = resolveAccess({
    identityProvider: {
      kind: "oidc",
      issuer,
      clientId: "mlops",
      kubectlClientId: "mlops-kubectl",
      endpoints: { authorization: `${issuer}/auth`, token: `${issuer}/token`, userInfo: `${issuer}/userinfo`, jwks: `${issuer}/keys` },
    },
    adminGroups: ["platform-admins"],
    domain: DOMAIN,
  });
  if (!access) throw new Error("resolveAccess returned nothing for a given section");
  return access;
}

type Owners = TeamConfig["owners"];
const role = (groups: string[] = []) => ({ groups, iamPrincipals: [] });

export const owners = (admin: string[], edit: string[] = [], view: string[] = []): Pick<TeamConfig, "owners"> => ({
  owners: { admin: role(admin), edit: role(edit), view: role(view) } satisfies Owners,
});
