import * as aws from "@pulumi/aws";
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { TEAM_WORKLOAD_SERVICE_ACCOUNT, platformAdminObjects, teamGroup, teamObjects } from "../../charts/team";
import type { AccessConfig } from "../../config/access";
import type { TeamConfig } from "../../config/teams";
import type { KserveMode } from "../../config/services";
import { createObjectGroup } from "../kubernetes/object-group";
import { guardrailObjects } from "../../charts/guardrails";
import { namespaceImageRegistries } from "../../charts/guardrails/rules";
import { kserveRoutesInferenceServices } from "../../charts/guardrails/models";
import { DRIFT_JOB_IMAGES } from "../../charts/services/drift";
import { IMAGES } from "../../domain/versions";
import type { GuardrailsConfig } from "../../config/guardrails";
import { kfpDefaultNetwork, KFP_IN_CLUSTER_MYSQL } from "../../charts/team/network";
import type { KfpNetwork } from "../../charts/team/pipelines";
import { RDS_ENGINES } from "../../domain/versions";
import { ANY_API_SERVER, type ApiServerAddresses } from "../queues/namespace";
import type { TeamCost } from "../../domain/team-cost";
import { teamAccessEntries, teamBoundaryPolicy, teamDataPolicy, teamServiceAccounts, teamTrustPolicy } from "./iam";

export * from "./iam";

/**
 * A stable, collision-free resource-name fragment for an IAM principal: readable account and path plus a
 * short hash of the whole ARN (ml_admin and ml-admin would otherwise both read ml-admin).
 */
export function principalSlug(arn: string): string {
  const readable = arn
    .split(":")
    .slice(4)
    .join("-")
    .replace(/[^A-Za-z0-9-]/g, "-");
  return `${readable}-${createHash("sha256").update(arn).digest("hex").slice(0, 8)}`;
}
export * from "../../domain/team-services";

/**
 * The registries team images may come from: the configured ones plus those of the images the platform itself runs in
 * team namespaces (the drift jobs', every team). With a team that opted into pipelines, what its namespace admits:
 * also the repositories of its own Kubeflow Pipelines and its runs (domain/pipelines.ts KFP_IMAGE_REPOSITORIES),
 * which the registry rule admits there only.
 */
export function teamImageRegistries(cfg: GuardrailsConfig | undefined, team?: Pick<TeamConfig, "services">): string[] | undefined {
  if (cfg?.imageRegistries === undefined) return undefined;
  // The drift images' exact repositories, not their registries' whole organisations.
  const all = [...new Set([...cfg.imageRegistries, ...Object.values(DRIFT_JOB_IMAGES).map((image) => IMAGES[image].repository)])];
  return namespaceImageRegistries(all, team?.services.includes("pipelines") ?? false);
}

/** The GPU pools the teams' quotas name: the stack's GPU pools as far as the teams alone tell. */
export function teamGpuPools(teams: readonly TeamConfig[]): string[] {
  return [...new Set(teams.flatMap((t) => t.quota.gpu.map((share) => share.pool)))];
}

export interface TeamsArgs {
  readonly teams: readonly TeamConfig[];
  /** Tier; prod withholds pods/exec and attach from team roles. */
  readonly environment: string;
  /** How KServe serves the teams' models (how their predictors are reached follows it). @default "standard" */
  readonly kserveMode?: KserveMode;
  /** The in-cluster S3 store of an existing cluster (the drift jobs fetch datasets from it). */
  readonly objectStore?: { readonly namespace: string; readonly port: number };
  /** Settings of the runtime admission rules (charts/guardrails). @default any image registry */
  readonly guardrails?: GuardrailsConfig;
  /**
   * Every GPU pool of the stack, for the queue rule (a nodeSelector on a pool the namespace is not entitled to is
   * refused): pass gpuFlavors(queuePlatform(cfg)) names. @default the pools some team's quota names (teamGpuPools)
   */
  readonly gpuPools?: readonly string[];
  /**
   * The stack's `access`: owner groups are bound with its groupsPrefix, and the admins' groups get cluster-admin
   * (one ClusterRoleBinding). @default none (groups bound as configured, no admin binding)
   */
  readonly access?: AccessConfig;
  /**
   * Where the API server is: a team's own Kubeflow Pipelines (its controllers, API server, UI and run steps) reaches
   * it there (pass eksApiServer(...) on EKS). @default ANY_API_SERVER
   */
  readonly apiServer?: ApiServerAddresses;
  /**
   * Per team name, what its quota may cost and its cost center's budget (domain/team-cost.ts teamCosts): annotated on
   * its Namespace. @default no cost annotations
   */
  readonly costs?: Readonly<Record<string, TeamCost>>;
  /** AWS identity for team workloads; omitted on an existing cluster (Kubernetes side only). */
  readonly aws?: {
    /** EKS cluster name as an output, for Pod Identity associations and access entries. */
    readonly eksClusterName: pulumi.Input<string>;
    /** Plain cluster name: the data-bucket naming convention uses it. */
    readonly clusterName: string;
    readonly accountId: pulumi.Input<string>;
    /** The data buckets' KMS key and region: team roles may use it through S3 only. */
    readonly bucketKeyArn: pulumi.Input<string>;
    readonly region: string;
    /**
     * The VPC's CIDR, where the RDS MySQL of the teams' Kubeflow Pipelines is reached on 3306.
     * @default the private address ranges (kfpDefaultNetwork)
     */
    readonly vpcCidr?: string;
  };
}

