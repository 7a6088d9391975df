/**
 * Per team, statically provisioned volumes on the shared tiers: `shared-files` (EFS through the team's own
 * access point, RWX) and `scratch` (FSx for Lustre, RWX, the team's directory /teams/<team> only, on a shared
 * file system or the team's own). Each PV is pre-bound to its team's claim, so no other namespace can take it.
 */
import { createHash } from "node:crypto";
import { App, Chart, type ChartProps } from "cdk8s";
import { k8s } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { scratchTeamMountName } from "../domain/storage-naming";

export const SHARED_FILES_CLAIM = "shared-files";
export const SCRATCH_CLAIM = "scratch";
const NOMINAL = "1Gi";

/**
 * A PersistentVolume's name for a source that can change (a scratch file system replaced, a directory moved): the
 * source's spec is immutable, so a new source is a new volume, and a name of its own lets Pulumi create it before
 * the old one goes and replace the claim that names it (delete first: the claim's name is fixed). The claim's
 * deletion waits until no pod uses it.
 */
export function sourceNamedVolume(prefix: string, source: k8s.CsiPersistentVolumeSource): string {
  const attributes = Object.entries(source.volumeAttributes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const identity = JSON.stringify([source.driver, source.volumeHandle, attributes]);
  return `${prefix}-${createHash("sha256").update(identity).digest("hex").slice(0, 8)}`;
}

export interface TeamVolumesProps extends ChartProps {
  readonly teams: readonly string[];
  /** EFS file system and each team's access point id. */
  readonly efs?: { readonly fileSystemId: string; readonly accessPointIds: Readonly<Record<string, string>> };
  /** Per team, the FSx for Lustre file system that holds its directory /teams/<team> (shared or its own). */
  readonly fsx?: Readonly<Record<string, { readonly fileSystemId: string; readonly dnsName: string; readonly mountName: string }>>;
  readonly reclaimPolicy: "Retain" | "Delete";
}

export class TeamVolumesChart extends Chart {
  constructor(scope: Construct, id: string, props: TeamVolumesProps) {
    super(scope, id, props);
    const q = (v: string) => k8s.Quantity.fromString(v);
    for (const team of props.teams) {
      const bind = (pv: string, claim: string, capacity: string, csi: k8s.CsiPersistentVolumeSource) => {
        new k8s.KubePersistentVolume(this, pv, {
          metadata: { name: pv, labels: { team } },
          spec: {
            capacity: { storage: q(capacity) },
            accessModes: ["ReadWriteMany"],
            persistentVolumeReclaimPolicy: props.reclaimPolicy,
            storageClassName: "",
            claimRef: { namespace: team, name: claim },
            csi,
          },
        });
        new k8s.KubePersistentVolumeClaim(this, `${pv}-claim`, {
          metadata: { name: claim, namespace: team, labels: { team } },
          spec: { accessModes: ["ReadWriteMany"], storageClassName: "", volumeName: pv, resources: { requests: { storage: q(capacity) } } },
        });
      };
      const ap = props.efs?.accessPointIds[team];
      // Capacities are nominal (the file systems are shared and sized elsewhere); 1Gi keeps these claims from
      // eating the team's requests.storage quota, which is meant for its own block volumes.
      if (props.efs && ap) bind(`efs-${team}`, SHARED_FILES_CLAIM, NOMINAL, { driver: "efs.csi.aws.com", volumeHandle: `${props.efs.fileSystemId}::${ap}` });
      const fsx = props.fsx?.[team];
      // The FSx CSI driver mounts `<dnsname>@tcp:/<mountname>` (pkg/driver/node.go): a mount name with a path is a
      // Lustre subdirectory mount, so the team's pods see its own directory and nothing above it.
      if (fsx) {
        const source = {
          driver: "fsx.csi.aws.com",
          volumeHandle: fsx.fileSystemId,
          volumeAttributes: { dnsname: fsx.dnsName, mountname: scratchTeamMountName(fsx.mountName, team) },
        };
        bind(sourceNamedVolume(`fsx-${team}`, source), SCRATCH_CLAIM, NOMINAL, source);
      }
    }
  }
}

export function teamVolumeObjects(props: TeamVolumesProps): Record<string, unknown>[] {
  return new TeamVolumesChart(new App(), "team-volumes", props).toJson();
}
