/**
 * The services' AWS side: RDS and ElastiCache settings as pure data and as the components register them
 * (under runtime mocks), the IAM documents of the service roles and the secrets reader, and the
 * `data-stores` policy over what the components build.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { OnlineStoreCache, REDIS_PORT, replicationGroupSettings } from "../../components/services/aws/cache";
import { DATABASE_PARAMETERS, databaseInstanceSettings, ManagedDatabase, MASTER_USERNAME } from "../../components/services/aws/database";
import { secretNamePrefix, secretsReaderPolicy, servicePrefixPolicy, serviceTrustPolicy } from "../../components/services/aws/iam";
import type { PolicyStatement } from "../../components/aws/iam";
import { BACKUP_TAG } from "../../components/storage/backup";
import { dataBucketName } from "../../domain/storage-naming";
import { ELASTICACHE, RDS_ENGINES } from "../../domain/versions";
import { resolveServices, type RdsConfig } from "../../config/services";
import { dataStores } from "../../policies/aws/data-stores";
import { planMocks } from "../../scripts/plan/mocks";
import { Recorder, type PlannedResource } from "../../scripts/plan/recorder";
import { packViolations, violations } from "../policies/harness";

const PROD_RDS = resolveServices(undefined, "prod", true).database as RdsConfig;
const DEV_RDS = resolveServices(undefined, "dev", true).database as RdsConfig;
const KEY = { arn: "arn:aws:kms:us-east-1:444455556666:key/abcd", region: "us-east-1" };
const ACCOUNT = "444455556666";

describe("databaseInstanceSettings", () => {
  it("carries the resolved config into the instance", () => {
    const s = databaseInstanceSettings("mlops-prod-postgres", PROD_RDS, true);
    expect(s).toMatchObject({
      instanceClass: "db.r7g.large",
      allocatedStorage: 100,
      maxAllocatedStorage: 400,
      multiAz: true,
      backupRetentionPeriod: 14,
    });
  });

  it("protected (prod): deletion protection, a named final snapshot, skipFinalSnapshot false", () => {
    const s = databaseInstanceSettings("mlops-prod-postgres", PROD_RDS, true);
    expect(s.deletionProtection).toBe(true);
    expect(s.skipFinalSnapshot).toBe(false);
    expect(s.finalSnapshotIdentifier).toBe("mlops-prod-postgres-final");
  });

  it("unprotected (dev): no deletion protection, no final snapshot", () => {
    const s = databaseInstanceSettings("mlops-dev-postgres", DEV_RDS, false);
    expect(s.deletionProtection).toBe(false);
    expect(s.skipFinalSnapshot).toBe(true);
    expect(s.finalSnapshotIdentifier).toBeUndefined();
  });

  it("is private, encrypted, gp3, with the master password managed by RDS (never set here)", () => {
    const s = databaseInstanceSettings("db", DEV_RDS, false) as Record<string, unknown>;
    expect(s).toMatchObject({
      storageEncrypted: true,
      publiclyAccessible: false,
      storageType: "gp3",
      manageMasterUserPassword: true,
      username: MASTER_USERNAME,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
    });
    expect(s).not.toHaveProperty("password");
  });

  it("postgres by default: major version pinned, port 5432, postgresql and upgrade logs", () => {
    const s = databaseInstanceSettings("db", DEV_RDS, false);
    expect(s).toMatchObject({
      engine: "postgres",
      engineVersion: RDS_ENGINES.postgres.majorVersion,
      port: 5432,
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
    });
    expect(s.engineVersion).toMatch(/^\d+$/);
  });

  it("mysql: version 8.4, port 3306, error and slow-query logs", () => {
    const s = databaseInstanceSettings("db", DEV_RDS, false, "mysql");
    expect(s).toMatchObject({ engine: "mysql", engineVersion: "8.4", port: 3306, enabledCloudwatchLogsExports: ["error", "slowquery"] });
  });
});

describe("DATABASE_PARAMETERS", () => {
  it("postgres: TLS forced, scram-sha-256, slow statements logged", () => {
    expect(DATABASE_PARAMETERS.postgres).toEqual({ "rds.force_ssl": "1", password_encryption: "scram-sha-256", log_min_duration_statement: "1000" });
  });
  it("mysql: secure transport required, slow query log on", () => {
    expect(DATABASE_PARAMETERS.mysql).toMatchObject({ require_secure_transport: "1", slow_query_log: "1" });
  });
  it("has parameters for every engine in the catalogue", () => {
    expect(Object.keys(DATABASE_PARAMETERS).sort()).toEqual(Object.keys(RDS_ENGINES).sort());
  });
});

describe("replicationGroupSettings", () => {
  it("one node: no failover and no Multi-AZ (ElastiCache refuses them without a replica)", () => {
    expect(replicationGroupSettings(1, "cache.t4g.small", 1)).toMatchObject({ numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false });
  });
  it.each([2, 3, 6])("%d nodes: automatic failover across AZs", (nodes) => {
    expect(replicationGroupSettings(nodes, "cache.r7g.large", 7)).toMatchObject({
      numCacheClusters: nodes,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
    });
  });
  it("encrypts at rest and requires TLS in transit; valkey on 6379; snapshots kept as asked", () => {
    const s = replicationGroupSettings(2, "cache.r7g.large", 7);
    expect(s).toMatchObject({
      engine: ELASTICACHE.engine,
      engineVersion: ELASTICACHE.engineVersion,
      nodeType: "cache.r7g.large",
      port: REDIS_PORT,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      snapshotRetentionLimit: 7,
    });
    expect(REDIS_PORT).toBe(6379);
  });
});

describe("serviceTrustPolicy", () => {
  const doc = serviceTrustPolicy("mlflow", ["mlflow", "mlflow-gc"]);
  it("trusts only EKS Pod Identity, with both actions the agent needs", () => {
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Statement[0]).toMatchObject({ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
  });
  it("pins the namespace and exactly the listed service accounts", () => {
    expect(doc.Statement[0].Condition).toEqual({
      StringEquals: { "aws:RequestTag/kubernetes-namespace": "mlflow", "aws:RequestTag/kubernetes-service-account": ["mlflow", "mlflow-gc"] },
    });
  });
});

describe("servicePrefixPolicy", () => {
  const doc = servicePrefixPolicy({ bucket: "artifacts", prefix: "mlflow/" }, "mlops-prod", ACCOUNT, KEY);
  const bucket = `arn:aws:s3:::${dataBucketName("mlops-prod", "artifacts", ACCOUNT)}`;
  const bySid = (sid: string) => doc.Statement.find((s) => s.Sid === sid) as PolicyStatement;

  it("names the bucket by the storage naming convention", () => {
    expect(bucket).toBe("arn:aws:s3:::mlops-prod-artifacts-444455556666");
  });
  it("allows object actions below the prefix only, and no bucket-wide or delete-bucket action", () => {
    const objects = bySid("OwnPrefixObjects");
    expect(objects.Resource).toBe(`${bucket}/mlflow/*`);
    expect(objects.Action).toEqual(expect.arrayContaining(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]));
    const actions = doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.filter((a) => a.includes("*"))).toEqual([]);
    expect(actions).not.toContain("s3:DeleteBucket");
    expect(actions).not.toContain("s3:PutBucketPolicy");
  });
  it("lists the bucket only under the prefix", () => {
    expect(bySid("ListOwnPrefix")).toEqual({
      Sid: "ListOwnPrefix",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucket,
      Condition: { StringLike: { "s3:prefix": ["mlflow/", "mlflow/*"] } },
    });
  });
  it("every resource is this bucket or below its prefix, or the bucket key", () => {
    const resources = doc.Statement.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    for (const r of resources) expect([bucket, `${bucket}/mlflow/*`, KEY.arn]).toContain(r);
  });
  it("uses the bucket key only through S3 in the key's region", () => {
    expect(bySid("BucketKeyThroughS3")).toMatchObject({ Resource: KEY.arn, Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } } });
  });
  it("has no Deny or NotAction/NotResource escape hatches", () => {
    for (const s of doc.Statement) {
      expect(s.Effect).toBe("Allow");
      expect(Object.keys(s)).not.toContain("NotAction");
      expect(Object.keys(s)).not.toContain("NotResource");
    }
  });
});

describe("secretsReaderPolicy", () => {
  const MASTER = "arn:aws:secretsmanager:us-east-1:444455556666:secret:rds!db-1234";
  const doc = secretsReaderPolicy("mlops-prod", ACCOUNT, "us-east-1", [MASTER], KEY);

  it("the prefix is <cluster>/mlops/", () => {
    expect(secretNamePrefix("mlops-prod")).toBe("mlops-prod/mlops/");
  });
  it("reads only the cluster's platform secrets and the listed extra ARNs, with read actions only", () => {
    const read = doc.Statement.find((s) => s.Sid === "ReadPlatformSecrets")!;
    expect(read.Action).toEqual(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]);
    expect(read.Resource).toEqual(["arn:aws:secretsmanager:us-east-1:444455556666:secret:mlops-prod/mlops/*", MASTER]);
  });
  it("without extra ARNs, only the prefix", () => {
    const read = secretsReaderPolicy("mlops-dev", "111122223333", "eu-central-1", [], KEY).Statement[0];
    expect(read.Resource).toEqual(["arn:aws:secretsmanager:eu-central-1:111122223333:secret:mlops-dev/mlops/*"]);
  });
  it("decrypts only through Secrets Manager in the region", () => {
    const kms = doc.Statement.find((s) => s.Sid === "SecretKeyThroughSecretsManager")!;
    expect(kms).toEqual({
      Sid: "SecretKeyThroughSecretsManager",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: KEY.arn,
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
    });
    expect(doc.Statement).toHaveLength(2);
  });
});

/** The data stores as the components register them, recorded under the runtime mocks. */
describe("ManagedDatabase and OnlineStoreCache under mocks, checked by data-stores", () => {
  const RDS_T = "aws:rds/instance:Instance";
  const REDIS_T = "aws:elasticache/replicationGroup:ReplicationGroup";
  const DB_KEY = "arn:aws:kms:us-east-1:444455556666:key/db";
  const resources: PlannedResource[] = [];
  const net = { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], clientSecurityGroupId: "sg-cluster", kmsKeyArn: DB_KEY };

  beforeAll(async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => planMocks.newResource(a), call: (a) => planMocks.call(a) }, "mlops-platform", "test", false);
    const recorder = new Recorder();
    recorder.attach();
    new ManagedDatabase("prod-postgres", { ...net, identifier: "mlops-prod-postgres", config: PROD_RDS, protect: true, backup: true });
    new ManagedDatabase("prod-mysql", { ...net, identifier: "mlops-prod-pipelines-mysql", config: PROD_RDS, protect: true, engine: "mysql" });
    new ManagedDatabase("dev-postgres", { ...net, identifier: "mlops-dev-postgres", config: DEV_RDS });
    new OnlineStoreCache("prod-online", { ...net, nodeType: "cache.r7g.large", nodes: 2, authToken: pulumi.secret("a".repeat(48)), snapshotRetentionDays: 7 });
    new OnlineStoreCache("dev-online", { ...net, nodeType: "cache.t4g.small", nodes: 1, authToken: pulumi.secret("b".repeat(48)) });
    await Recorder.settle();
    resources.push(...recorder.resources);
    expect(recorder.duplicateUrns).toEqual([]);
  });

  const one = (type: string, name: string) => {
    const hits = resources.filter((r) => r.type === type && r.name === name);
    if (hits.length !== 1) throw new Error(`expected one ${type} ${name}, found ${hits.length}`);
    return hits[0];
  };
  const props = (type: string, name: string) => one(type, name).inputs as Record<string, unknown>;

  it("the prod RDS instances (postgres and mysql) pass data-stores in prod", () => {
    expect(violations(dataStores, RDS_T, props(RDS_T, "prod-postgres"), { environment: "prod" })).toEqual([]);
    expect(violations(dataStores, RDS_T, props(RDS_T, "prod-mysql"), { environment: "prod" })).toEqual([]);
  });

  it("the protected prod instance passes every policy of the pack", () => {
    const r = one(RDS_T, "prod-postgres");
    expect(r.protect).toBe(true);
    expect(r.retainOnDelete).toBe(true);
    expect(packViolations(RDS_T, r.inputs, { environment: "prod", protect: r.protect, name: r.name })).toEqual([]);
  });

  it("registers the instance with our key everywhere, the parameter group and the backup tag", () => {
    const p = props(RDS_T, "prod-postgres");
    expect(p).toMatchObject({
      kmsKeyId: DB_KEY,
      masterUserSecretKmsKeyId: DB_KEY,
      performanceInsightsKmsKeyId: DB_KEY,
      identifier: "mlops-prod-postgres",
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "mlops-prod-postgres-final",
    });
    expect(props(RDS_T, "prod-mysql")).toMatchObject({ identifier: "mlops-prod-pipelines-mysql", finalSnapshotIdentifier: "mlops-prod-pipelines-mysql-final" });
    expect(p.tags).toEqual({ [BACKUP_TAG.key]: BACKUP_TAG.value });
    expect(props(RDS_T, "dev-postgres").tags).toEqual({});
    const params = props("aws:rds/parameterGroup:ParameterGroup", "prod-postgres");
    expect(params.family).toBe(RDS_ENGINES.postgres.parameterGroupFamily);
    expect(params.parameters).toContainEqual({ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" });
  });

  it("opens the database port from the cluster security group only", () => {
    expect(props("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "prod-postgres-postgres")).toMatchObject({
      referencedSecurityGroupId: "sg-cluster",
      fromPort: 5432,
      toPort: 5432,
      ipProtocol: "tcp",
    });
    expect(props("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "prod-mysql-mysql")).toMatchObject({ fromPort: 3306, toPort: 3306 });
  });

  it("the unprotected dev instance would fail prod: deletion protection, final snapshot, Multi-AZ", () => {
    expect(violations(dataStores, RDS_T, props(RDS_T, "dev-postgres"), { environment: "prod" })).toEqual([
      "prod databases keep a final snapshot (skipFinalSnapshot=false)",
      "prod databases need deletionProtection",
      "prod databases run Multi-AZ",
    ]);
    expect(violations(dataStores, RDS_T, props(RDS_T, "dev-postgres"), { environment: "dev" })).toEqual([]);
  });

  it.each([
    ["multiAz false", { multiAz: false }, "prod databases run Multi-AZ"],
    ["no customer key", { kmsKeyId: undefined }, "kmsKeyId must name a customer-managed key"],
    ["backups below 7 days", { backupRetentionPeriod: 3 }, "prod keeps backups at least 7 days (backupRetentionPeriod)"],
    ["public", { publiclyAccessible: true }, "the database must not be publicly accessible"],
  ])("one mutated field of the prod instance fails: %s", (_label, change, message) => {
    expect(violations(dataStores, RDS_T, { ...props(RDS_T, "prod-postgres"), ...change }, { environment: "prod" })).toEqual([message]);
  });

  it("the prod replication group passes data-stores in prod; its AUTH token is a secret", () => {
    const p = props(REDIS_T, "prod-online");
    expect(p.authToken).toBe("[secret]");
    expect(p).toMatchObject({ kmsKeyId: DB_KEY, automaticFailoverEnabled: true, numCacheClusters: 2, snapshotRetentionLimit: 7 });
    expect(violations(dataStores, REDIS_T, p, { environment: "prod" })).toEqual([]);
  });

  it("without an AUTH token, or with one node in prod, the replication group fails", () => {
    expect(violations(dataStores, REDIS_T, { ...props(REDIS_T, "prod-online"), authToken: undefined }, { environment: "prod" })).toEqual([
      "an AUTH token is required",
    ]);
    expect(violations(dataStores, REDIS_T, props(REDIS_T, "dev-online"), { environment: "prod" })).toEqual([
      "prod Redis runs with automatic failover (Multi-AZ)",
    ]);
    expect(violations(dataStores, REDIS_T, props(REDIS_T, "dev-online"), { environment: "dev" })).toEqual([]);
  });

  it("defaults the cache's snapshots to 1 day and opens 6379 from the cluster security group only", () => {
    expect(props(REDIS_T, "dev-online").snapshotRetentionLimit).toBe(1);
    expect(props("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "dev-online-redis")).toMatchObject({
      referencedSecurityGroupId: "sg-cluster",
      fromPort: 6379,
      toPort: 6379,
    });
    expect(props("aws:ec2/securityGroup:SecurityGroup", "dev-online-redis").egress).toEqual([]);
  });
});
