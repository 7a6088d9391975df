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
import { CHARTS } from "../../domain/versions";
import { bucketJobObjects, OBJECT_STORE_CREDENTIALS_SECRET, OBJECT_STORE_S3_ENDPOINT } from "./local-buckets";
import { OBJECT_STORE_NAMESPACE } from "../../domain/platform-namespaces";

export { OBJECT_STORE_NAMESPACE };
export const OBJECT_STORE_CONFIG_SECRET = "s3-identities";

/** SeaweedFS's S3 identities file: one admin identity with the generated keys. */
export function s3Identities(accessKey: string, secretKey: string): string {
  return JSON.stringify({
    identities: [{ name: "platform", credentials: [{ accessKey, secretKey }], actions: ["Admin", "Read", "Write", "List", "Tagging"] }],
  });
}

/**
 * The S3-compatible store for clusters without AWS (kind, on-prem): SeaweedFS from its upstream chart, with
 * S3 authentication on and keys generated here (MinIO's open-source edition is archived; SeaweedFS is
 * Apache-2.0 and maintained). Its namespace enforces baseline and warns at restricted: the chart is third-party.
 */
export class ObjectStore extends pulumi.ComponentResource {
  /** The generated S3 keys (Pulumi secrets), for the services and team jobs that use the store. */
  readonly credentials: pulumi.Output<{ readonly AWS_ACCESS_KEY_ID: string; readonly AWS_SECRET_ACCESS_KEY: string }>;
  readonly endpoint = OBJECT_STORE_S3_ENDPOINT;
  /** The store is up and its buckets exist. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: { labels?: Readonly<Record<string, string>> } = {}, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:ObjectStore", name, {}, opts);
    const namespace = manifests((scope) => {
      new kube.KubeNamespace(scope, "namespace", { metadata: { name: OBJECT_STORE_NAMESPACE, labels: { ...args.labels, ...podSecurityLabels("baseline") } } });
    });
    const ns = createObjectGroup(`${name}-namespace`, namespace, { parent: this });
    const accessKey = new random.RandomPassword(`${name}-access-key`, { length: 20, special: false, upper: true, lower: false }, { parent: this });
    const secretKey = new random.RandomPassword(`${name}-secret-key`, { length: 40, special: false }, { parent: this });
    const secret = new k8s.core.v1.Secret(
      `${name}-identities`,
      {
        metadata: { name: OBJECT_STORE_CONFIG_SECRET, namespace: OBJECT_STORE_NAMESPACE },
        stringData: { seaweedfs_s3_config: pulumi.all([accessKey.result, secretKey.result]).apply(([a, s]) => s3Identities(a, s)) },
      },
      { parent: this, dependsOn: [ns], additionalSecretOutputs: ["stringData", "data"] },
    );
    const values = mergeValues(loadValuesFile("seaweedfs"), { s3: { existingConfigSecret: OBJECT_STORE_CONFIG_SECRET } });
    const chart = createUpstreamChart(name, CHARTS.seaweedfs, OBJECT_STORE_NAMESPACE, values, { parent: this, dependsOn: [secret] });
    this.credentials = pulumi.secret(pulumi.all([accessKey.result, secretKey.result]).apply(([a, s]) => ({ AWS_ACCESS_KEY_ID: a, AWS_SECRET_ACCESS_KEY: s })));
    const keys = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: { name: OBJECT_STORE_CREDENTIALS_SECRET, namespace: OBJECT_STORE_NAMESPACE },
        // The bucket Job mounts the credentials file from it; the raw keys stay for the same layout as every reader's copy.
        stringData: this.credentials.apply((keys) => renderTemplate(objectStoreCredentialsTemplate(), keys)),
      },
      { parent: this, dependsOn: [ns], additionalSecretOutputs: ["stringData", "data"] },
    );
    this.ready = createObjectGroup(`${name}-buckets`, bucketJobObjects(OBJECT_STORE_NAMESPACE), { parent: this, dependsOn: [chart, keys] });
    this.registerOutputs({});
  }
}
