import { isComputed, resourcePolicy } from "../lib/define";

export const REQUIRED_TAGS = ["env", "team", "cost-center", "owner", "managed-by"];

/**
 * AWS types that bill on their own (hours, capacity, requests or storage) and take tags, from the offline plans'
 * resource types plus the kinds a stack may add. A bill split by `team` and `cost-center` misses whatever lacks them.
 */
export const COST_BEARING_TYPES = [
  "aws:eks/cluster:Cluster",
  "aws:eks/nodeGroup:NodeGroup",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/eip:Eip",
  "aws:ec2/instance:Instance",
  "aws:ebs/volume:Volume",
  "aws:ec2/flowLog:FlowLog",
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:elasticache/cluster:Cluster",
  "aws:efs/fileSystem:FileSystem",
  "aws:fsx/lustreFileSystem:LustreFileSystem",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:alb/loadBalancer:LoadBalancer",
  "aws:kms/key:Key",
  "aws:backup/vault:Vault",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:secretsmanager/secret:Secret",
  "aws:budgets/budget:Budget",
  "aws:amp/workspace:Workspace",
];

/** A tag map from props or provider inputs: an object, or the engine's JSON string. Undefined when not known now. */
function tagMap(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null || isComputed(value)) return undefined;
  if (typeof value === "string") {
    try {
      const parsed = JSON.parse(value);
      return parsed !== null && typeof parsed === "object" ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

const filled = (value: unknown): boolean => typeof value === "string" && value.trim() !== "";

/**
 * A cost-bearing resource: its own tags may not blank a cost tag (a resource's tag wins over the provider's), a
 * resource that names its own team names its own cost center too (teams' resources are billed to theirs), and, where
 * the engine passes the provider (a real preview), its tags and the provider's defaultTags together carry every tag.
 */
function checkResource(props: Record<string, any>, provider: { props: Record<string, any> } | undefined, report: (message: string) => void): void {
  if (isComputed(props.tags)) return;
  const own = tagMap(props.tags) ?? {};
  const blank = REQUIRED_TAGS.filter((t) => t in own && !filled(own[t]));
  if (blank.length > 0) report(`tags blank ${blank.join(", ")}: a resource's own tag overrides the provider's, so the bill loses it`);
  if (filled(own.team) && !filled(own["cost-center"]))
    report(`tags name team ${own.team} but no cost-center: a resource billed to a team names the team's cost center too`);
  if (provider === undefined || isComputed(provider.props.defaultTags)) return;
  const defaults = tagMap(tagMap(provider.props.defaultTags)?.tags) ?? {};
  const merged = { ...defaults, ...own };
  const missing = REQUIRED_TAGS.filter((t) => !filled(merged[t]) && !blank.includes(t));
  if (missing.length > 0) report(`carries no ${missing.join(", ")}: neither its own tags nor its provider's defaultTags set them`);
}

export const costTags = resourcePolicy(
  {
    name: "cost-tags",
    description:
      "The AWS provider stamps env, team, cost-center, owner and managed-by on every taggable resource; launch templates carry them to instances and volumes; a cost-bearing resource neither blanks them nor names a team without its cost center, and with its provider's defaultTags carries all of them.",
    severity: "high",
    controls: ["OPS-01"],
  },
  ["pulumi:providers:aws", "aws:ec2/launchTemplate:LaunchTemplate", ...COST_BEARING_TYPES],
  (props, args, report) => {
    if (args.type === "pulumi:providers:aws") {
      let tags = props.defaultTags?.tags;
      // Provider inputs arrive JSON-encoded from the engine.
      if (isComputed(props.defaultTags)) return; // known only at deploy
      if (typeof props.defaultTags === "string") {
        try {
          tags = JSON.parse(props.defaultTags)?.tags;
        } catch {
          return report("provider defaultTags is not valid JSON");
        }
      }
      const missing = REQUIRED_TAGS.filter((t) => !tags?.[t]);
      if (missing.length > 0) report(`provider defaultTags lack ${missing.join(", ")}`);
      return;
    }
    if (args.type !== "aws:ec2/launchTemplate:LaunchTemplate") return checkResource(props, args.provider, report);
    for (const kind of ["instance", "volume"]) {
      const spec = (props.tagSpecifications ?? []).find((t: { resourceType: string }) => t.resourceType === kind);
      const missing = REQUIRED_TAGS.filter((t) => !spec?.tags?.[t]);
      if (missing.length > 0) report(`tagSpecifications for ${kind} lack ${missing.join(", ")}`);
    }
  },
);
