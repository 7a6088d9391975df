import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LogDestination } from "../../config/logging";
import { platformLogGroupName, teamLogGroupName } from "../../domain/log-groups";
import { LOGGING_NAMESPACE } from "../../domain/platform-namespaces";
import { CHARTS } from "../../domain/versions";
import { podIdentityTrustPolicy } from "../aws/iam";
import { inheritedDependsOn } from "../dependencies";
import { createObjectGroup } from "../kubernetes/object-group";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import type { ApiServerAddresses } from "../queues/namespace";
import { fluentBitLogsPolicy, teamLogsReadPolicy } from "./iam";
import { loggingNamespaceObjects } from "./namespace";
import { FLUENT_BIT_RELEASE, FLUENT_BIT_SERVICE_ACCOUNT, fluentBitValues } from "./values";

export * from "./iam";
export * from "./namespace";
export * from "./values";

/** CloudWatch Logs on EKS: the groups, Fluent Bit's Pod Identity role, and the teams' read policies. */
export interface CloudWatchLoggingArgs {
  /** The EKS cluster (an Output), for the Pod Identity association. */
  readonly eksClusterName: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly region: string;
  /** The platform's logs key (KmsKeys' `logs`), whose policy lets CloudWatch Logs of this account and region use it. */
  readonly logsKeyArn: pulumi.Input<string>;
  /** Days CloudWatch Logs keeps every group (logging.retentionDays, or the tier's). */
  readonly retentionDays: number;
  /** Each team's IAM role name (Teams' `roleNames`): its read policy is attached there. @default {} */
  readonly teamRoleNames?: Readonly<Record<string, pulumi.Input<string>>>;
  /** protect and retain-on-delete on the log groups (stateful: they hold the logs). @default false */
  readonly protect?: boolean;
}

export interface LoggingArgs {
  /** The cluster's name: it names the log groups (`/mlops/<cluster>/…`). */
  readonly clusterName: string;
  /** Team names; each team's namespace is named after the team, and its logs go to its own group (EKS) or carry its name. */
  readonly teams: readonly string[];
  /** CloudWatch Logs on EKS; exactly one of `cloudwatch` and `destination`. */
  readonly cloudwatch?: CloudWatchLoggingArgs;
  /** Each team's cost center, tagged on its group and read policy with its `team` (cost-tags). @default the labels' */
  readonly teamCostCenters?: Readonly<Record<string, string>>;
  /** The site's destination on an existing cluster. */
  readonly destination?: LogDestination;
  /** Where the API server is, for the namespace's NetworkPolicies. @default ANY_API_SERVER (any address) */
  readonly apiServer?: ApiServerAddresses;
  /** Labels for the objects we author, the Fluent Bit pods and the log groups' tags. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Container logs: Fluent Bit from its upstream chart as a DaemonSet on every node, in the logging namespace
 * (privileged by exception for its read-only host log mounts, default-deny otherwise). On EKS, one CloudWatch Logs
 * group per team and one for the platform, with retention and the platform's KMS key; Fluent Bit ships to them with a
 * Pod Identity role that may only add streams and events there, and each team role may read its own group. On an
 * existing cluster, Fluent Bit ships everything, stamped with its team, to the site's destination. Pass the
 * Observability component in `dependsOn`: the chart's ServiceMonitor needs its CRDs.
 */
export class Logging extends pulumi.ComponentResource {
  readonly namespace = LOGGING_NAMESPACE;
  readonly chart: k8s.helm.v4.Chart;
  /** Log group names by team, and the platform's (EKS). */
  readonly teamLogGroups: Record<string, string> = {};
  readonly platformLogGroup?: string;
  /** Each team's read policy (EKS): attached to the team role, and attachable to the team's people's roles. */
  readonly teamReadPolicyArns: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:logging:Logging", name, {}, opts);
    if ((args.cloudwatch === undefined) === (args.destination === undefined))
      throw new Error("Logging: give exactly one of cloudwatch (EKS) and destination (existing cluster)");
    const inherited = inheritedDependsOn(opts);
    const egress = args.destination ? { kind: "site" as const, port: args.destination.port } : { kind: "cloudwatch" as const };
    const base = createObjectGroup(`${name}-namespace`, loggingNamespaceObjects({ egress, apiServer: args.apiServer, labels: args.labels }), {
      parent: this,
      dependsOn: inherited,
    });
    let awsReady: pulumi.Resource[] = [];
    let sink: Parameters<typeof fluentBitValues>[0]["sink"];
    if (args.cloudwatch) {
      const cw = args.cloudwatch;
      this.platformLogGroup = platformLogGroupName(args.clusterName);
      for (const team of args.teams) this.teamLogGroups[team] = teamLogGroupName(args.clusterName, team);
      awsReady = this.createCloudWatch(name, args, cw);
      sink = { kind: "cloudwatch", region: cw.region, platformGroup: this.platformLogGroup, teamGroups: { ...this.teamLogGroups } };
    } else {
      sink = { kind: "site", destination: args.destination as LogDestination };
    }
    // Released as "fluent-bit" whatever the component is called: the chart names its ServiceAccount after the release.
    const values = fluentBitValues({ teams: args.teams, sink, labels: args.labels });
    this.chart = createUpstreamChart(FLUENT_BIT_RELEASE, CHARTS.fluentBit, LOGGING_NAMESPACE, values, {
      parent: this,
      dependsOn: [base, ...awsReady, ...inherited],
    });
    this.registerOutputs({ namespace: this.namespace, platformLogGroup: this.platformLogGroup, teamLogGroups: this.teamLogGroups });
  }

