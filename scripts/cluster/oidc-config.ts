/**
 * How an API server trusts the platform's identity provider: the structured AuthenticationConfiguration
 * (apiserver.config.k8s.io/v1, `--authentication-config`) derived from a stack's `access` section, exactly as an
 * existing cluster's administrator would write it, so the users and groups it makes are the ones the team RBAC
 * binds (prefix + IdP name). Pure.
 */
import { accessSchema, resolveAccess, type AccessConfig } from "../../config/access";
import { PROJECT } from "../../domain/project";

/** Where the test API server fetches the issuer's discovery document, and the CA its TLS certificate chains to. */
export interface IssuerTrust {
  readonly discoveryUrl: string;
  readonly caCert: string;
}

export function authenticationConfiguration(access: AccessConfig, trust: IssuerTrust): Record<string, unknown> {
  const idp = access.identityProvider;
  return {
    apiVersion: "apiserver.config.k8s.io/v1",
    kind: "AuthenticationConfiguration",
    jwt: [
      {
        issuer: {
          // The tokens' iss; the discovery document served at discoveryURL must name the same issuer.
          url: idp.issuer,
          discoveryURL: trust.discoveryUrl,
          certificateAuthority: trust.caCert,
          // kubectl's public client only: tokens of the gateway's client (its session cookie) are no kubectl credential.
          audiences: [idp.kubectlClientId],
        },
        claimMappings: {
          username: { claim: access.claims.username, prefix: access.usernamePrefix },
          groups: { claim: access.claims.groups, prefix: access.groupsPrefix },
        },
      },
    ],
  };
}

/** The resolved `access` section of a stack file's config (readStackConfig's values), or an error saying why not. */
export function stackAccess(values: Readonly<Record<string, string>>, stack: string): AccessConfig {
  const raw = values[`${PROJECT}:access`];
  if (raw === undefined) throw new Error(`stack ${stack} has no ${PROJECT}:access`);
  const access = resolveAccess(accessSchema.parse(JSON.parse(raw)));
  if (!access) throw new Error(`stack ${stack}: access did not resolve`);
  return access;
}
