/**
 * The remote-write endpoint's basic-auth password: a secret, so its own project key set only with
 * `pulumi config set --secret`, never part of the plain config object (like accessClientSecret, access-secret.ts).
 * Components get it as a secret Output from remoteWritePassword(); the offline plan plans a masked stand-in.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../domain/project";
import { secretOrStandIn, type ClientSecretState, type MissingSecrets } from "./access-secret";
import type { Problem } from "./problems";
import type { RemoteWriteInput } from "./observability";

/** The project key (mlops-platform:remoteWritePassword). */
export const REMOTE_WRITE_PASSWORD_KEY = "remoteWritePassword";

export const SET_REMOTE_WRITE_PASSWORD_COMMAND = `pulumi config set --secret ${PROJECT}:${REMOTE_WRITE_PASSWORD_KEY} <password>`;

/** Whether the remote write takes a password: an endpoint with basic auth. */
export const usesPassword = (remote: RemoteWriteInput | undefined): boolean => remote?.kind === "endpoint" && remote.basicAuth !== undefined;

/** Problems with the password key against the remote write it serves; never repeats its value. */
export function remoteWritePasswordProblems(state: ClientSecretState, remote: RemoteWriteInput | undefined, missing: MissingSecrets): Problem[] {
  const at = REMOTE_WRITE_PASSWORD_KEY;
  if (state === "plain")
    return [
      {
        path: at,
        message: `holds the remote-write password in plain text (the value is not repeated here), and it is accepted only as a secret: remove it from the stack file, rotate it, and set it with \`${SET_REMOTE_WRITE_PASSWORD_COMMAND}\``,
      },
    ];
  if (state === "secret" && !usesPassword(remote))
    return [
      {
        path: at,
        message: `is set, but no remote write uses it (observability.prometheus.remoteWrite is not an endpoint with basicAuth); remove it (pulumi config rm ${PROJECT}:${at})`,
      },
    ];
  if (state === "absent" && usesPassword(remote) && missing === "refuse")
    return [
      {
        path: at,
        message: `is required: the remote-write endpoint takes basic auth (observability.prometheus.remoteWrite.basicAuth); set its password with \`${SET_REMOTE_WRITE_PASSWORD_COMMAND}\``,
      },
    ];
  return [];
}

export const UNSET_REMOTE_WRITE_PASSWORD_NOTE = `${PROJECT}:${REMOTE_WRITE_PASSWORD_KEY} is not set: the offline plan plans a stand-in for the remote-write password (a secret, masked); \`pulumi up\` needs it (${SET_REMOTE_WRITE_PASSWORD_COMMAND})`;

/** The offline plan's stand-in for an unset password: a secret, so every output shows it masked. */
export const OFFLINE_REMOTE_WRITE_PASSWORD = "offline-plan-remote-write-password";

/** The password as a secret Output when the remote write takes one, else undefined; unset, see secretOrStandIn. */
export function remoteWritePassword(remote: RemoteWriteInput | undefined): pulumi.Output<string> | undefined {
  if (!usesPassword(remote)) return undefined;
  return secretOrStandIn(REMOTE_WRITE_PASSWORD_KEY, SET_REMOTE_WRITE_PASSWORD_COMMAND, UNSET_REMOTE_WRITE_PASSWORD_NOTE, OFFLINE_REMOTE_WRITE_PASSWORD);
}
