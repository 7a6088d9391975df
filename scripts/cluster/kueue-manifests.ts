/**
 * Kueue's own manifests, read from its module source (Go's module cache, see kueue-binary.ts): the CRDs, the
 * conversion patches its kustomization applies to them, and its webhook configurations. Read, never copied.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import type { KubeObject } from "../plan/extract";

export interface KueueManifests {
  readonly crds: KubeObject[];
  readonly conversionPatches: KubeObject[];
  readonly webhookManifests: KubeObject[];
}

const documents = (file: string): KubeObject[] =>
  parseAllDocuments(readFileSync(file, "utf8"))
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((doc): doc is KubeObject => doc !== null);

export function readKueueManifests(moduleDir: string): KueueManifests {
  const crdDir = join(moduleDir, "config", "components", "crd");
  const bases = join(crdDir, "bases");
  const crds = readdirSync(bases)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .flatMap((file) => documents(join(bases, file)));
  // The patches the kustomization applies, not every file in patches/: some there are commented out.
  const kustomization = parse(readFileSync(join(crdDir, "kustomization.yaml"), "utf8")) as { patches?: { path?: string }[] };
  const conversionPatches = (kustomization.patches ?? []).flatMap((patch) => (patch.path ? documents(join(crdDir, patch.path)) : []));
  const webhookManifests = documents(join(moduleDir, "config", "components", "webhook", "manifests.yaml"));
  if (crds.length === 0 || webhookManifests.length === 0) throw new Error(`no Kueue CRDs or webhook manifests under ${moduleDir}`);
  return { crds, conversionPatches, webhookManifests };
}
