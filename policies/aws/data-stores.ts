import { environmentOf, resourcePolicy } from "../lib/define";

/** One policy over the managed data stores the MLOps services use; each store's rules from the baseline. */
export const dataStores = resourcePolicy(
  {
    name: "data-stores",
    description:
      "RDS, EFS, FSx for Lustre and ElastiCache: encrypted with customer keys, private, TLS only, backed up; Multi-AZ and deletion protection in prod.",
    severity: "high",
    controls: ["DB-01", "DB-02", "DB-03", "DB-04", "DB-05", "DB-06", "DB-07", "FS-01", "FS-02", "FS-03", "OPS-05"],
  },
  [
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:efs/fileSystem:FileSystem",
    "aws:efs/accessPoint:AccessPoint",
    "aws:fsx/lustreFileSystem:LustreFileSystem",
    "aws:elasticache/replicationGroup:ReplicationGroup",
  ],
  (props, args, report) => {
    const prod = environmentOf(args) === "prod";
    switch (args.type) {
      case "aws:rds/instance:Instance":
      case "aws:rds/cluster:Cluster":
        if (props.storageEncrypted !== true) report("storageEncrypted must be true");
        if (!props.kmsKeyId) report("kmsKeyId must name a customer-managed key");
        if (props.publiclyAccessible === true) report("the database must not be publicly accessible");
        if (prod && !(props.backupRetentionPeriod >= 7)) report("prod keeps backups at least 7 days (backupRetentionPeriod)");
        if (prod && props.skipFinalSnapshot === true) report("prod databases keep a final snapshot (skipFinalSnapshot=false)");
        if (props.copyTagsToSnapshot !== true) report("copyTagsToSnapshot must be true");
        if (props.manageMasterUserPassword !== true)
          report("the master password is managed by RDS in Secrets Manager (manageMasterUserPassword), never set in config or state");
        if (prod && props.deletionProtection !== true) report("prod databases need deletionProtection");
        if (prod && args.type === "aws:rds/instance:Instance" && props.multiAz !== true) report("prod databases run Multi-AZ");
        if (props.autoMinorVersionUpgrade === false) report("autoMinorVersionUpgrade must stay on (DB-06)");
        if (args.type === "aws:rds/instance:Instance") {
          const wanted = String(props.engine ?? "").includes("postgres") ? "postgresql" : "error";
          if (!(props.enabledCloudwatchLogsExports ?? []).includes(wanted)) report(`enabledCloudwatchLogsExports must include ${wanted} (DB-06)`);
        }
        return;
      case "aws:rds/parameterGroup:ParameterGroup": {
        // TLS only (DB-06): the parameter each engine family uses to refuse plain connections.
        const family = String(props.family ?? "");
        const param = family.startsWith("postgres") ? "rds.force_ssl" : family.startsWith("mysql") ? "require_secure_transport" : undefined;
        const value = (props.parameters ?? []).find((x: { name: string; value: string }) => x.name === param)?.value;
        if (param && !["1", "ON", "on"].includes(String(value)))
          report(`${family} parameter groups set ${param}=1: connections without TLS are refused (DB-06)`);
        return;
      }
      case "aws:efs/fileSystem:FileSystem":
        if (props.encrypted !== true || !props.kmsKeyId) report("EFS must be encrypted with a customer-managed kmsKeyId");
        if (props.availabilityZoneName) report("EFS must be regional, not One Zone");
        return;
      case "aws:efs/accessPoint:AccessPoint":
        if (!props.rootDirectory?.path || props.rootDirectory.path === "/") report("access points confine clients to a rootDirectory below /");
        if (!props.posixUser) report("access points enforce a posixUser");
        return;
      case "aws:fsx/lustreFileSystem:LustreFileSystem": {
        const persistent = String(props.deploymentType ?? "").startsWith("PERSISTENT");
        if (prod && !persistent) report("prod uses a PERSISTENT deployment type (SCRATCH keeps no replica and no customer key)");
        if (persistent && !props.kmsKeyId) report("persistent FSx for Lustre needs a customer-managed kmsKeyId");
        if (persistent && !(props.automaticBackupRetentionDays > 0))
          report("persistent FSx for Lustre keeps automatic backups (automaticBackupRetentionDays > 0)");
        if (props.copyTagsToBackups !== true) report("copyTagsToBackups must be true");
        return;
      }
      case "aws:elasticache/replicationGroup:ReplicationGroup":
        if (props.atRestEncryptionEnabled !== true && props.atRestEncryptionEnabled !== "true") report("atRestEncryptionEnabled must be true");
        if (props.transitEncryptionEnabled !== true) report("transitEncryptionEnabled must be true");
        if (!props.authToken) report("an AUTH token is required");
        if (prod && props.automaticFailoverEnabled !== true) report("prod Redis runs with automatic failover (Multi-AZ)");
        if (!(props.snapshotRetentionLimit > 0)) report("daily snapshots are kept (snapshotRetentionLimit > 0)");
        return;
    }
  },
);
