import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { TeamConfig } from "../../config/teams";
import { EVIDENTLY_NAMESPACE, evidentlyConfigTemplate, evidentlyObjects } from "../../charts/services/evidently";
import { EVIDENTLY_SECRET_KEY, modelDriftObservabilityObjects, modelMonitorObjects } from "../../charts/services/drift";
import { createObjectGroup } from "../kubernetes/object-group";
import { createCredential, type CredentialTarget } from "./credentials";
import { databaseEgress, databasePasswordTarget, grantFor, type ServiceContext } from "./context";
import type { DatabaseEndpoint } from "./database";

export const EVIDENTLY_GRANT = grantFor("evidently");
export const EVIDENTLY_SECRET = "evidently";

export interface ModelMonitoringArgs {
  readonly database: DatabaseEndpoint;
  /** Teams; those that opted into evidently get its write secret, those with modelMonitors their CronJobs. */
  readonly teams: readonly TeamConfig[];
  /** Team namespaces exist before their secrets and jobs. */
  readonly teamNamespaces: pulumi.Input<pulumi.Resource>[];
  readonly context: ServiceContext;
}

/**
 * Evidently's service (snapshots in the platform Postgres), each team's drift CronJobs and the Pushgateway in its
 * namespace they push to, the scrape that labels their metrics with the team, and the drift dashboard and alerts.
 */
export class ModelMonitoring extends pulumi.ComponentResource {
  readonly databasePassword: pulumi.Resource[];

  constructor(name: string, args: ModelMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:services:ModelMonitoring", name, {}, opts);
    const child = { parent: this };
    const ctx = args.context;
    const optedIn = args.teams.filter((t) => t.services.includes("evidently"));
    const template = args.database.host.apply((host) =>
      evidentlyConfigTemplate({ host, port: args.database.port, database: EVIDENTLY_GRANT.database, user: EVIDENTLY_GRANT.role }),
    );
    // Teams get the write secret alone; their drift jobs mount it as a file (EVIDENTLY_SECRET_FILE).
    const teamTargets: CredentialTarget[] = optedIn.map((t) => ({
      namespace: t.name,
      secretName: EVIDENTLY_SECRET,
      template: { [EVIDENTLY_SECRET_KEY]: "{{ .secret }}" },
    }));
    this.databasePassword = createCredential(
      name,
      {
        store: ctx.store,
        values: {
          password: new random.RandomPassword(`${name}-database`, { length: 32, special: false }, child).result,
          secret: new random.RandomPassword(`${name}-write`, { length: 40, special: false }, child).result,
        },
        targets: [{ namespace: EVIDENTLY_NAMESPACE, secretName: EVIDENTLY_SECRET, template }, databasePasswordTarget(ctx, EVIDENTLY_GRANT), ...teamTargets],
        labels: ctx.labels,
        dependsOn: [...ctx.dependsOn, ...args.teamNamespaces],
      },
      child,
    );
    createObjectGroup(
      `${name}-service`,
      evidentlyObjects({ secretName: EVIDENTLY_SECRET, databaseEgress: databaseEgress(ctx, args.database), labels: ctx.labels }),
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
