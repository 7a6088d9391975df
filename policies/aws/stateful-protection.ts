import { environmentOf, resourcePolicy } from "../lib/define";

const STATEFUL = [
  "aws:eks/cluster:Cluster",
  "aws:kms/key:Key",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:efs/fileSystem:FileSystem",
  "aws:fsx/lustreFileSystem:LustreFileSystem",
  "aws:cloudwatch/logGroup:LogGroup",
  // Metrics remote-written to Amazon Managed Service for Prometheus (components/observability/remote-write.ts).
  "aws:amp/workspace:Workspace",
  // Recovery points and replicated database backups: deleting either deletes the backups it holds.
  "aws:backup/vault:Vault",
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
];

export const statefulProtection = resourcePolicy(
  {
    name: "stateful-protection",
    description: "In prod, stateful resources are protected from deletion; buckets never force-destroy.",
    severity: "high",
    controls: ["OPS-02"],
  },
  STATEFUL,
  (props, args, report) => {
    if (environmentOf(args) !== "prod") return;
    if (args.type === "aws:fsx/lustreFileSystem:LustreFileSystem" && !String(props.deploymentType ?? "").startsWith("PERSISTENT")) return;
    if (!args.opts.protect) report(`${args.name} holds data: set protect (and retainOnDelete) in prod`);
    if (args.type.startsWith("aws:s3/bucket") && props.forceDestroy === true) report("forceDestroy must be false");
  },
);
