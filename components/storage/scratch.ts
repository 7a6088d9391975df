import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ScratchIsolation } from "../../config/storage";
import { MAX_DATA_REPOSITORY_ASSOCIATIONS, scratchDataRepositoryPath, scratchTeamPath } from "../../domain/storage-naming";

export interface ScratchArgs {
  readonly vpcId: pulumi.Input<string>;
  /** FSx for Lustre lives in one subnet (one AZ): training nodes in that AZ read fastest. */
  readonly subnetId: pulumi.Input<string>;
  readonly clientSecurityGroupId: pulumi.Input<string>;
  /** SCRATCH_2 (dev: cheap, no replica) or PERSISTENT_2 (prod: replicated, customer key, backups). */
  readonly deploymentType: "SCRATCH_2" | "PERSISTENT_2";
  /** GiB per file system: 1200, 2400 or a multiple of 2400 (checked in config). */
  readonly storageCapacityGiB: number;
  /** PERSISTENT_2 only: 125, 250, 500 or 1000 MB/s per TiB. @default 125 */
  readonly perUnitStorageThroughput?: number;
  /** The teams, each with its directory /teams/<team> and its own link to S3. */
  readonly teams: readonly string[];
  /** Each team's cost center, tagged beside `team` on what is the team's alone (cost-tags). @default none */
  readonly teamCostCenters?: Readonly<Record<string, string>>;
  /** "directory": one file system, a directory per team; "file-system": one file system per team. @default "directory" */
  readonly isolation?: ScratchIsolation;
  /** The datasets bucket: each team's directory is linked to s3://<bucket>/teams/<team>/<dataPrefix>. */
  readonly datasetsBucket: pulumi.Input<string>;
  /** Sub-prefix of the team's prefix, e.g. "scratch/". */
  readonly dataPrefix: string;
  /** Customer key (PERSISTENT_2; SCRATCH_2 is always encrypted with an FSx-managed key). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** protect + retain-on-delete for PERSISTENT_2. @default false */
  readonly protect?: boolean;
}

/** The key of the shared file system in {@link scratchFileSystems}; a per-team file system is keyed by its team. */
export const SHARED_SCRATCH = "shared";

/**
 * Which file systems to build and whose directories each holds: one shared, or one per team (keyed by the team,
 * so `shared` says which is which: a team may be named "shared").
 */
export function scratchFileSystems(teams: readonly string[], isolation: ScratchIsolation): { key: string; teams: string[]; shared: boolean }[] {
  if (isolation === "file-system") return teams.map((team) => ({ key: team, teams: [team], shared: false }));
  if (teams.length > MAX_DATA_REPOSITORY_ASSOCIATIONS)
    throw new Error(
      `${teams.length} teams on one scratch file system: FSx allows ${MAX_DATA_REPOSITORY_ASSOCIATIONS} data repository associations; use isolation "file-system"`,
    );
  return [{ key: SHARED_SCRATCH, teams: [...teams], shared: true }];
}

/**
 * The link of one team's directory to its own prefix (`dataRepositoryPath`, from scratchDataRepositoryPath):
 * automatic import and export of new, changed and deleted files, between those two places only.
 */
export function teamAssociationArgs<P>(team: string, dataRepositoryPath: P, costCenter?: string) {
  const events = ["NEW", "CHANGED", "DELETED"];
  return {
    fileSystemPath: scratchTeamPath(team),
    dataRepositoryPath,
    batchImportMetaDataOnCreate: true,
    s3: { autoImportPolicy: { events }, autoExportPolicy: { events } },
    tags: { team, ...(costCenter === undefined ? {} : { "cost-center": costCenter }) },
  };
}

/** A team's own resource is billed to it and its cost center. */
const teamTags = (team: string, costCenters: Readonly<Record<string, string>> | undefined) => ({
  team,
  ...(costCenters?.[team] === undefined ? {} : { "cost-center": costCenters[team] }),
});

/** What a team's volume mounts: its file system, and on it the team's directory. */
export interface ScratchTarget {
  readonly fileSystemId: string;
  readonly dnsName: string;
  readonly mountName: string;
}

/** Lustre client ports: 988, and 1018-1023 between servers and clients (NET-04). */
export const LUSTRE_PORTS: readonly [number, number][] = [
  [988, 988],
  [1018, 1023],
];

