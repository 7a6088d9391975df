/**
 * The SecurityPolicy fields the platform sets, typed after Envoy Gateway v1.9.0's api/v1alpha1
 * (securitypolicy_types.go, oidc_types.go, jwt_types.go, authorization_types.go) with their JSON names.
 */

export interface PolicyTargetReference {
  readonly group: string;
  readonly kind: "Gateway" | "HTTPRoute";
  readonly name: string;
  readonly sectionName?: string;
}

/** Selects targets in the policy's namespace by label; no matchLabels selects every object of the kind. */
export interface TargetSelector {
  readonly group?: string;
  readonly kind: "HTTPRoute";
  readonly matchLabels?: Readonly<Record<string, string>>;
}

export interface Oidc {
  readonly provider: { readonly issuer: string; readonly authorizationEndpoint?: string; readonly tokenEndpoint?: string };
  /** Exactly one of clientID and clientIDRef (CEL). */
  readonly clientID: string;
  /** An Opaque Secret in the policy's namespace, key "client-secret". */
  readonly clientSecret: { readonly name: string };
  readonly redirectURL?: string;
  readonly cookieDomain?: string;
  readonly cookieNames?: { readonly idToken?: string; readonly accessToken?: string };
  readonly scopes?: readonly string[];
  readonly disableTokenEncryption?: boolean;
  readonly passThroughAuthHeader?: boolean;
}

export interface JwtProvider {
  readonly name: string;
  readonly issuer?: string;
  /** At most 8. */
  readonly audiences?: readonly string[];
  /** Exactly one of remoteJWKS and localJWKS (CEL). */
  readonly remoteJWKS?: { readonly uri: string };
  readonly localJWKS?: { readonly type: "Inline"; readonly inline: string };
  readonly extractFrom?: {
    readonly headers?: readonly { readonly name: string; readonly valuePrefix?: string }[];
    readonly cookies?: readonly string[];
  };
}

/** A claim that must hold one of `values` (1 to 128); StringArray: one of the claim's entries does. */
export interface ClaimRule {
  readonly name: string;
  readonly valueType: "String" | "StringArray";
  readonly values: readonly string[];
}

export interface AuthorizationRule {
  readonly name: string;
  readonly action: "Allow" | "Deny";
  /** A jwt principal needs spec.jwt with that provider in the same policy (CEL). */
  readonly principal: { readonly jwt: { readonly provider: string; readonly claims: readonly ClaimRule[] } };
}

export interface SecurityPolicySpec {
  readonly targetRefs?: readonly PolicyTargetReference[];
  readonly targetSelectors?: readonly TargetSelector[];
  readonly oidc?: Oidc;
  readonly jwt?: { readonly providers: readonly JwtProvider[] };
  readonly authorization: { readonly defaultAction: "Allow" | "Deny"; readonly rules?: readonly AuthorizationRule[] };
}
