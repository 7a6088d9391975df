/**
 * The `access` section: how people sign in (the company's OpenID Connect identity provider, or a local Dex outside
 * prod), the domain the platform's UIs and model endpoints are served under, their TLS, and how the gateway is
 * exposed. Field-local rules here; rules across sections in access-rules.ts.
 */
import { z } from "zod";
import { cidr, dnsLabel } from "./primitives";

/** An https:// URL without credentials, query or fragment (an issuer or one of its endpoints). */
export const httpsUrl = z.string().regex(/^https:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$/, {
  message: "is not an https:// URL without credentials, query or fragment",
});

/** A DNS name such as mlops.example.com: lowercase labels, at least two. */
const domainName = z.string().regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, {
  message: "is not a lowercase DNS name such as mlops.example.com",
});

/** An IdP group as the identity provider sends it in the groups claim (the cluster sees it with `groupsPrefix`). */
const idpGroup = z
  .string()
  .min(1)
  .refine((g) => !g.startsWith("system:"), { message: "is a Kubernetes built-in group (system:*)" });

/** A claim mapping prefix such as "oidc:"; never system: (the API server refuses it). */
const claimPrefix = z
  .string()
  .max(32)
  .refine((p) => !p.startsWith("system:"), { message: "must not start with system: (the API server refuses it)" });

/** What the company's identity provider publishes; endpoints are explicit so nothing fetches discovery at deploy time. */
const oidcProviderSchema = z
  .strictObject({
    kind: z.literal("oidc"),
    /** The issuer (the `iss` of its tokens), public https; EKS fetches its keys from there. */
    issuer: httpsUrl,
    /** The confidential OIDC client (with a secret) the gateway and Grafana sign people in with. */
    clientId: z.string().min(1).max(255),
    /**
     * The public client (PKCE, no secret; redirects http://localhost:8000 and http://localhost:18000) kubelogin signs
     * in with: the audience the API server accepts. Its own, so the gateway's session token is no kubectl credential.
     */
    kubectlClientId: z.string().min(1).max(255),
    /** From the issuer's .well-known/openid-configuration: the gateway and Grafana do not run discovery. */
    endpoints: z.strictObject({ authorization: httpsUrl, token: httpsUrl, userInfo: httpsUrl, jwks: httpsUrl }),
  })
  .refine((idp) => idp.kubectlClientId !== idp.clientId, {
    path: ["kubectlClientId"],
    message:
      "is the gateway's client: kubelogin holds no secret, and the API server would accept the gateway's session cookie as a kubectl credential; register a separate public client (PKCE, redirects http://localhost:8000 and http://localhost:18000)",
  });

/** A Dex run by the platform, with one test user per owner group and per admin group (never in prod). */
const dexProviderSchema = z.strictObject({ kind: z.literal("dex") });

/** Why a JWKS text is not the public key set of a cluster, or undefined when it is. */
export function jwksProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "is not JSON: paste the output of `kubectl get --raw /openid/v1/jwks` as it is";
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) return 'has no "keys": a JWKS lists the public keys that sign the cluster\'s service-account tokens';
  if (keys.some((k) => k === null || typeof k !== "object" || Array.isArray(k))) return 'has a "keys" entry that is not a JSON Web Key object';
  // "d" is a JWK's private part: a committed private key would let anyone mint the cluster's tokens.
  if (keys.some((k) => "d" in (k as object))) return "holds a private key (a JWK member d): publish the public keys only; rotate the signing key";
  return undefined;
}

/**
 * An existing cluster's service-account token issuer, so model endpoints can verify tokens of its service
 * accounts. The API server serves its keys only to authenticated callers, so the JWKS is stated here.
 */