/**
 * High-throughput scratch on FSx for Lustre, isolated per team: each team has its directory /teams/<team>,
 * on one shared file system or on its own, linked by its own data repository association (automatic import
 * and export) to s3://<datasets>/teams/<team>/<dataPrefix> only, inside the prefix its identity may use.
 */
export class Scratch extends pulumi.ComponentResource {
  /** Each file system by key: "shared", or a team's name with isolation "file-system". */
  readonly fileSystems: Readonly<Record<string, pulumi.Output<ScratchTarget>>>;
  /** The teams' data repository associations: their directories exist once these are created. */
  readonly associations: readonly aws.fsx.DataRepositoryAssociation[];

  constructor(name: string, args: ScratchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:Scratch", name, {}, opts);
    const child = { parent: this };
    const persistent = args.deploymentType === "PERSISTENT_2";
    const sg = new aws.ec2.SecurityGroup(
      `${name}-lustre`,
      {
        vpcId: args.vpcId,
        description: "Lustre from cluster nodes and between file servers",
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
      },
      child,
    );
    for (const [from, to] of LUSTRE_PORTS) {
      // Lustre servers also open connections to clients: allow those ports back to the cluster security group.
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-to-clients-${from}`,
        {
          securityGroupId: sg.id,
          referencedSecurityGroupId: args.clientSecurityGroupId,
          ipProtocol: "tcp",
          fromPort: from,
          toPort: to,
          description: "Lustre to cluster nodes",
        },
        child,
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-clients-from-lustre-${from}`,
        {
          securityGroupId: args.clientSecurityGroupId,
          referencedSecurityGroupId: sg.id,
          ipProtocol: "tcp",
          fromPort: from,
          toPort: to,
          description: "Lustre servers to clients",
        },
        child,
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-clients-${from}`,
        {
          securityGroupId: sg.id,
          referencedSecurityGroupId: args.clientSecurityGroupId,
          ipProtocol: "tcp",
          fromPort: from,
          toPort: to,
          description: "Lustre from the EKS cluster security group",
        },
        child,
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-servers-${from}`,
        { securityGroupId: sg.id, referencedSecurityGroupId: sg.id, ipProtocol: "tcp", fromPort: from, toPort: to, description: "Lustre between file servers" },
        child,
      );
    }
    const fileSystems: Record<string, pulumi.Output<ScratchTarget>> = {};
    const associations: aws.fsx.DataRepositoryAssociation[] = [];
    for (const group of scratchFileSystems(args.teams, args.isolation ?? "directory")) {
      // The shared file system keeps the component's name; a team's own is named after the team.
      const fsName = group.shared ? name : `${name}-${group.key}`;
      // No file-system-wide import or export path: each team's directory is linked to its own prefix only.
      const fs = new aws.fsx.LustreFileSystem(
        fsName,
        {
          deploymentType: args.deploymentType,
          storageCapacity: args.storageCapacityGiB,
          subnetIds: args.subnetId,
          securityGroupIds: [sg.id],
          fileSystemTypeVersion: "2.15",
          dataCompressionType: "LZ4",
          copyTagsToBackups: true,
          ...(persistent ? { perUnitStorageThroughput: args.perUnitStorageThroughput ?? 125, kmsKeyId: args.kmsKeyArn, automaticBackupRetentionDays: 7 } : {}),
          tags: { Name: fsName, ...(group.shared ? {} : teamTags(group.key, args.teamCostCenters)) },
        },
        { ...child, protect: persistent && args.protect, retainOnDelete: persistent && args.protect },
      );
      for (const team of group.teams) {
        associations.push(
          new aws.fsx.DataRepositoryAssociation(
            `${name}-${team}`,
            {
              fileSystemId: fs.id,
              ...teamAssociationArgs(
                team,
                pulumi.output(args.datasetsBucket).apply((bucket) => scratchDataRepositoryPath(bucket, team, args.dataPrefix)),
                args.teamCostCenters?.[team],
              ),
            },
            child,
          ),
        );
      }
      fileSystems[group.key] = pulumi
        .all([fs.id, fs.dnsName, fs.mountName])
        .apply(([fileSystemId, dnsName, mountName]) => ({ fileSystemId, dnsName, mountName }));
    }
    this.fileSystems = fileSystems;
    this.associations = associations;
    this.registerOutputs({});
  }
}
