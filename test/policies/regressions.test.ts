import { describe, expect, it } from "vitest";
import { costTags } from "../../policies/aws/cost-tags";
import { vpcFlowLogs } from "../../policies/aws/flow-logs";
import { wildcardProblems } from "../../policies/aws/iam-least-privilege";
import { iamWorkloadIdentity } from "../../policies/aws/iam-workload-identity";
import { deniesOldTls, deniesPlainHttp } from "../../policies/aws/s3-bucket-hardening";
import { belongsTo, s3Encryption } from "../../policies/aws/s3-buckets";
import { namespacePodSecurity } from "../../policies/kubernetes/namespace-pod-security";
import { stackViolations, urnOf, violations } from "./harness";

const res = (type: string, name: string, props: Record<string, unknown>, parent?: string) =>
  ({ type, name, urn: urnOf("prod", type, name), props, parent: parent ? { urn: parent } : undefined }) as never;

describe("S3-04 reads the bucket policy's statements, not its text", () => {
  it("accepts the two Deny statements and rejects look-alikes", () => {
    expect(deniesPlainHttp({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })).toBe(true);
    expect(deniesPlainHttp({ Effect: "Allow", Condition: { Bool: { "aws:SecureTransport": "true" } } })).toBe(false);
    expect(deniesOldTls({ Effect: "Deny", Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } })).toBe(true);
    expect(deniesOldTls({ Effect: "Deny", Condition: { NumericLessThan: { "s3:TlsVersion": "1.0" } } })).toBe(false);
    expect(deniesOldTls({ Effect: "Allow", Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } })).toBe(false);
  });
});

describe("bucket companions", () => {
  const bucket = res("aws:s3/bucket:Bucket", "models", { bucket: "models-1" });
  it("a known bucket reference decides, whatever the companion is called", () => {
    expect(belongsTo(res("aws:s3/bucketVersioning:BucketVersioning", "models", { bucket: "other-1" }), bucket)).toBe(false);
    expect(belongsTo(res("aws:s3/bucketVersioning:BucketVersioning", "anything", { bucket: "models-1" }), bucket)).toBe(true);
  });
  it("an unknown reference falls back to the same name or the bucket as parent", () => {
    expect(belongsTo(res("aws:s3/bucketVersioning:BucketVersioning", "models", { bucket: "<computed:models.bucket>" }), bucket)).toBe(true);
    expect(belongsTo(res("aws:s3/bucketVersioning:BucketVersioning", "v", {}, urnOf("prod", "aws:s3/bucket:Bucket", "models")), bucket)).toBe(true);
    expect(belongsTo(res("aws:s3/bucketVersioning:BucketVersioning", "models-archive", {}), bucket)).toBe(false);
  });
});

describe("flow logs", () => {
  it("a flow log with a known id of another VPC does not cover a sibling VPC", () => {
    const parent = urnOf("prod", "mlops:network:Network", "net");
    const a = { type: "aws:ec2/vpc:Vpc", name: "a", props: {}, parent };
    const b = { type: "aws:ec2/vpc:Vpc", name: "b", props: {}, parent };
    const log = { type: "aws:ec2/flowLog:FlowLog", name: "a", props: { vpcId: "<computed:a.id>" }, parent };
    expect(stackViolations(vpcFlowLogs, [a, b, log] as never)).toEqual(["VPC b has no flow log"]);
  });
});

describe("IAM", () => {
  it("NotAction on every resource is a wildcard grant", () => {
    expect(wildcardProblems({ Statement: [{ Effect: "Allow", NotAction: "iam:PassRole", Resource: "*" }] })).toEqual([
      "allows every action except iam:PassRole on every resource (NotAction)",
    ]);
  });
  it("a Deny statement naming Pod Identity is not an unpinned trust", () => {
    const trust = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Condition: { StringEquals: { "aws:RequestTag/kubernetes-namespace": "nlp", "aws:RequestTag/kubernetes-service-account": "team-workload" } },
        },
        { Effect: "Deny", Principal: { Service: "pods.eks.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    };
    expect(
      violations(iamWorkloadIdentity, "aws:iam/role:Role", { assumeRolePolicy: JSON.stringify(trust), tags: { team: "nlp" }, permissionsBoundary: "arn" }),
    ).toEqual([]);
  });
});

describe("cost tags on the provider", () => {
  it("skips a computed value and reports a JSON null as missing tags", () => {
    expect(violations(costTags, "pulumi:providers:aws", { defaultTags: "<computed:aws.defaultTags>" })).toEqual([]);
    expect(violations(costTags, "pulumi:providers:aws", { defaultTags: "null" })).toEqual([
      "provider defaultTags lack env, team, cost-center, owner, managed-by",
    ]);
  });
});

describe("Pod Security versions", () => {
  it("warn and audit versions, when set, are pinned releases too", () => {
    const labels = {
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "v1.35",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "latest",
    };
    expect(violations(namespacePodSecurity, "kubernetes:core/v1:Namespace", { metadata: { name: "x", labels } })).toEqual([
      "NS-01: namespace x does not pin pod-security.kubernetes.io/warn-version to a release (got latest)",
    ]);
  });
});

describe("S3-02 and the access-log bucket", () => {
  it("requires SSE-S3 on the log bucket's configuration and SSE-KMS everywhere else", () => {
    const T = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
    const sseS3 = { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] };
    const sseKms = { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:key" }, bucketKeyEnabled: true }] };
    expect(violations(s3Encryption, T, sseS3, { name: "storage-buckets-access-logs" })).toEqual([]);
    expect(violations(s3Encryption, T, sseKms, { name: "storage-buckets-access-logs" })).toEqual([
      "the access-log bucket uses SSE-S3 (AES256): S3 server access logging cannot write to SSE-KMS buckets",
    ]);
    expect(violations(s3Encryption, T, sseS3, { name: "storage-buckets-datasets" })).toContain("sseAlgorithm must be aws:kms (got AES256)");
  });
});
