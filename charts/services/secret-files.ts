/**
 * Secrets reach our containers as files (POD-11): a Secret volume with the keys a program reads, mounted
 * read-only as a directory (no subPath, so a rotated Secret reaches the file), and an environment variable
 * that names the file, never its content. Also the file formats several consumers share: the AWS shared
 * credentials file (the in-cluster object store's keys) and libpq's connection service file.
 */
import type { SecretTemplate } from "./external-secrets";
import type { k8s } from "../kube";

/**
 * Mode of every secret file we mount: read by the pod's user and its fsGroup (restrictedPodSpec sets both).
 * With an fsGroup the kubelet adds group read to each file of a secret volume whatever the mode says
 * (pkg/volume/volume_linux.go at Kubernetes v1.35, `roMask` 0440), so 0440 is what the pod sees in any case.
 */
export const SECRET_FILE_MODE = 0o440;

export interface SecretFiles {
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
  /** Path of one of the mounted keys. */
  readonly path: (key: string) => string;
}

/** A volume of `secretName` holding `keys` (each as a file of the same name) and its read-only mount at `dir`. */
export function secretFiles(volume: string, secretName: string, dir: string, keys: readonly string[]): SecretFiles {
  return {
    volume: { name: volume, secret: { secretName, defaultMode: SECRET_FILE_MODE, items: keys.map((key) => ({ key, path: key })) } },
    mount: { name: volume, mountPath: dir, readOnly: true },
    path: (key: string) => {
      if (!keys.includes(key)) throw new Error(`secret volume ${volume} does not hold ${key}`);
      return `${dir}/${key}`;
    },
  };
}

/** The key of the object store's credentials Secret that holds the AWS shared credentials file. */
export const AWS_CREDENTIALS_KEY = "credentials";

/**
 * The object store's keys as an AWS shared credentials file (profile default), which boto3, the AWS CLI and the
 * other AWS SDKs read from AWS_SHARED_CREDENTIALS_FILE. The raw keys stay beside it for consumers that can only
 * take them from the environment. Values: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
 */
export function objectStoreCredentialsTemplate(): SecretTemplate {
  return {
    AWS_ACCESS_KEY_ID: "{{ .AWS_ACCESS_KEY_ID }}",
    AWS_SECRET_ACCESS_KEY: "{{ .AWS_SECRET_ACCESS_KEY }}",
    [AWS_CREDENTIALS_KEY]: ["[default]", "aws_access_key_id = {{ .AWS_ACCESS_KEY_ID }}", "aws_secret_access_key = {{ .AWS_SECRET_ACCESS_KEY }}", ""].join("\n"),
  };
}

/** The object store's credentials file mounted from `secretName`, and the variable that points the AWS SDKs at it. */
export function objectStoreCredentialsFile(secretName: string): { readonly files: SecretFiles; readonly env: k8s.EnvVar } {
  const files = secretFiles("object-store-credentials", secretName, "/etc/object-store", [AWS_CREDENTIALS_KEY]);
  return { files, env: { name: "AWS_SHARED_CREDENTIALS_FILE", value: files.path(AWS_CREDENTIALS_KEY) } };
}

/** The key of a Secret that holds libpq's connection service file. */
export const PG_SERVICE_KEY = "pg_service.conf";

/**
 * libpq's connection service file with one service: the connection parameters a program must not see in its
 * environment or arguments (a password, the user that goes with it). libpq reads it from PGSERVICEFILE for the
 * service named in PGSERVICE and fills in only the parameters the connection does not set itself. Unlike the
 * password file (PGPASSFILE), which libpq ignores once any group or other permission bit is set, the service
 * file has no mode rule, so it works from a secret volume of a pod with an fsGroup. One parameter per line,
 * the value to the end of the line: a value must hold no line break.
 */
export function pgServiceFile(service: string, parameters: Readonly<Record<string, string>>): string {
  return [`[${service}]`, ...Object.entries(parameters).map(([k, v]) => `${k}=${v}`), ""].join("\n");
}

/** The variables that make libpq read `service` from the mounted service file. */
export function pgServiceEnv(files: SecretFiles, service: string): k8s.EnvVar[] {
  return [
    { name: "PGSERVICEFILE", value: files.path(PG_SERVICE_KEY) },
    { name: "PGSERVICE", value: service },
  ];
}
