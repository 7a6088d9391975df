/**
 * How the real-server tests build Kueue's controller: `go install` of its main package at the catalogue's release,
 * as a static binary stamped with that release. Pure, so the recipe is unit-tested and its hash keys the cache.
 */

export const KUEUE_MODULE = "sigs.k8s.io/kueue";
export const KUEUE_MAIN = `${KUEUE_MODULE}/cmd/kueue`;
export const KUEUE_BINARY = "kueue";

/** What the Go module proxy says of one release: its version and, when the proxy knows them, the tag's commit and the module's hash. */
export interface KueueModuleInfo {
  readonly version: string;
  readonly commit?: string;
  readonly sum?: string;
}

export interface KueueRecipe {
  readonly module: KueueModuleInfo;
  /** Arguments to `go`; GOBIN chooses where the binary lands. */
  readonly goArgs: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Kueue's Makefile stamps its version package; a plain module build would report v0.0.0-main, which hides in
 * the logs which release ran. No build date: the same recipe gives the same binary.
 */
export function kueueLdflags(module: KueueModuleInfo): string {
  const versionPackage = `${KUEUE_MODULE}/pkg/version`;
  const stamps = [`-X ${versionPackage}.GitVersion=${module.version}`];
  if (module.commit) stamps.push(`-X ${versionPackage}.GitCommit=${module.commit}`);
  return ["-s", "-w", ...stamps].join(" ");
}

export function kueueRecipe(module: KueueModuleInfo): KueueRecipe {
  // `go install pkg@version` builds with the module's own go.mod and go.sum, exactly as released; a bare tag only.
  if (!/^v\d+\.\d+\.\d+$/.test(module.version)) throw new Error(`not a Kueue release: ${module.version}`);
  return {
    module,
    goArgs: ["install", "-trimpath", "-ldflags", kueueLdflags(module), `${KUEUE_MAIN}@${module.version}`],
    // As Kueue's own image is built (CGO_ENABLED=0 in its Makefile): no libc dependency.
    env: { CGO_ENABLED: "0" },
  };
}
