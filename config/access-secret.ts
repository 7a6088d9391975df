/**
 * The company IdP's client secret: the one setting of this program that is a secret. It has its own project key,
 * set only with `pulumi config set --secret`, and never enters the plain config object; components get it as a
 * secret Output from accessClientSecret(). The offline plan runs without it (no passphrase, no cloud) and plans a
 * stand-in, masked like every secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../domain/project";
import type { AccessConfig } from "./access";
import type { Problem } from "./problems";

/** The project key (mlops-platform:accessClientSecret) that holds the OIDC client secret. */
export const ACCESS_CLIENT_SECRET_KEY = "accessClientSecret";

/** The command that sets it, run in the project folder against the stack. */
export const SET_CLIENT_SECRET_COMMAND = `pulumi config set --secret ${PROJECT}:${ACCESS_CLIENT_SECRET_KEY} <client secret>`;

/** How the stack holds the key: as a secret, as a plain (leaked) value, or not at all. */
export type ClientSecretState = "secret" | "plain" | "absent";

/**
 * What a missing client secret means: refused (`pulumi up` and preview, where the engine has the stack's secrets)
 * or planned as a masked stand-in secret (the offline plan, which never decrypts anything).
 */
export type MissingSecrets = "refuse" | "plan";

/** Problems with the client secret key; never repeats its value. */
export function clientSecretProblems(
  state: ClientSecretState,
  access: { readonly kind: "oidc" | "dex"; readonly clientId?: string } | undefined,
  missing: MissingSecrets,
): Problem[] {
  const at = ACCESS_CLIENT_SECRET_KEY;
  if (state === "plain") {
    return [
      {
        path: at,
        message: `holds the identity provider's client secret in plain text (the value is not repeated here), and it is accepted only as a secret: remove it from the stack file, rotate it, and set it with \`${SET_CLIENT_SECRET_COMMAND}\``,
      },
    ];
  }
  if (state === "secret" && access === undefined) {
    return [{ path: at, message: `is set, but there is no access section that uses it; remove it (pulumi config rm ${PROJECT}:${at})` }];
  }
  if (state === "secret" && access?.kind === "dex") {
    return [
      {
        path: at,
        message: `is not used with identityProvider kind dex: the platform generates its own Dex's client secret; remove it (pulumi config rm ${PROJECT}:${at})`,
      },
    ];
  }
  if (state === "absent" && access?.kind === "oidc" && missing === "refuse") {
    return [
      {
        path: at,
        message: `is required: the gateway and Grafana sign people in as client ${access.clientId ?? "(access.identityProvider.clientId)"} of the company's identity provider; set its client secret with \`${SET_CLIENT_SECRET_COMMAND}\``,
      },
    ];
  }
  return [];
}

// Internal SDK modules, reached the way the loader and the plan's recorder reach them: the mock monitor tells the
// offline plan from a real engine.
/* eslint-disable @typescript-eslint/no-require-imports */
const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): unknown };
const mocks = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: new (...args: never[]) => unknown };
/* eslint-enable @typescript-eslint/no-require-imports */

/** Whether the program runs under Pulumi's runtime mocks (the offline plan, tests) rather than a real engine. */
export function isOfflinePlan(): boolean {
  return settings.getMonitor() instanceof mocks.MockMonitor;
}

/** What the offline plan says once when it plans the client secret as unknown. */
export const UNSET_CLIENT_SECRET_NOTE = `${PROJECT}:${ACCESS_CLIENT_SECRET_KEY} is not set: the offline plan plans a stand-in for the identity provider's client secret (a secret, masked); \`pulumi up\` needs it (${SET_CLIENT_SECRET_COMMAND})`;

/** The offline plan's stand-in for an unset client secret: a secret, so every output shows it masked. */
export const OFFLINE_CLIENT_SECRET = "offline-plan-client-secret";

/** Per secret key, the stacks its note was given for: `npm run check` plans several in one process. */
const noted = new Map<string, Set<string>>();

/**
 * A secret project key as a secret Output: its value when set; unset, a known stand-in secret in the offline plan
 * (an unknown value would make a Secret's whole stringData unknown, so the plan could not write its keys), with
 * `note` said once per stack, and an error anywhere else (the loader has refused that stack before any component runs).
 */
export function secretOrStandIn(key: string, setCommand: string, note: string, standIn: string): pulumi.Output<string> {
  const value = new pulumi.Config(PROJECT).getSecret(key);
  if (value !== undefined) return value;
  if (!isOfflinePlan()) throw new Error(`${key}: is required; set it with \`${setCommand}\``);
  const stacks = noted.get(key) ?? new Set<string>();
  if (!stacks.has(pulumi.getStack())) void pulumi.log.info(note);
  noted.set(key, stacks.add(pulumi.getStack()));
  return pulumi.secret(standIn);
}

/**
 * The client secret of the company's IdP as a secret Output, for the gateway's OIDC policy and Grafana; undefined
 * without access or with Dex (whose secret the platform generates); unset, see secretOrStandIn.
 */
export function accessClientSecret(access: Pick<AccessConfig, "identityProvider"> | undefined): pulumi.Output<string> | undefined {
  if (access?.identityProvider.kind !== "oidc") return undefined;
  return secretOrStandIn(ACCESS_CLIENT_SECRET_KEY, SET_CLIENT_SECRET_COMMAND, UNSET_CLIENT_SECRET_NOTE, OFFLINE_CLIENT_SECRET);
}
