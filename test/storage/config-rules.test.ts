/**
 * The storage section's rules, one test per rule: a compliant fixture stack validates, then one field is
 * broken and exactly that rule answers at its path.
 */
import { describe, it, expect } from "vitest";
import { resolveStorage } from "../../config/storage";
import { DEFAULT_LIFECYCLE } from "../../domain/bucket-lifecycle";
import { TEAM_POSIX_BASE, teamPosixId } from "../../domain/posix";
import { expectProblem, expectValid, fixture, problemsOf, validate } from "../config/fixtures";

/** Two distinct team names with the same POSIX id, found by brute force (birthday bound ≈ 1,200 names). */
function collidingTeamNames(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; i < 200_000; i++) {
    const name = `team-${i}`;
    const id = teamPosixId(name);
    const other = seen.get(id);
    if (other !== undefined) return [other, name];
    seen.set(id, name);
  }
  throw new Error("no collision among 200,000 names");
}

describe("bucket lifecycle rules", () => {
  it("rejects an infrequent-access transition before 30 days", () => {
    const cfg = fixture("prod");
    cfg.storage.buckets.datasets.infrequentAccessAfterDays = 30;
    expectValid(cfg);
    cfg.storage.buckets.datasets.infrequentAccessAfterDays = 29;
    expectProblem(cfg, "storage.buckets.datasets.infrequentAccessAfterDays", "29 is below S3's minimum of 30 days before STANDARD_IA");
  });

  it("rejects an archive transition less than 30 days after the infrequent-access one", () => {
    const cfg = fixture("dev");
    cfg.storage.buckets.datasets.archiveAfterDays = 60; // IA 30 + 30: the boundary is allowed
    expectValid(cfg);
    cfg.storage.buckets.datasets.archiveAfterDays = 59;
    expectProblem(cfg, "storage.buckets.datasets.archiveAfterDays", "59 must be at least 30 days after infrequentAccessAfterDays (30)");
  });

  it("rejects aborting incomplete uploads after more than 7 days", () => {
    const cfg = fixture("prod");
    cfg.storage.buckets.datasets.abortIncompleteUploadAfterDays = 7;
    expectValid(cfg);
    cfg.storage.buckets.datasets.abortIncompleteUploadAfterDays = 8;
    expectProblem(cfg, "storage.buckets.datasets.abortIncompleteUploadAfterDays", "8 is above the 7 days incomplete uploads may linger (S3-06)");
  });

  it("rejects an unknown key inside storage", () => {
    const cfg = fixture("prod");
    expectValid(cfg);
    cfg.storage.buckets.models.expireAfterDays = 30;
    expectProblem(cfg, "storage.buckets.models.expireAfterDays", "unknown key");
    const top = fixture("prod");
    top.storage.archive = { enabled: true };
    expectProblem(top, "storage.archive", "unknown key");
  });

  it("rejects an archive class S3 lifecycle does not offer here", () => {
    const cfg = fixture("prod");
    cfg.storage.buckets.datasets.archiveClass = "GLACIER_IR";
    expectValid(cfg);
    cfg.storage.buckets.datasets.archiveClass = "DEEP_ARCHIVE";
    const problems = problemsOf(cfg);
    expect(problems.map((p) => p.path)).toContain("storage.buckets.datasets.archiveClass");
    expect(problems.find((p) => p.path === "storage.buckets.datasets.archiveClass")!.message).toMatch(/GLACIER_IR|GLACIER/);
  });
});

describe("scratch (FSx for Lustre) rules", () => {
  it.each([1200, 2400, 4800])("accepts a capacity of %i GiB", (cap) => {
    const cfg = fixture("prod");
    cfg.storage.scratch.storageCapacityGiB = cap;
    expectValid(cfg);
  });

  it.each([1000, 3000, 3600])("rejects a capacity of %i GiB", (cap) => {
    const cfg = fixture("prod");
    expectValid(cfg);
    cfg.storage.scratch.storageCapacityGiB = cap;
    expectProblem(cfg, "storage.scratch.storageCapacityGiB", `${cap} GiB is not a capacity PERSISTENT_2 accepts (1200, 2400 or a multiple of 2400)`);
  });

  it("accepts 250 and rejects 200 MB/s/TiB on PERSISTENT_2", () => {
    const cfg = fixture("prod");
    cfg.storage.scratch.perUnitStorageThroughput = 250;
    expectValid(cfg);
    cfg.storage.scratch.perUnitStorageThroughput = 200;
    expectProblem(cfg, "storage.scratch.perUnitStorageThroughput", "200 MB/s/TiB is not one of 125, 250, 500, 1000");
  });

  it("rejects a throughput on SCRATCH_2", () => {
    const cfg = fixture("dev");
    expectValid(cfg);
    cfg.storage.scratch.perUnitStorageThroughput = 125;
    expectProblem(cfg, "storage.scratch.perUnitStorageThroughput", "applies to PERSISTENT_2 only");
  });

  it("rejects SCRATCH_2 in prod", () => {
    const cfg = fixture("prod");
    expectValid(cfg);
    cfg.storage.scratch.deploymentType = "SCRATCH_2";
    delete cfg.storage.scratch.perUnitStorageThroughput;
    expectProblem(cfg, "storage.scratch.deploymentType", "prod uses PERSISTENT_2");
  });

  it("rejects a data prefix that is not a bucket prefix", () => {
    const cfg = fixture("prod");
    cfg.storage.scratch.dataPrefix = "datasets/lustre/";
    expectValid(cfg);
    for (const bad of ["lustre", "/lustre/", "Lustre/", "lustre//"]) {
      cfg.storage.scratch.dataPrefix = bad;
      expectProblem(cfg, "storage.scratch.dataPrefix", 'is not a bucket prefix such as "scratch/"');
    }
  });
});

