/** The pure builders behind the storage components: lifecycle rules, bucket and key policies, access points, names. */
import { describe, it, expect } from "vitest";
import { accessLogBucketPolicy, accessLogRules, DEFAULT_LIFECYCLE, lifecycleRules, tlsOnlyPolicy } from "../../components/storage/lifecycle";
import { DATA_BUCKET_KINDS, dataBucketName, teamPrefix } from "../../domain/storage-naming";
import { teamPosixId } from "../../domain/posix";
import { teamAccessPoint } from "../../components/storage/shared-files";
import { ebsCsiKeyPolicy } from "../../components/cluster/workload-addons";
import { storageObjects } from "../../charts/storage";

const ARN = "arn:aws:s3:::mlops-prod-datasets-111122223333";

describe("lifecycleRules", () => {
  it("builds one whole-bucket rule with IA then archive, noncurrent expiry and abort", () => {
    expect(
      lifecycleRules({
        infrequentAccessAfterDays: 30,
        archiveAfterDays: 180,
        archiveClass: "GLACIER",
        noncurrentVersionExpireAfterDays: 30,
        abortIncompleteUploadAfterDays: 7,
      }),
    ).toEqual([
      {
        id: "tiering",
        status: "Enabled",
        filter: {},
        transitions: [
          { days: 30, storageClass: "STANDARD_IA" },
          { days: 180, storageClass: "GLACIER" },
        ],
        noncurrentVersionExpiration: { noncurrentDays: 30 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
    ]);
  });

  it("uses the configured archive class and leaves out transitions that are not set", () => {
    const [artifacts] = lifecycleRules(DEFAULT_LIFECYCLE.artifacts);
    expect(artifacts.transitions).toEqual([
      { days: 60, storageClass: "STANDARD_IA" },
      { days: 365, storageClass: "GLACIER_IR" },
    ]);
    const [models] = lifecycleRules(DEFAULT_LIFECYCLE.models);
    expect(models.transitions).toEqual([{ days: 90, storageClass: "STANDARD_IA" }]);
    const [archiveOnly] = lifecycleRules({
      archiveAfterDays: 10,
      archiveClass: "GLACIER_IR",
      noncurrentVersionExpireAfterDays: 1,
      abortIncompleteUploadAfterDays: 1,
    });
    expect(archiveOnly.transitions).toEqual([{ days: 10, storageClass: "GLACIER_IR" }]);
    const [none] = lifecycleRules({ archiveClass: "GLACIER", noncurrentVersionExpireAfterDays: 5, abortIncompleteUploadAfterDays: 2 });
    expect(none.transitions).toEqual([]);
    expect(none.noncurrentVersionExpiration).toEqual({ noncurrentDays: 5 });
    expect(none.abortIncompleteMultipartUpload).toEqual({ daysAfterInitiation: 2 });
  });
});

describe("accessLogRules", () => {
  it("expires logs, old versions after 7 days and incomplete uploads after 1 day", () => {
    expect(accessLogRules(731)).toEqual([
      {
        id: "expire-logs",
        status: "Enabled",
        filter: {},
        expiration: { days: 731 },
        noncurrentVersionExpiration: { noncurrentDays: 7 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ]);
  });
});

describe("tlsOnlyPolicy", () => {
  const doc = tlsOnlyPolicy(ARN);

  it("denies everything without TLS and with TLS below 1.2, on the bucket and its objects", () => {
    expect(doc.Version).toBe("2012-10-17");
    expect(doc.Statement).toHaveLength(2);
    for (const s of doc.Statement) {
      expect(s).toMatchObject({ Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: [ARN, `${ARN}/*`] });
    }
    expect(doc.Statement[0].Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
    expect(doc.Statement[1].Condition).toEqual({ NumericLessThan: { "s3:TlsVersion": "1.2" } });
  });

  it("allows nothing", () => {
    expect(doc.Statement.filter((s) => s.Effect === "Allow")).toEqual([]);
  });
});

describe("accessLogBucketPolicy", () => {
  const doc = accessLogBucketPolicy(ARN, "111122223333");

  it("keeps the TLS denials and lets only the logging service of this account write objects", () => {
    expect(doc.Statement.slice(0, 2)).toEqual(tlsOnlyPolicy(ARN).Statement);
    expect(doc.Statement[2]).toEqual({
      Sid: "S3ServerAccessLogs",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${ARN}/*`,
      Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
    });
  });

  it("does not change the TLS-only policy of other buckets (no shared state)", () => {
    accessLogBucketPolicy(ARN, "1");
    expect(tlsOnlyPolicy(ARN).Statement).toHaveLength(2);
  });
});

describe("ebsCsiKeyPolicy", () => {
  const key = "arn:aws:kms:us-east-1:111122223333:key/abc";
  const doc = ebsCsiKeyPolicy(key);

  it("grants data-key use and AWS-resource grants on exactly this key", () => {
    expect(doc.Statement).toHaveLength(2);
    expect(doc.Statement[0]).toEqual({
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: key,
    });
    expect(doc.Statement[1]).toEqual({
      Effect: "Allow",
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: key,
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
  });

  it("never uses a wildcard resource or kms:*", () => {
    for (const s of doc.Statement) {
      expect(s.Resource).toBe(key);
      expect([s.Action].flat()).not.toContain("kms:*");
    }
  });
});

describe("teamAccessPoint", () => {
  it("confines a team to /teams/<team> under its own uid and gid, group-readable", () => {
    const id = teamPosixId("recsys");
    expect(teamAccessPoint("recsys")).toEqual({
      posixUser: { uid: id, gid: id },
      rootDirectory: { path: "/teams/recsys", creationInfo: { ownerUid: id, ownerGid: id, permissions: "0750" } },
    });
  });

  it("never lands in the gid range the efs class hands to dynamic volumes", () => {
    const efs = storageObjects({ ebsKmsKeyArn: "k", reclaimPolicy: "Retain", efsFileSystemId: "fs-1" }).find(
      (o) => (o as { metadata: { name: string } }).metadata.name === "efs",
    ) as { parameters: Record<string, string> };
    const [lo, hi] = [Number(efs.parameters.gidRangeStart), Number(efs.parameters.gidRangeEnd)];
    for (const team of ["recsys", "nlp", "fraud", "sandbox", "a", "z".repeat(30)]) {
      const id = teamPosixId(team);
      expect(id < lo || id > hi, `${team}: ${id}`).toBe(true);
    }
    expect(hi).toBeLessThan(100_000); // every team id is ≥ TEAM_POSIX_BASE
  });

  it("gives different teams different identities", () => {
    expect(teamAccessPoint("nlp").posixUser.uid).not.toBe(teamAccessPoint("fraud").posixUser.uid);
  });
});

describe("dataBucketName", () => {
  it("stays within S3's 63 characters for a 40-character cluster name and a 12-digit account", () => {
    const cluster = "c".repeat(40);
    for (const kind of DATA_BUCKET_KINDS) {
      const name = dataBucketName(cluster, kind, "111122223333");
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
    }
    expect(dataBucketName(cluster, "artifacts", "111122223333")).toHaveLength(63);
  });

  it("names buckets <cluster>-<kind>-<account> and team prefixes teams/<team>/", () => {
    expect(dataBucketName("mlops-prod", "models", "111122223333")).toBe("mlops-prod-models-111122223333");
    expect(teamPrefix("nlp")).toBe("teams/nlp/");
  });
});
