/**
 * `npm run check --base <ref>`: the command line, reading the base's stack files with git (from the folder
 * --stacks-dir names, into an emptied folder), absent vs invalid base stack files, and the warning when this branch
 * changed what prices both sides. Each test uses a git repository of its own.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../scripts/cli/args";
import { baseStacksDir, pricingChangeLine, stackFileEstimate, takeBase } from "../../scripts/check/cost-report";
import { FIXTURE_STACKS_DIR } from "../helpers/stack";

const DEV = join(FIXTURE_STACKS_DIR, "Pulumi.dev.yaml");

/** A fresh git repository; `git(...)` runs in it, `commit(files)` writes the files and commits them. */
function repository() {
  const dir = mkdtempSync(join(tmpdir(), "cost-base-"));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir, encoding: "utf8" });
  git("init", "-q");
  const commit = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    git("add", ".");
    git("commit", "-q", "-m", "change");
  };
  return { dir, git, commit };
}

const usageError = (fn: () => unknown, message: string | RegExp) => {
  expect(fn).toThrow(UsageError);
  expect(fn).toThrow(message);
};

describe("cost report › --base › command line", () => {
  it("splits --base off the command line in both spellings", () => {
    expect(takeBase(["--stack", "dev", "--base", "main"])).toEqual({ base: "main", rest: ["--stack", "dev"] });
    expect(takeBase(["--base=origin/main"])).toEqual({ base: "origin/main", rest: [] });
    expect(takeBase(["--stack", "dev"])).toEqual({ base: undefined, rest: ["--stack", "dev"] });
  });

  it("rejects --base without a ref, last or empty, instead of silently showing no difference", () => {
    usageError(() => takeBase(["--stack", "dev", "--base"]), "--base needs a git ref");
    usageError(() => takeBase(["--base=", "--stack", "dev"]), "--base needs a git ref");
  });

  it("rejects a ref git would read as an option", () => {
    usageError(() => takeBase(["--base", "--stack", "dev"]), 'a git ref cannot start with "-"');
    usageError(() => takeBase(["--base=--output=/tmp/x"]), 'a git ref cannot start with "-"');
  });
});

describe("cost report › --base › reading the base with git", () => {
  it("copies a ref's stack files, and only them, into an emptied folder", () => {
    const repo = repository();
    repo.commit({ "stacks/Pulumi.dev.yaml": readFileSync(DEV, "utf8"), "stacks/README": "not a stack" });
    const out = join(repo.dir, "out");
    mkdirSync(out);
    writeFileSync(join(out, "Pulumi.stale.yaml"), "left from an earlier run");
    expect(baseStacksDir("HEAD", out, repo.dir)).toBe(out);
    expect(readdirSync(out)).toEqual(["Pulumi.dev.yaml"]);
    expect(readFileSync(join(out, "Pulumi.dev.yaml"), "utf8")).toBe(readFileSync(DEV, "utf8"));
    expect(() => baseStacksDir("no-such-ref", join(repo.dir, "out2"), repo.dir)).toThrow();
  });

  it("reads the --stacks-dir folder at its path in the repository, not stacks/", () => {
    const repo = repository();
    repo.commit({ "stacks/Pulumi.prod.yaml": "shipped", "env/teams/Pulumi.dev.yaml": readFileSync(DEV, "utf8") });
    const out = baseStacksDir("HEAD", join(repo.dir, "out"), repo.dir, join(repo.dir, "env", "teams"));
    expect(readdirSync(out)).toEqual(["Pulumi.dev.yaml"]);
  });

  it("gives an empty folder when the base has no such folder: every stack is new", () => {
    const repo = repository();
    repo.commit({ "stacks/Pulumi.dev.yaml": "x" });
    mkdirSync(join(repo.dir, "added"));
    const out = baseStacksDir("HEAD", join(repo.dir, "out"), repo.dir, join(repo.dir, "added"));
    expect(readdirSync(out)).toEqual([]);
    expect(stackFileEstimate("dev", out)).toEqual({ state: "absent" });
  });

  it("rejects a --stacks-dir outside the repository", () => {
    const repo = repository();
    repo.commit({ "stacks/Pulumi.dev.yaml": "x" });
    const outside = mkdtempSync(join(tmpdir(), "cost-outside-"));
    usageError(() => baseStacksDir("HEAD", join(repo.dir, "out"), repo.dir, outside), "is outside the repository");
  });
});

describe("cost report › --base › base stack files", () => {
  it("tells an absent base stack file (a new stack) from one this branch's schema rejects", () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-stacks-"));
    copyFileSync(DEV, join(dir, "Pulumi.dev.yaml"));
    const invalid = readFileSync(DEV, "utf8").replace("natGateways: single", "natGateways: sometimes");
    expect(invalid).not.toBe(readFileSync(DEV, "utf8"));
    writeFileSync(join(dir, "Pulumi.old.yaml"), invalid);
    writeFileSync(join(dir, "Pulumi.broken.yaml"), "config: [unterminated");
    expect(stackFileEstimate("dev", dir)).toEqual({ state: "estimated", estimate: expect.objectContaining({ region: "us-east-1" }) });
    expect(stackFileEstimate("old", dir)).toEqual({ state: "invalid" });
    expect(stackFileEstimate("broken", dir)).toEqual({ state: "invalid" });
    expect(stackFileEstimate("new", dir)).toEqual({ state: "absent" });
  });
});

describe("cost report › --base › prices, defaults and the estimator", () => {
  const CHANGED =
    "prices, defaults or the estimator changed in this branch: the difference shows stack-file changes only, both sides priced with this branch's catalogue";

  it("says nothing when only stack files changed since the base", () => {
    const repo = repository();
    repo.commit({ "domain/prices/aws.ts": "v1", "stacks/Pulumi.dev.yaml": "a" });
    repo.commit({ "stacks/Pulumi.dev.yaml": "b", "README.md": "docs" });
    expect(pricingChangeLine("HEAD~1", repo.dir)).toBeUndefined();
  });

  it("says so when the catalogue, the estimator or the defaults changed since the base", () => {
    for (const path of ["domain/prices/aws.ts", "domain/cost-estimate/teams.ts", "config/defaults.ts"]) {
      const repo = repository();
      repo.commit({ [path]: "v1" });
      repo.commit({ [path]: "v2" });
      expect(pricingChangeLine("HEAD~1", repo.dir), path).toBe(CHANGED);
    }
  });

  it("says the comparison could not be made when git cannot", () => {
    const repo = repository();
    repo.commit({ "config/defaults.ts": "v1" });
    expect(pricingChangeLine("no-such-ref", repo.dir)).toMatch(
      /^prices, defaults or the estimator: the comparison with the base could not be made \(git diff: .+\)/,
    );
  });
});
