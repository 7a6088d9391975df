/**
 * Evidently per team: one `evidently ui` instance for each team that opted into "evidently", in the evidently
 * namespace, with its own Service, database and write token. Evidently 0.7.21's OSS service has one write token and
 * no read authentication (evidently/ui/service/security/token.py, api/projects.py): an instance is the unit of
 * isolation, so what one team can reach (NetworkPolicy, the gateway) is exactly its own instance.
 * Pure data: this module imports only other domain facts.
 */
import { TEAM_NAMESPACE_LABEL } from "./ownership";
import { EVIDENTLY_NAMESPACE } from "./platform-namespaces";

export { EVIDENTLY_NAMESPACE };
/** The port every instance serves its API and UI on. */
export const EVIDENTLY_PORT = 8000;
/** On the pods of every instance: the gateway's proxies reach these on EVIDENTLY_PORT (their policies pick one instance each). */
export const EVIDENTLY_APP_LABELS = { "app.kubernetes.io/name": "evidently" } as const;

/** A team's instance: its Deployment, Service, ServiceAccount and the host label of its UI (evidently-<team>.<domain>). */
export const evidentlyInstance = (team: string): string => `evidently-${team}`;

/** The pod labels of a team's instance: the app labels and the team, which its Service and policies select. */
export const evidentlyPodLabels = (team: string): Readonly<Record<string, string>> => ({ ...EVIDENTLY_APP_LABELS, [TEAM_NAMESPACE_LABEL]: team });

/**
 * The Secret in a team's namespace with its own instance's write token. Not `evidently`, the shared instance's
 * Secret there before instances were per team: the credential behind it has a new Pulumi name, and two resources
 * claiming one object across that change would leave it deleted after the upgrade.
 */
export const EVIDENTLY_TOKEN_SECRET = "evidently-token";

/** The in-cluster URL of a team's instance (its drift jobs upload there). */
export const evidentlyUrl = (team: string): string => `http://${evidentlyInstance(team)}.${EVIDENTLY_NAMESPACE}.svc:${EVIDENTLY_PORT}`;

/**
 * A team's Postgres role and database: evidently_<team> with each `-` as `_`. Team names are DNS labels of at most
 * 40 characters ([a-z0-9-]), so the name is a plain lower-case identifier of at most 50 bytes (Postgres allows 63),
 * and no two teams share one (a team name holds no `_`).
 */
export const evidentlyDatabase = (team: string): string => `evidently_${team.replace(/-/g, "_")}`;
