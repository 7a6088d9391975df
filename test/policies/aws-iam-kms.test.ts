/** IAM and KMS policies: least privilege, workload identity trust policies, key rotation and deletion window. */
import { describe, it, expect } from "vitest";
import { iamLeastPrivilege, wildcardProblems } from "../../policies/aws/iam-least-privilege";
import { iamWorkloadIdentity } from "../../policies/aws/iam-workload-identity";
import { kmsKeys } from "../../policies/aws/kms-keys";
import { mutate, packViolations, violations } from "./harness";

const doc = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const allow = (Action: string | string[], Resource: string | string[], extra: object = {}) => ({ Effect: "Allow", Action, Resource, ...extra });

describe("wildcardProblems (IAM-02)", () => {
  it("a scoped policy has none", () => {
    expect(
      wildcardProblems(doc(allow(["kms:Encrypt", "kms:Decrypt"], "arn:aws:kms:us-east-1:1:key/k"), allow("s3:GetObject", "arn:aws:s3:::b/teams/recsys/*"))),
    ).toEqual([]);
  });
  it("* anywhere", () => {
    expect(wildcardProblems(doc(allow("*", "*")))).toEqual(["allows * on every resource"]);
    expect(wildcardProblems(doc(allow("*", "arn:aws:s3:::b")))).toEqual(["allows * on its resources"]);
  });
  it("svc:* on every resource, not on named resources", () => {
    expect(wildcardProblems(doc(allow("s3:*", "*")))).toEqual(["allows s3:* on every resource"]);
    expect(wildcardProblems(doc(allow("s3:*", ["arn:aws:s3:::b", "*"])))).toEqual(["allows s3:* on every resource"]);
    expect(wildcardProblems(doc(allow("s3:*", "arn:aws:s3:::b/*")))).toEqual([]);
  });
  it("iam:* on anything", () => {
    expect(wildcardProblems(doc(allow("iam:*", "arn:aws:iam::1:role/x")))).toEqual(["allows iam:*"]);
    expect(wildcardProblems(doc(allow("iam:*", "*")))).toEqual(["allows iam:* on every resource"]);
  });
  it("kms:Decrypt on every key without a condition (reported lower-cased)", () => {
    expect(wildcardProblems(doc(allow("kms:Decrypt", "*")))).toEqual(["allows kms:decrypt on every key without a condition"]);
    expect(wildcardProblems(doc(allow("kms:Decrypt", "*", { Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } } })))).toEqual([]);
    expect(wildcardProblems(doc(allow("kms:Decrypt", "arn:aws:kms:us-east-1:1:key/k")))).toEqual([]);
  });
  it("reports each offending action of a statement", () => {
    expect(wildcardProblems(doc(allow(["s3:GetObject", "ec2:*", "kms:Decrypt"], "*")))).toEqual([
      "allows ec2:* on every resource",
      "allows kms:decrypt on every key without a condition",
    ]);
  });
  it("ignores Deny statements", () => {
    expect(wildcardProblems(doc({ Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }))).toEqual([]);
  });
  it("a document without statements has none", () => {
    expect(wildcardProblems({})).toEqual([]);
  });
  it("action names are case-insensitive, as in IAM: IAM:*, S3:* and KMS:DECRYPT are caught", () => {
    // Regression: the checks compared case-sensitively ("iam:*", /^[a-z0-9-]+:\*$/).
    expect(wildcardProblems(doc(allow("IAM:*", "arn:aws:iam::1:role/x")))).toEqual(["allows iam:*"]);
    expect(wildcardProblems(doc(allow("S3:*", "*")))).toEqual(["allows s3:* on every resource"]);
    expect(wildcardProblems(doc(allow(["KMS:DECRYPT", "Kms:*"], "*")))).toEqual([
      "allows kms:decrypt on every key without a condition",
      "allows kms:* on every resource",
    ]);
    expect(wildcardProblems(doc(allow("KMS:Decrypt", "*", { Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } } })))).toEqual([]);
  });
  it("a single-object Statement is read like a one-element list", () => {
    expect(wildcardProblems({ Statement: allow("iam:*", "arn:aws:iam::1:role/x") })).toEqual(["allows iam:*"]);
    expect(wildcardProblems({ Statement: { Effect: "Deny", Action: "*", Resource: "*" } })).toEqual([]);
  });
});

