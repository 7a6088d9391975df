/**
 * Runtime mocks for the offline plan. Every value the cloud would compute (ids, ARNs, endpoints, versions)
 * comes back as a visible placeholder `<computed:NAME.ATTR>`, so the plan shows exactly which inputs depend
 * on values that exist only after `pulumi up`.
 */
import type * as pulumi from "@pulumi/pulumi";

export const COMPUTED_PREFIX = "<computed:";
export const computed = (name: string, attr: string): string => `${COMPUTED_PREFIX}${name}.${attr}>`;

/** Outputs our code reads from resources, by type; everything else echoes the inputs. */
const COMPUTED_OUTPUTS: Record<string, (name: string, inputs: Record<string, any>) => Record<string, unknown>> = {
  "aws:eks/cluster:Cluster": (n, inputs) => ({
    vpcConfig: { ...inputs.vpcConfig, clusterSecurityGroupId: computed(n, "clusterSecurityGroupId") },
    endpoint: computed(n, "endpoint"),
    certificateAuthority: { data: computed(n, "certificateAuthority") },
    identities: [{ oidcs: [{ issuer: computed(n, "oidcIssuer") }] }],
  }),
  "aws:kms/key:Key": (n) => ({ keyId: computed(n, "keyId") }),
  "aws:amp/workspace:Workspace": (n) => ({ prometheusEndpoint: computed(n, "prometheusEndpoint") }),
  "aws:ec2/launchTemplate:LaunchTemplate": (n) => ({ latestVersion: computed(n, "latestVersion") }),
  "aws:fsx/lustreFileSystem:LustreFileSystem": (n) => ({ dnsName: computed(n, "dnsName"), mountName: computed(n, "mountName") }),
  "aws:eks/nodeGroup:NodeGroup": (n) => ({ resources: [{ autoscalingGroups: [{ name: computed(n, "autoscalingGroupName") }] }] }),
  "aws:rds/instance:Instance": (n) => ({
    address: computed(n, "address"),
    masterUserSecrets: [{ secretArn: computed(n, "masterUserSecretArn"), kmsKeyId: computed(n, "masterUserSecretKmsKeyId") }],
  }),
  "aws:elasticache/replicationGroup:ReplicationGroup": (n) => ({ primaryEndpointAddress: computed(n, "primaryEndpointAddress") }),
  // Generated at `pulumi up`; without a value the key that holds it would vanish from the written Secret. Dex's
  // static users carry the bcrypt hash, not the password.
  "random:index/randomPassword:RandomPassword": (n) => ({ result: computed(n, "result"), bcryptHash: computed(n, "bcryptHash") }),
};

export const planMocks: pulumi.runtime.Mocks = {
  newResource(args: pulumi.runtime.MockResourceArgs) {
    // Kubernetes objects, ConfigGroups and charts: nothing reads their outputs, and echoing their (large)
    // inputs back through the mock monitor doubled plan memory at 1000 teams.
    if (args.type.startsWith("kubernetes:")) return { id: computed(args.name, "id"), state: {} };
    const inputs = args.inputs as Record<string, unknown>;
    const state: Record<string, unknown> = {
      ...inputs,
      arn: computed(args.name, "arn"),
      // Autonamed resources get their physical name from the provider.
      name: inputs.name ?? computed(args.name, "name"),
      ...(COMPUTED_OUTPUTS[args.type]?.(args.name, inputs) ?? {}),
    };
    return { id: computed(args.name, "id"), state };
  },
  call(args: pulumi.runtime.MockCallArgs) {
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { accountId: "<computed:account-id>", arn: computed("caller", "arn"), userId: computed("caller", "userId") };
      case "aws:eks/getAddonVersion:getAddonVersion":
        return {
          addonName: args.inputs.addonName,
          version: computed(`${args.inputs.addonName}-most-recent`, "version"),
          kubernetesVersion: args.inputs.kubernetesVersion,
        };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com" };
      default:
        throw new Error(`the offline plan has no answer for invoke ${args.token}; add one to scripts/plan/mocks.ts`);
    }
  },
};
