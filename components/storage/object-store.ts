import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { k8s as kube, manifests } from "../../charts/kube";
import { podSecurityLabels } from "../../charts/pod-security";
import { renderTemplate } from "../../charts/services/external-secrets";
import { objectStoreCredentialsTemplate } from "../../charts/services/secret-files";
import { loadValuesFile, mergeValues } from "../../charts/values";
import { createObjectGroup } from "../kubernetes/object-group";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { podTemplateAnnotationsTransform } from "../kubernetes/pod-template-annotations";
import { CHARTS } from "../../domain/versions";
import {
  OBJECT_STORE_ADMIN,
  objectStoreIdentities,
  s3IdentitiesConfig,
  type ObjectStoreConsumers,
  type ObjectStoreIdentity,
  type ObjectStoreKeys,
} from "../../domain/object-store-identities";
import { bucketJobObjects, OBJECT_STORE_CREDENTIALS_SECRET, OBJECT_STORE_S3_ENDPOINT } from "./local-buckets";
import { OBJECT_STORE_NAMESPACE } from "../../domain/platform-namespaces";

export { OBJECT_STORE_NAMESPACE };
/** The identities file of SeaweedFS (domain/object-store-identities.ts), under its former name. */
export const OBJECT_STORE_CONFIG_SECRET = "s3-identities";
/**
 * The S3 gateway's pod annotation with a hash of the identities file: weed reads `-config` at start and on
 * SIGHUP only (weed/s3api/s3api_server.go at 4.44, grace.OnReload), so a changed file reaches it by a rollout.
 */
export const IDENTITIES_CHECKSUM_ANNOTATION = "checksum/s3-identities";
/** The chart's S3 gateway Deployment (fullnameOverride seaweedfs in charts/values/seaweedfs.yaml), which reads the identities file. */
export const OBJECT_STORE_S3_DEPLOYMENT = "seaweedfs-s3";

/** weed reads the identities file only at start: its checksum on the gateway's pod template rolls them when it changes. */
export const identitiesRollout = (checksum: pulumi.Input<string>): pulumi.ResourceTransform =>
  podTemplateAnnotationsTransform(OBJECT_STORE_S3_DEPLOYMENT, { [IDENTITIES_CHECKSUM_ANNOTATION]: checksum });

/** An identity's keys as the consumers' Secret holds them (charts/services/secret-files.ts objectStoreCredentialsTemplate). */
export type ObjectStoreCredentials = pulumi.Output<{ readonly AWS_ACCESS_KEY_ID: string; readonly AWS_SECRET_ACCESS_KEY: string }>;

export interface ObjectStoreArgs {
  /** Cost labels on the namespace. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Who reads or writes the store; each gets its own identity and keys (domain/object-store-identities.ts). @default the bucket Job only */
  readonly consumers?: ObjectStoreConsumers;
}

/** One identity's generated keys. `rotation` forces new values when it changes (random's keepers). */
function generateKeys(name: string, rotation: Record<string, string>, parent: pulumi.Resource) {
  const opts = { parent, additionalSecretOutputs: ["result"] };
  const accessKey = new random.RandomPassword(`${name}-access-key`, { length: 20, special: false, upper: true, lower: false, keepers: rotation }, opts);
  const secretKey = new random.RandomPassword(`${name}-secret-key`, { length: 40, special: false, keepers: rotation }, opts);
  return pulumi.all([accessKey.result, secretKey.result]).apply(([a, s]): ObjectStoreKeys => ({ accessKey: a, secretKey: s }));
}

/**
 * The S3-compatible store for clusters without AWS (kind, on-prem): SeaweedFS from its upstream chart, with
 * S3 authentication on and one identity per consumer, keys generated here (MinIO's open-source edition is
 * archived; SeaweedFS is Apache-2.0 and maintained). Only the bucket Job holds the admin keys, in this
 * namespace. Its namespace enforces baseline and warns at restricted: the chart is third-party.
 */
export class ObjectStore extends pulumi.ComponentResource {
  /** Every identity of the store: the admin, the services, the teams. */
  readonly identities: readonly ObjectStoreIdentity[];
  /** Each consumer identity's keys (Pulumi secrets), by identity name; the admin's stay in this component. */
  readonly credentials: Readonly<Record<string, ObjectStoreCredentials>>;
  readonly endpoint = OBJECT_STORE_S3_ENDPOINT;
  /** The store is up and its buckets exist. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: ObjectStoreArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:ObjectStore", name, {}, opts);
    const namespace = manifests((scope) => {
      new kube.KubeNamespace(scope, "namespace", { metadata: { name: OBJECT_STORE_NAMESPACE, labels: { ...args.labels, ...podSecurityLabels("baseline") } } });
    });
    const ns = createObjectGroup(`${name}-namespace`, namespace, { parent: this });
    this.identities = objectStoreIdentities(args.consumers ?? { mlflow: false, teams: [] });
    // The admin keeps the first keys' resource names; the identity keeper replaced the single shared key every
    // consumer held, so no namespace keeps a working copy of the admin's.
    const keys = Object.fromEntries(
      this.identities.map((identity) => [
        identity.name,
        identity.name === OBJECT_STORE_ADMIN ? generateKeys(name, { identity: identity.name }, this) : generateKeys(`${name}-${identity.name}`, {}, this),
      ]),
    );
    const config = pulumi.all(keys).apply((all) => s3IdentitiesConfig(this.identities, all));
    const secret = new k8s.core.v1.Secret(
      `${name}-identities`,
      { metadata: { name: OBJECT_STORE_CONFIG_SECRET, namespace: OBJECT_STORE_NAMESPACE }, stringData: { seaweedfs_s3_config: config } },
      { parent: this, dependsOn: [ns], additionalSecretOutputs: ["stringData", "data"] },
    );
    // A hash of random keys reveals nothing about them; unmasked, so the plan shows when the gateway restarts.
    const checksum = pulumi.unsecret(config.apply((text) => createHash("sha256").update(text).digest("hex")));
    const values = mergeValues(loadValuesFile("seaweedfs"), { s3: { existingConfigSecret: OBJECT_STORE_CONFIG_SECRET } });
    const chart = createUpstreamChart(name, CHARTS.seaweedfs, OBJECT_STORE_NAMESPACE, values, {
      parent: this,
      dependsOn: [secret],
      transforms: [identitiesRollout(checksum)],
    });
    const asEnv = (own: pulumi.Output<ObjectStoreKeys>): ObjectStoreCredentials =>
      pulumi.secret(own.apply((k) => ({ AWS_ACCESS_KEY_ID: k.accessKey, AWS_SECRET_ACCESS_KEY: k.secretKey })));
    this.credentials = Object.fromEntries(this.identities.filter((i) => !i.admin).map((i) => [i.name, asEnv(keys[i.name])]));
    const admin = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: { name: OBJECT_STORE_CREDENTIALS_SECRET, namespace: OBJECT_STORE_NAMESPACE },
        // The bucket Job mounts the credentials file from it; the raw keys stay for the same layout as every reader's copy.
        stringData: asEnv(keys[OBJECT_STORE_ADMIN]).apply((k) => renderTemplate(objectStoreCredentialsTemplate(), k)),
      },
      { parent: this, dependsOn: [ns], additionalSecretOutputs: ["stringData", "data"] },
    );
    this.ready = createObjectGroup(`${name}-buckets`, bucketJobObjects(OBJECT_STORE_NAMESPACE), { parent: this, dependsOn: [chart, admin] });
    this.registerOutputs({});
  }
}
