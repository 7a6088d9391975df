/**
 * Storage classes of the platform (FS-04): gp3 as the one default, io2 for IOPS-hungry volumes, EFS for
 * shared files through per-volume access points, and the EBS VolumeSnapshotClass. All EBS volumes are
 * encrypted with the platform's key; prod keeps volumes when claims go (Retain).
 */
import { App, Chart, type ChartProps } from "cdk8s";
import { volumeSnapshotClass } from "./crds/snapshot";
import { k8s } from "cdk8s-plus-28";
import type { Construct } from "constructs";

export const STORAGE_CLASSES = { gp3: "gp3", io2: "io2", efs: "efs" } as const;
export const SNAPSHOT_CLASS = "ebs-snapshots";

export interface StorageChartProps extends ChartProps {
  /** KMS key ARN for EBS volumes (computed: passed as a resolved string at synth time). */
  readonly ebsKmsKeyArn: string;
  /** Retain in prod, Delete elsewhere. */
  readonly reclaimPolicy: "Retain" | "Delete";
  /** io2 class with this many IOPS per GiB; omitted: no io2 class. */
  readonly io2IopsPerGB?: number;
  /** EFS file system id for the RWX class; omitted: no EFS class. */
  readonly efsFileSystemId?: string;
  /** Tags every EBS volume gets (the backup selection tag in prod). @default {} */
  readonly volumeTags?: Readonly<Record<string, string>>;
}

export class StorageChart extends Chart {
  constructor(scope: Construct, id: string, props: StorageChartProps) {
    super(scope, id, props);
    // tagSpecification_N is the EBS CSI driver's way to tag the volumes it creates.
    const tags = Object.fromEntries(Object.entries(props.volumeTags ?? {}).map(([k, v], i) => [`tagSpecification_${i + 1}`, `${k}=${v}`]));
    const ebs = (extra: Record<string, string>) => ({
      "csi.storage.k8s.io/fstype": "ext4",
      encrypted: "true",
      kmsKeyId: props.ebsKmsKeyArn,
      ...tags,
      ...extra,
    });
    new k8s.KubeStorageClass(this, "gp3", {
      metadata: { name: STORAGE_CLASSES.gp3, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: ebs({ type: "gp3" }),
      reclaimPolicy: props.reclaimPolicy,
      // Bind in the AZ where the pod lands, so a volume never strands a pod in another AZ.
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    });
    if (props.io2IopsPerGB !== undefined) {
      new k8s.KubeStorageClass(this, "io2", {
        metadata: { name: STORAGE_CLASSES.io2 },
        provisioner: "ebs.csi.aws.com",
        parameters: ebs({ type: "io2", iopsPerGB: String(props.io2IopsPerGB), allowAutoIOPSPerGBIncrease: "true" }),
        reclaimPolicy: props.reclaimPolicy,
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
      });
    }
    if (props.efsFileSystemId !== undefined) {
      new k8s.KubeStorageClass(this, "efs", {
        metadata: { name: STORAGE_CLASSES.efs },
        provisioner: "efs.csi.aws.com",
        // One access point per volume, each confined to its own directory and POSIX identity (FS-02).
        parameters: {
          provisioningMode: "efs-ap",
          fileSystemId: props.efsFileSystemId,
          directoryPerms: "700",
          gidRangeStart: "50000",
          gidRangeEnd: "59999",
          basePath: "/dynamic",
        },
        reclaimPolicy: props.reclaimPolicy,
      });
    }
    volumeSnapshotClass(this, "snapshot-class", { name: SNAPSHOT_CLASS }, { driver: "ebs.csi.aws.com", deletionPolicy: props.reclaimPolicy });
  }
}

export function storageObjects(props: StorageChartProps): Record<string, unknown>[] {
  return new StorageChart(new App(), "storage", props).toJson();
}
