/**
 * The local stack's buckets on SeaweedFS. Its chart creates buckets in a post-install Helm hook, which
 * Pulumi's helm.v4.Chart does not run, so a Job of ours creates them (idempotently) with the AWS CLI.
 */
import { createHash } from "node:crypto";
import { manifests, oneShotJob, resources, type Manifest } from "../../charts/kube";
import { objectStoreCredentialsFile } from "../../charts/services/secret-files";
import { DATA_BUCKET_KINDS } from "../../domain/storage-naming";
import { imageRef } from "../../domain/versions";
import { OBJECT_STORE_NAMESPACE } from "../../domain/platform-namespaces";

export const OBJECT_STORE_S3_PORT = 8333;
/** SeaweedFS's S3 gateway (fullnameOverride seaweedfs in charts/values/seaweedfs.yaml). */
export const OBJECT_STORE_S3_ENDPOINT = `http://seaweedfs-s3.${OBJECT_STORE_NAMESPACE}.svc:${OBJECT_STORE_S3_PORT}`;
/** The Secret with an identity's S3 keys in each consuming namespace (domain/object-store-identities.ts). */
import { OBJECT_STORE_CREDENTIALS_SECRET } from "../../domain/object-store-identities";
export { OBJECT_STORE_CREDENTIALS_SECRET };

/** On the local stack a bucket is named after its kind. */
export const localBucketName = (kind: (typeof DATA_BUCKET_KINDS)[number]) => kind;

export function bucketJobObjects(namespace: string): Manifest[] {
  const buckets = DATA_BUCKET_KINDS.map(localBucketName);
  const script = buckets.map((b) => `aws s3api head-bucket --bucket ${b} 2>/dev/null || aws s3api create-bucket --bucket ${b}`).join("\n");
  const name = `create-buckets-${createHash("sha256").update(script).digest("hex").slice(0, 8)}`;
  const labels = { "app.kubernetes.io/name": "create-buckets" };
  const credentials = objectStoreCredentialsFile(OBJECT_STORE_CREDENTIALS_SECRET);
  return manifests((scope) => {
    oneShotJob(scope, {
      name,
      namespace,
      labels,
      container: {
        name: "create",
        image: imageRef("awsCli"),
        command: ["/bin/sh", "-ec", script],
        env: [{ name: "AWS_ENDPOINT_URL", value: OBJECT_STORE_S3_ENDPOINT }, { name: "AWS_REGION", value: "us-east-1" }, credentials.env],
        resources: resources({ cpu: "50m", memory: "64Mi" }, { memory: "256Mi" }),
        volumeMounts: [credentials.files.mount],
      },
      volumes: [credentials.files.volume],
    });
  });
}
