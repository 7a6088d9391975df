/** resolveStorage: tier defaults, cluster-kind gates, and lifecycle defaults per bucket; plus a lifecycle property. */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { lifecycleProblems, resolveStorage, storageProblems, type LifecycleInput } from "../../config/storage";
import { DEFAULT_LIFECYCLE, lifecycleRules } from "../../components/storage/lifecycle";

const KINDS = ["datasets", "artifacts", "models"] as const;
const resolve = (s: Parameters<typeof resolveStorage>[0], env: string, onEks = true) => resolveStorage(s, env, onEks, DEFAULT_LIFECYCLE);

describe("resolveStorage tier defaults", () => {
  it("dev on EKS: Delete, no backup, shared files on, scratch off, no object store", () => {
    const s = resolve(undefined, "dev");
    expect(s.reclaimPolicy).toBe("Delete");
    expect(s.backup).toEqual({ enabled: false, retentionDays: 35, schedule: "cron(0 3 * * ? *)" });
    expect(s.sharedFiles).toEqual({ enabled: true, throughputMode: "elastic" });
    expect(s.scratch).toEqual({
      enabled: false,
      deploymentType: "SCRATCH_2",
      storageCapacityGiB: 1200,
      perUnitStorageThroughput: undefined,
      isolation: "directory",
      dataPrefix: "scratch/",
    });
    expect(s.objectStore.enabled).toBe(false);
    expect(s.io2IopsPerGB).toBe(50);
    expect(s.accessLogExpireAfterDays).toBe(365);
  });

  it("staging behaves like dev for reclaim policy and backup", () => {
    const s = resolve(undefined, "staging");
    expect(s.reclaimPolicy).toBe("Delete");
    expect(s.backup.enabled).toBe(false);
  });

  it("prod on EKS: Retain, backup on, scratch still off unless enabled, PERSISTENT_2 by default", () => {
    const s = resolve(undefined, "prod");
    expect(s.reclaimPolicy).toBe("Retain");
    expect(s.backup.enabled).toBe(true);
    expect(s.scratch.enabled).toBe(false);
    expect(s.scratch.deploymentType).toBe("PERSISTENT_2");
    expect(resolve({ scratch: { enabled: true } }, "prod").scratch.enabled).toBe(true);
  });

  it("an existing cluster gets only the object store: no AWS tier even when asked", () => {
    const s = resolve({ sharedFiles: { enabled: true }, scratch: { enabled: true }, backup: { enabled: true } }, "prod", false);
    expect(s.sharedFiles.enabled).toBe(false);
    expect(s.scratch.enabled).toBe(false);
    expect(s.backup.enabled).toBe(false);
    expect(s.objectStore.enabled).toBe(true);
    expect(resolve({ objectStore: { enabled: false } }, "local", false).objectStore.enabled).toBe(false);
    expect(resolve(undefined, "local", false).objectStore.enabled).toBe(true);
  });

  it("honours explicit settings", () => {
    const s = resolve(
      {
        block: { reclaimPolicy: "Retain", io2: { enabled: false } },
        sharedFiles: { throughputMode: "bursting" },
        backup: { enabled: true, retentionDays: 7, schedule: "cron(0 1 * * ? *)" },
        buckets: { accessLogs: { expireAfterDays: 90 } },
      },
      "dev",
    );
    expect(s.reclaimPolicy).toBe("Retain");
    expect(s.io2IopsPerGB).toBeUndefined();
    expect(s.sharedFiles.throughputMode).toBe("bursting");
    expect(s.backup).toEqual({ enabled: true, retentionDays: 7, schedule: "cron(0 1 * * ? *)" });
    expect(s.accessLogExpireAfterDays).toBe(90);
  });
});

