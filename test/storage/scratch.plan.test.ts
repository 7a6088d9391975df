/** Scratch with a file system per team (storage.scratch.isolation "file-system") under the offline plan. */
import { describe, it, expect, beforeAll } from "vitest";
import { parseYamlStream } from "../../scripts/plan/extract";
import { runPolicies } from "../../scripts/plan/policy";
import type { PlanResult } from "../../scripts/plan/run";
import { clone, fixtureStack, stackConfig } from "../helpers/stack";
import { T, one, ofType, plan } from "../components/plan-query";

const LUSTRE = "aws:fsx/lustreFileSystem:LustreFileSystem";
const DRA = "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation";
type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec: any };

let p: PlanResult;
let teams: string[];
beforeAll(async () => {
  const cfg = clone(fixtureStack("dev"));
  const storage = cfg.storage as { scratch: Record<string, unknown> };
  storage.scratch.isolation = "file-system";
  p = await plan("dev", stackConfig(cfg));
  teams = p.config!.teams.map((t) => t.name);
});

describe("scratch with a file system per team (dev fixture)", () => {
  it("builds one file system per team, none shared, each tagged with its team", () => {
    expect(teams.length).toBeGreaterThan(1);
    expect(
      ofType(p, LUSTRE)
        .map((f) => f.name)
        .sort(),
    ).toEqual(teams.map((t) => `storage-scratch-${t}`).sort());
    for (const team of teams) {
      const fs = one(p, LUSTRE, `storage-scratch-${team}`);
      expect(fs.inputs).toMatchObject({ deploymentType: "SCRATCH_2", storageCapacity: 1200, tags: { team } });
      expect(fs.inputs.importPath).toBeUndefined();
      expect(fs.inputs.exportPath).toBeUndefined();
    }
  });

  it("links each team's file system to its own prefix only", () => {
    for (const team of teams) {
      expect(one(p, DRA, `storage-scratch-${team}`).inputs).toMatchObject({
        fileSystemId: `<computed:storage-scratch-${team}.id>`,
        fileSystemPath: `/teams/${team}`,
        dataRepositoryPath: expect.stringMatching(new RegExp(`^s3://[^/]+/teams/${team}/scratch/$`)),
      });
    }
  });

  it("binds each team's volume to its own file system's team directory, and the Job mounts every root", () => {
    const volumes = parseYamlStream(one(p, T.configGroup, "storage-team-volumes").inputs.yaml as string) as Obj[];
    for (const team of teams) {
      const pv = volumes.find((o) => o.kind === "PersistentVolume" && o.metadata.name.startsWith(`fsx-${team}-`));
      expect(pv?.spec.csi).toMatchObject({
        volumeHandle: `<computed:storage-scratch-${team}.id>`,
        volumeAttributes: { mountname: `<computed:storage-scratch-${team}.mountName>/teams/${team}` },
      });
    }
    const job = (parseYamlStream(one(p, T.configGroup, "storage-scratch-directories").inputs.yaml as string) as Obj[]).find((o) => o.kind === "Job");
    expect(job?.spec.template.spec.volumes.map((v: { name: string }) => v.name).sort()).toEqual(teams.map((t) => `fsx-root-${t}`).sort());
  });

  it("passes the policy pack, team-volumes included", async () => {
    expect(await runPolicies(p, "dev")).toEqual([]);
  });
});
