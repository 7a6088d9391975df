/** team-volumes (FS-05): a compliant stack of two teams' volumes and scratch links, then one field broken at a time. */
import { describe, it, expect } from "vitest";
import { efsThroughAccessPoint, lustreTeamDirectory, s3Team, teamVolumes } from "../../policies/kubernetes/team-volumes";
import { mutate, stackViolations, type StackItem } from "./harness";

const NS = "kubernetes:core/v1:Namespace";
const PV = "kubernetes:core/v1:PersistentVolume";
const DRA = "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation";
const LUSTRE = "aws:fsx/lustreFileSystem:LustreFileSystem";

const namespace = (name: string): StackItem => ({ type: NS, name, props: { metadata: { name, labels: { "mlops.platform/team": name } } } });
const pv = (name: string, team: string, csi: Record<string, unknown>): StackItem => ({
  type: PV,
  name,
  props: { metadata: { name, labels: { team } }, spec: { claimRef: { namespace: team, name: "x" }, accessModes: ["ReadWriteMany"], csi } },
});
const efs = (team: string) =>
  pv(`efs-${team}`, team, { driver: "efs.csi.aws.com", volumeHandle: `<computed:storage-files.id>::<computed:storage-files-${team}.id>` });
const fsx = (team: string) =>
  pv(`fsx-${team}`, team, {
    driver: "fsx.csi.aws.com",
    volumeHandle: "fs-0123",
    volumeAttributes: { dnsname: "fs-0123.fsx", mountname: `<computed:storage-scratch.mountName>/teams/${team}` },
  });
const dra = (team: string): StackItem => ({
  type: DRA,
  name: `storage-scratch-${team}`,
  props: {
    fileSystemId: "fs-0123",
    fileSystemPath: `/teams/${team}`,
    dataRepositoryPath: `s3://mlops-prod-datasets-<computed:account-id>/teams/${team}/scratch/`,
  },
});
const STACK: StackItem[] = [
  namespace("recsys"),
  namespace("nlp"),
  { type: LUSTRE, name: "storage-scratch", props: { deploymentType: "SCRATCH_2" } },
  ...["recsys", "nlp"].flatMap((t) => [efs(t), fsx(t), dra(t)]),
  // The directory Job's root volume: bound to kube-system, not a team namespace, so not this policy's to judge.
  pv("fsx-root-shared", "platform", {
    driver: "fsx.csi.aws.com",
    volumeHandle: "fs-0123",
    volumeAttributes: { dnsname: "fs-0123.fsx", mountname: "abcdefgh" },
  }),
];
STACK[STACK.length - 1] = mutate(STACK[STACK.length - 1], (i) => ((i.props.spec as any).claimRef.namespace = "kube-system"));

const broken = (name: string, change: (props: any) => void) =>
  stackViolations(
    teamVolumes,
    STACK.map((i) => (i.name === name ? mutate(i, (d) => change(d.props)) : i)),
  );

