import { environmentOf, resourcePolicy } from "../lib/define";

export const kmsKeys = resourcePolicy(
  {
    name: "kms-keys",
    description: "Customer-managed KMS keys rotate yearly and wait 30 days before deletion in prod.",
    severity: "high",
    controls: ["IAM-04"],
  },
  ["aws:kms/key:Key"],
  (props, args, report) => {
    if (props.enableKeyRotation !== true) report("enableKeyRotation must be true");
    if (environmentOf(args) === "prod" && props.deletionWindowInDays !== 30)
      report(`prod keys wait 30 days before deletion (got ${props.deletionWindowInDays ?? "default"})`);
  },
);
