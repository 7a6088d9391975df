/**
 * The controller's IAM policy, written for the one path the platform uses: an NLB for a LoadBalancer Service.
 *
 * Derived from upstream's reference policy at v3.5.0 (docs/install/iam_policy.json), with these differences:
 * - ALB-only permissions are left out (Cognito, ACM and IAM certificate discovery, WAF, WAFv2, Shield, customer-owned
 *   IP and IPAM pools, trust stores, listener rules, `app/` ARNs); values.yaml turns the Shield and WAF add-ons off.
 * - Where upstream asks only that the `elbv2.k8s.aws/cluster` tag exist (`Null: false`), the tag must name this
 *   cluster, so the controller of one cluster cannot touch another's load balancers in the same account.
 * - Upstream grants security-group rule changes on any group; here only on groups the controller made (its tag) or
 *   groups tagged `kubernetes.io/cluster/<name>` (the EKS cluster security group the nodes and pods use), the
 *   scope upstream's installation guide recommends. Registering targets is limited to its own target groups.
 * - Kept unconditioned as upstream has them: creating security groups (also authorised on the VPC, where request
 *   tags do not apply), and creating, changing and tagging listeners (only ever on load balancers it may create).
 */
import { policyDocument, type PolicyDocument } from "../aws/iam";

export const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

const elb = (resource: string) => `arn:aws:elasticloadbalancing:*:*:${resource}`;
const SECURITY_GROUPS = "arn:aws:ec2:*:*:security-group/*";
const TARGET_GROUPS_AND_NLBS = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*")];

export function loadBalancerControllerPolicy(clusterName: string): PolicyDocument {
  const ownResource = { [`aws:ResourceTag/${CLUSTER_TAG}`]: clusterName };
  const ownRequest = { [`aws:RequestTag/${CLUSTER_TAG}`]: clusterName };
  // Retagging keeps the cluster tag as it is: a request may not set or remove it.
  const keepsClusterTag = { [`aws:RequestTag/${CLUSTER_TAG}`]: "true" };
  return policyDocument(
    {
      Sid: "ElbServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      Sid: "Discover",
      Effect: "Allow",
      Action: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInstances",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeTags",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeVpcs",
        "ec2:GetSecurityGroupsForVpc",
        "elasticloadbalancing:DescribeCapacityReservation",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancers",
        // The rule synthesizer lists the rules of every listener, NLB listeners included.
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
      ],
      Resource: "*",
    },
    { Sid: "CreateSecurityGroups", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "*" },
    {
      Sid: "TagNewSecurityGroups",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: SECURITY_GROUPS,
      Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup", ...ownRequest } },
    },
    {
      Sid: "RetagOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags"],
      Resource: SECURITY_GROUPS,
      Condition: { Null: keepsClusterTag, StringEquals: ownResource },
    },
    {
      Sid: "OwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      Resource: "*",
      Condition: { StringEquals: ownResource },
    },
    {
      // Admits the NLB to the pods it targets: rules on the cluster security group of their ENIs.
      Sid: "ClusterSecurityGroupRules",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: "*",
      Condition: { Null: { [`aws:ResourceTag/kubernetes.io/cluster/${clusterName}`]: "false" } },
    },
    {
      Sid: "CreateOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: { StringEquals: ownRequest },
    },
    {
      Sid: "TagAtCreation",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: TARGET_GROUPS_AND_NLBS,
      Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"], ...ownRequest } },
    },
    {
      Sid: "RetagOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: TARGET_GROUPS_AND_NLBS,
      Condition: { Null: keepsClusterTag, StringEquals: ownResource },
    },
    {
      Sid: "ManageOwnLoadBalancers",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
      ],
      Resource: "*",
      Condition: { StringEquals: ownResource },
    },
    {
      Sid: "RegisterTargetsInOwnGroups",
      Effect: "Allow",
      Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      Resource: elb("targetgroup/*/*"),
      Condition: { StringEquals: ownResource },
    },
    {
      Sid: "Listeners",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
      ],
      Resource: "*",
    },
    {
      Sid: "TagNlbListeners",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: elb("listener/net/*/*/*"),
    },
  );
}
