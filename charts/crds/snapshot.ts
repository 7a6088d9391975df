/**
 * The CSI snapshot custom resources we author (snapshot.storage.k8s.io/v1, installed by the EKS snapshot
 * controller add-on). A VolumeSnapshotClass has no spec: its fields sit at the top level.
 */
import type { Construct } from "constructs";
import { customResource, type Metadata } from "../kube";

export interface VolumeSnapshotClassBody {
  /** The CSI driver that takes the snapshots. */
  readonly driver: string;
  readonly deletionPolicy: "Delete" | "Retain";
  readonly parameters?: Readonly<Record<string, string>>;
}

export const volumeSnapshotClass = (scope: Construct, id: string, metadata: Metadata, body: VolumeSnapshotClassBody) =>
  customResource(scope, id, { apiVersion: "snapshot.storage.k8s.io/v1", kind: "VolumeSnapshotClass", metadata, ...body });