  /** The groups, Fluent Bit's role and association, and the teams' read policies; returns what the chart waits for. */
  private createCloudWatch(name: string, args: LoggingArgs, cw: CloudWatchLoggingArgs): pulumi.Resource[] {
    const child = { parent: this };
    const stateful = { parent: this, protect: cw.protect, retainOnDelete: cw.protect };
    const tags = { ...args.labels };
    // A team's things carry its team and its cost center; the platform's keep the labels' (team platform).
    const teamTags = (team: string) => ({ ...tags, team, ...(args.teamCostCenters?.[team] ? { "cost-center": args.teamCostCenters[team] } : {}) });
    const group = (resourceName: string, groupName: string, groupTags: Record<string, string>) =>
      new aws.cloudwatch.LogGroup(resourceName, { name: groupName, retentionInDays: cw.retentionDays, kmsKeyId: cw.logsKeyArn, tags: groupTags }, stateful);
    const groups = [
      group(`${name}-platform`, platformLogGroupName(args.clusterName), tags),
      ...args.teams.map((team) => group(`${name}-team-${team}`, this.teamLogGroups[team], teamTags(team))),
    ];
    const groupNames = [platformLogGroupName(args.clusterName), ...Object.values(this.teamLogGroups)];

    const role = new aws.iam.Role(
      `${name}-fluent-bit`,
      {
        description: `Fluent Bit of ${args.clusterName}: ships container logs to its CloudWatch Logs groups`,
        assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
      },
      child,
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-fluent-bit`,
      { role: role.id, policy: pulumi.output(cw.accountId).apply((id) => JSON.stringify(fluentBitLogsPolicy(cw.region, id, groupNames))) },
      child,
    );
    const association = new aws.eks.PodIdentityAssociation(
      `${name}-fluent-bit`,
      { clusterName: cw.eksClusterName, namespace: LOGGING_NAMESPACE, serviceAccount: FLUENT_BIT_SERVICE_ACCOUNT, roleArn: role.arn },
      child,
    );

    for (const team of args.teams) {
      const read = new aws.iam.Policy(
        `${name}-team-${team}-read`,
        {
          description: `Read team ${team}'s container logs (${this.teamLogGroups[team]})`,
          policy: pulumi.output(cw.accountId).apply((id) => JSON.stringify(teamLogsReadPolicy(cw.region, id, this.teamLogGroups[team]))),
          tags: teamTags(team),
        },
        child,
      );
      this.teamReadPolicyArns[team] = read.arn;
      const roleName = cw.teamRoleNames?.[team];
      if (roleName !== undefined) new aws.iam.RolePolicyAttachment(`${name}-team-${team}-read`, { role: roleName, policyArn: read.arn }, child);
    }
    return [...groups, policy, association];
  }
}
