import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { TeamConfig } from "../../config/teams";
import { EVIDENTLY_NAMESPACE, evidentlyConfigSecret, evidentlyConfigTemplate, evidentlyObjects } from "../../charts/services/evidently";
import { EVIDENTLY_SECRET_KEY, modelDriftObservabilityObjects, modelMonitorObjects } from "../../charts/services/drift";
import { teamsUsing } from "../../domain/team-services";
import { EVIDENTLY_TOKEN_SECRET } from "../../domain/evidently";
import { createObjectGroup } from "../kubernetes/object-group";
import { createCredential } from "./credentials";
import { databaseEgress, databasePasswordTarget, evidentlyGrant, type ServiceContext } from "./context";
import type { DatabaseEndpoint } from "./database";

/** The Secret in a team's namespace holding its own instance's write token (key EVIDENTLY_SECRET_KEY). */
export const EVIDENTLY_SECRET = EVIDENTLY_TOKEN_SECRET;

export interface ModelMonitoringArgs {
  readonly database: DatabaseEndpoint;
  /** Teams; those that opted into evidently get their own instance and its write token, those with modelMonitors their CronJobs. */
  readonly teams: readonly TeamConfig[];
  /** Team namespaces exist before their secrets and jobs. */
  readonly teamNamespaces: pulumi.Input<pulumi.Resource>[];
  readonly context: ServiceContext;
}

/**
 * Evidently per team: for each team that opted in, an instance (charts/services/evidently.ts) with its own database
 * role and write token, the token delivered to that team's namespace alone; each team's drift CronJobs (uploading to
 * its own instance) and the Pushgateway in its namespace they push to, the scrape that labels their metrics with the
 * team, and the drift dashboard and alerts.
 */
export class ModelMonitoring extends pulumi.ComponentResource {
  /** Each team's credential: its database password Secret (and, on AWS, its sync). */
  readonly databasePassword: pulumi.Resource[];

  constructor(name: string, args: ModelMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:ModelMonitoring", name, {}, opts);
    const child = { parent: this };
    const ctx = args.context;
    const optedIn = teamsUsing(args.teams, "evidently");
    this.databasePassword = optedIn.flatMap((team) => {
      const grant = evidentlyGrant(team.name);
      const credential = `${name}-instance-${team.name}`;
      const template = args.database.host.apply((host) =>
        evidentlyConfigTemplate({ host, port: args.database.port, database: grant.database, user: grant.role }),
      );
      return createCredential(
        credential,
        {
          store: ctx.store,
          values: {
            password: new random.RandomPassword(`${credential}-database`, { length: 32, special: false }, child).result,
            secret: new random.RandomPassword(`${credential}-write`, { length: 40, special: false }, child).result,
          },
          targets: [
            { namespace: EVIDENTLY_NAMESPACE, secretName: evidentlyConfigSecret(team.name), template },
            databasePasswordTarget(ctx, grant),
            // The team gets its own instance's write token alone; its drift jobs mount it as a file (EVIDENTLY_SECRET_FILE).
            { namespace: team.name, secretName: EVIDENTLY_SECRET, template: { [EVIDENTLY_SECRET_KEY]: "{{ .secret }}" } },
          ],
          labels: ctx.labels,
          dependsOn: [...ctx.dependsOn, ...args.teamNamespaces],
        },
        child,
      );
    });
    createObjectGroup(
      `${name}-service`,
      evidentlyObjects({ teams: optedIn.map((t) => t.name), databaseEgress: databaseEgress(ctx, args.database), labels: ctx.labels }),
      {
        ...child,
        dependsOn: [...ctx.dependsOn, ...this.databasePassword],
      },
    );
    const monitoring = optedIn.filter((t) => t.modelMonitors.length > 0);
    createObjectGroup(
      `${name}-drift-observability`,
      modelDriftObservabilityObjects(
        ctx.labels,
        monitoring.map((t) => t.name),
      ),
      { ...child, dependsOn: ctx.dependsOn },
    );
    for (const team of monitoring) {
      const objects = pulumi.output(ctx.bucketName("datasets")).apply((bucket) =>
        modelMonitorObjects(team, {
          datasetsBucket: bucket,
          region: ctx.aws?.region,
          s3Endpoint: ctx.objectStore?.endpoint,
          s3CredentialsSecret: ctx.objectStore?.credentialsSecret,
          evidentlySecretName: EVIDENTLY_SECRET,
        }),
      );
      createObjectGroup(`${name}-${team.name}`, objects, { ...child, dependsOn: [...args.teamNamespaces, ...this.databasePassword] });
    }
    this.registerOutputs({});
  }
}
