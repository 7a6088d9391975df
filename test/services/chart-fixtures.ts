/** Fixtures shared by the chart builder tests (charts*.test.ts). */
import { expect } from "vitest";
import { databaseSetupObjects, type DatabaseGrant } from "../../charts/services/database-setup";
import { redisObjects } from "../../charts/services/feast";
import { mlflowObjects, type MlflowArgs } from "../../charts/services/mlflow";
import { type EgressRule } from "../../charts/services/network";
import { bucketJobObjects, OBJECT_STORE_CREDENTIALS_SECRET, OBJECT_STORE_S3_ENDPOINT } from "../../components/storage/local-buckets";
import type { KubeObject } from "../../scripts/plan/extract";

export type Meta = { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
export type Obj = KubeObject & { metadata?: Meta; spec?: any; data?: Record<string, string>; [k: string]: any };

export const LABELS = { "cost-center": "platform" };
export const DB = { host: "mlops-prod-postgres.abc.us-east-1.rds.amazonaws.com", port: 5432, database: "mlflow", user: "mlflow" };
export const RDS_EGRESS: EgressRule = { kind: "cidr", cidr: "10.20.0.0/16", ports: [5432] };
export const S3_EGRESS: EgressRule[] = [{ kind: "aws-apis" }, { kind: "pod-identity" }];
export const MLFLOW_ARGS: MlflowArgs = {
  replicas: 2,
  database: DB,
  artifactsDestination: "s3://mlops-prod-artifacts-444455556666/mlflow/",
  region: "us-east-1",
  databaseEgress: RDS_EGRESS,
  storageEgress: S3_EGRESS,
  labels: LABELS,
};
export const GRANTS: DatabaseGrant[] = [
  { role: "mlflow", database: "mlflow", secretName: "mlflow-db" },
  { role: "feast", database: "feast", secretName: "feast-db" },
  { role: "evidently", database: "evidently", secretName: "evidently-db" },
];

export const mlflow = (a: Partial<MlflowArgs> = {}) => mlflowObjects({ ...MLFLOW_ARGS, ...a }) as Obj[];
export const setup = (grants: readonly DatabaseGrant[] = GRANTS) => databaseSetupObjects({ host: DB.host, port: 5432, grants, labels: LABELS }) as Obj[];
export const redis = () => redisObjects({ passwordSecret: "feast-redis-auth", labels: LABELS }) as Obj[];
export const buckets = () => bucketJobObjects("object-store") as Obj[];
export const find = (objs: Obj[], kind: string, name?: string) => {
  const hits = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (hits.length !== 1) throw new Error(`expected one ${kind} ${name ?? ""}, found ${hits.length}`);
  return hits[0];
};
export const podSpecOf = (o: Obj) => (o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);
export const WORKLOADS = ["Deployment", "StatefulSet", "Job", "CronJob", "DaemonSet"];
export const workloads = (objs: Obj[]) => objs.filter((o) => WORKLOADS.includes(o.kind));
export const containersOf = (o: Obj): any[] => [...(podSpecOf(o).initContainers ?? []), ...podSpecOf(o).containers];
export const envMap = (c: { env: { name: string; value?: string; valueFrom?: unknown }[] }) =>
  Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom]));

/** Every workload object we author, by builder. */
export const AUTHORED: Record<string, () => Obj[]> = {
  mlflow: () => mlflow(),
  "mlflow (local S3)": () => mlflow({ region: undefined, s3: { endpoint: OBJECT_STORE_S3_ENDPOINT, credentialsSecret: OBJECT_STORE_CREDENTIALS_SECRET } }),
  redis,
  "database setup": () => setup(),
  "local buckets": buckets,
};

/** A minimal INI reader: sections of key = value lines. */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = "";
  for (const line of text.split("\n")) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) out[(section = header[1])] = {};
    else if (line.includes("=")) {
      const i = line.indexOf("=");
      out[section][line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
  }
  return out;
}

/** A Go string literal's value (the escapes our templates use: \\ and \"). */
const goString = (literal: string): string => JSON.parse(literal) as string;
const GO_STRING = String.raw`"(?:[^"\\]|\\.)*"`;

/**
 * Renders the External Secrets templates we write the way Go's text/template with sprig does: `{{ .field }}`,
 * optionally piped through sprig's `replace "old" "new"` (every occurrence) any number of times.
 */
export function renderGoTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const action = new RegExp(String.raw`\{\{\s*\.(\w+)((?:\s*\|\s*replace\s+${GO_STRING}\s+${GO_STRING})*)\s*\}\}`, "g");
  const pipe = new RegExp(String.raw`replace\s+(${GO_STRING})\s+(${GO_STRING})`, "g");
  const out = template.replace(action, (_m, field: string, pipes: string) => {
    if (!(field in values)) throw new Error(`no value for ${field}`);
    let value = values[field];
    for (const [, from, to] of pipes.matchAll(pipe)) value = value.split(goString(from)).join(goString(to));
    return value;
  });
  if (out.includes("{{")) throw new Error(`unrendered action in ${out}`);
  return out;
}

/** A credential that breaks naive quoting in every file format we write: quotes, backslash, comment and separators. */
export const HOSTILE = String.raw`p"a's\s#w:o=r%d`;

/**
 * The in-cluster object store's keys reach this workload's first container as the mounted AWS shared credentials
 * file (read-only, mode 0440), and no key is in its environment.
 */
export function expectObjectStoreCredentialsFile(workload: Obj): any {
  const c = containersOf(workload)[0];
  const env = envMap(c);
  expect(env.AWS_SHARED_CREDENTIALS_FILE).toBe("/etc/object-store/credentials");
  expect(c.volumeMounts).toContainEqual({ name: "object-store-credentials", mountPath: "/etc/object-store", readOnly: true });
  expect(podSpecOf(workload).volumes).toContainEqual({
    name: "object-store-credentials",
    secret: { secretName: OBJECT_STORE_CREDENTIALS_SECRET, defaultMode: 0o440, items: [{ key: "credentials", path: "credentials" }] },
  });
  expect(env).not.toHaveProperty("AWS_ACCESS_KEY_ID");
  expect(env).not.toHaveProperty("AWS_SECRET_ACCESS_KEY");
  return c;
}
