/**
 * kubectl sign-in with the company's identity provider on EKS: the cluster's one OIDC identity provider config.
 * EKS fetches the issuer's keys itself, so only a public issuer works (never the platform's Dex; a config rule
 * refuses that on EKS). IAM principals keep their access entries: this is a second authenticator beside IAM.
 */
import type { AccessConfig } from "../../config/access";

export interface EksOidcSignIn {
  readonly issuerUrl: string;
  /**
   * The audience of the ID tokens kubectl presents (kubelogin's --oidc-client-id): the public kubectl client, never
   * the gateway's, so a gateway session token is no kubectl credential.
   */
  readonly clientId: string;
  readonly groupsClaim: string;
  /** RBAC subjects are this prefix + the IdP group (domain/access.ts clusterGroup). */
  readonly groupsPrefix: string;
  readonly usernameClaim: string;
  /** Set explicitly: without it EKS names users `<issuer>#<sub>` for any claim but email. */
  readonly usernamePrefix: string;
}

/** One config per cluster, so one fixed name (every field replaces it; see the Cluster component). */
export const EKS_IDP_CONFIG_NAME = "company-idp";

/** The identity provider config EKS gets from `access`: only for the company's IdP, never for Dex. */
export function eksOidcSignIn(access: AccessConfig | undefined): EksOidcSignIn | undefined {
  if (access?.identityProvider.kind !== "oidc") return undefined;
  const idp = access.identityProvider;
  return {
    issuerUrl: idp.issuer,
    clientId: idp.kubectlClientId,
    groupsClaim: access.claims.groups,
    groupsPrefix: access.groupsPrefix,
    usernameClaim: access.claims.username,
    usernamePrefix: access.usernamePrefix,
  };
}
