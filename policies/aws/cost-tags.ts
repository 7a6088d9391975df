import { isComputed, resourcePolicy } from "../lib/define";

export const REQUIRED_TAGS = ["env", "team", "cost-center", "owner", "managed-by"];

export const costTags = resourcePolicy(
  {
    name: "cost-tags",
    description:
      "The AWS provider stamps env, team, cost-center, owner and managed-by on every taggable resource; launch templates carry them to instances and volumes.",
    severity: "medium",
    controls: ["OPS-01"],
  },
  ["pulumi:providers:aws", "aws:ec2/launchTemplate:LaunchTemplate"],
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
    for (const kind of ["instance", "volume"]) {
      const spec = (props.tagSpecifications ?? []).find((t: { resourceType: string }) => t.resourceType === kind);
      const missing = REQUIRED_TAGS.filter((t) => !spec?.tags?.[t]);
      if (missing.length > 0) report(`tagSpecifications for ${kind} lack ${missing.join(", ")}`);
    }
  },
);
