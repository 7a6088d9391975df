import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/define";
import { controlChecker } from "../lib/exceptions";
import { TEAM_LABEL, nameOf } from "../lib/k8s";

const PV = "kubernetes:core/v1:PersistentVolume";
const DRA = "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation";
const LUSTRE = "aws:fsx/lustreFileSystem:LustreFileSystem";
/** The CSI drivers of the shared file systems (EFS, FSx for Lustre), and the one platform namespace that may bind their roots. */
const SHARED_FILE_DRIVERS = ["efs.csi.aws.com", "fsx.csi.aws.com"];
const KUBE_SYSTEM = "kube-system";

/** Values the cloud assigns show as `<computed:...>` in an offline plan: one opaque token, colons and all. */
const opaque = (value: string): string => value.replace(/<computed:[^>]*>/g, "X");

/** An EFS volume handle through an access point: `<fs>::<ap>` or `<fs>:<subpath>:<ap>` (aws-efs-csi-driver). */
export function efsThroughAccessPoint(volumeHandle: unknown): boolean {
  if (typeof volumeHandle !== "string") return false;
  const parts = opaque(volumeHandle).split(":");
  return parts.length === 3 && parts[0] !== "" && parts[2] !== "";
}

/** A Lustre mount name of the team's directory only: `<file system mount name>/teams/<team>` (the FSx CSI driver mounts `<dns>@tcp:/<mountname>`). */
export function lustreTeamDirectory(mountname: unknown, team: string): boolean {
  return typeof mountname === "string" && new RegExp(`^[^/]+/teams/${team.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`).test(opaque(mountname));
}

/** The team an S3 location of the datasets bucket belongs to (`s3://<bucket>/teams/<team>/...`), if any. */
export function s3Team(path: unknown): string | undefined {
  return typeof path === "string" ? /^s3:\/\/[^/]+\/teams\/([a-z0-9][a-z0-9-]*)\//.exec(opaque(path))?.[1] : undefined;
}

function pvProblem(pv: Record<string, any>, team: string): string | undefined {
  const spec = pv.spec ?? {};
  const csi = spec.csi;
  if (pv.metadata?.labels?.team !== team) return `is bound to team ${team} but labelled team ${pv.metadata?.labels?.team ?? "(none)"}`;
  if (csi?.driver === "efs.csi.aws.com")
    return efsThroughAccessPoint(csi.volumeHandle) ? undefined : `mounts EFS ${csi.volumeHandle} without the team's access point (<fs>::<access point>)`;
  if (csi?.driver === "fsx.csi.aws.com")
    return lustreTeamDirectory(csi.volumeAttributes?.mountname, team)
      ? undefined
      : `mounts Lustre ${csi.volumeAttributes?.mountname ?? "(root)"}, not the team's directory <mount name>/teams/${team}`;
  const source = csi
    ? `CSI driver ${csi.driver}`
    : (Object.keys(spec).find(
        (k) =>
          !["capacity", "accessModes", "persistentVolumeReclaimPolicy", "storageClassName", "claimRef", "mountOptions", "volumeMode", "nodeAffinity"].includes(
            k,
          ),
      ) ?? "no source");
  return `uses ${source}, which the platform cannot scope to one team`;
}

export const teamVolumes = stackPolicy(
  {
    name: "team-volumes",
    description:
      "A volume pre-bound to a team namespace reaches only that team's data: EFS only through an access point, FSx for Lustre only the team's directory /teams/<team>; scratch links to S3 only inside the team's own teams/<team>/ prefix, directory for directory, and no file system imports or exports outside a team's prefix.",
    severity: "high",
    controls: ["FS-05"],
  },
  (args, report) => {
    const teams = new Set(
      args.resources
        .filter((r) => r.type === "kubernetes:core/v1:Namespace" && r.props.metadata?.labels?.[TEAM_LABEL])
        .map((r) => nameOf(r.props))
        .filter((n): n is string => n !== undefined),
    );
    const check = controlChecker(undefined, undefined, report);
    for (const pv of args.resources.filter((r: PolicyResource) => r.type === PV)) {
      const team = pv.props.spec?.claimRef?.namespace;
      // A shared file system's volume that no claim holds (or one outside the platform's own kube-system) is
      // anyone's: a claim naming it in volumeName, in any namespace, would bind to it.
      const driver: unknown = pv.props.spec?.csi?.driver;
      if (typeof driver === "string" && SHARED_FILE_DRIVERS.includes(driver) && !(typeof team === "string" && (teams.has(team) || team === KUBE_SYSTEM)))
        check(
          "FS-05",
          false,
          `PersistentVolume ${nameOf(pv.props)} on ${driver} is pre-bound to ${typeof team === "string" ? `namespace ${team}` : "no claim"}: a shared file system's volume is pre-bound to a team's claim (or the platform's in kube-system), or any claim naming it could take it`,
          pv.urn,
        );
      if (typeof team !== "string" || !teams.has(team)) continue;
      const problem = pvProblem(pv.props, team);
      check("FS-05", problem === undefined, `PersistentVolume ${nameOf(pv.props)} ${problem}`, pv.urn);
    }
    for (const dra of args.resources.filter((r) => r.type === DRA)) {
      const path: unknown = dra.props.fileSystemPath;
      const repo: unknown = dra.props.dataRepositoryPath;
      // A path the cloud has not resolved yet (a real preview) is judged at the next preview that knows it.
      if (repo === undefined || (typeof repo === "string" && repo.includes("<computed:") && !repo.startsWith("s3://"))) continue;
      const team = s3Team(repo);
      check(
        "FS-05",
        team !== undefined && path === `/teams/${team}`,
        `data repository association ${dra.name} links ${String(path)} to ${String(repo)}: a scratch directory /teams/<team> links only to s3://<bucket>/teams/<team>/...`,
        dra.urn,
      );
    }
    for (const fs of args.resources.filter((r) => r.type === LUSTRE)) {
      for (const key of ["importPath", "exportPath"]) {
        const value: unknown = fs.props[key];
        check(
          "FS-05",
          value === undefined || s3Team(value) !== undefined,
          `Lustre file system ${fs.name} links its whole tree (${key} ${String(value)}) outside a team's teams/<team>/ prefix; link each team's directory by a data repository association`,
          fs.urn,
        );
      }
    }
  },
);
