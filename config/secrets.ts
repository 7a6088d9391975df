/**
 * Plaintext secrets in a stack file (SEC-01): key names that say "secret", and values that are one. A stack
 * file is committed and its values are written to out/ by the offline plan, so a credential there is leaked.
 * Messages never repeat the value.
 */
import { formatPath, type PathSegment, type Problem } from "./problems";

/** Key names that must only ever hold `secure:` values. */
export const SECRET_NAME = /password|passwd|(^|[_.-])pass$|secret|token|credential|private.?key|api.?key/i;

/** Maps whose keys are data (label names), not setting names: never read as secret-looking keys. */
const DATA_MAPS = new Set(["labels"]);

/** Settings of the schema whose name says secret but that hold none (the IdP's token endpoint is a public URL). */
const NOT_SECRETS = new Set(["access.identityProvider.endpoints.token"]);

/** Only the dedicated secret keys take secrets (the loader judges them apart), so the advice is to remove it, not to encrypt it. */
export const SECRET_KEY_MESSAGE =
  "looks like a secret, and no setting of this program takes one: remove it from the stack file (AWS credentials come from the environment or an AWS profile, never from stack config; the identity provider's client secret goes to accessClientSecret, a remote-write password to remoteWritePassword and alert receivers' credentials to alertingSecrets, each set with --secret) and rotate it if it was real";

/** A credential used as a key: reported where the key stands, never in a path that spells it out. */
export const credentialKeyMessage = (kind: string): string =>
  `has a key that looks like ${kind} (not repeated here); remove it from the stack file and rotate it: a committed credential is a leaked one`;

/** Credential formats with a recognisable shape. Each is specific enough not to match ordinary config. */
export const SECRET_VALUE_PATTERNS: readonly { readonly kind: string; readonly pattern: RegExp }[] = [
  { kind: "an AWS access key ID", pattern: /\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
  { kind: "a private key", pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/ },
  { kind: "a GitHub token", pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/ },
  { kind: "a GitLab token", pattern: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { kind: "a Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: "a Slack webhook URL", pattern: /hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/ },
  { kind: "a Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: "a Stripe secret key", pattern: /\b[rs]k_live_[0-9A-Za-z]{20,}/ },
  { kind: "an npm token", pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: "a Pulumi access token", pattern: /\bpul-[a-f0-9]{40}\b/ },
  { kind: "a URL with a password in it", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:[^\s@/]+@/i },
  { kind: "a JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
];

/** Which credential `text` looks like, or undefined. */
export function secretValueKind(text: string): string | undefined {
  return SECRET_VALUE_PATTERNS.find((p) => p.pattern.test(text))?.kind;
}

/** Plaintext secrets inside one config value: credential-shaped strings, and keys named like secrets. */
export interface PlaintextSecrets {
  /** String leaves that hold a credential: the value must never be echoed by any later message. */
  readonly values: Problem[];
  /** Keys whose name says "secret" but whose value is plain. */
  readonly keys: Problem[];
}

export function plaintextSecrets(value: unknown, path: readonly PathSegment[]): PlaintextSecrets {
  const found: PlaintextSecrets = { values: [], keys: [] };
  const walk = (v: unknown, at: readonly PathSegment[]): void => {
    if (typeof v === "string") {
      const kind = secretValueKind(v);
      if (kind) {
        found.values.push({
          path: formatPath(at),
          message: `holds what looks like ${kind} in plain text (the value is not repeated here); remove it from the stack file and rotate it: a committed credential is a leaked one`,
        });
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...at, i]));
    } else if (v !== null && typeof v === "object") {
      const inDataMap = DATA_MAPS.has(String(at[at.length - 1]));
      for (const [k, item] of Object.entries(v)) {
        const kind = secretValueKind(k);
        // A credential used as a key is reported where the key stands, never in a path that spells it out.
        if (kind) found.values.push({ path: formatPath(at), message: credentialKeyMessage(kind) });
        else if (!inDataMap && SECRET_NAME.test(k) && !NOT_SECRETS.has(formatPath([...at, k])))
          found.keys.push({ path: formatPath([...at, k]), message: SECRET_KEY_MESSAGE });
        else walk(item, [...at, k]);
      }
    }
  };
  walk(value, path);
  return found;
}

/** Stands in for a credential while validation goes on. */
export const REDACTED = "[redacted]";

/** A copy of `value` with every credential-shaped string, value or key, replaced by REDACTED. */
export function redactSecrets(value: unknown): unknown {
  if (typeof value === "string") return secretValueKind(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [secretValueKind(k) ? REDACTED : k, redactSecrets(v)]));
  }
  return value;
}