describe("team-volumes (FS-05)", () => {
  it("passes the compliant stack, which has volumes of both tiers and links for two teams", () => {
    expect(STACK.filter((i) => i.type === PV)).toHaveLength(5);
    expect(stackViolations(teamVolumes, STACK)).toEqual([]);
  });

  it("fails an EFS volume without an access point", () => {
    expect(broken("efs-nlp", (p) => (p.spec.csi.volumeHandle = "<computed:storage-files.id>"))).toEqual([
      "FS-05: PersistentVolume efs-nlp mounts EFS <computed:storage-files.id> without the team's access point (<fs>::<access point>)",
    ]);
  });

  it("fails a Lustre volume on the file-system root", () => {
    expect(broken("fsx-nlp", (p) => (p.spec.csi.volumeAttributes.mountname = "abcdefgh"))).toEqual([
      "FS-05: PersistentVolume fsx-nlp mounts Lustre abcdefgh, not the team's directory <mount name>/teams/nlp",
    ]);
  });

  it("fails a Lustre volume bound to one team on another team's directory", () => {
    expect(broken("fsx-nlp", (p) => (p.spec.csi.volumeAttributes.mountname = "abcdefgh/teams/recsys"))).toEqual([
      "FS-05: PersistentVolume fsx-nlp mounts Lustre abcdefgh/teams/recsys, not the team's directory <mount name>/teams/nlp",
    ]);
  });

  it("fails a shared file system's volume that no claim holds, or one held outside the teams and kube-system", () => {
    expect(broken("fsx-root-shared", (p) => delete p.spec.claimRef)).toEqual([
      "FS-05: PersistentVolume fsx-root-shared on fsx.csi.aws.com is pre-bound to no claim: a shared file system's volume is pre-bound to a team's claim (or the platform's in kube-system), or any claim naming it could take it",
    ]);
    expect(broken("efs-nlp", (p) => (p.spec.claimRef.namespace = "default"))).toEqual([
      "FS-05: PersistentVolume efs-nlp on efs.csi.aws.com is pre-bound to namespace default: a shared file system's volume is pre-bound to a team's claim (or the platform's in kube-system), or any claim naming it could take it",
    ]);
  });

  it("fails a volume whose team label is not the namespace it is bound to", () => {
    expect(broken("fsx-nlp", (p) => (p.metadata.labels.team = "recsys"))).toEqual([
      "FS-05: PersistentVolume fsx-nlp is bound to team nlp but labelled team recsys",
    ]);
  });

  it("fails a team volume on a source the platform cannot scope", () => {
    expect(
      broken("fsx-nlp", (p) => {
        delete p.spec.csi;
        p.spec.nfs = { server: "10.0.0.1", path: "/" };
      }),
    ).toEqual(["FS-05: PersistentVolume fsx-nlp uses nfs, which the platform cannot scope to one team"]);
  });

  it("fails an association whose S3 path is another team's prefix, or outside any team's", () => {
    expect(broken("storage-scratch-nlp", (p) => (p.dataRepositoryPath = "s3://b/teams/recsys/scratch/"))).toEqual([
      "FS-05: data repository association storage-scratch-nlp links /teams/nlp to s3://b/teams/recsys/scratch/: a scratch directory /teams/<team> links only to s3://<bucket>/teams/<team>/...",
    ]);
    expect(broken("storage-scratch-nlp", (p) => (p.dataRepositoryPath = "s3://b/lustre/"))).toHaveLength(1);
    expect(broken("storage-scratch-nlp", (p) => (p.fileSystemPath = "/datasets"))).toHaveLength(1);
  });

  it("fails a file system linked as a whole outside a team's prefix", () => {
    expect(broken("storage-scratch", (p) => (p.importPath = "s3://b/lustre/"))).toEqual([
      "FS-05: Lustre file system storage-scratch links its whole tree (importPath s3://b/lustre/) outside a team's teams/<team>/ prefix; link each team's directory by a data repository association",
    ]);
  });

  it("reads handles and paths with the cloud's values still unknown", () => {
    expect(efsThroughAccessPoint("fs-1::fsap-2")).toBe(true);
    expect(efsThroughAccessPoint("fs-1:/data:fsap-2")).toBe(true);
    expect(efsThroughAccessPoint("fs-1")).toBe(false);
    expect(efsThroughAccessPoint("fs-1:/data")).toBe(false);
    expect(lustreTeamDirectory("<computed:x.mountName>/teams/nlp", "nlp")).toBe(true);
    expect(lustreTeamDirectory("m/teams/nlp/../recsys", "nlp")).toBe(false);
    expect(lustreTeamDirectory("m/teams/nlp2", "nlp")).toBe(false);
    expect(s3Team("s3://<computed:b>/teams/nlp/scratch/")).toBe("nlp");
    expect(s3Team("s3://b/lustre/")).toBeUndefined();
  });
});
