/** Plain inputs for the access builders: an access section through the real resolver, and teams with only the fields they read. */
import { resolveAccess, type AccessConfig } from "../../config/access";
import type { TeamConfig } from "../../config/teams";
import type { UiApp } from "../../domain/access";
import type { Manifest } from "../../charts/kube";

export type AccessTeam = Pick<TeamConfig, "name" | "owners" | "services" | "modelEndpoints">;

export const ADMINS = ["platform-admins", "sre"];
export const DOMAIN = "mlops.example.com";

export function oidcAccess(overrides: Partial<Parameters<typeof resolveAccess>[0] & object> = {}): AccessConfig {
  const access = resolveAccess({
    identityProvider: {
      kind: "oidc",
      issuer: "https://idp.example.com",
      clientId: "mlops",
      kubectlClientId: "mlops-kubectl",
      endpoints: {
        authorization: "https://idp.example.com/authorize",
        token: "https://idp.example.com/token",
        userInfo: "https://idp.example.com/userinfo",
        jwks: "https://idp.example.com/keys",
      },
    },
    adminGroups: ADMINS,
    domain: DOMAIN,
    ...overrides,
  });
  if (!access) throw new Error("resolveAccess returned nothing");
  return access;
}

export const dexAccess = (): AccessConfig => oidcAccess({ identityProvider: { kind: "dex" } });

const role = (groups: readonly string[]) => ({ groups, iamPrincipals: [] });

export function team(name: string, services: readonly string[], extra: Partial<AccessTeam> = {}): AccessTeam {
  return {
    name,
    owners: { admin: role([`${name}-leads`]), edit: role([`${name}-engineers`, "shared-ml"]), view: role([`${name}-analysts`]) },
    services,
    modelEndpoints: undefined,
    ...extra,
  };
}

export const ALL_UIS: ReadonlySet<UiApp> = new Set(["mlflow", "pipelines", "grafana", "evidently"]);

export const ofKind = (objects: readonly Manifest[], kind: string): Manifest[] => objects.filter((o) => o.kind === kind);

/** The manifest's metadata and spec, typed loosely for assertions. */
export const body = (o: Manifest): { metadata: any; spec: any } => o as never;
