/**
 * The databases namespace on AWS: a Job that gives each service its own role and database on the RDS
 * instance, as the RDS-managed master user (synced from Secrets Manager, never in the program). Idempotent:
 * roles and databases are created when missing, and each password is (re)set from its service's credential.
 * Every secret reaches the Job as a file (POD-11): the master credential as libpq's connection service file,
 * each service's password as a file that psql reads into a variable.
 */
import { createHash } from "node:crypto";
import { imageRef } from "../../domain/versions";
import type { SecretTemplate } from "./external-secrets";
import { PG_SERVICE_KEY, pgServiceEnv, pgServiceFile, SECRET_FILE_MODE, secretFiles } from "./secret-files";
import { k8s, manifests, oneShotJob, resources, type Manifest } from "../kube";
import { DATABASES_NAMESPACE } from "../../domain/platform-namespaces";

export { DATABASES_NAMESPACE };
export const MASTER_SECRET = "postgres-master";
/** The libpq service the setup Job connects as: the RDS-managed master user. */
export const MASTER_PG_SERVICE = "master";
/** Where each grant's password is mounted: one file per role, named after it. */
export const PASSWORDS_DIR = "/etc/database-setup/passwords";

/** One service's role and database; the password is read from `secretName` (key `password`). */
export interface DatabaseGrant {
  readonly role: string;
  readonly database: string;
  readonly secretName: string;
}

/**
 * The master Secret's content, as an External Secrets template over the RDS-managed secret's `username` and
 * `password`: libpq's service file (which, unlike a password file, libpq reads from a secret volume: see
 * secret-files.ts). RDS-generated passwords hold no line break, the one character a service file cannot carry.
 */
export function masterServiceTemplate(): SecretTemplate {
  return { [PG_SERVICE_KEY]: pgServiceFile(MASTER_PG_SERVICE, { user: "{{ .username }}", password: "{{ .password }}" }) };
}

/**
 * psql script run once per grant with -v role=… -v db=… -v passwordfile=<path>. psql reads the password from
 * the mounted file into a variable: a backquoted `cat` whose argument psql quotes for the shell (`:'var'`), so
 * only the path is ever on a command line and the password never in the environment. Every statement is safe
 * to repeat.
 */
export const SETUP_SQL = `\\set ON_ERROR_STOP on
\\set password \`cat :'passwordfile'\`
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
  role=\${grant%%:*}; db=\${grant#*:}
  psql -v role="$role" -v db="$db" -v passwordfile="${PASSWORDS_DIR}/$role" -f /sql/setup.sql
done
`;

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
  const master = secretFiles("master", MASTER_SECRET, "/etc/database-setup/master", [PG_SERVICE_KEY]);
  // One file per grant, named after its role, from the password Secret each service's credential makes here.
  const passwords: k8s.Volume = {
    name: "passwords",
    projected: {
      defaultMode: SECRET_FILE_MODE,
      sources: args.grants.map((g) => ({ secret: { name: g.secretName, items: [{ key: "password", path: g.role }] } })),
    },
  };
  const env: k8s.EnvVar[] = [
    { name: "PGHOST", value: args.host },
    { name: "PGPORT", value: String(args.port) },
    { name: "PGDATABASE", value: "postgres" },
    // RDS forces TLS (rds.force_ssl); verify-full would need the RDS CA bundle in the image.
    { name: "PGSSLMODE", value: "require" },
    // The master's user and password: the service file of the synced master Secret.
    ...pgServiceEnv(master, MASTER_PG_SERVICE),
    { name: "GRANTS", value: args.grants.map((g) => `${g.role}:${g.database}`).join(" ") },
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
        volumeMounts: [{ name: "sql", mountPath: "/sql", readOnly: true }, master.mount, { name: passwords.name, mountPath: PASSWORDS_DIR, readOnly: true }],
      },
      volumes: [{ name: "sql", configMap: { name: "database-setup" } }, master.volume, passwords],
    });
  });
}
