import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { TeamConfig } from "../../config/teams";
import { MLFLOW_NAMESPACE, MLFLOW_SECRET, MLFLOW_SERVICE_ACCOUNT, mlflowObjects, mlflowSecretTemplate } from "../../charts/services/mlflow";
import {
  MLFLOW_CREDENTIALS_SECRET,
  mlflowCredentialsTemplate,
  mlflowTeamPasswordSecret,
  mlflowTeams,
  mlflowTeamsInput,
  mlflowTeamsObjects,
  sha256,
} from "../../charts/services/mlflow-teams";
import { createObjectGroup } from "../kubernetes/object-group";
import { createCredential } from "./credentials";
import { MLFLOW_ARTIFACTS_PREFIX } from "../../domain/object-store-identities";
import { createServiceRole } from "./aws/role";
import { databaseEgress, databasePasswordTarget, grantFor, storageEgress, type ServiceContext } from "./context";
import type { DatabaseEndpoint } from "./database";

export const MLFLOW_GRANT = grantFor("mlflow");
/** Where MLflow keeps proxied artifacts: its own prefix of the artifacts bucket. */
export { MLFLOW_ARTIFACTS_PREFIX };

export interface MlflowArgs {
  readonly replicas: number;
  readonly database: DatabaseEndpoint;
  readonly context: ServiceContext;
  /** Teams; each that opted into mlflow gets a workspace, a user and its credentials Secret. @default none */
  readonly teams?: readonly TeamConfig[];
  /** Team namespaces exist before their credentials. @default none */
  readonly teamNamespaces?: pulumi.Input<pulumi.Resource>[];
}

/**
 * MLflow: generated database, admin and session secrets (never in config); artifacts proxied to
 * s3://<artifacts>/mlflow/ with a Pod Identity role limited to that prefix; the server itself from charts/services/mlflow;
 * per opted-in team a generated password (the team's `mlflow-credentials` Secret) and the Job that makes the
 * server's users, workspaces and roles match teams[] (charts/services/mlflow-teams).
 */
export class Mlflow extends pulumi.ComponentResource {
  /** The database-side password Secret, which the database's roles wait for. */
  readonly databasePassword: pulumi.Resource[];

  constructor(name: string, args: MlflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:Mlflow", name, {}, opts);
    const child = { parent: this };
    const ctx = args.context;
    const secret = (suffix: string, length: number) => new random.RandomPassword(`${name}-${suffix}`, { length, special: false }, child).result;
    const location = args.database.host.apply((host) => ({ host, port: args.database.port, database: MLFLOW_GRANT.database, user: MLFLOW_GRANT.role }));
    const template = location.apply(mlflowSecretTemplate);
    const [app, db] = [{ namespace: MLFLOW_NAMESPACE, secretName: MLFLOW_SECRET, template }, databasePasswordTarget(ctx, MLFLOW_GRANT)];
    this.databasePassword = createCredential(
      name,
      {
        store: ctx.store,
        values: { password: secret("database", 32), adminPassword: secret("admin", 32), secretKey: secret("session", 48) },
        targets: [app, db],
        labels: ctx.labels,
        dependsOn: ctx.dependsOn,
      },
      child,
    );
    const identity = ctx.aws
      ? createServiceRole(
          `${name}-artifacts`,
          {
            namespace: MLFLOW_NAMESPACE,
            serviceAccounts: [MLFLOW_SERVICE_ACCOUNT],
            where: { bucket: "artifacts", prefix: MLFLOW_ARTIFACTS_PREFIX },
            aws: ctx.aws,
            description: "MLflow tracking server: proxied artifacts under mlflow/ of the artifacts bucket",
          },
          child,
        ).associations
      : [];
    const objects = pulumi.all([ctx.bucketName("artifacts"), location]).apply(([bucket, database]) =>
      mlflowObjects({
        replicas: args.replicas,
        database,
        artifactsDestination: `s3://${bucket}/${MLFLOW_ARTIFACTS_PREFIX}`,
        region: ctx.aws?.region,
        s3: ctx.objectStore ? { endpoint: ctx.objectStore.endpoint, credentialsSecret: ctx.objectStore.credentialsSecret } : undefined,
        databaseEgress: databaseEgress(ctx, args.database),
        storageEgress: storageEgress(ctx),
        labels: ctx.labels,
      }),
    );
    const server = createObjectGroup(`${name}-server`, objects, { ...child, dependsOn: [...ctx.dependsOn, ...this.databasePassword, ...identity] });
    this.createTeamUsers(name, args, server);
    this.registerOutputs({});
  }

  /** Each team's password, delivered to its namespace and to the Job, and the Job once the server and Secrets exist. */
  private createTeamUsers(name: string, args: MlflowArgs, server: pulumi.Resource): void {
    const child = { parent: this };
    const ctx = args.context;
    const teams = mlflowTeams(args.teams ?? []);
    const passwords: Record<string, pulumi.Output<string>> = {};
    const credentials: pulumi.Resource[] = [];
    for (const team of teams) {
      const password = new random.RandomPassword(`${name}-team-${team.name}`, { length: 32, special: false }, child).result;
      passwords[team.name] = password;
      const targets = [
        { namespace: team.name, secretName: MLFLOW_CREDENTIALS_SECRET, template: mlflowCredentialsTemplate(team.name) },
        { namespace: MLFLOW_NAMESPACE, secretName: mlflowTeamPasswordSecret(team.name), template: { password: "{{ .password }}" } },
      ];
      const deps = [...ctx.dependsOn, ...(args.teamNamespaces ?? [])];
      credentials.push(
        ...createCredential(`${name}-team-${team.name}`, { store: ctx.store, values: { password }, targets, labels: ctx.labels, dependsOn: deps }, child),
      );
    }
    // Only digests reach the input (and the Job's name): a rotated password reruns the Job without showing it.
    const digests = pulumi.unsecret(pulumi.all(passwords).apply((byTeam) => Object.fromEntries(Object.entries(byTeam).map(([team, p]) => [team, sha256(p)]))));
    const objects = digests.apply((byTeam) => mlflowTeamsObjects(mlflowTeamsInput(teams, byTeam), ctx.labels));
    createObjectGroup(`${name}-teams`, objects, { ...child, dependsOn: [server, ...credentials, ...this.databasePassword] });
  }
}