describe("tier rules", () => {
  it("rejects disabling backup in prod", () => {
    const cfg = fixture("prod");
    expectValid(cfg);
    cfg.storage.backup.enabled = false;
    expectProblem(cfg, "storage.backup.enabled", "prod keeps an AWS Backup plan for EFS and EBS volumes (OPS-03)");
  });

  it("allows disabling backup outside prod", () => {
    const cfg = fixture("dev");
    cfg.storage.backup = { enabled: false };
    expectValid(cfg);
  });

  it("rejects reclaimPolicy Delete in prod", () => {
    const cfg = fixture("prod");
    expectValid(cfg);
    cfg.storage.block.reclaimPolicy = "Delete";
    expectProblem(cfg, "storage.block.reclaimPolicy", "prod keeps volumes when their claims go: use Retain");
  });

  it("rejects a bad backup schedule", () => {
    const cfg = fixture("prod");
    cfg.storage.backup.schedule = "cron(0 5 * * ? *)";
    expectValid(cfg);
    cfg.storage.backup.schedule = "rate(1 day)";
    expectProblem(cfg, "storage.backup.schedule", "is not an AWS Backup cron(...) expression");
  });
});

describe("cluster-kind rules", () => {
  it("rejects objectStore on EKS", () => {
    const cfg = fixture("prod");
    expectValid(cfg);
    cfg.storage.objectStore = { enabled: true };
    expectProblem(cfg, "storage.objectStore", "is for existing clusters; on EKS the platform's object storage is S3");
  });

  it.each([
    ["sharedFiles", { enabled: true }],
    ["scratch", { enabled: false }],
    ["buckets", { models: { infrequentAccessAfterDays: 90 } }],
    ["backup", { enabled: true }],
  ])("rejects storage.%s on an existing cluster", (key, value) => {
    const cfg = fixture("local");
    expectValid(cfg);
    cfg.storage[key] = value;
    expectProblem(cfg, `storage.${key}`, "needs an EKS cluster (AWS)");
  });
});

describe("team POSIX ids", () => {
  it("are deterministic, inside [100000, 1000000) and differ for the fixture teams", () => {
    for (const stack of ["dev", "prod"] as const) {
      const names: string[] = fixture(stack).teams.map((t: { name: string }) => t.name);
      const ids = names.map(teamPosixId);
      expect(new Set(ids).size).toBe(names.length);
      for (const [i, id] of ids.entries()) {
        expect(teamPosixId(names[i])).toBe(id);
        expect(id).toBeGreaterThanOrEqual(TEAM_POSIX_BASE);
        expect(id).toBeLessThan(1_000_000);
      }
    }
  });

  it("rejects two teams whose names hash to the same POSIX id", () => {
    const [a, b] = collidingTeamNames();
    expect(a).not.toBe(b);
    expect(teamPosixId(a)).toBe(teamPosixId(b));
    const cfg = fixture("dev");
    cfg.teams[0].name = a;
    cfg.teams[1].name = "nlp";
    expectValid(cfg);
    cfg.teams[1].name = b;
    expectProblem(
      cfg,
      "teams[1].name",
      `its POSIX id ${teamPosixId(a)} (owner of its shared files and scratch directory) collides with teams[0]; choose another name`,
    );
  });

  it("ignores the collision when neither shared files nor scratch are on (no files a POSIX id owns)", () => {
    const [a, b] = collidingTeamNames();
    const cfg = fixture("dev");
    cfg.teams[0].name = a;
    cfg.teams[1].name = b;
    cfg.storage.sharedFiles = { enabled: false };
    cfg.storage.scratch = { enabled: false };
    const result = validate(cfg);
    expect(result.ok ? [] : result.problems.filter((p) => p.message.includes("POSIX"))).toEqual([]);
  });

  it("reports the collision when only scratch is on: the id owns each team's scratch directory", () => {
    const [a, b] = collidingTeamNames();
    const cfg = fixture("dev");
    cfg.teams[0].name = a;
    cfg.teams[1].name = b;
    cfg.storage.sharedFiles = { enabled: false };
    cfg.storage.scratch = { enabled: true };
    expectProblem(
      cfg,
      "teams[1].name",
      `its POSIX id ${teamPosixId(a)} (owner of its shared files and scratch directory) collides with teams[0]; choose another name`,
    );
  });
});

describe("rules follow the resolved config", () => {
  it("a scratch block without `enabled` is not validated: scratch defaults to off and nothing is built", () => {
    // resolveStorage: scratch.enabled = onEks && (enabled ?? false) — this block creates no file system.
    // storageProblems: runs scratchProblems when enabled !== false — so it rejects settings that are never used.
    const cfg = fixture("prod");
    cfg.storage.scratch = { storageCapacityGiB: 1000 };
    expect(resolveStorage(cfg.storage, "prod", true, DEFAULT_LIFECYCLE).scratch.enabled).toBe(false);
    expectValid(cfg);
  });
});
