/**
 * Validates Kubernetes objects against the API schema of the stack's cluster version, using the
 * kubernetes-models packages (generated from the upstream OpenAPI spec). Two schema releases are installed;
 * a version between them is checked against both neighbours, so an object passes only if both accept it.
 */
import type { KubeObject } from "./extract";
import { SECRET_PLACEHOLDER } from "./stack-file";

/** Installed schema packages by Kubernetes minor version (package.json pins both). */
export const SCHEMA_PACKAGES: Readonly<Record<string, string>> = {
  "1.33": "kubernetes-models-1.33",
  "1.36": "kubernetes-models",
};

/**
 * Custom resources validate against the schema package of their CRDs, whatever the cluster version.
 * A group listed with no package has no maintained schema library: such objects are counted as unchecked
 * (the API server validates them at deploy), never silently passed.
 */
export const CRD_SCHEMA_PACKAGES: Readonly<Record<string, string | null>> = {
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "external-secrets.io": "@kubernetes-models/external-secrets",
  "postgresql.cnpg.io": "@kubernetes-models/cloudnative-pg",
  "operator.knative.dev": "@kubernetes-models/knative",
  "snapshot.storage.k8s.io": null,
  // The Feast operator publishes no schema package; its FeatureStore is checked by tests against the CRD's fields.
  "feast.dev": null,
  // Kueue publishes no schema package; its objects are applied to a real API server with Kueue's own CRDs (test/cluster/queues.test.ts).
  "kueue.x-k8s.io": null,
  // The gateway's kinds (Gateway API v1.6.1, Envoy Gateway v1.9.0) and cert-manager's: no schema package here; the
  // real-server access tests apply them with the CRDs the charts bundle.
  "gateway.networking.k8s.io": null,
  "gateway.envoyproxy.io": null,
  "cert-manager.io": null,
};

const minor = (version: string) => Number(version.split(".")[1]);

/** The schema versions used for cluster version `v`: the exact one, or the two that bracket it. */
export function schemaVersionsFor(version: string): string[] {
  const available = Object.keys(SCHEMA_PACKAGES).sort((a, b) => minor(a) - minor(b));
  if (available.includes(version)) return [version];
  const lower = available.filter((a) => minor(a) < minor(version)).pop();
  const higher = available.find((a) => minor(a) > minor(version));
  return [lower, higher].filter((a): a is string => a !== undefined);
}

export interface SchemaProblem {
  readonly object: string;
  readonly schemaVersion: string;
  readonly message: string;
}

function modulePath(pkg: string, apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return group ? `${pkg}/${group}/${version}/${kind}` : `${pkg}/${version}/${kind}`;
}

type ModelClass = new (data: unknown) => { validate(): void };
const cache = new Map<string, ModelClass | null>();

async function modelFor(pkg: string, apiVersion: string, kind: string): Promise<ModelClass | null> {
  const path = modulePath(pkg, apiVersion, kind);
  const cached = cache.get(path);
  if (cached !== undefined) return cached;
  let model: ModelClass | null;
  try {
    // A real import(): tsconfig's module node16 keeps it in CommonJS output, and kubernetes-models 5 is ESM-only.
    const mod = (await import(path)) as Record<string, ModelClass>;
    model = mod[kind] ?? null;
  } catch {
    model = null;
  }
  cache.set(path, model);
  return model;
}

export function describe(obj: KubeObject): string {
  const ns = obj.metadata?.namespace ? `${obj.metadata.namespace}/` : "";
  return `${obj.apiVersion} ${obj.kind} ${ns}${obj.metadata?.name ?? "(unnamed)"}`;
}

/** Objects of CRD groups without a schema package: reported as unchecked by the plan summary. */
export function uncheckedObjects(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => CRD_SCHEMA_PACKAGES[o.apiVersion.split("/")[0]] === null);
}

/** A Secret whose contents the plan masked as a whole: validate its shape with the contents withheld. */
function withheldSecret(obj: KubeObject): KubeObject {
  if (obj.kind !== "Secret") return obj;
  const copy: Record<string, unknown> = { ...obj };
  for (const key of ["data", "stringData"]) if (copy[key] === SECRET_PLACEHOLDER) copy[key] = {};
  return copy as KubeObject;
}

export async function validateObjects(objects: readonly KubeObject[], clusterVersion: string): Promise<SchemaProblem[]> {
  const problems: SchemaProblem[] = [];
  const versions = schemaVersionsFor(clusterVersion);
  for (const original of objects) {
    const obj = withheldSecret(original);
    const group = obj.apiVersion.includes("/") ? obj.apiVersion.split("/")[0] : "";
    if (group in CRD_SCHEMA_PACKAGES) {
      const pkg = CRD_SCHEMA_PACKAGES[group];
      if (pkg === null) continue;
      const Model = await modelFor(pkg, obj.apiVersion, obj.kind);
      if (!Model) problems.push({ object: describe(obj), schemaVersion: pkg, message: `${pkg} has no ${obj.apiVersion} ${obj.kind}` });
      else {
        try {
          new Model(obj).validate();
        } catch (err) {
          problems.push({ object: describe(obj), schemaVersion: pkg, message: (err as Error).message });
        }
      }
      continue;
    }
    for (const schemaVersion of versions) {
      const Model = await modelFor(SCHEMA_PACKAGES[schemaVersion], obj.apiVersion, obj.kind);
      if (!Model) {
        problems.push({ object: describe(obj), schemaVersion, message: `Kubernetes ${schemaVersion} has no ${obj.apiVersion} ${obj.kind}` });
        continue;
      }
      try {
        new Model(obj).validate();
      } catch (err) {
        problems.push({ object: describe(obj), schemaVersion, message: (err as Error).message });
      }
    }
  }
  return problems;
}
