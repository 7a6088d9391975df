/**
 * IAM for container logs on EKS, as pure documents: Fluent Bit may add streams and events to the platform's container
 * log groups and nothing else (it creates no groups: Pulumi does, with retention and the KMS key); a team's read policy
 * covers its own group only.
 */
import { policyDocument, type PolicyDocument } from "../aws/iam";
import { logGroupArns } from "../../domain/log-groups";

/** Fluent Bit's cloudwatch_logs output: find a stream, create it, put events. On exactly these groups. */
export function fluentBitLogsPolicy(region: string, accountId: string, groupNames: readonly string[]): PolicyDocument {
  return policyDocument({
    Sid: "ShipToContainerLogGroups",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
    Resource: groupNames.flatMap((group) => logGroupArns(region, accountId, group)),
  });
}

/** What reading one log group takes: `aws logs tail` (FilterLogEvents), GetLogEvents, and Logs Insights queries. */
export const LOG_READ_ACTIONS = ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery"] as const;

/**
 * A team's read access to its own container log group. GetQueryResults and StopQuery take no resource in IAM (they
 * name a query id, which StartQuery on the team's own group returned), so they are allowed on "*".
 */
export function teamLogsReadPolicy(region: string, accountId: string, groupName: string): PolicyDocument {
  return policyDocument(
    { Sid: "ReadOwnLogGroup", Effect: "Allow", Action: [...LOG_READ_ACTIONS], Resource: logGroupArns(region, accountId, groupName) },
    { Sid: "OwnQueryResults", Effect: "Allow", Action: ["logs:GetQueryResults", "logs:StopQuery"], Resource: "*" },
  );
}
