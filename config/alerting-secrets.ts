/**
 * The alert receivers' credentials (Slack webhook URLs, PagerDuty keys, SMTP passwords, webhook URLs): one secret
 * project key holding a map from receiver name to its credential, set entry by entry with
 * `pulumi config set --secret --path`. Like accessClientSecret it never enters the plain config object; the
 * observability component gets it as a secret Output from alertingSecrets(). The offline plan runs without it and
 * plans masked stand-ins.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../domain/project";
import { isOfflinePlan, type MissingSecrets } from "./access-secret";
import { receiverSecretKind, type ReceiverInput } from "./alerting";

/** What the secret rules read of the alerting section. */
type Receivers = { readonly receivers: readonly ReceiverInput[] };
import { DNS1123_LABEL } from "./names";
import type { Problem } from "./problems";

/** The project key (mlops-platform:alertingSecrets) that holds every receiver's credential. */
export const ALERTING_SECRETS_KEY = "alertingSecrets";

/** The command that sets one receiver's credential, run in the project folder against the stack. */
export const setReceiverSecretCommand = (receiver: string): string =>
  `pulumi config set --secret --path '${PROJECT}:${ALERTING_SECRETS_KEY}.${receiver}' <value>`;

/**
 * How the stack holds the key: as a secret (with the receiver names it has, or "malformed" when it is not a map of
 * strings), as a plain (leaked) value, or not at all.
 */
export type AlertingSecretsState =
  { readonly state: "absent" } | { readonly state: "plain" } | { readonly state: "secret"; readonly names: readonly string[] | "malformed" };

/** The state of a raw value Pulumi handed over for the key; the value itself is never kept. */
export function alertingSecretsState(decoded: unknown, isSecret: boolean): AlertingSecretsState {
  if (!isSecret) return { state: "plain" };
  const isMap = decoded !== null && typeof decoded === "object" && !Array.isArray(decoded) && Object.values(decoded).every((v) => typeof v === "string");
  return { state: "secret", names: isMap ? Object.keys(decoded) : "malformed" };
}

/** Receivers that read a credential, by name, with what it is. */
export function receiversWithSecrets(alerting: Receivers | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of alerting?.receivers ?? []) {
    const kind = receiverSecretKind(r);
    if (kind !== undefined) out.set(r.name, kind);
  }
  return out;
}

/** Problems with the key; never repeats a value, and names a key only when it is a plain receiver name. */
export function alertingSecretProblems(held: AlertingSecretsState, alerting: Receivers | undefined, missing: MissingSecrets): Problem[] {
  const at = ALERTING_SECRETS_KEY;
  if (held.state === "plain")
    return [
      {
        path: at,
        message: `holds alert receivers' credentials in plain text (the values are not repeated here), and they are accepted only as secrets: remove it from the stack file, rotate them, and set each with \`${setReceiverSecretCommand("<receiver>")}\``,
      },
    ];
  if (held.state === "secret" && held.names === "malformed")
    return [
      {
        path: at,
        message: `is not a map from receiver name to its credential; set each entry with \`${setReceiverSecretCommand("<receiver>")}\``,
      },
    ];
  const needed = receiversWithSecrets(alerting);
  const heldNames = held.state === "secret" && held.names !== "malformed" ? held.names : [];
  if (held.state === "secret" && alerting === undefined)
    return [{ path: at, message: `is set, but there is no alerting section that uses it; remove it (pulumi config rm ${PROJECT}:${at})` }];
  const out: Problem[] = [];
  for (const name of heldNames) {
    if (needed.has(name)) continue;
    const shown = DNS1123_LABEL.test(name) && name.length <= 63;
    out.push({
      path: shown ? `${at}.${name}` : at,
      message: `${shown ? "names" : "has an entry that names"} no receiver of alerting.receivers that takes a credential; remove it (pulumi config rm --path '${PROJECT}:${at}.<name>')`,
    });
  }
  if (missing === "refuse") {
    for (const [name, kind] of needed) {
      if (!heldNames.includes(name))
        out.push({ path: `${at}.${name}`, message: `is required: receiver ${name} reads ${kind} from it; set it with \`${setReceiverSecretCommand(name)}\`` });
    }
  }
  return out;
}

/** What the offline plan says once when it plans stand-ins for missing credentials. */
export const UNSET_ALERTING_SECRETS_NOTE = (names: readonly string[]): string =>
  `${PROJECT}:${ALERTING_SECRETS_KEY} has no credential for ${names.join(", ")}: the offline plan plans stand-ins (secrets, masked); \`pulumi up\` needs them (${setReceiverSecretCommand("<receiver>")})`;

/** The offline plan's stand-in for an unset credential: a secret, so every output shows it masked. */
export const OFFLINE_RECEIVER_SECRET = "offline-plan-receiver-secret";

const noted = new Set<string>();

/**
 * Every receiver's credential, by receiver name, as one secret Output; undefined when no receiver needs one. A
 * missing entry is a stand-in in the offline plan and an error anywhere else (the loader refused that stack already).
 */
export function alertingSecrets(alerting: Receivers | undefined): pulumi.Output<Record<string, string>> | undefined {
  const needed = [...receiversWithSecrets(alerting).keys()];
  if (needed.length === 0) return undefined;
  const held = new pulumi.Config(PROJECT).getSecretObject<Record<string, string>>(ALERTING_SECRETS_KEY) ?? pulumi.secret<Record<string, string>>({});
  const offline = isOfflinePlan();
  const stack = pulumi.getStack();
  return pulumi.secret(
    held.apply((values) => {
      const absent = needed.filter((name) => typeof values[name] !== "string");
      if (absent.length > 0 && !offline)
        throw new Error(`${ALERTING_SECRETS_KEY}: no credential for ${absent.join(", ")}; set each with \`${setReceiverSecretCommand("<receiver>")}\``);
      if (absent.length > 0 && !noted.has(stack)) void pulumi.log.info(UNSET_ALERTING_SECRETS_NOTE(absent));
      noted.add(stack);
      return Object.fromEntries(needed.map((name) => [name, values[name] ?? OFFLINE_RECEIVER_SECRET]));
    }),
  );
}