const serviceAccountIssuerSchema = z.strictObject({
  /** The `iss` of the cluster's service-account tokens (kube-apiserver --service-account-issuer). */
  issuer: httpsUrl,
  /** The public JWKS as JSON text: the output of `kubectl get --raw /openid/v1/jwks`. */
  jwks: z.string().superRefine((text, ctx) => {
    const problem = jwksProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
});

/** What the gateway, Grafana and kubelogin ask the IdP for when nothing else is said. */
export const DEFAULT_SCOPES = ["openid", "email", "profile", "groups"] as const;

/** An OAuth scope token (RFC 6749 §3.3) narrowed to characters Grafana's and kubelogin's lists keep as written. */
const scope = z.string().regex(/^[A-Za-z0-9._~:/%+=@-]+$/, { message: "is not a scope: letters, digits and ._~:/%+=@- only, no spaces or commas" });

const claimsSchema = z.strictObject({
  /** @default "email" */
  username: z.string().min(1).optional(),
  /** @default "groups" */
  groups: z.string().min(1).optional(),
});

export const accessSchema = z.strictObject({
  identityProvider: z.discriminatedUnion("kind", [oidcProviderSchema, dexProviderSchema]),
  /**
   * The scopes the gateway, Grafana and kubelogin ask for; they must bring the username and groups claims. Some IdPs
   * (Entra ID, Google) refuse a scope they do not define, such as groups. @default ["openid","email","profile","groups"]
   */
  scopes: z
    .array(scope)
    .min(1)
    .refine((list) => list.includes("openid"), { message: "must include openid: without it the IdP issues no ID token, and nothing signs in" })
    .optional(),
  /** Which ID-token claims name a person and their groups. @default { username: "email", groups: "groups" } */
  claims: claimsSchema.optional(),
  /**
   * What the Kubernetes API server puts before IdP user and group names (EKS: the identity provider config; an
   * existing cluster: its own OIDC settings must match). RBAC subjects are prefix + group. @default "oidc:"
   */
  usernamePrefix: claimPrefix.optional(),
  groupsPrefix: claimPrefix.optional(),
  /** IdP groups of the platform admins: cluster-admin through kubectl and admin in every UI. */
  adminGroups: z.array(idpGroup).min(1, { message: "needs at least one IdP group of platform admins" }),
  /** UIs are served at <ui>.<domain>, model endpoints at <model>-<team>.models.<domain>. */
  domain: domainName,
  tls: z
    .strictObject({
      /** EKS: the ACM certificate (covering <domain>'s and models.<domain>'s wildcards) the load balancer presents. */
      acmCertificateArn: z
        .string()
        .regex(/^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, { message: "is not an ACM certificate ARN" })
        .optional(),
      /** Existing clusters: the cert-manager issuer that signs the gateway's certificate; "self-signed" only outside prod. */
      issuer: z.union([z.strictObject({ kind: z.enum(["Issuer", "ClusterIssuer"]), name: dnsLabel(63) }), z.literal("self-signed")]).optional(),
    })
    .optional(),
  exposure: z
    .strictObject({
      /** @default "internal" (reachable from the VPC or the site network only) */
      scheme: z.enum(["internal", "internet-facing"]).optional(),
      /** Client ranges the load balancer admits; required for internet-facing in prod. @default any */
      sourceRanges: z.array(cidr).min(1).optional(),
    })
    .optional(),
  /**
   * Existing clusters: the cluster's service-account issuer and its public keys, so listed callers
   * (teams[].modelEndpoints.callers) can call model endpoints with service-account tokens. EKS: never set (the
   * cluster's own OIDC issuer is used). @default none: model endpoints accept IdP tokens only
   */
  serviceAccountIssuer: serviceAccountIssuerSchema.optional(),
});

export type AccessInput = z.infer<typeof accessSchema>;

/** The company's IdP, or the platform's Dex (whose issuer and endpoints follow from the domain). */
export type IdentityProviderConfig = {
  readonly kind: "oidc" | "dex";
  readonly issuer: string;
  readonly clientId: string;
  readonly kubectlClientId: string;
  readonly endpoints: IdpEndpoints;
};

export interface IdpEndpoints {
  readonly authorization: string;
  readonly token: string;
  readonly userInfo: string;
  readonly jwks: string;
}

export interface AccessConfig {
  readonly identityProvider: IdentityProviderConfig;
  /** What the gateway, Grafana and kubelogin ask the IdP for. */
  readonly scopes: readonly string[];
  readonly claims: { readonly username: string; readonly groups: string };
  readonly usernamePrefix: string;
  readonly groupsPrefix: string;
  readonly adminGroups: readonly string[];
  readonly domain: string;
  readonly tls: { readonly acmCertificateArn?: string; readonly issuer?: { readonly kind: "Issuer" | "ClusterIssuer"; readonly name: string } | "self-signed" };
  readonly exposure: { readonly scheme: "internal" | "internet-facing"; readonly sourceRanges?: readonly string[] };
  /** Existing clusters: the service-account issuer model endpoints trust; undefined on EKS (its OIDC issuer) or when not given. */
  readonly serviceAccountIssuer?: { readonly issuer: string; readonly jwks: string };
}

/** The client ids of the platform's own Dex (the gateway's and Grafana's; kubelogin's public one), and its path below the login host. */
export const DEX_CLIENT_ID = "mlops-platform";
export const DEX_KUBECTL_CLIENT_ID = "mlops-kubectl";
export const DEX_HOST_LABEL = "login";
export const DEX_PATH = "/dex";

/** Dex's issuer on the gateway, with the in-cluster token and keys endpoints the proxies call (no DNS for the public name). */
function dexProvider(domain: string, inCluster: string): IdentityProviderConfig {
  const issuer = `https://${DEX_HOST_LABEL}.${domain}${DEX_PATH}`;
  return {
    kind: "dex",
    issuer,
    clientId: DEX_CLIENT_ID,
    kubectlClientId: DEX_KUBECTL_CLIENT_ID,
    endpoints: {
      authorization: `${issuer}/auth`,
      token: `${inCluster}${DEX_PATH}/token`,
      userInfo: `${inCluster}${DEX_PATH}/userinfo`,
      jwks: `${inCluster}${DEX_PATH}/keys`,
    },
  };
}

/** Dex's in-cluster address (charts/access/dex.ts serves it there). */
export const DEX_IN_CLUSTER_URL = "http://dex.dex.svc.cluster.local:5556";

export function resolveAccess(input: AccessInput | undefined): AccessConfig | undefined {
  if (!input) return undefined;
  const idp = input.identityProvider;
  return {
    identityProvider: idp.kind === "dex" ? dexProvider(input.domain, DEX_IN_CLUSTER_URL) : { ...idp },
    scopes: [...new Set(input.scopes ?? DEFAULT_SCOPES)],
    claims: { username: input.claims?.username ?? "email", groups: input.claims?.groups ?? "groups" },
    usernamePrefix: input.usernamePrefix ?? "oidc:",
    groupsPrefix: input.groupsPrefix ?? "oidc:",
    adminGroups: [...new Set(input.adminGroups)],
    domain: input.domain,
    tls: { ...input.tls },
    exposure: { scheme: input.exposure?.scheme ?? "internal", sourceRanges: input.exposure?.sourceRanges },
    serviceAccountIssuer: input.serviceAccountIssuer && { ...input.serviceAccountIssuer },
  };
}
