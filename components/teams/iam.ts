/**
 * IAM for team workloads, as pure documents. A team role reaches only `teams/<team>/` in the data buckets
 * (IAM-03), is assumable only through Pod Identity by the team's workload service account (IAM-01), and is
 * capped by a permissions boundary that no team policy can exceed (IAM-02).
 */
import { keyThroughService, policyDocument, type PolicyDocument, type ServiceKey } from "../aws/iam";
import { DATA_BUCKET_KINDS, dataBucketName, teamPrefix } from "../../domain/storage-naming";
import type { TeamConfig } from "../../config/teams";
import { KFP_OBJECT_STORE_SERVICE_ACCOUNTS } from "../../domain/pipelines";
import { TEAM_WORKLOAD_SERVICE_ACCOUNT } from "../../domain/ownership";
import { containerLogPrefix } from "../../domain/log-groups";
import { LOG_READ_ACTIONS } from "../logging/iam";

const OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/**
 * The service accounts of the team namespace that act with the team role, each through a Pod Identity association:
 * team-workload, and with `pipelines` the team's own KFP API server and UI, which read and write its pipeline specs,
 * artifacts and logs under teams/<team>/pipelines/ (domain/pipelines.ts).
 */
export function teamServiceAccounts(team: Pick<TeamConfig, "services">): string[] {
  return [TEAM_WORKLOAD_SERVICE_ACCOUNT, ...(team.services.includes("pipelines") ? KFP_OBJECT_STORE_SERVICE_ACCOUNTS : [])];
}

/** Trust for Pod Identity sessions of these service accounts of the namespace, and no others. */
export function teamTrustPolicy(namespace: string, serviceAccount: string | readonly string[]): PolicyDocument {
  const accounts = typeof serviceAccount === "string" ? serviceAccount : serviceAccount.length === 1 ? serviceAccount[0] : [...serviceAccount];
  return policyDocument({
    Effect: "Allow",
    Principal: { Service: "pods.eks.amazonaws.com" },
    Action: ["sts:AssumeRole", "sts:TagSession"],
    // Pod Identity tags the session with the pod's namespace and service account: pin both.
    Condition: { StringEquals: { "aws:RequestTag/kubernetes-namespace": namespace, "aws:RequestTag/kubernetes-service-account": accounts } },
  });
}

const bucketArns = (clusterName: string, accountId: string) => DATA_BUCKET_KINDS.map((k) => `arn:aws:s3:::${dataBucketName(clusterName, k, accountId)}`);

/** The buckets' SSE-KMS key, used only through S3 in this region (objects cannot be read or written without it). */
export type BucketKey = ServiceKey;

/** What the team's role grants: its own prefix of each data bucket, listing limited to that prefix. */
export function teamDataPolicy(team: TeamConfig, clusterName: string, accountId: string, key: BucketKey): PolicyDocument {
  const prefix = teamPrefix(team.name);
  const buckets = bucketArns(clusterName, accountId);
  return policyDocument(
    { Sid: "OwnPrefixObjects", Effect: "Allow", Action: OBJECT_ACTIONS, Resource: buckets.map((b) => `${b}/${prefix}*`) },
    { Sid: "ListOwnPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: buckets, Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } } },
    keyThroughService(key, "s3"),
  );
}

/**
 * The ceiling for every team role: team prefixes of the data buckets, and reading the teams' container log groups
 * (logging on EKS; each role's own policy then names only its team's group). Nothing else.
 */
export function teamBoundaryPolicy(clusterName: string, accountId: string, key: BucketKey): PolicyDocument {
  const buckets = bucketArns(clusterName, accountId);
  return policyDocument(
    keyThroughService(key, "s3"),
    { Sid: "TeamPrefixesOnly", Effect: "Allow", Action: OBJECT_ACTIONS, Resource: buckets.map((b) => `${b}/teams/*`) },
    { Sid: "ListTeamPrefixes", Effect: "Allow", Action: "s3:ListBucket", Resource: buckets, Condition: { StringLike: { "s3:prefix": ["teams/", "teams/*"] } } },
    {
      Sid: "ReadTeamLogGroups",
      Effect: "Allow",
      Action: [...LOG_READ_ACTIONS],
      Resource: `arn:aws:logs:${key.region}:${accountId}:log-group:${containerLogPrefix(clusterName)}teams/*`,
    },
  );
}

/** One access entry per IAM principal across all teams, carrying every team group it belongs to. */
export function teamAccessEntries(teams: readonly TeamConfig[], groupOf: (team: string, role: "admin" | "edit" | "view") => string): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  for (const team of teams) {
    for (const role of ["admin", "edit", "view"] as const) {
      for (const principal of team.owners[role].iamPrincipals) {
        const groups = entries.get(principal) ?? [];
        groups.push(groupOf(team.name, role));
        entries.set(principal, groups);
      }
    }
  }
  return entries;
}