/**
 * Where the teams' own Kubeflow Pipelines reach their databases and the API server: RDS in the VPC on EKS, KFP's
 * own MySQL in kubeflow on an existing cluster.
 */
export function teamsPipelinesNetwork(args: Pick<TeamsArgs, "apiServer" | "aws">): KfpNetwork {
  const apiServer = args.apiServer ?? ANY_API_SERVER;
  if (!args.aws) return { database: { kind: "pods", ...KFP_IN_CLUSTER_MYSQL }, apiServer };
  const vpc = args.aws.vpcCidr;
  return { database: vpc ? { kind: "cidrs", cidrs: [vpc], port: RDS_ENGINES.mysql.port } : kfpDefaultNetwork(true).database, apiServer };
}

/**
 * Every team of the stack: one ConfigGroup of the team's cdk8s objects (namespace, quota, limits, network
 * policies, RBAC, service accounts) and, on EKS, an IAM role through Pod Identity with a permissions boundary,
 * plus one access entry per IAM principal mapping it to its team groups.
 */
export class Teams extends pulumi.ComponentResource {
  readonly namespaces: string[];
  readonly roleArns: Record<string, pulumi.Output<string>> = {};
  /** Each team role's name, for policies other components attach to it (its container logs' read policy). */
  readonly roleNames: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: TeamsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:teams:Teams", name, {}, opts);
    const child = { parent: this };
    const onAws = args.aws;
    // Cluster-wide and for every team namespace, so they come first and stand even with no team.
    const guardrails = {
      imageRegistries: teamImageRegistries(args.guardrails),
      gpuPools: args.gpuPools ?? teamGpuPools(args.teams),
      kserveRoutes: kserveRoutesInferenceServices(args),
    };
    createObjectGroup(`${name}-guardrails`, guardrailObjects(guardrails), child);
    if (args.access) createObjectGroup(`${name}-platform-admins`, platformAdminObjects(args.access), child);
    for (const team of args.teams) {
      const objects = teamObjects({
        team,
        environment: args.environment,
        podIdentity: onAws !== undefined,
        kserveMode: args.kserveMode,
        objectStore: args.objectStore,
        access: args.access,
        pipelines: teamsPipelinesNetwork(args),
        cost: args.costs?.[team.name],
      });
      createObjectGroup(`${name}-${team.name}`, objects, child);
    }
    if (onAws) this.createIdentities(name, args.teams, onAws);
    this.namespaces = args.teams.map((t) => t.name);
    this.registerOutputs({ namespaces: this.namespaces });
  }

  private createIdentities(name: string, teams: readonly TeamConfig[], args: NonNullable<TeamsArgs["aws"]>): void {
    const child = { parent: this };
    const accountId = pulumi.output(args.accountId);
    const boundary = new aws.iam.Policy(
      `${name}-boundary`,
      {
        description: "Ceiling for every team role: team prefixes of the data buckets only",
        policy: pulumi
          .all([accountId, args.bucketKeyArn])
          .apply(([id, arn]) => JSON.stringify(teamBoundaryPolicy(args.clusterName, id, { arn, region: args.region }))),
      },
      child,
    );
    for (const team of teams) {
      const tags = { team: team.name, "cost-center": team.costCenter };
      const accounts = teamServiceAccounts(team);
      const role = new aws.iam.Role(
        `${name}-${team.name}`,
        {
          description: `Workloads of team ${team.name} (Pod Identity, ${accounts.map((sa) => `${team.name}/${sa}`).join(", ")})`,
          assumeRolePolicy: JSON.stringify(teamTrustPolicy(team.name, accounts)),
          permissionsBoundary: boundary.arn,
          tags,
        },
        child,
      );
      new aws.iam.RolePolicy(
        `${name}-${team.name}`,
        {
          role: role.id,
          policy: pulumi
            .all([accountId, args.bucketKeyArn])
            .apply(([id, arn]) => JSON.stringify(teamDataPolicy(team, args.clusterName, id, { arn, region: args.region }))),
        },
        child,
      );
      // One association per account, all in the team's own namespace and on its own role (team-workload keeps the
      // resource name it always had; the pipelines accounts are suffixed with theirs).
      for (const serviceAccount of accounts) {
        new aws.eks.PodIdentityAssociation(
          serviceAccount === TEAM_WORKLOAD_SERVICE_ACCOUNT ? `${name}-${team.name}` : `${name}-${team.name}-${serviceAccount}`,
          { clusterName: args.eksClusterName, namespace: team.name, serviceAccount, roleArn: role.arn, tags },
          child,
        );
      }
      this.roleArns[team.name] = role.arn;
      this.roleNames[team.name] = role.name;
    }
    for (const [principal, groups] of teamAccessEntries(teams, teamGroup)) {
      // Namespace-scoped rights come from RoleBindings on these groups; the entry grants no access policy.
      new aws.eks.AccessEntry(
        `${name}-${principalSlug(principal)}`,
        { clusterName: args.eksClusterName, principalArn: principal, kubernetesGroups: groups, type: "STANDARD" },
        child,
      );
    }
  }
}
