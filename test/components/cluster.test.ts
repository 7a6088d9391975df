import { describe, it, expect, beforeAll } from "vitest";
import {
  ADDON_IDENTITIES,
  BOOTSTRAP_ADDONS,
  CLUSTER_ADMIN_POLICY,
  WORKLOAD_ADDONS,
  addonConfiguration,
  renderKubeconfig,
  vpcCniConfiguration,
} from "../../components/cluster";
import { EKS_VERSIONS, type AddonVersion, type EksAddonName } from "../../domain/versions";
import type { PlanResult } from "../../scripts/plan/run";
import { fixtureStack } from "../helpers/stack";
import { AWS_PROVIDER, T, childrenOf, input, one, ofType, plan } from "./plan-query";

const ADDONS = EKS_VERSIONS["1.35"].addons;
const prodCluster = fixtureStack("prod").cluster as { admins: string[] };
const devCluster = fixtureStack("dev").cluster as { admins: string[]; endpoint: { publicAccessCidrs: string[] } };

let prod: PlanResult;
let dev: PlanResult;

beforeAll(async () => {
  prod = await plan("prod");
  dev = await plan("dev");
});

describe("renderKubeconfig and add-on configuration (pure)", () => {
  const kubeconfig = JSON.parse(renderKubeconfig({ clusterName: "c1", endpoint: "https://x", certificateAuthority: "Q0E=", region: "eu-central-1" }));

  it("authenticates with short-lived `aws eks get-token` tokens for the cluster and region", () => {
    expect(kubeconfig.users).toEqual([
      {
        name: "c1",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", "c1", "--region", "eu-central-1", "--output", "json"],
          },
        },
      },
    ]);
    expect(JSON.stringify(kubeconfig)).not.toMatch(/token"\s*:|password|client-key/);
  });

  it("points the current context at the endpoint with the CA data", () => {
    expect(kubeconfig["current-context"]).toBe("c1");
    expect(kubeconfig.clusters).toEqual([{ name: "c1", cluster: { server: "https://x", "certificate-authority-data": "Q0E=" } }]);
    expect(kubeconfig.contexts).toEqual([{ name: "c1", context: { cluster: "c1", user: "c1" } }]);
  });

  it("turns on NetworkPolicy enforcement in the VPC CNI, with string values", () => {
    expect(vpcCniConfiguration()).toEqual({ enableNetworkPolicy: "true", nodeAgent: { enablePolicyEventLogs: "true" } });
    expect(JSON.parse(addonConfiguration("vpc-cni")!)).toEqual(vpcCniConfiguration());
    expect(JSON.parse(addonConfiguration("coredns")!)).toEqual({ replicaCount: 2 });
    expect(addonConfiguration("kube-proxy")).toBeUndefined();
  });

  it("splits add-ons into bootstrap and workload sets covering every pinned add-on once", () => {
    // The storage CSI drivers beyond EBS are added only when their tier is enabled.
    expect([...BOOTSTRAP_ADDONS, ...WORKLOAD_ADDONS, "aws-efs-csi-driver", "aws-fsx-csi-driver"].sort()).toEqual(Object.keys(ADDONS).sort());
    expect(Object.keys(ADDON_IDENTITIES).sort()).toEqual(["aws-ebs-csi-driver", "aws-efs-csi-driver", "vpc-cni"]);
  });
});

