/**
 * The throw-away Go module that builds the test control plane: kube-apiserver and kube-controller-manager from
 * k8s.io/kubernetes, and etcd from its server module. Pure text generation, so the recipe is unit-tested and
 * the build script only runs `go`.
 */

export interface ControlPlaneVersions {
  readonly kubernetes: string;
  readonly staging: string;
  readonly etcd: string;
}

export const MODULE_PATH = "mlops-platform.test/control-plane";

/** The main packages built into bin/, by binary name. etcd's main lives in the generated module. */
export const BINARIES = {
  "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
  "kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
  etcd: `${MODULE_PATH}/etcd`,
} as const;
export type BinaryName = keyof typeof BINARIES;

/**
 * k8s.io/kubernetes points each staging module at `./staging/src/k8s.io/<name>`, a path that exists only in its
 * own repository; a module that requires it must replace each one with the published module of that name.
 */
export function stagingModules(kubernetesGoMod: string): string[] {
  const names = [...kubernetesGoMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\/src\/\1\s*$/gm)].map((m) => m[1]);
  if (names.length === 0) throw new Error("k8s.io/kubernetes go.mod replaces no staging module: the build recipe no longer fits this release");
  return [...new Set(names)].sort();
}

/** The `go` directive k8s.io/kubernetes asks for: the generated module may not ask for less. */
export function goDirective(kubernetesGoMod: string): string {
  const match = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(kubernetesGoMod);
  if (!match) throw new Error("k8s.io/kubernetes go.mod has no go directive");
  return match[1];
}

export function controlPlaneGoMod(versions: ControlPlaneVersions, kubernetesGoMod: string): string {
  const replaces = stagingModules(kubernetesGoMod).map((name) => `\t${name} => ${name} ${versions.staging}`);
  return [
    `module ${MODULE_PATH}`,
    "",
    `go ${goDirective(kubernetesGoMod)}`,
    "",
    "require (",
    `\tk8s.io/kubernetes ${versions.kubernetes}`,
    `\tgo.etcd.io/etcd/server/v3 ${versions.etcd}`,
    ")",
    "",
    "replace (",
    ...replaces,
    ")",
    "",
  ].join("\n");
}

export const ETCD_MAIN = `package main

import (
\t"os"

\t"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
`;

/** Makes \`go mod tidy\` keep the Kubernetes commands' dependencies; never compiled into anything. */
export function toolsFile(): string {
  const imports = Object.values(BINARIES)
    .filter((pkg) => pkg.startsWith("k8s.io/"))
    .map((pkg) => `\t_ "${pkg}"`);
  return ["//go:build tools", "", "package tools", "", "import (", ...imports, ")", ""].join("\n");
}

/**
 * Linker flags that stamp the release into both version packages, so `/version` and the clients report the real
 * version (a plain module build says v0.0.0, which breaks version-gated behaviour and skews discovery).
 */
export function versionLdflags(kubernetesVersion: string): string {
  const match = /^v(\d+)\.(\d+)\.\d+$/.exec(kubernetesVersion);
  if (!match) throw new Error(`not a Kubernetes release: ${kubernetesVersion}`);
  const stamps = ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=${kubernetesVersion}`,
    `-X ${pkg}.gitMajor=${match[1]}`,
    `-X ${pkg}.gitMinor=${match[2]}`,
    `-X ${pkg}.gitTreeState=clean`,
  ]);
  return ["-s", "-w", ...stamps].join(" ");
}
