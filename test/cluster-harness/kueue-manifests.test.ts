/** Reading Kueue's manifests from a module tree (scripts/cluster/kueue-manifests.ts), on a small tree laid out like Kueue's. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readKueueManifests } from "../../scripts/cluster/kueue-manifests";

const root = mkdtempSync(join(tmpdir(), "kueue-module-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), text);
}

const crd = (name: string) =>
  `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${name}\nspec:\n  group: kueue.x-k8s.io\n`;
const conversionPatch = (name: string) => `${crd(name)}  conversion:\n    strategy: Webhook\n`;

write("config/components/crd/bases/kueue.x-k8s.io_workloads.yaml", `---\n${crd("workloads.kueue.x-k8s.io")}`);
write("config/components/crd/bases/kueue.x-k8s.io_cohorts.yaml", crd("cohorts.kueue.x-k8s.io"));
write("config/components/crd/patches/webhook_in_workloads.yaml", conversionPatch("workloads.kueue.x-k8s.io"));
write("config/components/crd/patches/webhook_in_cohorts.yaml", conversionPatch("cohorts.kueue.x-k8s.io"));
write(
  "config/components/crd/kustomization.yaml",
  [
    "resources:",
    "- bases/kueue.x-k8s.io_workloads.yaml",
    "patches:",
    "- path: patches/webhook_in_workloads.yaml",
    "#- path: patches/webhook_in_cohorts.yaml",
    "",
  ].join("\n"),
);
write(
  "config/components/webhook/manifests.yaml",
  "---\napiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: mutating-webhook-configuration\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: validating-webhook-configuration\n",
);

describe("readKueueManifests", () => {
  const manifests = readKueueManifests(root);

  it("reads every CRD of the bases, skipping empty documents", () => {
    expect(manifests.crds.map((c) => c.metadata?.name)).toEqual(["cohorts.kueue.x-k8s.io", "workloads.kueue.x-k8s.io"]);
  });

  it("reads the patches the kustomization applies, not the ones it comments out", () => {
    expect(manifests.conversionPatches.map((p) => p.metadata?.name)).toEqual(["workloads.kueue.x-k8s.io"]);
  });

  it("reads both webhook configurations", () => {
    expect(manifests.webhookManifests.map((m) => m.kind)).toEqual(["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);
  });

  it("fails on a tree without them", () => {
    const empty = mkdtempSync(join(tmpdir(), "kueue-empty-"));
    try {
      expect(() => readKueueManifests(empty)).toThrow(/ENOENT/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
