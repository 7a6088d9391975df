/** Reading the gateway chart's CRDs from a module tree (scripts/cluster/gateway-crds.ts), on a small tree laid out like Envoy Gateway's. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CHARTS } from "../../domain/versions";
import { GATEWAY_CRD_DIR, GATEWAY_CRD_GROUPS, GATEWAY_RELEASE, readGatewayCrds } from "../../scripts/cluster/gateway-crds";
import { UPSTREAM_CRD_GROUPS } from "../cluster/planned";

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function moduleTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "gateway-module-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, GATEWAY_CRD_DIR, path, ".."), { recursive: true });
    writeFileSync(join(root, GATEWAY_CRD_DIR, path), text);
  }
  return root;
}

const crd = (name: string, group: string) =>
  `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${name}\nspec:\n  group: ${group}\n`;

describe("readGatewayCrds", () => {
  it("reads every CRD of the chart's crds directory and its subdirectories, multi-document files included, in file order", () => {
    const root = moduleTree({
      "gatewayapi-crds.yaml": `# comment\n---\n${crd("gateways.gateway.networking.k8s.io", "gateway.networking.k8s.io")}---\n${crd("xmeshes.gateway.networking.x-k8s.io", "gateway.networking.x-k8s.io")}---\n`,
      "generated/gateway.envoyproxy.io_securitypolicies.yaml": crd("securitypolicies.gateway.envoyproxy.io", "gateway.envoyproxy.io"),
      "generated/notes.txt": "not yaml",
    });
    expect(readGatewayCrds(root).map((c) => c.metadata?.name)).toEqual([
      "gateways.gateway.networking.k8s.io",
      "xmeshes.gateway.networking.x-k8s.io",
      "securitypolicies.gateway.envoyproxy.io",
    ]);
  });

  it("refuses a CRD of a group the harness does not know, naming it", () => {
    const root = moduleTree({ "extra.yaml": crd("widgets.example.com", "example.com") });
    expect(() => readGatewayCrds(root)).toThrow(/groups the harness does not know: widgets.example.com/);
  });

  it("refuses a tree with no CRDs", () => {
    expect(() => readGatewayCrds(moduleTree({ "empty.yaml": "---\n" }))).toThrow(/no CRDs under/);
  });

  it("knows only groups the other suites leave unapplied", () => {
    for (const group of GATEWAY_CRD_GROUPS) expect(UPSTREAM_CRD_GROUPS).toContain(group);
  });
});

describe("GATEWAY_RELEASE", () => {
  it("is the catalogue's gateway-helm version, spelt as a release tag the module proxy knows (v1.2.3)", () => {
    expect(CHARTS.envoyGateway.version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(GATEWAY_RELEASE).toBe(CHARTS.envoyGateway.version);
  });
});
