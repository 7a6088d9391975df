/** The cost part of `npm run check`: report lines, missing-price problems, differences against a base, --base reading git. */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseStacksDir, costDiffLines, costLines, missingPriceProblems, takeBase } from "../../scripts/check/cost-report";
import { diffEstimates, type Estimate } from "../../domain/cost-estimate";
import { FIXTURE_STACKS_DIR } from "../helpers/stack";

const est = (system: number, extra: Partial<Estimate> = {}): Estimate => ({
  region: "eu-west-1",
  lines: [
    { key: "nodes:system", item: "node pool system", basis: `${system} nodes`, monthlyUsd: system * 100 },
    { key: "eks", item: "EKS control plane", basis: "1 cluster", unpriced: "unpriced (test)" },
  ],
  monthlyUsd: system * 100,
  teams: [{ team: "a", costCenter: "cc", monthlyUsd: 50, lines: [{ key: "team:a:cpu", item: "CPU and memory", basis: "x", monthlyUsd: 50 }] }],
  missing: [],
  ...extra,
});

describe("cost report › lines", () => {
  it("says it is an estimate, totals the priced lines, counts the unpriced and names what it leaves out", () => {
    const text = costLines(est(2)).join("\n");
    expect(text).toContain("an estimate, not a bill");
    expect(text).toContain("$200/month always running, plus 1 unpriced item(s)");
    expect(text).toContain("team a (cost center cc): ceiling $50/month");
    expect(text).toContain("left out: data transfer");
  });

  it("turns each missing price into a problem naming stack, region and type", () => {
    const e = est(1, { missing: [{ region: "eu-west-1", product: "ec2", type: "g9.huge", usedBy: "node pool gpu" }] });
    expect(missingPriceProblems("dev", e)).toEqual([expect.stringContaining("no ec2 price for g9.huge in eu-west-1 (stack dev, node pool gpu)")]);
  });
});

describe("cost report › differences", () => {
  it("shows the change per line and in all", () => {
    const d = diffEstimates(est(1), est(3));
    expect(d.deltaUsd).toBe(200);
    expect(d.lines.map((l) => l.key)).toEqual(["nodes:system"]);
    expect(costDiffLines(est(1), est(3))[0]).toContain("+$200/month");
  });

  it("counts a stack missing from the base as new", () => {
    expect(diffEstimates(undefined, est(1)).newStack).toBe(true);
    expect(costDiffLines(undefined, est(1))[0]).toContain("new stack");
  });

  it("reports no difference for the same estimate, unpriced lines included", () => {
    expect(costDiffLines(est(2), est(2))).toEqual(["cost difference against the base: none"]);
  });

  it("says a changed unpriced line changed without inventing an amount", () => {
    const head = est(1);
    const changed = {
      ...head,
      lines: [head.lines[0], { key: "eks", item: "EKS control plane", basis: "2 clusters", unpriced: "unpriced (test)" }],
    } as Estimate;
    expect(diffEstimates(head, changed).lines).toEqual([expect.objectContaining({ key: "eks", deltaUsd: undefined })]);
  });
});

describe("cost report › --base", () => {
  it("splits --base off the command line in both spellings", () => {
    expect(takeBase(["--stack", "dev", "--base", "main"])).toEqual({ base: "main", rest: ["--stack", "dev"] });
    expect(takeBase(["--base=origin/main"])).toEqual({ base: "origin/main", rest: [] });
  });

  it("copies a ref's stack files out of a git repository of its own", () => {
    const repo = mkdtempSync(join(tmpdir(), "cost-base-"));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: repo });
    git("init", "-q");
    mkdirSync(join(repo, "stacks"));
    copyFileSync(join(FIXTURE_STACKS_DIR, "Pulumi.dev.yaml"), join(repo, "stacks", "Pulumi.dev.yaml"));
    writeFileSync(join(repo, "stacks", "README"), "not a stack");
    git("add", ".");
    git("commit", "-q", "-m", "base");
    const out = baseStacksDir("HEAD", join(repo, "out"), repo);
    expect(readdirSync(out)).toEqual(["Pulumi.dev.yaml"]);
    expect(() => baseStacksDir("no-such-ref", join(repo, "out2"), repo)).toThrow();
  });
});
