/**
 * External Secrets objects: the ClusterSecretStore over AWS Secrets Manager (restricted to the platform's
 * service namespaces) and one ExternalSecret per generated credential.
 */
import { manifests, type TypedManifest } from "../kube";
import * as eso from "../crds/external-secrets";
import { EXTERNAL_SECRETS_NAMESPACE } from "../../domain/platform-namespaces";

export { EXTERNAL_SECRETS_API } from "../crds/external-secrets";
export { EXTERNAL_SECRETS_NAMESPACE };
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = "external-secrets";
export const CLUSTER_SECRET_STORE = "aws-secrets-manager";

/** Secret keys as Go templates over the remote JSON's keys, e.g. { uri: "postgresql://u:{{ .password }}@h/db" }. */
export type SecretTemplate = Readonly<Record<string, string>>;

const PLACEHOLDER = /\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The same templates rendered here, for clusters without External Secrets; an unknown key is an error. */
export function renderTemplate(template: SecretTemplate, values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(template).map(([k, t]) => [
      k,
      t.replace(PLACEHOLDER, (_m, key: string) => {
        if (!Object.hasOwn(values, key)) throw new Error(`secret template ${k} names ${key}, which is not a generated value`);
        return values[key];
      }),
    ]),
  );
}

/** Keys a template reads. */
export function templateKeys(template: SecretTemplate): string[] {
  return [...new Set(Object.values(template).flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((m) => m[1])))];
}

export interface ExternalSecretArgs {
  readonly name: string;
  readonly namespace: string;
  readonly storeName: string;
  /** Secrets Manager secret name; its value is a JSON object. */
  readonly remoteKey: string;
  /** JSON keys to fetch. */
  readonly keys: readonly string[];
  readonly template?: SecretTemplate;
  /** Type of the Secret made. @default "Opaque" */
  readonly type?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** @default "1h" */
  readonly refreshInterval?: string;
}

export function externalSecret(args: ExternalSecretArgs): TypedManifest<eso.ExternalSecretSpec> {
  const labels = args.labels && Object.keys(args.labels).length > 0 ? { ...args.labels } : undefined;
  const [object] = manifests((scope) => {
    eso.externalSecret(
      scope,
      args.name,
      { name: args.name, namespace: args.namespace, labels: { ...args.labels } },
      {
        refreshInterval: args.refreshInterval ?? "1h",
        secretStoreRef: { kind: "ClusterSecretStore", name: args.storeName },
        target: {
          name: args.name,
          creationPolicy: "Owner",
          ...(args.template || args.type || labels
            ? {
                template: {
                  type: args.type ?? "Opaque",
                  engineVersion: "v2",
                  // The synced Secret carries the ExternalSecret's labels: in a team namespace they mark it platform-owned.
                  ...(labels ? { metadata: { labels } } : {}),
                  ...(args.template ? { data: { ...args.template } } : {}),
                },
              }
            : {}),
        },
        data: args.keys.map((k) => ({ secretKey: k, remoteRef: { key: args.remoteKey, property: k } })),
      },
    );
  });
  return object as TypedManifest<eso.ExternalSecretSpec>;
}

/**
 * The one ClusterSecretStore: the controller's own Pod Identity credentials (no auth block), usable only from
 * the listed namespaces and from namespaces carrying one of the labels (team namespaces that opted into a
 * service whose credential they hold). Only the platform writes ExternalSecrets: team roles get no rights on
 * external-secrets.io, and the chart's aggregation into the built-in roles is off.
 */
export function clusterSecretStore(
  region: string,
  namespaces: readonly string[],
  namespaceLabels: readonly string[] = [],
): TypedManifest<eso.ClusterSecretStoreSpec> {
  const [object] = manifests((scope) => {
    eso.clusterSecretStore(
      scope,
      CLUSTER_SECRET_STORE,
      { name: CLUSTER_SECRET_STORE },
      {
        provider: { aws: { service: "SecretsManager", region } },
        conditions: [{ namespaces: [...namespaces] }, ...namespaceLabels.map((label) => ({ namespaceSelector: { matchLabels: { [label]: "true" } } }))],
      },
    );
  });
  return object as TypedManifest<eso.ClusterSecretStoreSpec>;
}
