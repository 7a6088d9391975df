/**
 * The scratch directories' owners: nothing else creates /teams/<team> with the team's POSIX identity (a data
 * repository association creates its directory as root, and the team's pods run non-root under Pod Security
 * restricted), so a platform Job mounts each scratch file system's root and, idempotently, makes every team's
 * directory and gives it to the team's uid/gid (domain/posix.ts, the ids its EFS access point uses), mode 2770.
 *
 * It runs in kube-system, where the EKS add-ons (the FSx CSI driver among them) run and no team has rights: the
 * one place a root pod of the platform is expected. It runs as root with only CHOWN, FOWNER and FSETID (all
 * within Pod Security baseline), no escalation, RuntimeDefault seccomp, a read-only root file system and no
 * service-account token; the exceptions registry names it (policies/exceptions/own-workloads.ts).
 */
import { KUBE_SYSTEM_NAMESPACE } from "../domain/platform-namespaces";
import { teamPosixId } from "../domain/posix";
import { SCRATCH_TEAMS_DIR, scratchTeamPath } from "../domain/storage-naming";
import { imageRef } from "../domain/versions";
import { k8s, manifests, resources, type Manifest } from "./kube";
import { sourceNamedVolume } from "./team-volumes";

/** The Job's name, exact: the exceptions registry names it; a changed script replaces it (its pod template is immutable). */
export const SCRATCH_DIRECTORIES_JOB = "scratch-directories";
/** Mode of a team's directory: owner and group only, new files inherit the team's group (setgid). */
export const SCRATCH_TEAM_MODE = "2770";
/** Mode of /teams: root's, traversable, not listable. */
export const SCRATCH_TEAMS_DIR_MODE = "0711";
const MOUNT_ROOT = "/fsx";

export interface ScratchFileSystemRoot {
  /** "shared", or the team of a per-team file system. */
  readonly key: string;
  readonly fileSystemId: string;
  readonly dnsName: string;
  readonly mountName: string;
  /** The teams whose directories are on it. */
  readonly teams: readonly string[];
}

/** The shell script: per file system, /teams as root's, then each team's directory as the team's. */
export function scratchDirectoryScript(fileSystems: readonly Pick<ScratchFileSystemRoot, "key" | "teams">[]): string {
  const lines = ["set -eu"];
  for (const fs of fileSystems) {
    const root = `${MOUNT_ROOT}/${fs.key}`;
    lines.push(`mkdir -p ${root}${SCRATCH_TEAMS_DIR}`, `chown 0:0 ${root}${SCRATCH_TEAMS_DIR}`, `chmod ${SCRATCH_TEAMS_DIR_MODE} ${root}${SCRATCH_TEAMS_DIR}`);
    for (const team of fs.teams) {
      const id = teamPosixId(team);
      const dir = `${root}${scratchTeamPath(team)}`;
      // chown before chmod: chown clears the setgid bit.
      lines.push(`mkdir -p ${dir}`, `chown ${id}:${id} ${dir}`, `chmod ${SCRATCH_TEAM_MODE} ${dir}`);
    }
  }
  return lines.join("\n");
}

/** The Job's volume of a file system's root. */
const rootVolume = (fs: ScratchFileSystemRoot) => `fsx-root-${fs.key}`;
const rootSource = (fs: ScratchFileSystemRoot) => ({
  driver: "fsx.csi.aws.com",
  volumeHandle: fs.fileSystemId,
  volumeAttributes: { dnsname: fs.dnsName, mountname: fs.mountName },
});
/** Its pre-bound PersistentVolume and claim (in kube-system, for the Job only), named after the file system. */
export const rootClaim = (fs: ScratchFileSystemRoot): string => sourceNamedVolume(rootVolume(fs), rootSource(fs));

export function scratchDirectoryObjects(fileSystems: readonly ScratchFileSystemRoot[], reclaimPolicy: "Retain" | "Delete"): Manifest[] {
  const labels = { "app.kubernetes.io/name": SCRATCH_DIRECTORIES_JOB };
  return manifests((scope) => {
    for (const fs of fileSystems) {
      const name = rootClaim(fs);
      new k8s.KubePersistentVolume(scope, rootVolume(fs), {
        metadata: { name, labels },
        spec: {
          capacity: { storage: k8s.Quantity.fromString("1Gi") },
          accessModes: ["ReadWriteMany"],
          persistentVolumeReclaimPolicy: reclaimPolicy,
          storageClassName: "",
          claimRef: { namespace: KUBE_SYSTEM_NAMESPACE, name },
          csi: rootSource(fs),
        },
      });
      new k8s.KubePersistentVolumeClaim(scope, `${rootVolume(fs)}-claim`, {
        metadata: { name, namespace: KUBE_SYSTEM_NAMESPACE, labels },
        spec: { accessModes: ["ReadWriteMany"], storageClassName: "", volumeName: name, resources: { requests: { storage: k8s.Quantity.fromString("1Gi") } } },
      });
    }
    new k8s.KubeJob(scope, SCRATCH_DIRECTORIES_JOB, {
      metadata: { name: SCRATCH_DIRECTORIES_JOB, namespace: KUBE_SYSTEM_NAMESPACE, labels },
      spec: {
        backoffLimit: 10,
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            restartPolicy: "OnFailure",
            securityContext: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "directories",
                image: imageRef("awsCli"),
                command: ["/bin/sh", "-ec", scratchDirectoryScript(fileSystems)],
                resources: resources({ cpu: "50m", memory: "32Mi" }, { memory: "64Mi" }),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"], add: ["CHOWN", "FOWNER", "FSETID"] },
                },
                volumeMounts: fileSystems.map((fs) => ({ name: rootVolume(fs), mountPath: `${MOUNT_ROOT}/${fs.key}` })),
              },
            ],
            volumes: fileSystems.map((fs) => ({ name: rootVolume(fs), persistentVolumeClaim: { claimName: rootClaim(fs) } })),
          },
        },
      },
    });
  });
}
