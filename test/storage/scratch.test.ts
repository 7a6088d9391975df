/** Scratch isolation per team, as pure helpers: paths, file-system layout, association args, the team PVs, the directory Job and the config rule. */
import { describe, it, expect } from "vitest";
import { SCRATCH_DIRECTORIES_JOB, scratchDirectoryObjects, scratchDirectoryScript } from "../../charts/storage-scratch";
import { sourceNamedVolume, teamVolumeObjects } from "../../charts/team-volumes";
import { SHARED_SCRATCH, scratchFileSystems, teamAssociationArgs } from "../../components/storage/scratch";
import { storageProblems } from "../../config/storage";
import { KUBE_SYSTEM_NAMESPACE } from "../../domain/platform-namespaces";
import { teamPosixId } from "../../domain/posix";
import { MAX_DATA_REPOSITORY_ASSOCIATIONS, scratchDataRepositoryPath, scratchTeamMountName, scratchTeamPath, teamPrefix } from "../../domain/storage-naming";

const TEAMS = ["recsys", "nlp", "fraud"];
const FS = { fileSystemId: "fs-0123", dnsName: "fs-0123.fsx.us-east-1.amazonaws.com", mountName: "abcdefgh" };
type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec: any };

describe("scratch paths", () => {
  it("puts each team under /teams and links it inside its own S3 prefix", () => {
    expect(scratchTeamPath("nlp")).toBe("/teams/nlp");
    expect(scratchTeamMountName("abcdefgh", "nlp")).toBe("abcdefgh/teams/nlp");
    expect(scratchDataRepositoryPath("b", "nlp", "scratch/")).toBe("s3://b/teams/nlp/scratch/");
    expect(scratchDataRepositoryPath("b", "nlp", "scratch/").startsWith(`s3://b/${teamPrefix("nlp")}`)).toBe(true);
  });

  it("links a directory to the team's own path, both ways, deletions included", () => {
    const args = teamAssociationArgs("nlp", "s3://b/teams/nlp/scratch/");
    const events = ["NEW", "CHANGED", "DELETED"];
    expect(args).toEqual({
      fileSystemPath: "/teams/nlp",
      dataRepositoryPath: "s3://b/teams/nlp/scratch/",
      batchImportMetaDataOnCreate: true,
      s3: { autoImportPolicy: { events }, autoExportPolicy: { events } },
      tags: { team: "nlp" },
    });
  });
});

describe("scratchFileSystems", () => {
  it("directory isolation: one shared file system holding every team's directory", () => {
    expect(scratchFileSystems(TEAMS, "directory")).toEqual([{ key: SHARED_SCRATCH, teams: TEAMS, shared: true }]);
  });

  it("file-system isolation: one file system per team, holding that team only", () => {
    expect(scratchFileSystems(TEAMS, "file-system")).toEqual(TEAMS.map((t) => ({ key: t, teams: [t], shared: false })));
    // A team named like the shared file system's key still gets a file system of its own.
    expect(scratchFileSystems([SHARED_SCRATCH], "file-system")).toEqual([{ key: SHARED_SCRATCH, teams: [SHARED_SCRATCH], shared: false }]);
  });

  it("refuses more teams on one file system than it takes associations", () => {
    const many = Array.from({ length: MAX_DATA_REPOSITORY_ASSOCIATIONS + 1 }, (_, i) => `t${i}`);
    expect(() => scratchFileSystems(many.slice(0, MAX_DATA_REPOSITORY_ASSOCIATIONS), "directory")).not.toThrow();
    expect(() => scratchFileSystems(many, "directory")).toThrow(/FSx allows 8 data repository associations/);
    expect(scratchFileSystems(many, "file-system")).toHaveLength(many.length);
  });
});

describe("the association limit in config", () => {
  const scratch = { enabled: true, deploymentType: "PERSISTENT_2" as const, storageCapacityGiB: 2400 };
  it("rejects more than 8 teams sharing one scratch file system, and not with a file system per team", () => {
    expect(MAX_DATA_REPOSITORY_ASSOCIATIONS).toBe(8);
    expect(storageProblems({ scratch }, "prod", true, 8)).toEqual([]);
    expect(storageProblems({ scratch }, "prod", true, 9)).toEqual([
      {
        path: "storage.scratch.isolation",
        message:
          '9 teams cannot share one file system: each team\'s directory is linked to its own S3 prefix by a data repository association, and FSx for Lustre allows 8 per file system; use isolation "file-system"',
      },
    ]);
    expect(storageProblems({ scratch: { ...scratch, isolation: "file-system" } }, "prod", true, 9)).toEqual([]);
  });
});