describe("resolveStorage lifecycle", () => {
  it("uses DEFAULT_LIFECYCLE per bucket when nothing is set", () => {
    const s = resolve(undefined, "prod");
    for (const kind of KINDS)
      expect(s.lifecycle[kind]).toEqual({ infrequentAccessAfterDays: undefined, archiveAfterDays: undefined, ...DEFAULT_LIFECYCLE[kind] });
    expect(s.lifecycle.models.archiveAfterDays).toBeUndefined();
    expect(s.lifecycle.datasets.archiveClass).toBe("GLACIER");
    expect(s.lifecycle.artifacts.archiveClass).toBe("GLACIER_IR");
  });

  it("a bucket that sets any transition owns its whole transition list", () => {
    const s = resolve({ buckets: { datasets: { infrequentAccessAfterDays: 45 }, artifacts: { archiveAfterDays: 400 } } }, "prod");
    expect(s.lifecycle.datasets.infrequentAccessAfterDays).toBe(45);
    expect(s.lifecycle.datasets.archiveAfterDays).toBeUndefined(); // not the default 180
    expect(s.lifecycle.artifacts.infrequentAccessAfterDays).toBeUndefined(); // not the default 60
    expect(s.lifecycle.artifacts.archiveAfterDays).toBe(400);
    expect(lifecycleRules(s.lifecycle.datasets)[0].transitions).toEqual([{ days: 45, storageClass: "STANDARD_IA" }]);
  });

  it("other fields fall back one by one and keep the default transitions", () => {
    const s = resolve({ buckets: { datasets: { noncurrentVersionExpireAfterDays: 3 }, models: { archiveClass: "GLACIER" } } }, "prod");
    expect(s.lifecycle.datasets).toEqual({ ...DEFAULT_LIFECYCLE.datasets, noncurrentVersionExpireAfterDays: 3 });
    expect(s.lifecycle.models).toEqual({ ...DEFAULT_LIFECYCLE.models, archiveAfterDays: undefined, archiveClass: "GLACIER" });
    expect(s.lifecycle.artifacts).toEqual(DEFAULT_LIFECYCLE.artifacts);
  });

  it("the defaults themselves pass the lifecycle rules", () => {
    for (const kind of KINDS) expect(lifecycleProblems(DEFAULT_LIFECYCLE[kind], kind)).toEqual([]);
  });
});

describe("lifecycleProblems (property)", () => {
  const days = fc.option(fc.integer({ min: 1, max: 800 }), { nil: undefined });
  const lifecycleArb: fc.Arbitrary<LifecycleInput> = fc.record(
    {
      infrequentAccessAfterDays: days,
      archiveAfterDays: days,
      archiveClass: fc.constantFrom("GLACIER_IR" as const, "GLACIER" as const),
      noncurrentVersionExpireAfterDays: fc.integer({ min: 1, max: 800 }),
      abortIncompleteUploadAfterDays: fc.integer({ min: 1, max: 14 }),
    },
    { requiredKeys: [] },
  );

  it("when it reports nothing, the resolved rules tier up strictly and never reach IA before 30 days", () => {
    fc.assert(
      fc.property(lifecycleArb, fc.constantFrom(...KINDS), (l, kind) => {
        fc.pre(lifecycleProblems(l, `storage.buckets.${kind}`).length === 0);
        expect(storageProblems({ buckets: { [kind]: l } }, "prod", true)).toEqual([]);
        const [rule] = lifecycleRules(resolve({ buckets: { [kind]: l } }, "prod").lifecycle[kind]);
        const ds = rule.transitions.map((t) => t.days);
        for (let i = 1; i < ds.length; i++) expect(ds[i]).toBeGreaterThan(ds[i - 1]);
        for (let i = 1; i < ds.length; i++) expect(ds[i] - ds[i - 1]).toBeGreaterThanOrEqual(30);
        const ia = rule.transitions.find((t) => t.storageClass === "STANDARD_IA");
        if (ia) expect(ia.days).toBeGreaterThanOrEqual(30);
        expect(rule.abortIncompleteMultipartUpload.daysAfterInitiation).toBeLessThanOrEqual(7);
      }),
      { numRuns: 2000 },
    );
  });

  it("reports every broken rule of one bucket at once", () => {
    expect(lifecycleProblems({ infrequentAccessAfterDays: 10, archiveAfterDays: 20, abortIncompleteUploadAfterDays: 9 }, "b").map((p) => p.path)).toEqual([
      "b.infrequentAccessAfterDays",
      "b.archiveAfterDays",
      "b.abortIncompleteUploadAfterDays",
    ]);
  });
});
