/** Data policies: S3 public access block and hardening, S3 encryption, managed data stores, stateful protection. */
import { describe, it, expect } from "vitest";
import { dataStores } from "../../policies/aws/data-stores";
import { s3BucketHardening } from "../../policies/aws/s3-bucket-hardening";
import { s3Encryption, s3PublicAccessBlock } from "../../policies/aws/s3-buckets";
import { statefulProtection } from "../../policies/aws/stateful-protection";
import { packViolations, urnOf, violations, stackReports, stackViolations, type StackItem } from "./harness";

const S3 = (r: string) => `aws:s3/${r}`;
const BUCKET_T = S3("bucket:Bucket");
const DENY_INSECURE = {
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
};
const DENY_OLD_TLS = {
  Sid: "DenyOldTls",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
  Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
};
/** The bucket policy components/storage/lifecycle.ts tlsOnlyPolicy builds: no plain HTTP, no TLS < 1.2 (S3-04). */
const TLS_POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [DENY_INSECURE, DENY_OLD_TLS] });
const SSE_T = S3("bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");

/** A bucket and its companions as components/storage/buckets.ts builds them (same logical name, props.bucket = physical name). */
function bucketSet(name: string, physical: string, role: string, omit: string[] = []): StackItem[] {
  const bucket = physical;
  const all: Record<string, StackItem> = {
    bucket: { type: BUCKET_T, name, props: { bucket, forceDestroy: false, tags: { "mlops.platform/bucket": role } }, protect: true },
    block: {
      type: S3("bucketPublicAccessBlock:BucketPublicAccessBlock"),
      name,
      props: { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    },
    ownership: { type: S3("bucketOwnershipControls:BucketOwnershipControls"), name, props: { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } } },
    sse: {
      type: SSE_T,
      name,
      props: {
        bucket,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "<computed:mlops-prod-s3.arn>" }, bucketKeyEnabled: true }],
      },
    },
    versioning: { type: S3("bucketVersioning:BucketVersioning"), name, props: { bucket, versioningConfiguration: { status: "Enabled" } } },
    lifecycle: {
      type: S3("bucketLifecycleConfiguration:BucketLifecycleConfiguration"),
      name,
      props: { bucket, rules: [{ id: "abort", status: "Enabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }] },
    },
    policy: { type: S3("bucketPolicy:BucketPolicy"), name, props: { bucket, policy: TLS_POLICY } },
    logging: { type: S3("bucketLogging:BucketLogging"), name, props: { bucket, targetBucket: "mlops-prod-logs-1", targetPrefix: `${role}/` } },
  };
  if (role === "access-logs") delete all.logging;
  return Object.entries(all)
    .filter(([k]) => !omit.includes(k))
    .map(([, v]) => v);
}
const LOGS = bucketSet("platform-access-logs", "mlops-prod-logs-1", "access-logs");
const DATASETS = bucketSet("platform-datasets", "mlops-prod-datasets-1", "datasets");
const replace = (items: StackItem[], type: string, props: Record<string, unknown>) =>
  items.map((i) => (i.type === type ? { ...i, props: { ...i.props, ...props } } : i));

describe("s3-public-access-block (S3-01)", () => {
  it("every bucket of the compliant set is covered", () => {
    expect(stackViolations(s3PublicAccessBlock, [...LOGS, ...DATASETS])).toEqual([]);
  });
  it("reports a bucket without a block, at the bucket's URN", () => {
    expect(stackReports(s3PublicAccessBlock, bucketSet("platform-datasets", "mlops-prod-datasets-1", "datasets", ["block"]))).toEqual([
      { message: "bucket platform-datasets has no BucketPublicAccessBlock", urn: urnOf("prod", BUCKET_T, "platform-datasets") },
    ]);
  });
  it("names the flags a block leaves off", () => {
    const items = replace(DATASETS, S3("bucketPublicAccessBlock:BucketPublicAccessBlock"), { restrictPublicBuckets: false, ignorePublicAcls: undefined });
    expect(stackViolations(s3PublicAccessBlock, items)).toEqual(["public access block platform-datasets leaves ignorePublicAcls, restrictPublicBuckets off"]);
  });
  it("matches a block whose bucket is computed, by name or by parent", () => {
    const bucket = { type: BUCKET_T, name: "scratch", props: {} };
    const sameName = {
      type: S3("bucketPublicAccessBlock:BucketPublicAccessBlock"),
      name: "scratch",
      props: { bucket: "<computed:scratch.id>", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    };
    expect(stackViolations(s3PublicAccessBlock, [bucket, sameName])).toEqual([]);
    expect(stackViolations(s3PublicAccessBlock, [bucket, { ...sameName, name: "scratch-pab", parent: urnOf("prod", BUCKET_T, "scratch") }])).toEqual([]);
    expect(stackViolations(s3PublicAccessBlock, [bucket, { ...sameName, name: "other-pab" }])).toEqual(["bucket scratch has no BucketPublicAccessBlock"]);
  });
  it("a bucket declared with the deprecated aws.s3.BucketV2 is checked too", () => {
    // Regression: BUCKET_TYPES once knew only aws:s3/bucket:Bucket.
    expect(stackViolations(s3PublicAccessBlock, [{ type: S3("bucketV2:BucketV2"), name: "legacy", props: { bucket: "legacy-1" } }])).toEqual([
      "bucket legacy has no BucketPublicAccessBlock",
    ]);
    expect(
      stackViolations(
        s3PublicAccessBlock,
        DATASETS.map((i) => (i.type === BUCKET_T ? { ...i, type: S3("bucketV2:BucketV2") } : i)),
      ),
    ).toEqual([]);
  });
});

describe("s3-bucket-hardening (S3-03..07)", () => {
  const check = (items: StackItem[]) => stackViolations(s3BucketHardening, items);
  const B = "bucket platform-datasets:";

  it("the compliant set passes; the log bucket needs no logging of its own", () => {
    expect(check([...LOGS, ...DATASETS])).toEqual([]);
  });
  it("versioning Enabled (V1 or V2 resource)", () => {
    expect(check(bucketSet("platform-datasets", "mlops-prod-datasets-1", "datasets", ["versioning"]))).toEqual([`${B} versioning is not Enabled`]);
    expect(check(replace(DATASETS, S3("bucketVersioning:BucketVersioning"), { versioningConfiguration: { status: "Suspended" } }))).toEqual([
      `${B} versioning is not Enabled`,
    ]);
    expect(
      check(DATASETS.map((i) => (i.type === S3("bucketVersioning:BucketVersioning") ? { ...i, type: S3("bucketVersioningV2:BucketVersioningV2") } : i))),
    ).toEqual([]);
  });
  const NO_TLS = `${B} no bucket policy denies requests without TLS (aws:SecureTransport)`;
  const OLD_TLS = `${B} the bucket policy does not deny TLS older than 1.2 (s3:TlsVersion)`;
  const POLICY_T = S3("bucketPolicy:BucketPolicy");
  it("a bucket policy denying plain HTTP and TLS < 1.2 (S3-04)", () => {
    expect(check(bucketSet("platform-datasets", "mlops-prod-datasets-1", "datasets", ["policy"]))).toEqual([NO_TLS, OLD_TLS]);
    expect(check(replace(DATASETS, POLICY_T, { policy: JSON.stringify({ Version: "2012-10-17", Statement: [DENY_INSECURE] }) }))).toEqual([OLD_TLS]);
    expect(check(replace(DATASETS, POLICY_T, { policy: JSON.stringify({ Version: "2012-10-17", Statement: [DENY_OLD_TLS] }) }))).toEqual([NO_TLS]);
  });
  it("a default encryption configuration (S3-02), V1 or V2 resource", () => {
    expect(check(bucketSet("platform-datasets", "mlops-prod-datasets-1", "datasets", ["sse"]))).toEqual([
      `${B} no default encryption configuration (SSE-KMS, S3-02)`,
    ]);
    const v2 = S3("bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2");
    expect(check(DATASETS.map((i) => (i.type === SSE_T ? { ...i, type: v2 } : i)))).toEqual([]);
    // The log bucket's configuration does not cover the datasets bucket.
    expect(check([...LOGS, ...bucketSet("platform-datasets", "mlops-prod-datasets-1", "datasets", ["sse"])])).toEqual([
      `${B} no default encryption configuration (SSE-KMS, S3-02)`,
    ]);
  });
  it("ACLs off", () => {
    expect(check(replace(DATASETS, S3("bucketOwnershipControls:BucketOwnershipControls"), { rule: { objectOwnership: "ObjectWriter" } }))).toEqual([
      `${B} ACLs must be off (BucketOwnerEnforced)`,
    ]);
  });
  it("a lifecycle that aborts incomplete uploads within 7 days", () => {
    const LC = S3("bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    const ABORT = `${B} no lifecycle rule aborts incomplete multipart uploads within 7 days`;
    expect(check(replace(DATASETS, LC, { rules: [{ id: "a", status: "Enabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 8 } }] }))).toEqual([
      ABORT,
    ]);
    expect(check(replace(DATASETS, LC, { rules: [{ id: "a", status: "Disabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }] }))).toEqual([
      ABORT,
    ]);
    expect(check(replace(DATASETS, LC, { rules: [{ id: "t", status: "Enabled", transitions: [{ days: 30, storageClass: "STANDARD_IA" }] }] }))).toEqual([
      ABORT,
    ]);
    expect(check(bucketSet("platform-datasets", "mlops-prod-datasets-1", "datasets", ["lifecycle"]))).toEqual([ABORT]);
  });
  it("access logging except on the access-logs bucket", () => {
    expect(check(bucketSet("platform-datasets", "mlops-prod-datasets-1", "datasets", ["logging"]))).toEqual([`${B} server access logging is off`]);
  });
  const EVERYTHING = (b: string) => [
    `bucket ${b}: versioning is not Enabled`,
    `bucket ${b}: no bucket policy denies requests without TLS (aws:SecureTransport)`,
    `bucket ${b}: no default encryption configuration (SSE-KMS, S3-02)`,
    `bucket ${b}: the bucket policy does not deny TLS older than 1.2 (s3:TlsVersion)`,
    `bucket ${b}: ACLs must be off (BucketOwnerEnforced)`,
    `bucket ${b}: no lifecycle rule aborts incomplete multipart uploads within 7 days`,
    `bucket ${b}: server access logging is off`,
  ];
  it("companions named <bucket>-… match by a known props.bucket (or the bucket's id), never by name prefix", () => {
    const renamed = DATASETS.map((i) => (i.type === BUCKET_T ? i : { ...i, name: `platform-datasets-${i.type.split(":").pop()}` }));
    expect(check(renamed)).toEqual([]);
    const byId = renamed.map((i) => (i.type === BUCKET_T ? { ...i, props: { id: "mlops-prod-datasets-1", forceDestroy: false } } : i));
    expect(check(byId)).toEqual([]);
    const computed = renamed.map((i) =>
      i.type === BUCKET_T ? { ...i, props: { forceDestroy: false } } : { ...i, props: { ...i.props, bucket: "<computed:platform-datasets.id>" } },
    );
    expect(check(computed)).toEqual(EVERYTHING("platform-datasets"));
  });
  it("a bucket policy given as an object (allowed by aws.s3.BucketPolicy) is read", () => {
    // Regression: the policy was String()ed to "[object Object]".
    expect(check(replace(DATASETS, POLICY_T, { policy: JSON.parse(TLS_POLICY) }))).toEqual([]);
    expect(check(replace(DATASETS, POLICY_T, { policy: { Version: "2012-10-17", Statement: [DENY_INSECURE] } }))).toEqual([OLD_TLS]);
  });
  it("companions named exactly like the bucket (the DataBuckets convention) match when the name is computed", () => {
    // Regression: belongsTo accepted only a "<bucket>-" prefix.
    const items = DATASETS.map((i) =>
      i.type === BUCKET_T ? { ...i, props: { forceDestroy: false } } : { ...i, props: { ...i.props, bucket: "<computed:platform-datasets.id>" } },
    );
    expect(stackViolations(s3PublicAccessBlock, items)).toEqual([]);
    expect(check(items)).toEqual([]);
  });
  it("bucket models does not borrow the companions of bucket models-archive", () => {
    // Regression: the name-prefix fallback matched "models-archive" companions to "models".
    const models = { type: BUCKET_T, name: "models", props: { bucket: "mlops-prod-models-1" } };
    const archive = bucketSet("models-archive", "mlops-prod-models-archive-1", "archive");
    expect(check([models, ...archive])).toEqual(EVERYTHING("models"));
  });
  it("judges deprecated BucketV2 buckets", () => {
    const v2 = DATASETS.map((i) => (i.type === BUCKET_T ? { ...i, type: S3("bucketV2:BucketV2") } : i));
    expect(check(v2)).toEqual([]);
    expect(check(v2.filter((i) => i.type !== SSE_T))).toEqual([`${B} no default encryption configuration (SSE-KMS, S3-02)`]);
  });
});

describe("s3-encryption (S3-02)", () => {
  const rule = (d: object, bucketKeyEnabled: unknown = true) => ({
    bucket: "b",
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "<computed:s3.arn>", ...d }, bucketKeyEnabled }],
  });

  it("SSE-KMS (or DSSE) with a customer key and bucket keys passes, on both resource versions", () => {
    expect(packViolations(SSE_T, rule({}))).toEqual([]);
    expect(
      violations(
        s3Encryption,
        S3("bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"),
        rule({ sseAlgorithm: "aws:kms:dsse" }),
      ),
    ).toEqual([]);
  });
  it("reports SSE-S3", () => {
    expect(violations(s3Encryption, SSE_T, rule({ sseAlgorithm: "AES256" }))).toEqual(["sseAlgorithm must be aws:kms (got AES256)"]);
  });
  it("requires the key and bucket keys", () => {
    expect(violations(s3Encryption, SSE_T, rule({ kmsMasterKeyId: undefined }))).toEqual(["a customer-managed kmsMasterKeyId is required"]);
    expect(violations(s3Encryption, SSE_T, rule({}, false))).toEqual(["bucketKeyEnabled must be true"]);
  });
});

describe("data-stores", () => {
  const RDS_T = "aws:rds/instance:Instance";
  const RDS = {
    engine: "postgres",
    storageEncrypted: true,
    kmsKeyId: "<computed:mlops-prod-rds.arn>",
    publiclyAccessible: false,
    backupRetentionPeriod: 7,
    skipFinalSnapshot: false,
    copyTagsToSnapshot: true,
    manageMasterUserPassword: true,
    deletionProtection: true,
    multiAz: true,
    enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
  };
  const db = (change: object, environment = "prod", type = RDS_T) => violations(dataStores, type, { ...RDS, ...change }, { environment });

  it("RDS: the compliant prod instance passes every policy of the pack when protected", () => {
    expect(packViolations(RDS_T, RDS, { protect: true })).toEqual([]);
  });
  it.each([
    ["storageEncrypted must be true", { storageEncrypted: false }],
    ["kmsKeyId must name a customer-managed key", { kmsKeyId: undefined }],
    ["the database must not be publicly accessible", { publiclyAccessible: true }],
    ["prod keeps backups at least 7 days (backupRetentionPeriod)", { backupRetentionPeriod: 1 }],
    ["prod keeps backups at least 7 days (backupRetentionPeriod)", { backupRetentionPeriod: undefined }],
    ["prod databases keep a final snapshot (skipFinalSnapshot=false)", { skipFinalSnapshot: true }],
    [
      "the master password is managed by RDS in Secrets Manager (manageMasterUserPassword), never set in config or state",
      { manageMasterUserPassword: undefined, password: "[secret]" },
    ],
    ["prod databases need deletionProtection", { deletionProtection: false }],
    ["prod databases run Multi-AZ", { multiAz: false }],
    ["copyTagsToSnapshot must be true", { copyTagsToSnapshot: false }],
    ["copyTagsToSnapshot must be true", { copyTagsToSnapshot: undefined }],
    ["autoMinorVersionUpgrade must stay on (DB-06)", { autoMinorVersionUpgrade: false }],
    ["enabledCloudwatchLogsExports must include postgresql (DB-06)", { enabledCloudwatchLogsExports: ["upgrade"] }],
    ["enabledCloudwatchLogsExports must include error (DB-06)", { engine: "mysql", enabledCloudwatchLogsExports: ["postgresql"] }],
  ])("RDS prod: %s", (message, change) => {
    expect(db(change)).toEqual([message]);
  });
  it("RDS and Aurora copy tags to snapshots in every environment (OPS-05)", () => {
    expect(db({ copyTagsToSnapshot: false }, "dev")).toEqual(["copyTagsToSnapshot must be true"]);
    expect(db({ copyTagsToSnapshot: "true" }, "local")).toEqual(["copyTagsToSnapshot must be true"]);
    expect(db({ copyTagsToSnapshot: undefined }, "staging", "aws:rds/cluster:Cluster")).toEqual(["copyTagsToSnapshot must be true"]);
  });
  it("RDS outside prod: short backups, no final snapshot, no deletion protection, single AZ are fine", () => {
    expect(db({ backupRetentionPeriod: 1, skipFinalSnapshot: true, deletionProtection: false, multiAz: false }, "dev")).toEqual([]);
    expect(db({ storageEncrypted: false }, "dev")).toEqual(["storageEncrypted must be true"]);
  });
  it("parameter groups refuse plain connections: rds.force_ssl for Postgres, require_secure_transport for MySQL (DB-06)", () => {
    const PG_T = "aws:rds/parameterGroup:ParameterGroup";
    const group = (family: string, parameters: { name: string; value: string }[]) => violations(dataStores, PG_T, { family, parameters });
    expect(group("postgres17", [{ name: "rds.force_ssl", value: "1" }])).toEqual([]);
    expect(group("mysql8.4", [{ name: "require_secure_transport", value: "1" }])).toEqual([]);
    expect(group("postgres17", [{ name: "rds.force_ssl", value: "0" }])).toEqual([
      "postgres17 parameter groups set rds.force_ssl=1: connections without TLS are refused (DB-06)",
    ]);
    expect(group("mysql8.4", [])).toEqual(["mysql8.4 parameter groups set require_secure_transport=1: connections without TLS are refused (DB-06)"]);
  });
  it("Aurora clusters need no multiAz flag", () => {
    expect(db({ multiAz: undefined }, "prod", "aws:rds/cluster:Cluster")).toEqual([]);
  });

  const EFS_T = "aws:efs/fileSystem:FileSystem";
  it("EFS: encrypted with a customer key, regional", () => {
    const EFS = { encrypted: true, kmsKeyId: "<computed:efs.arn>" };
    expect(violations(dataStores, EFS_T, EFS)).toEqual([]);
    expect(violations(dataStores, EFS_T, { ...EFS, encrypted: false })).toEqual(["EFS must be encrypted with a customer-managed kmsKeyId"]);
    expect(violations(dataStores, EFS_T, { encrypted: true })).toEqual(["EFS must be encrypted with a customer-managed kmsKeyId"]);
    expect(violations(dataStores, EFS_T, { ...EFS, availabilityZoneName: "us-east-1a" })).toEqual(["EFS must be regional, not One Zone"]);
  });
  it("EFS access points: a root directory below / and a POSIX user", () => {
    const AP_T = "aws:efs/accessPoint:AccessPoint";
    const AP = { fileSystemId: "<computed:efs.id>", rootDirectory: { path: "/teams/recsys" }, posixUser: { uid: 1000, gid: 1000 } };
    const ROOT = "access points confine clients to a rootDirectory below /";
    expect(violations(dataStores, AP_T, AP)).toEqual([]);
    expect(violations(dataStores, AP_T, { ...AP, rootDirectory: { path: "/" } })).toEqual([ROOT]);
    expect(violations(dataStores, AP_T, { ...AP, rootDirectory: undefined })).toEqual([ROOT]);
    expect(violations(dataStores, AP_T, { ...AP, posixUser: undefined })).toEqual(["access points enforce a posixUser"]);
  });

  const FSX_T = "aws:fsx/lustreFileSystem:LustreFileSystem";
  const PERSISTENT = { deploymentType: "PERSISTENT_2", kmsKeyId: "<computed:fsx.arn>", copyTagsToBackups: true, automaticBackupRetentionDays: 7 };
  const SCRATCH = { deploymentType: "SCRATCH_2", copyTagsToBackups: true };
  it("FSx: persistent with a customer key in prod; scratch only outside prod", () => {
    expect(violations(dataStores, FSX_T, PERSISTENT)).toEqual([]);
    expect(violations(dataStores, FSX_T, SCRATCH, { environment: "dev" })).toEqual([]);
    expect(violations(dataStores, FSX_T, SCRATCH)).toEqual(["prod uses a PERSISTENT deployment type (SCRATCH keeps no replica and no customer key)"]);
    expect(violations(dataStores, FSX_T, { ...PERSISTENT, kmsKeyId: undefined }, { environment: "dev" })).toEqual([
      "persistent FSx for Lustre needs a customer-managed kmsKeyId",
    ]);
    expect(violations(dataStores, FSX_T, { ...PERSISTENT, copyTagsToBackups: false })).toEqual(["copyTagsToBackups must be true"]);
  });
  it("persistent FSx keeps automatic backups, in every environment; scratch cannot", () => {
    const BACKUPS = "persistent FSx for Lustre keeps automatic backups (automaticBackupRetentionDays > 0)";
    expect(violations(dataStores, FSX_T, { ...PERSISTENT, automaticBackupRetentionDays: 0 })).toEqual([BACKUPS]);
    expect(violations(dataStores, FSX_T, { ...PERSISTENT, automaticBackupRetentionDays: undefined }, { environment: "dev" })).toEqual([BACKUPS]);
    expect(violations(dataStores, FSX_T, { ...PERSISTENT, deploymentType: "PERSISTENT_1", automaticBackupRetentionDays: 1 })).toEqual([]);
    expect(violations(dataStores, FSX_T, { ...SCRATCH, automaticBackupRetentionDays: 0 }, { environment: "dev" })).toEqual([]);
  });

  const REDIS_T = "aws:elasticache/replicationGroup:ReplicationGroup";
  const REDIS = {
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    authToken: "[secret]",
    automaticFailoverEnabled: true,
    snapshotRetentionLimit: 7,
  };
  it("ElastiCache: encryption, AUTH, failover in prod", () => {
    expect(violations(dataStores, REDIS_T, REDIS)).toEqual([]);
    expect(violations(dataStores, REDIS_T, { ...REDIS, atRestEncryptionEnabled: "true" })).toEqual([]);
    expect(violations(dataStores, REDIS_T, { ...REDIS, atRestEncryptionEnabled: false })).toEqual(["atRestEncryptionEnabled must be true"]);
    expect(violations(dataStores, REDIS_T, { ...REDIS, transitEncryptionEnabled: false })).toEqual(["transitEncryptionEnabled must be true"]);
    expect(violations(dataStores, REDIS_T, { ...REDIS, authToken: undefined })).toEqual(["an AUTH token is required"]);
    expect(violations(dataStores, REDIS_T, { ...REDIS, automaticFailoverEnabled: false })).toEqual(["prod Redis runs with automatic failover (Multi-AZ)"]);
    expect(violations(dataStores, REDIS_T, { ...REDIS, automaticFailoverEnabled: false }, { environment: "staging" })).toEqual([]);
    expect(violations(dataStores, REDIS_T, { ...REDIS, snapshotRetentionLimit: 0 }, { environment: "dev" })).toEqual([
      "daily snapshots are kept (snapshotRetentionLimit > 0)",
    ]);
  });
});

describe("stateful-protection (OPS-02)", () => {
  const check = (type: string, props: object, protect: boolean, environment: string | null = "prod", stack?: string) =>
    violations(statefulProtection, type, props as Record<string, unknown>, { protect, environment, stack, name: "mlops-prod-data" });
  const UNPROTECTED = "mlops-prod-data holds data: set protect (and retainOnDelete) in prod";

  it.each([
    "aws:eks/cluster:Cluster",
    "aws:kms/key:Key",
    BUCKET_T,
    S3("bucketV2:BucketV2"),
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:efs/fileSystem:FileSystem",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:amp/workspace:Workspace",
    "aws:backup/vault:Vault",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
  ])("%s needs protect in prod only", (type) => {
    expect(check(type, {}, true)).toEqual([]);
    expect(check(type, {}, false)).toEqual([UNPROTECTED]);
    expect(check(type, {}, false, "dev")).toEqual([]);
    expect(check(type, {}, false, null, "staging")).toEqual([]);
    expect(check(type, {}, false, null, "prod")).toEqual([UNPROTECTED]);
  });
  it("persistent FSx needs protect; scratch FSx does not", () => {
    expect(check("aws:fsx/lustreFileSystem:LustreFileSystem", { deploymentType: "PERSISTENT_2" }, false)).toEqual([UNPROTECTED]);
    expect(check("aws:fsx/lustreFileSystem:LustreFileSystem", { deploymentType: "SCRATCH_2" }, false)).toEqual([]);
  });
  it("buckets never force-destroy in prod", () => {
    expect(check(BUCKET_T, { forceDestroy: true }, true)).toEqual(["forceDestroy must be false"]);
    expect(check(BUCKET_T, { forceDestroy: true }, true, "dev")).toEqual([]);
    expect(check(S3("bucketV2:BucketV2"), { forceDestroy: true }, true)).toEqual(["forceDestroy must be false"]);
  });
  it("ignores stateless resources", () => {
    expect(check("aws:ec2/vpc:Vpc", {}, false)).toEqual([]);
  });
});
