/**
 * The AWS Load Balancer Controller's IAM policy: every permission group the NLB-for-Services path needs, each
 * write scoped to this cluster's tags where upstream scopes it, nothing ALB-only, and CrossGuard's IAM rule content.
 */
import { describe, it, expect } from "vitest";
import { CLUSTER_TAG, loadBalancerControllerPolicy } from "../../components/aws-load-balancer";
import type { PolicyStatement } from "../../components/aws/iam";
import { wildcardProblems } from "../../policies/aws/iam-least-privilege";

const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const READ_ONLY = /^(ec2|elasticloadbalancing):(Describe|Get)/;
const statements = loadBalancerControllerPolicy("mlops-prod").Statement;
const bySid = (sid: string): PolicyStatement => {
  const hit = statements.find((s) => s.Sid === sid);
  if (!hit) throw new Error(`no statement ${sid}; have ${statements.map((s) => s.Sid).join(", ")}`);
  return hit;
};
const actionsOf = (s: PolicyStatement) => asList(s.Action);
const allActions = statements.flatMap(actionsOf);
const OWN_RESOURCE = { "aws:ResourceTag/elbv2.k8s.aws/cluster": "mlops-prod" };
const OWN_REQUEST = { "aws:RequestTag/elbv2.k8s.aws/cluster": "mlops-prod" };

describe("loadBalancerControllerPolicy (pure)", () => {
  it("tags with the controller's own cluster tag key", () => {
    expect(CLUSTER_TAG).toBe("elbv2.k8s.aws/cluster");
  });

  it("is accepted by CrossGuard's iam-least-privilege content: no wildcard action, no iam:*, no kms", () => {
    expect(wildcardProblems(loadBalancerControllerPolicy("mlops-prod"))).toEqual([]);
    for (const a of allActions) expect(a, a).not.toContain("*");
    expect(allActions.filter((a) => a.startsWith("kms:"))).toEqual([]);
  });

  it("allows only Allow statements, each with a unique Sid", () => {
    expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
    const sids = statements.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
  });

  it("may create ELB's service-linked role and no other", () => {
    const s = bySid("ElbServiceLinkedRole");
    expect(actionsOf(s)).toEqual(["iam:CreateServiceLinkedRole"]);
    expect(s.Condition).toEqual({ StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } });
    expect(allActions.filter((a) => a.startsWith("iam:"))).toEqual(["iam:CreateServiceLinkedRole"]);
  });

  it("discovers subnets, security groups, ENIs and its load balancers read-only, including listener rules (NLB listeners too)", () => {
    const discover = actionsOf(bySid("Discover"));
    for (const a of discover) expect(a).toMatch(READ_ONLY);
    for (const needed of [
      "ec2:DescribeSubnets",
      "ec2:DescribeRouteTables",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeVpcs",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:DescribeTags",
    ]) {
      expect(discover, needed).toContain(needed);
    }
  });

  it("creates load balancers and target groups only carrying this cluster's tag, and tags them only at creation", () => {
    expect(actionsOf(bySid("CreateOwnLoadBalancers")).sort()).toEqual(["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]);
    expect(bySid("CreateOwnLoadBalancers").Condition).toEqual({ StringEquals: OWN_REQUEST });
    expect(bySid("TagAtCreation").Condition).toEqual({
      StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"], ...OWN_REQUEST },
    });
  });

  it("changes, deletes and registers targets only on what carries this cluster's tag", () => {
    const manage = bySid("ManageOwnLoadBalancers");
    for (const a of [
      "DeleteLoadBalancer",
      "DeleteTargetGroup",
      "ModifyLoadBalancerAttributes",
      "ModifyTargetGroupAttributes",
      "SetSecurityGroups",
      "SetSubnets",
    ]) {
      expect(actionsOf(manage)).toContain(`elasticloadbalancing:${a}`);
    }
    expect(manage.Condition).toEqual({ StringEquals: OWN_RESOURCE });
    expect(actionsOf(bySid("RegisterTargetsInOwnGroups")).sort()).toEqual(["elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:RegisterTargets"]);
    expect(bySid("RegisterTargetsInOwnGroups").Condition).toEqual({ StringEquals: OWN_RESOURCE });
  });

  it("retags its own load balancers and security groups without touching the cluster tag", () => {
    for (const sid of ["RetagOwnLoadBalancers", "RetagOwnSecurityGroups"]) {
      expect(bySid(sid).Condition, sid).toEqual({ Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true" }, StringEquals: OWN_RESOURCE });
    }
    expect(asList(bySid("RetagOwnLoadBalancers").Resource)).toEqual([
      "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
      "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
    ]);
    expect(bySid("TagNewSecurityGroups").Condition).toEqual({ StringEquals: { "ec2:CreateAction": "CreateSecurityGroup", ...OWN_REQUEST } });
  });

  it("changes security-group rules only on its own groups or the groups tagged for this cluster (the nodes' and pods')", () => {
    expect(bySid("OwnSecurityGroups").Condition).toEqual({ StringEquals: OWN_RESOURCE });
    expect(actionsOf(bySid("OwnSecurityGroups"))).toContain("ec2:DeleteSecurityGroup");
    const cluster = bySid("ClusterSecurityGroupRules");
    expect(actionsOf(cluster).sort()).toEqual(["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"]);
    expect(cluster.Condition).toEqual({ Null: { "aws:ResourceTag/kubernetes.io/cluster/mlops-prod": "false" } });
    const ruleWriters = statements.filter((s) => actionsOf(s).includes("ec2:AuthorizeSecurityGroupIngress"));
    expect(ruleWriters.map((s) => s.Sid).sort()).toEqual(["ClusterSecurityGroupRules", "OwnSecurityGroups"]);
  });

  it("leaves unconditioned exactly the writes upstream leaves so: creating security groups and working on listeners", () => {
    const writes = statements.filter((s) => s.Condition === undefined).flatMap((s) => actionsOf(s).filter((a) => !READ_ONLY.test(a)));
    expect(writes.sort()).toEqual(
      [
        "ec2:CreateSecurityGroup",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:RemoveTags",
      ].sort(),
    );
    // The unconditioned tagging is on NLB listeners only.
    expect(bySid("TagNlbListeners").Resource).toBe("arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*");
  });

  it("has nothing of the ALB path: no Cognito, ACM, WAF, Shield, listener rules or app/ ARNs", () => {
    const albOnly =
      /^(cognito-idp|acm|waf-regional|wafv2|shield):|:(CreateRule|DeleteRule|ModifyRule|SetRulePriorities|SetWebAcl|ModifyIpPools|DescribeTrustStores)$|Coip|Ipam/;
    expect(allActions.filter((a) => albOnly.test(a))).toEqual([]);
    expect(JSON.stringify(statements)).not.toContain("/app/");
    expect(allActions.filter((a) => a.startsWith("iam:") && a !== "iam:CreateServiceLinkedRole")).toEqual([]);
  });

  it("scopes every tag condition to the cluster it is given", () => {
    const text = JSON.stringify(loadBalancerControllerPolicy("other"));
    expect(text).not.toContain("mlops-prod");
    expect(text).toContain('"aws:ResourceTag/elbv2.k8s.aws/cluster":"other"');
    expect(text).toContain('"aws:ResourceTag/kubernetes.io/cluster/other":"false"');
  });
});