describe("iam-least-privilege (IAM-02)", () => {
  const ADMIN = doc(allow("*", "*"));
  it.each(["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"])(
    "%s: JSON string or object document",
    (type) => {
      expect(violations(iamLeastPrivilege, type, { policy: JSON.stringify(ADMIN) })).toEqual(["allows * on every resource"]);
      expect(violations(iamLeastPrivilege, type, { policy: ADMIN })).toEqual(["allows * on every resource"]);
      expect(violations(iamLeastPrivilege, type, { policy: JSON.stringify(doc(allow("logs:PutLogEvents", "<computed:lg.arn>"))) })).toEqual([]);
    },
  );
  it("a computed document is left to the deploy-time preview", () => {
    expect(violations(iamLeastPrivilege, "aws:iam/policy:Policy", { policy: "<computed:doc.json>" })).toEqual([]);
    expect(violations(iamLeastPrivilege, "aws:iam/policy:Policy", {})).toEqual([]);
  });
  it("does not judge trust policies or other types", () => {
    expect(violations(iamLeastPrivilege, "aws:iam/role:Role", { assumeRolePolicy: JSON.stringify(ADMIN) })).toEqual([]);
  });
  it("a single-object Statement (valid IAM JSON) is reported, not thrown on", () => {
    // Regression: doc.Statement was iterated without asArray.
    const single = { Version: "2012-10-17", Statement: allow("*", "*") };
    expect(() => violations(iamLeastPrivilege, "aws:iam/policy:Policy", { policy: JSON.stringify(single) })).not.toThrow();
    expect(violations(iamLeastPrivilege, "aws:iam/policy:Policy", { policy: JSON.stringify(single) })).toEqual(["allows * on every resource"]);
  });
});

