/**
 * Every runbook under docs/operations/ names only what exists: npm scripts, test paths, repository files, config keys
 * of the stack schema, and Pulumi run through `npm run pulumi --` with `--stack` (the project's Node 22). The
 * runbooks with tests of their own (eks-upgrade, teardown, troubleshooting, metrics, gpu-node-failing) check more.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { codeOf, configKeys, hasConfigPath, missingReferences, OPERATIONS_DIR, readRunbook } from "./runbook-references";

const RUNBOOKS = readdirSync(OPERATIONS_DIR).filter((file) => file.endsWith(".md"));

describe("the runbooks in docs/operations/", () => {
  it("are the eight the README lists", () => {
    expect(RUNBOOKS.sort()).toEqual(
      ["alerting.md", "eks-upgrade.md", "gpu-node-failing.md", "logs.md", "metrics.md", "restore.md", "teardown.md", "troubleshooting.md"].sort(),
    );
  });

  it.each(RUNBOOKS)("%s names only scripts, files, config keys and commands that exist", (file) => {
    const doc = readRunbook(file);
    const { spans } = codeOf(doc);
    const unknownKeys = configKeys(spans)
      .filter((key) => !hasConfigPath(key))
      .map((key) => `config key ${key}`);
    expect([...missingReferences(doc), ...unknownKeys]).toEqual([]);
  });

  it("catches a runbook that runs Pulumi outside npm, names a missing script or a key the schema lacks", () => {
    const bad = "```sh\npulumi up --stack prod\nnpm run no-such-script\n```\nSet `observability.prometheus.volumeSize`.\n";
    expect(missingReferences(bad)).toHaveLength(2);
    expect(configKeys(codeOf(bad).spans).filter((key) => !hasConfigPath(key))).toEqual(["observability.prometheus.volumeSize"]);
  });
});
