/**
 * The databases namespace on AWS: a Job that gives each service its own role and database on the RDS
 * instance, as the RDS-managed master user (synced from Secrets Manager, never in the program). Idempotent:
 * roles and databases are created when missing, and each password is (re)set from its service's credential.
 */
import { createHash } from "node:crypto";
import { imageRef } from "../../domain/versions";
import { k8s, manifests, oneShotJob, resources, type Manifest } from "../kube";
import { DATABASES_NAMESPACE } from "../../domain/platform-namespaces";

export { DATABASES_NAMESPACE };
export const MASTER_SECRET = "postgres-master";

/** One service's role and database; the password is read from `secretName` (key `password`). */
export interface DatabaseGrant {
  readonly role: string;
  readonly database: string;
  readonly secretName: string;
}

/**
 * psql script run once per grant with -v role=… -v db=… -v passwordvar=<env var>; the password is read from
 * the environment inside psql (\getenv), never passed on a command line. Every statement is safe to repeat.
 */
export const SETUP_SQL = `\\set ON_ERROR_STOP on
\\getenv password :passwordvar
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \\gexec
ALTER ROLE :"role" WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'password';
SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE :"db" TO :"role";
\\connect :"db"
GRANT USAGE, CREATE ON SCHEMA public TO :"role";
`;

const ENTRYPOINT = `set -eu
for grant in $GRANTS; do
  role=\${grant%%:*}; rest=\${grant#*:}; db=\${rest%%:*}; var=\${rest#*:}
  psql -v role="$role" -v db="$db" -v passwordvar="$var" -f /sql/setup.sql
done
`;

const envName = (role: string) => `PASSWORD_${role.toUpperCase().replace(/-/g, "_")}`;

export interface DatabaseSetupArgs {
  readonly host: string;
  readonly port: number;
  readonly grants: readonly DatabaseGrant[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** A content hash in the Job name: a changed grant list or script runs the Job again (Jobs are immutable). */
export function setupJobName(grants: readonly DatabaseGrant[]): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([grants, SETUP_SQL, ENTRYPOINT]))
    .digest("hex")
    .slice(0, 8);
  return `database-setup-${hash}`;
}

export function databaseSetupObjects(args: DatabaseSetupArgs): Manifest[] {
  const labels = { ...args.labels, "app.kubernetes.io/name": "database-setup" };
  const meta = (name: string) => ({ name, namespace: DATABASES_NAMESPACE, labels });
  const fromSecret = (name: string, key: string): k8s.EnvVarSource => ({ secretKeyRef: { name, key } });
  const env: k8s.EnvVar[] = [
    { name: "PGHOST", value: args.host },
    { name: "PGPORT", value: String(args.port) },
    { name: "PGDATABASE", value: "postgres" },
    // RDS forces TLS (rds.force_ssl); verify-full would need the RDS CA bundle in the image.
    { name: "PGSSLMODE", value: "require" },
    { name: "PGUSER", valueFrom: fromSecret(MASTER_SECRET, "username") },
    { name: "PGPASSWORD", valueFrom: fromSecret(MASTER_SECRET, "password") },
    { name: "GRANTS", value: args.grants.map((g) => `${g.role}:${g.database}:${envName(g.role)}`).join(" ") },
    ...args.grants.map((g) => ({ name: envName(g.role), valueFrom: fromSecret(g.secretName, "password") })),
  ];
  return manifests((scope) => {
    new k8s.KubeConfigMap(scope, "config", { metadata: meta("database-setup"), data: { "setup.sql": SETUP_SQL, "entrypoint.sh": ENTRYPOINT } });
    new k8s.KubeServiceAccount(scope, "account", { metadata: meta("database-setup"), automountServiceAccountToken: false });
    oneShotJob(scope, {
      name: setupJobName(args.grants),
      namespace: DATABASES_NAMESPACE,
      labels,
      serviceAccountName: "database-setup",
      container: {
        name: "setup",
        image: imageRef("postgres"),
        command: ["/bin/sh", "/sql/entrypoint.sh"],
        env,
        resources: resources({ cpu: "50m", memory: "64Mi" }, { memory: "128Mi" }),
        volumeMounts: [{ name: "sql", mountPath: "/sql", readOnly: true }],
      },
      volumes: [{ name: "sql", configMap: { name: "database-setup" } }],
    });
  });
}
