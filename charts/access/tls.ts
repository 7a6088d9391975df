/**
 * The gateway's certificate on existing clusters: a cert-manager Certificate for both listeners' wildcards,
 * signed by the issuer `access.tls.issuer` names, or with "self-signed" (never prod, refused by config) by a CA
 * the platform makes: a self-signed ClusterIssuer signs the CA Certificate, and a CA ClusterIssuer signs the
 * gateway's. On EKS the NLB presents the ACM certificate and none of this exists. Pure: plain manifests.
 */
import type { AccessConfig } from "../../config/access";
import { GATEWAY_NAMESPACE } from "../../domain/access";
import { CERT_MANAGER_NAMESPACE } from "../../domain/platform-namespaces";
import { customResource, manifests, type Manifest } from "../kube";
import { GATEWAY_TLS_SECRET, listenerHostnames } from "./gateway";

export const CERT_MANAGER_V1 = "cert-manager.io/v1";
export const GATEWAY_CERTIFICATE = "platform-gateway";
/** The self-signed chain: the bootstrap issuer, the CA it signs (a Secret in cert-manager's namespace), and the CA issuer. */
export const SELF_SIGNED_ISSUER = "mlops-platform-self-signed";
export const PLATFORM_CA = "mlops-platform-ca";
export const PLATFORM_CA_ISSUER = "mlops-platform-ca";

export interface IssuerRef {
  readonly kind: "Issuer" | "ClusterIssuer";
  readonly name: string;
}

/** Whose signature the gateway's certificate carries: the configured issuer, or the platform's CA. */
export function gatewayIssuer(access: Pick<AccessConfig, "tls">): IssuerRef {
  const issuer = access.tls.issuer;
  if (!issuer) throw new Error("access.tls.issuer: required on an existing cluster (cert-manager signs the gateway's certificate)");
  return issuer === "self-signed" ? { kind: "ClusterIssuer", name: PLATFORM_CA_ISSUER } : issuer;
}

export interface GatewayTlsArgs {
  readonly access: Pick<AccessConfig, "tls" | "domain">;
  readonly labels?: Readonly<Record<string, string>>;
}

export function gatewayTlsObjects(args: GatewayTlsArgs): Manifest[] {
  const labels = { ...args.labels };
  const issuer = gatewayIssuer(args.access);
  return manifests((scope) => {
    if (args.access.tls.issuer === "self-signed") {
      customResource(scope, "self-signed-issuer", {
        apiVersion: CERT_MANAGER_V1,
        kind: "ClusterIssuer",
        metadata: { name: SELF_SIGNED_ISSUER, labels },
        spec: { selfSigned: {} },
      });
      // A ClusterIssuer's CA Secret lives in cert-manager's own namespace (its cluster resource namespace).
      customResource(scope, "platform-ca", {
        apiVersion: CERT_MANAGER_V1,
        kind: "Certificate",
        metadata: { name: PLATFORM_CA, namespace: CERT_MANAGER_NAMESPACE, labels },
        spec: {
          isCA: true,
          commonName: `${args.access.domain} platform CA`,
          secretName: PLATFORM_CA,
          duration: "87600h",
          privateKey: { algorithm: "ECDSA", size: 256 },
          issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: SELF_SIGNED_ISSUER },
        },
      });
      customResource(scope, "platform-ca-issuer", {
        apiVersion: CERT_MANAGER_V1,
        kind: "ClusterIssuer",
        metadata: { name: PLATFORM_CA_ISSUER, labels },
        spec: { ca: { secretName: PLATFORM_CA } },
      });
    }
    customResource(scope, "gateway-certificate", {
      apiVersion: CERT_MANAGER_V1,
      kind: "Certificate",
      metadata: { name: GATEWAY_CERTIFICATE, namespace: GATEWAY_NAMESPACE, labels },
      spec: {
        secretName: GATEWAY_TLS_SECRET,
        dnsNames: Object.values(listenerHostnames(args.access.domain)),
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        issuerRef: { group: "cert-manager.io", ...issuer },
      },
    });
  });
}
