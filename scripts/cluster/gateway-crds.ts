/**
 * The Gateway API and Envoy Gateway CRDs for the real-server tests, read from the Envoy Gateway Go module at the
 * catalogue's release (the same files its gateway-helm chart installs from charts/crds/crds), never copied into
 * the repository. The module comes from the Go module proxy into Go's module cache; a warm cache costs one
 * `go mod download -json`.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { CHARTS } from "../../domain/versions";
import { runTool } from "../cli/run-tool";
import type { KubeObject } from "../plan/extract";
import { cacheRoot } from "./binaries";
import type { KubeClient } from "./kube-client";

export const GATEWAY_MODULE = "github.com/envoyproxy/gateway";
/** The catalogue's gateway-helm chart version is the module's release tag. */
export const GATEWAY_RELEASE: string = CHARTS.envoyGateway.version;
/** Where the gateway-helm chart keeps the CRDs Helm installs before its templates. */
export const GATEWAY_CRD_DIR = "charts/gateway-helm/charts/crds/crds";
/** The API groups those CRDs serve: Gateway API (standard and experimental x-k8s.io) and Envoy Gateway's own. */
export const GATEWAY_CRD_GROUPS = ["gateway.networking.k8s.io", "gateway.networking.x-k8s.io", "gateway.envoyproxy.io"] as const;

export interface GatewayModule {
  readonly version: string;
  /** The module's source tree (read-only, in Go's module cache). */
  readonly dir: string;
}

interface ModuleDownload {
  readonly Dir?: string;
  readonly Error?: string;
}

/** Downloads (or finds in Go's module cache) the Envoy Gateway module at `version`. */
export function ensureGatewayModule(version: string = GATEWAY_RELEASE): GatewayModule {
  // Outside any module, so no go.mod of the caller's decides anything.
  const cwd = join(cacheRoot(), `envoy-gateway-${version}`);
  mkdirSync(cwd, { recursive: true });
  const out = runTool("go", ["mod", "download", "-json", `${GATEWAY_MODULE}@${version}`], {
    cwd,
    whenMissing: "the real-server tests need Go on the PATH to fetch Envoy Gateway's CRDs",
  });
  const download = JSON.parse(out) as ModuleDownload;
  if (!download.Dir) throw new Error(`go mod download ${GATEWAY_MODULE}@${version}: ${download.Error ?? "no source directory"}`);
  return { version, dir: download.Dir };
}

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return yamlFiles(path);
      return name.endsWith(".yaml") ? [path] : [];
    });

type Crd = KubeObject & { spec?: { group?: string } };

/**
 * Every CRD under the chart's CRD directory. A CRD of a group the harness does not know is an error: the
 * suites that leave upstream groups unapplied (test/cluster/planned.ts) must learn it first.
 */
export function readGatewayCrds(moduleDir: string): KubeObject[] {
  const crds = yamlFiles(join(moduleDir, GATEWAY_CRD_DIR))
    .flatMap((file) => parseAllDocuments(readFileSync(file, "utf8")).map((doc) => doc.toJS() as Crd | null))
    .filter((doc): doc is Crd => doc !== null && doc.kind === "CustomResourceDefinition");
  if (crds.length === 0) throw new Error(`no CRDs under ${join(moduleDir, GATEWAY_CRD_DIR)}`);
  const strangers = crds.filter((crd) => !(GATEWAY_CRD_GROUPS as readonly string[]).includes(crd.spec?.group ?? ""));
  if (strangers.length > 0) throw new Error(`CRDs of groups the harness does not know: ${strangers.map((c) => c.metadata?.name).join(", ")}`);
  return crds;
}

const FIELD_MANAGER = "mlops-gateway-harness";

const established = (crd: { status?: { conditions?: { type: string; status: string }[] } } | undefined): boolean =>
  (crd?.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True");

/** Applies the CRDs (server-side, idempotent) and waits until the server serves each. */
export async function installGatewayCrds(admin: KubeClient, crds: readonly KubeObject[], seconds = 60): Promise<void> {
  for (const crd of crds) {
    const response = await admin.apply(crd, FIELD_MANAGER);
    if (response.status >= 300) throw new Error(`applying CRD ${crd.metadata?.name}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  const deadline = Date.now() + seconds * 1000;
  for (const crd of crds) {
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata?.name}`;
    while (!established((await admin.request("GET", path)).body)) {
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata?.name} not established within ${seconds} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
