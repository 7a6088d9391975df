/**
 * The Helm CLI the inventory renders with: the catalogue's version, built once from its Go module into the same
 * cache as the test control plane (`$MLOPS_TEST_CACHE` or `~/.cache/mlops-platform`), or given with --helm.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { INVENTORY_HELM } from "../../domain/versions";
import { cacheRoot } from "../cluster/binaries";
import { runTool } from "../cli/run-tool";

/** The main module of a Go binary as `go version -m` records it. */
export function parseModuleLine(info: string): { path: string; version: string } | undefined {
  const line = info.split("\n").find((l) => /^\s*mod\s/.test(l));
  const [, path, version] = line?.trim().split(/\s+/) ?? [];
  return path && version ? { path, version } : undefined;
}

/**
 * What a helm binary was built from, by Go's build info: a `go install` build reports only "v3.22" from
 * `helm version`, so the module version recorded in the binary is the exact one. The inventory's key includes it.
 */
export function helmVersion(helm: string): string {
  const main = parseModuleLine(runTool("go", ["version", "-m", helm], { whenMissing: "checking the helm binary needs Go on the PATH" }));
  return main?.path === INVENTORY_HELM.module ? main.version : `not built from ${INVENTORY_HELM.module}`;
}

export function ensureHelm(given?: string, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): string {
  const helm = given ?? join(cacheRoot(), `helm-${INVENTORY_HELM.version}`, "bin", "helm");
  if (!given && !existsSync(helm)) {
    const bin = join(cacheRoot(), `helm-${INVENTORY_HELM.version}`, "bin");
    mkdirSync(bin, { recursive: true });
    log(`Building helm ${INVENTORY_HELM.version} from ${INVENTORY_HELM.module} into ${bin} (once per version)`);
    runTool("go", ["install", `${INVENTORY_HELM.module}/cmd/helm@${INVENTORY_HELM.version}`], {
      env: { GOBIN: bin, CGO_ENABLED: "0" },
      whenMissing: "building helm needs Go on the PATH",
    });
  }
  const version = helmVersion(helm);
  if (version !== INVENTORY_HELM.version)
    throw new Error(`${helm} is helm ${version}; the inventory is rendered with ${INVENTORY_HELM.version} (domain/versions.ts)`);
  return helm;
}

/**
 * `helm template` arguments that render as helm.v4.Chart does at deploy time: CRDs included; hooks are rendered
 * too, so the inventory can list the ones the provider drops (it renders with hooks disabled).
 */
export function templateArgs(
  input: { release: string; namespace: string; kubeVersion: string },
  chartDir: string,
  valuesFile: string,
  apiVersions: readonly string[],
): string[] {
  return [
    "template",
    input.release,
    chartDir,
    "--namespace",
    input.namespace,
    "--values",
    valuesFile,
    "--kube-version",
    input.kubeVersion,
    "--include-crds",
    ...apiVersions.flatMap((v) => ["--api-versions", v]),
  ];
}