describe("team scratch volumes", () => {
  const objects = teamVolumeObjects({ teams: TEAMS, fsx: Object.fromEntries(TEAMS.map((t) => [t, FS])), reclaimPolicy: "Delete" }) as Obj[];

  it("mounts each team's directory only, pre-bound to its claim, and never another team's", () => {
    const pvs = objects.filter((o) => o.kind === "PersistentVolume");
    expect(pvs).toHaveLength(TEAMS.length);
    for (const team of TEAMS) {
      const pv = pvs.find((o) => o.metadata.name.startsWith(`fsx-${team}-`));
      expect(pv?.metadata.name).toBe(sourceNamedVolume(`fsx-${team}`, pv?.spec.csi));
      expect(pv?.spec.claimRef).toEqual({ namespace: team, name: "scratch" });
      expect(objects.find((o) => o.kind === "PersistentVolumeClaim" && o.metadata.namespace === team)?.spec.volumeName).toBe(pv?.metadata.name);
      expect(pv?.spec.csi).toEqual({
        driver: "fsx.csi.aws.com",
        volumeHandle: FS.fileSystemId,
        volumeAttributes: { dnsname: FS.dnsName, mountname: `abcdefgh/teams/${team}` },
      });
      for (const other of TEAMS.filter((t) => t !== team)) expect(JSON.stringify(pv)).not.toContain(`/teams/${other}`);
    }
  });

  it("names a volume after its source: a moved directory or a new file system is a new volume, not a change to an immutable one", () => {
    const moved = teamVolumeObjects({ teams: ["nlp"], fsx: { nlp: { ...FS, fileSystemId: "fs-new" } }, reclaimPolicy: "Delete" }) as Obj[];
    const before = objects.find((o) => o.kind === "PersistentVolume" && o.metadata.name.startsWith("fsx-nlp-"));
    expect(moved[0].metadata.name).toMatch(/^fsx-nlp-[0-9a-f]{8}$/);
    expect(moved[0].metadata.name).not.toBe(before?.metadata.name);
  });

  it("puts a team with its own file system on that file system", () => {
    const own = { ...FS, fileSystemId: "fs-nlp", mountName: "nlpmount" };
    const pvs = teamVolumeObjects({ teams: ["nlp"], fsx: { nlp: own }, reclaimPolicy: "Delete" }) as Obj[];
    expect(pvs[0].spec.csi).toMatchObject({ volumeHandle: "fs-nlp", volumeAttributes: { mountname: "nlpmount/teams/nlp" } });
  });
});

describe("the scratch directory Job", () => {
  const roots = [
    { key: "shared", ...FS, teams: ["recsys", "nlp"] },
    { key: "fraud", ...FS, fileSystemId: "fs-fraud", teams: ["fraud"] },
  ];

  it("makes /teams root's and each team's directory the team's, mode 2770, idempotently", () => {
    const lines = scratchDirectoryScript(roots).split("\n");
    expect(lines[0]).toBe("set -eu");
    expect(lines).toContain("mkdir -p /fsx/shared/teams");
    expect(lines).toContain("chmod 0711 /fsx/shared/teams");
    for (const [root, team] of [
      ["shared", "recsys"],
      ["shared", "nlp"],
      ["fraud", "fraud"],
    ]) {
      const dir = `/fsx/${root}/teams/${team}`;
      const id = teamPosixId(team);
      const at = lines.indexOf(`mkdir -p ${dir}`);
      expect(at).toBeGreaterThan(0);
      expect(lines.slice(at, at + 3)).toEqual([`mkdir -p ${dir}`, `chown ${id}:${id} ${dir}`, `chmod 2770 ${dir}`]);
    }
    // Only mkdir -p, chown and chmod: nothing that removes or moves data.
    for (const l of lines.slice(1)) expect(l).toMatch(/^(mkdir -p|chown|chmod) /);
  });

  it("runs in kube-system as root with CHOWN, FOWNER and FSETID only, mounting each file system's root", () => {
    const objects = scratchDirectoryObjects(roots, "Retain") as Obj[];
    const job = objects.find((o) => o.kind === "Job");
    expect(job?.metadata).toMatchObject({ name: SCRATCH_DIRECTORIES_JOB, namespace: KUBE_SYSTEM_NAMESPACE });
    const pod = job?.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"], add: ["CHOWN", "FOWNER", "FSETID"] },
    });
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: "fsx-root-shared", mountPath: "/fsx/shared" },
      { name: "fsx-root-fraud", mountPath: "/fsx/fraud" },
    ]);
    const pvs = objects.filter((o) => o.kind === "PersistentVolume");
    expect(pvs.map((p) => p.spec.claimRef)).toEqual([
      { namespace: KUBE_SYSTEM_NAMESPACE, name: sourceNamedVolume("fsx-root-shared", pvs[0].spec.csi) },
      { namespace: KUBE_SYSTEM_NAMESPACE, name: sourceNamedVolume("fsx-root-fraud", pvs[1].spec.csi) },
    ]);
    expect(pod.volumes.map((v: { persistentVolumeClaim: { claimName: string } }) => v.persistentVolumeClaim.claimName)).toEqual(
      pvs.map((p) => p.metadata.name),
    );
    expect(pvs.map((p) => p.spec.csi.volumeAttributes.mountname)).toEqual(["abcdefgh", "abcdefgh"]);
  });
});