describe("iam-workload-identity (IAM-01, IAM-02)", () => {
  const ROLE_T = "aws:iam/role:Role";
  const podTrust = (Condition?: object) => ({
    Effect: "Allow",
    Principal: { Service: "pods.eks.amazonaws.com" },
    Action: ["sts:AssumeRole", "sts:TagSession"],
    ...(Condition ? { Condition } : {}),
  });
  const PINNED = { StringEquals: { "aws:RequestTag/kubernetes-namespace": "recsys", "aws:RequestTag/kubernetes-service-account": "team-workload" } };
  /** The team role components/teams builds. */
  const TEAM_ROLE = {
    assumeRolePolicy: JSON.stringify(doc(podTrust(PINNED))),
    description: "Workloads of team recsys (Pod Identity, recsys/team-workload)",
    permissionsBoundary: "<computed:teams-boundary.arn>",
    tags: { "cost-center": "cc-4711", team: "recsys" },
  } as Record<string, any>;
  const check = (props: object) => violations(iamWorkloadIdentity, ROLE_T, props as Record<string, unknown>);
  const PIN = "team role for recsys must pin aws:RequestTag/kubernetes-namespace=recsys and the service account";

  it("the team role passes every policy of the pack (the computed boundary counts as present)", () => {
    expect(packViolations(ROLE_T, TEAM_ROLE)).toEqual([]);
  });
  it.each([["*"], [{ AWS: "*" }], [{ AWS: ["arn:aws:iam::1:root", "*"] }]])("a wildcard principal %j is reported", (Principal) => {
    expect(check({ assumeRolePolicy: JSON.stringify(doc({ Effect: "Allow", Principal, Action: "sts:AssumeRole" })) })).toEqual([
      "the trust policy allows any principal",
    ]);
  });
  it("team roles pin the namespace and the service account", () => {
    expect(check({ ...TEAM_ROLE, assumeRolePolicy: JSON.stringify(doc(podTrust())) })).toEqual([PIN]);
    expect(
      check({
        ...TEAM_ROLE,
        assumeRolePolicy: JSON.stringify(doc(podTrust({ StringEquals: { ...PINNED.StringEquals, "aws:RequestTag/kubernetes-namespace": "nlp" } }))),
      }),
    ).toEqual([PIN]);
    expect(
      check({ ...TEAM_ROLE, assumeRolePolicy: JSON.stringify(doc(podTrust({ StringEquals: { "aws:RequestTag/kubernetes-namespace": "recsys" } }))) }),
    ).toEqual([PIN]);
    expect(check({ ...TEAM_ROLE, assumeRolePolicy: JSON.stringify(doc(podTrust({ StringLike: PINNED.StringEquals }))) })).toEqual([PIN]);
  });
  it("team roles carry a permissions boundary", () => {
    expect(check(mutate(TEAM_ROLE, (r) => delete r.permissionsBoundary))).toEqual(["team role for recsys must carry a permissions boundary"]);
  });
  it("accepts the trust policy as an object", () => {
    expect(check({ ...TEAM_ROLE, assumeRolePolicy: doc(podTrust(PINNED)) })).toEqual([]);
  });
  it("platform roles and non-Pod-Identity roles are not team roles", () => {
    expect(check({ ...TEAM_ROLE, tags: { team: "platform" }, assumeRolePolicy: JSON.stringify(doc(podTrust())), permissionsBoundary: undefined })).toEqual([]);
    const ec2 = JSON.stringify(doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }));
    expect(check({ ...TEAM_ROLE, assumeRolePolicy: ec2, permissionsBoundary: undefined })).toEqual([]);
  });
  it("every Pod Identity statement must pin: a second, unconditioned one is reported", () => {
    // Regression: the role passed if *some* statement pinned the namespace.
    expect(check({ ...TEAM_ROLE, assumeRolePolicy: JSON.stringify(doc(podTrust(PINNED), podTrust())) })).toEqual([PIN]);
    const otherSa = { StringEquals: { "aws:RequestTag/kubernetes-namespace": "recsys" } };
    expect(check({ ...TEAM_ROLE, assumeRolePolicy: JSON.stringify(doc(podTrust(PINNED), podTrust(otherSa))) })).toEqual([PIN]);
    const sa2 = { StringEquals: { ...PINNED.StringEquals, "aws:RequestTag/kubernetes-service-account": "batch" } };
    expect(check({ ...TEAM_ROLE, assumeRolePolicy: JSON.stringify(doc(podTrust(PINNED), podTrust(sa2))) })).toEqual([]);
  });
  it("a single-object Statement is reported, not thrown on", () => {
    // Regression: trust.Statement was iterated without asArray.
    const single = { Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" } };
    expect(check({ assumeRolePolicy: JSON.stringify(single) })).toEqual(["the trust policy allows any principal"]);
    expect(check({ ...TEAM_ROLE, assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: podTrust() }) })).toEqual([PIN]);
  });
});

describe("kms-keys (IAM-04)", () => {
  const KEY_T = "aws:kms/key:Key";
  const KEY = { description: "mlops-prod: eks-secrets", enableKeyRotation: true, deletionWindowInDays: 30 };
  const check = (props: object, environment: string | null = "prod", stack?: string) =>
    violations(kmsKeys, KEY_T, props as Record<string, unknown>, { environment, stack });

  it("the prod key passes every policy of the pack when protected", () => {
    expect(packViolations(KEY_T, KEY, { protect: true })).toEqual([]);
  });
  it("rotation is on everywhere", () => {
    expect(check({ ...KEY, enableKeyRotation: false })).toEqual(["enableKeyRotation must be true"]);
    expect(check({ ...KEY, enableKeyRotation: undefined }, "dev")).toEqual(["enableKeyRotation must be true"]);
  });
  it("prod waits 30 days before deletion", () => {
    expect(check({ ...KEY, deletionWindowInDays: 7 })).toEqual(["prod keys wait 30 days before deletion (got 7)"]);
    expect(check({ ...KEY, deletionWindowInDays: undefined })).toEqual(["prod keys wait 30 days before deletion (got default)"]);
  });
  it("elsewhere a shorter window is fine (config or URN)", () => {
    expect(check({ ...KEY, deletionWindowInDays: 7 }, "dev")).toEqual([]);
    expect(check({ ...KEY, deletionWindowInDays: 7 }, null, "staging")).toEqual([]);
    expect(check({ ...KEY, deletionWindowInDays: 7 }, null, "prod")).toEqual(["prod keys wait 30 days before deletion (got 7)"]);
  });
});