describe("EKS cluster (prod)", () => {
  const cluster = () => one(prod, T.eks, "mlops-prod");

  it("is a child of the Cluster component, on the aws provider, protected", () => {
    const component = one(prod, T.cluster, "mlops-prod");
    expect(component.parent).toBeNull();
    expect(cluster().parent).toBe(component.urn);
    expect(cluster().provider).toContain(AWS_PROVIDER);
    expect(cluster().protect).toBe(true);
    expect(cluster().retainOnDelete).toBe(true);
    for (const c of childrenOf(prod, component)) expect(c.provider, c.urn).toContain(AWS_PROVIDER);
  });

  it("pins version 1.35 with a private endpoint only", () => {
    expect(cluster().inputs).toMatchObject({ name: "mlops-prod", version: "1.35" });
    expect(input(cluster(), "vpcConfig")).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect(input(cluster(), "vpcConfig.publicAccessCidrs")).toBeUndefined();
    expect(input(cluster(), "vpcConfig.subnetIds")).toEqual(["a", "b", "c"].map((z) => `<computed:mlops-prod-private-us-east-1${z}.id>`));
  });

  it("uses API authentication without implicit creator admin", () => {
    expect(input(cluster(), "accessConfig")).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
  });

  it("envelope-encrypts Secrets with the eks-secrets KMS key", () => {
    expect(input(cluster(), "encryptionConfig")).toEqual({ resources: ["secrets"], provider: { keyArn: "<computed:mlops-prod-eks-secrets.arn>" } });
    const policy = JSON.parse(one(prod, T.rolePolicy, "mlops-prod-cluster-secrets-key").inputs.policy as string);
    expect(policy.Statement[0].Resource).toBe("<computed:mlops-prod-eks-secrets.arn>");
  });

  it("ships all five control-plane log types, owns no self-managed add-ons and is deletion-protected", () => {
    expect(cluster().inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    expect(cluster().inputs.bootstrapSelfManagedAddons).toBe(false);
    expect(cluster().inputs.deletionProtection).toBe(true);
    expect(cluster().inputs.upgradePolicy).toEqual({ supportType: "STANDARD" });
    expect(input(cluster(), "kubernetesNetworkConfig")).toEqual({ serviceIpv4Cidr: "172.20.0.0/16", ipFamily: "ipv4" });
  });

  it("creates its encrypted, protected log group before the cluster", () => {
    const group = one(prod, T.logGroup, "mlops-prod-control-plane");
    expect(group.inputs).toEqual({ name: "/aws/eks/mlops-prod/cluster", retentionInDays: 365, kmsKeyId: "<computed:mlops-prod-logs.arn>" });
    expect(group.protect).toBe(true);
    expect(group.parent).toBe(one(prod, T.cluster, "mlops-prod").urn);
    expect(cluster().dependsOn).toContain(group.urn);
  });

  it("lets only EKS assume the cluster role, with AmazonEKSClusterPolicy", () => {
    const trust = JSON.parse(one(prod, T.role, "mlops-prod-cluster").inputs.assumeRolePolicy as string);
    expect(trust.Statement[0].Principal).toEqual({ Service: "eks.amazonaws.com" });
    expect(one(prod, T.rpa, "mlops-prod-cluster").inputs.policyArn).toBe("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy");
  });

  it("grants each admin one access entry and one cluster-scoped admin policy association", () => {
    // Team access entries live under the Teams component; the platform admins' under the Cluster.
    const component = one(prod, T.cluster, "mlops-prod");
    const entries = ofType(prod, T.accessEntry).filter((e) => e.parent === component.urn);
    const assocs = ofType(prod, T.accessPolicy).filter((e) => e.parent === component.urn);
    expect(entries).toHaveLength(prodCluster.admins.length);
    expect(assocs).toHaveLength(prodCluster.admins.length);
    prodCluster.admins.forEach((arn, i) => {
      expect(one(prod, T.accessEntry, `mlops-prod-admin-${i}`).inputs).toEqual({ clusterName: "mlops-prod", principalArn: arn, type: "STANDARD" });
      const assoc = one(prod, T.accessPolicy, `mlops-prod-admin-${i}`);
      expect(assoc.inputs).toEqual({
        clusterName: "mlops-prod",
        principalArn: arn,
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        accessScope: { type: "cluster" },
      });
      expect(assoc.dependsOn).toContain(one(prod, T.accessEntry, `mlops-prod-admin-${i}`).urn);
    });
    expect(CLUSTER_ADMIN_POLICY).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
  });
});

describe("EKS managed add-ons (prod)", () => {
  const addon = (name: EksAddonName) => {
    const prefix = (BOOTSTRAP_ADDONS as readonly string[]).includes(name) ? "mlops-prod" : "mlops-prod-addons";
    return one(prod, T.addon, `${prefix}-${name}`);
  };

  it("installs every add-on at the version pinned for 1.35, or the deploy-time lookup where none is pinned", () => {
    expect(
      ofType(prod, T.addon)
        .map((a) => a.inputs.addonName)
        .sort(),
    ).toEqual(Object.keys(ADDONS).sort());
    for (const [name, pinned] of Object.entries(ADDONS) as [EksAddonName, AddonVersion][]) {
      const version = typeof pinned === "string" ? pinned : `<computed:${name}-most-recent.version>`;
      expect(addon(name).inputs).toMatchObject({
        clusterName: "mlops-prod",
        addonName: name,
        addonVersion: version,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
      });
      expect(addon(name).provider).toContain(AWS_PROVIDER);
    }
  });

  it("parents bootstrap add-ons to the Cluster and workload add-ons to WorkloadAddons", () => {
    const cluster = one(prod, T.cluster, "mlops-prod");
    const workload = one(prod, T.workloadAddons, "mlops-prod-addons");
    for (const n of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"] as const) expect(addon(n).parent).toBe(cluster.urn);
    for (const n of ["coredns", "aws-ebs-csi-driver", "snapshot-controller", "eks-node-monitoring-agent", "aws-efs-csi-driver", "aws-fsx-csi-driver"] as const)
      expect(addon(n).parent).toBe(workload.urn);
    expect(workload.parent).toBeNull();
  });

  it("configures the VPC CNI for network policy and gives aws-node its own Pod Identity role", () => {
    const cni = addon("vpc-cni");
    expect(JSON.parse(cni.inputs.configurationValues as string)).toMatchObject({ enableNetworkPolicy: "true" });
    expect(cni.inputs.podIdentityAssociations).toEqual([{ roleArn: "<computed:mlops-prod-vpc-cni.arn>", serviceAccount: "aws-node" }]);
    expect(one(prod, T.rpa, "mlops-prod-vpc-cni").inputs.policyArn).toBe("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
    const trust = JSON.parse(one(prod, T.role, "mlops-prod-vpc-cni").inputs.assumeRolePolicy as string);
    expect(trust.Statement[0]).toMatchObject({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
  });

  it("gives the EBS CSI controller its own Pod Identity role with the EBS CSI policy", () => {
    const ebs = addon("aws-ebs-csi-driver");
    expect(ebs.inputs.podIdentityAssociations).toEqual([
      { roleArn: "<computed:mlops-prod-addons-aws-ebs-csi-driver.arn>", serviceAccount: "ebs-csi-controller-sa" },
    ]);
    expect(one(prod, T.rpa, "mlops-prod-addons-aws-ebs-csi-driver").inputs.policyArn).toBe("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
  });

  it("runs kube-proxy, the Pod Identity agent, CoreDNS and the node monitoring agent without their own roles", () => {
    for (const n of ["kube-proxy", "eks-pod-identity-agent", "coredns", "eks-node-monitoring-agent"] as const)
      expect(addon(n).inputs.podIdentityAssociations).toBeUndefined();
    expect(JSON.parse(addon("coredns").inputs.configurationValues as string)).toEqual({ replicaCount: 2 });
  });
});

describe("KMS keys", () => {
  it("creates one key per data class with rotation, a 30-day window and protection in prod", () => {
    // The stack region's keys; the recovery region's are test/storage/recovery.plan.test.ts's.
    const keys = ofType(prod, T.kmsKey).filter((k) => k.inputs.region === undefined);
    expect(keys.map((k) => k.name).sort()).toEqual([
      "mlops-prod-backup",
      "mlops-prod-databases",
      "mlops-prod-ebs",
      "mlops-prod-eks-secrets",
      "mlops-prod-files",
      "mlops-prod-logs",
      "mlops-prod-s3",
    ]);
    const component = one(prod, T.kmsKeys, "mlops-prod");
    for (const k of keys) {
      expect(k.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
      expect(k.protect).toBe(true);
      expect(k.retainOnDelete).toBe(true);
      expect(k.parent).toBe(component.urn);
      expect(k.provider).toContain(AWS_PROVIDER);
      expect(one(prod, T.kmsAlias, k.name).inputs).toEqual({ name: `alias/${k.name}`, targetKeyId: `<computed:${k.name}.keyId>` });
    }
  });

  it("lets CloudWatch Logs of this region use the logs key", () => {
    const policy = JSON.parse(one(prod, T.kmsKey, "mlops-prod-logs").inputs.policy as string);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["AccountAdministersThroughIam", "CloudWatchLogsOfThisAccount"]);
    expect(policy.Statement[1].Principal).toEqual({ Service: "logs.us-east-1.amazonaws.com" });
  });

  it("uses a 7-day window and no protection in dev", () => {
    for (const k of ofType(dev, T.kmsKey)) {
      expect(k.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 7 });
      expect(k.protect).toBe(false);
    }
  });
});

describe("EKS cluster (dev)", () => {
  const cluster = () => one(dev, T.eks, "mlops-dev");

  it("opens the public endpoint to exactly the stack file's CIDRs, keeping the private one", () => {
    expect(input(cluster(), "vpcConfig")).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true });
    expect(input(cluster(), "vpcConfig.publicAccessCidrs")).toEqual(devCluster.endpoint.publicAccessCidrs);
    expect(input(cluster(), "vpcConfig.publicAccessCidrs")).toEqual(["203.0.113.0/24", "198.51.100.0/24"]);
  });

  it("is neither protected nor deletion-protected, and logs the dev tier's three types for 30 days", () => {
    expect(cluster().protect).toBe(false);
    expect(cluster().inputs.deletionProtection).toBe(false);
    expect(cluster().inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator"]);
    const group = one(dev, T.logGroup, "mlops-dev-control-plane");
    expect(group.inputs).toMatchObject({ name: "/aws/eks/mlops-dev/cluster", retentionInDays: 30 });
    expect(group.protect).toBe(false);
  });

  it("has one admin access entry and pins the same add-on versions", () => {
    const component = one(dev, T.cluster, "mlops-dev");
    const entries = ofType(dev, T.accessEntry).filter((e) => e.parent === component.urn);
    expect(entries.map((e) => e.inputs.principalArn)).toEqual(devCluster.admins);
    expect(entries.map((e) => e.name)).toEqual(["mlops-dev-admin-0"]);
    // Only platform admins get an access policy; team principals get Kubernetes groups only.
    expect(ofType(dev, T.accessPolicy).map((a) => a.name)).toEqual(["mlops-dev-admin-0"]);
    for (const a of ofType(dev, T.addon)) {
      const pinned = ADDONS[a.inputs.addonName as EksAddonName];
      expect(a.inputs.addonVersion).toBe(typeof pinned === "string" ? pinned : `<computed:${a.inputs.addonName}-most-recent.version>`);
    }
  });
});
