/**
 * How the real-server tests build Dex: its module at the release charts/values/dex.yaml runs, in a generated
 * wrapper module, plus a tiny bcrypt tool hashing as random.RandomPassword's bcryptHash does. Pure text, so the
 * recipe is unit-tested and its hash keys the cache.
 *
 * github.com/dexidp/dex declares no /v2 module path, so Go refuses its v2.x tags as versions, and its go.mod
 * replaces its api/v2 module by a directory (`go install …@tag` refuses replaces): a wrapper module requiring the
 * release commit's pseudo-version builds it, with api/v2 from the module proxy.
 */

export const DEX_MODULE = "github.com/dexidp/dex";
export const DEX_WRAPPER_MODULE = "mlops-platform.test/dex";

/** Each Dex release the tests may build, as Go's pseudo-version of its tag's commit (v0.0.0-<UTC commit time>-<12 hex>). */
export const DEX_PSEUDO_VERSIONS: Readonly<Record<string, string>> = {
  // git rev-parse v2.45.1^{commit}: 11d2eeb52b42e1980e14cb91e69dd9e3faab2076, committed 2026-03-03 13:39:05 UTC.
  "v2.45.1": "v0.0.0-20260303133905-11d2eeb52b42",
};

/** The binaries built into bin/, by name. */
export const DEX_BINARIES = { dex: `${DEX_MODULE}/cmd/dex`, "dex-bcrypt": `${DEX_WRAPPER_MODULE}/bcrypt` } as const;
export type DexBinaryName = keyof typeof DEX_BINARIES;

export function dexPseudoVersion(release: string): string {
  const version = DEX_PSEUDO_VERSIONS[release];
  if (!version) throw new Error(`no pseudo-version known for Dex ${release}: add its tag's commit to DEX_PSEUDO_VERSIONS`);
  return version;
}

export function dexGoMod(release: string): string {
  return [`module ${DEX_WRAPPER_MODULE}`, "", "go 1.25.0", "", `require ${DEX_MODULE} ${dexPseudoVersion(release)}`, ""].join("\n");
}

/** Keeps `go mod tidy` from dropping Dex's main package's dependencies; never compiled into anything. */
export const DEX_TOOLS_FILE = ["//go:build tools", "", "package tools", "", `import _ "${DEX_BINARIES.dex}"`, ""].join("\n");

/** Reads a password on stdin, prints its bcrypt hash at Go's default cost (10), as terraform-provider-random's bcryptHash. */
export const BCRYPT_MAIN = `package main

import (
\t"fmt"
\t"io"
\t"os"

\t"golang.org/x/crypto/bcrypt"
)

func main() {
\tpassword, err := io.ReadAll(os.Stdin)
\tif err == nil {
\t\tvar hash []byte
\t\tif hash, err = bcrypt.GenerateFromPassword(password, bcrypt.DefaultCost); err == nil {
\t\t\tfmt.Print(string(hash))
\t\t\treturn
\t\t}
\t}
\tfmt.Fprintln(os.Stderr, err)
\tos.Exit(1)
}
`;

/** Dex's Makefile stamps main.version; a plain module build would say DEV. */
export const dexLdflags = (release: string): string => `-s -w -X main.version=${release}`;

/** The files of the wrapper module and the build flags; their hash keys the cache. */
export function dexModuleFiles(release: string): Record<string, string> {
  return { "go.mod": dexGoMod(release), "tools.go": DEX_TOOLS_FILE, "bcrypt/main.go": BCRYPT_MAIN, ldflags: dexLdflags(release) };
}
