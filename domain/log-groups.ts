/**
 * The CloudWatch Logs groups of container logs on EKS: one per team and one for the platform. Pure naming facts, so
 * the logging component, the Fluent Bit config, the team roles' permissions boundary and the runbook agree on them.
 */

/** The prefix of every container log group of a cluster: `/mlops/<cluster>/`. */
export const containerLogPrefix = (clusterName: string): string => `/mlops/${clusterName}/`;

/** A team's container logs (its namespace's pods): `/mlops/<cluster>/teams/<team>`. */
export const teamLogGroupName = (clusterName: string, team: string): string => `${containerLogPrefix(clusterName)}teams/${team}`;

/** Every other namespace's container logs (platform components, kube-system, anything not a team's): `/mlops/<cluster>/platform`. */
export const platformLogGroupName = (clusterName: string): string => `${containerLogPrefix(clusterName)}platform`;

/**
 * The ARNs IAM matches a log group by: the group itself (StartQuery, FilterLogEvents) and its streams
 * (`…:log-stream:<name>` for PutLogEvents, GetLogEvents), which the trailing `:*` covers.
 */
export function logGroupArns(region: string, accountId: string, groupName: string): string[] {
  const group = `arn:aws:logs:${region}:${accountId}:log-group:${groupName}`;
  return [group, `${group}:*`];
}
